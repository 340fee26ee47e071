#include "probe/net_probe.h"

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "diag/diagnostic.h"

namespace bootassess::probe {
namespace {

// Waits until `fd` is ready for `events` or the deadline passes: 1 ready,
// 0 deadline, -1 error (errno).
int wait_for(int fd, short events, const Deadline& deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(deadline.left().count()));
    if (ready < 0 && errno == EINTR) continue;
    return ready;
  }
}

Attempt failed(std::string detail, bool timed_out = false) {
  Attempt a;
  a.detail = std::move(detail);
  a.timed_out = timed_out;
  return a;
}

}  // namespace

Attempt tcp_attempt(const Endpoint& endpoint, const Deadline& deadline) {
  const std::string target = endpoint_text(endpoint);
  Connection c = connect_to(endpoint, deadline);
  if (!c.fd.ok()) return failed(fmt::format("{}: {}", target, c.error), c.timed_out);
  Attempt a;
  a.passed = true;
  a.detail = fmt::format("{} accepted a connection", target);
  return a;
}

StatusLine parse_status_line(std::string_view answer, bool complete) {
  StatusLine s;
  const std::size_t newline = answer.find('\n');
  // Bytes that cannot begin a status line need not be waited on.
  constexpr std::string_view kVersion = "HTTP/1.";
  const std::string_view head = answer.substr(0, std::min(answer.size(), kVersion.size()));
  const bool may_be_http = kVersion.starts_with(head);
  if (newline == std::string_view::npos && !complete && answer.size() < kMaxAnswer && may_be_http) {
    return s;
  }
  if (answer.empty()) {
    s.problem = "closed the connection without an answer";
    return s;
  }
  std::string_view line = answer.substr(0, newline);
  if (line.ends_with('\r')) line.remove_suffix(1);
  const std::string shown = fmt::format("\"{}\"", abbreviated(printable(line), 60));
  // HTTP/1.x SP 3DIGIT [SP reason]
  const bool versioned = line.size() >= 12 && line.starts_with("HTTP/1.") && line[8] == ' ' &&
                         (line[7] == '0' || line[7] == '1');
  const std::string_view digits = versioned ? line.substr(9, 3) : std::string_view();
  const bool numeric = digits.size() == 3 && digits[0] >= '1' && digits[0] <= '5' &&
                       digits[1] >= '0' && digits[1] <= '9' && digits[2] >= '0' && digits[2] <= '9';
  if (!versioned || !numeric || (line.size() > 12 && line[12] != ' ')) {
    s.problem = fmt::format("answered with no HTTP status line: {}", shown);
    return s;
  }
  const int code = (digits[0] - '0') * 100 + (digits[1] - '0') * 10 + (digits[2] - '0');
  if (code < 200) {
    s.problem = fmt::format("answered {}, an interim status, where a final one was expected", code);
    return s;
  }
  s.code = code;
  return s;
}

std::string http_request(const Url& url) {
  return fmt::format(
      "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: bootassess/{}\r\nAccept: */*\r\n"
      "Connection: close\r\n\r\n",
      url.target, url.host_header, BOOTASSESS_VERSION);
}

Attempt http_attempt(const Url& url, std::optional<int> status, const Deadline& deadline) {
  const std::string shown = fmt::format("http://{}{}", url.host_header, url.target);
  Connection c = connect_to(url.endpoint, deadline);
  if (!c.fd.ok()) return failed(fmt::format("{}: {}", shown, c.error), c.timed_out);
  const std::string request = http_request(url);
  std::size_t sent = 0;
  while (sent < request.size()) {
    const int ready = wait_for(c.fd.get(), POLLOUT, deadline);
    if (ready == 0) return failed(fmt::format("{}: request not sent", shown), true);
    if (ready < 0) return failed(fmt::format("{}: {}", shown, error_text(errno)));
    const ssize_t n =
        ::send(c.fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0)
      return failed(fmt::format("{}: cannot send the request: {}", shown, error_text(errno)));
    sent += static_cast<std::size_t>(n);
  }
  std::string answer;
  bool complete = false;
  for (;;) {
    const StatusLine line = parse_status_line(answer, complete);
    if (line.code) {
      const bool good = status ? *line.code == *status : *line.code / 100 == 2;
      Attempt a;
      a.passed = good;
      a.detail = good || !status
                     ? fmt::format("{} answered {}", shown, *line.code)
                     : fmt::format("{} answered {}, not {}", shown, *line.code, *status);
      return a;
    }
    if (!line.problem.empty()) return failed(fmt::format("{} {}", shown, line.problem));
    const int ready = wait_for(c.fd.get(), POLLIN, deadline);
    if (ready == 0) return failed(fmt::format("{}: no answer", shown), true);
    if (ready < 0) return failed(fmt::format("{}: {}", shown, error_text(errno)));
    char buf[1024];
    const std::size_t room = kMaxAnswer - answer.size();
    const ssize_t n = ::recv(c.fd.get(), buf, std::min(room, sizeof buf), 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return failed(fmt::format("{}: {}", shown, error_text(errno)));
    if (n == 0) complete = true;
    answer.append(buf, static_cast<std::size_t>(n));
  }
}

}  // namespace bootassess::probe
