#include "probe/address.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "diag/diagnostic.h"

namespace bootassess::probe {
namespace {

using check_target::equal_ignoring_case;
using check_target::is_ipv4_address;
using check_target::is_ipv6_address;

constexpr std::string_view kHostsFile = "/etc/hosts";
constexpr std::size_t kMaxHostsFile = 1 << 20;

// The whitespace-separated words of `line`.
std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t at = 0;
  while (at < line.size()) {
    while (at < line.size() && (line[at] == ' ' || line[at] == '\t' || line[at] == '\r'))
      ++at;
    const std::size_t start = at;
    while (at < line.size() && line[at] != ' ' && line[at] != '\t' && line[at] != '\r')
      ++at;
    if (at > start) out.push_back(line.substr(start, at - start));
  }
  return out;
}

// One address tried: a connected socket, or the error.
Connection connect_one(const std::string& address, std::uint16_t port, const Deadline& deadline) {
  Connection c;
  sockaddr_storage storage{};
  socklen_t length = 0;
  if (is_ipv4_address(address)) {
    auto* in = reinterpret_cast<sockaddr_in*>(&storage);
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    ::inet_pton(AF_INET, address.c_str(), &in->sin_addr);
    length = sizeof(sockaddr_in);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    if (::inet_pton(AF_INET6, address.c_str(), &in6->sin6_addr) != 1) {
      c.error = fmt::format("'{}' is not an address", printable(address));
      return c;
    }
    length = sizeof(sockaddr_in6);
  }
  Fd fd(::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.ok()) {
    c.error = fmt::format("cannot create a socket: {}", error_text(errno));
    return c;
  }
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&storage), length) != 0) {
    if (errno != EINPROGRESS && errno != EINTR) {
      c.error = error_text(errno);
      return c;
    }
    for (;;) {
      pollfd p{fd.get(), POLLOUT, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(deadline.left().count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0) {
        c.error = error_text(errno);
        return c;
      }
      if (ready == 0) {
        c.error = "connection not accepted";
        c.timed_out = true;
        return c;
      }
      break;
    }
    int error = 0;
    socklen_t size = sizeof error;
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &size) != 0) error = errno;
    if (error != 0) {
      c.error = error_text(error);
      return c;
    }
  }
  c.fd = std::move(fd);
  return c;
}

}  // namespace

std::string error_text(int error) {
  std::string text = std::strerror(error);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

std::vector<std::string> hosts_addresses(std::string_view hosts, std::string_view name) {
  std::vector<std::string> out;
  while (!hosts.empty()) {
    const std::size_t newline = hosts.find('\n');
    std::string_view line = hosts.substr(0, newline);
    hosts = newline == std::string_view::npos ? std::string_view() : hosts.substr(newline + 1);
    line = line.substr(0, line.find('#'));
    const std::vector<std::string_view> fields = words(line);
    for (std::size_t i = 1; i < fields.size(); ++i) {
      if (!equal_ignoring_case(fields[i], name)) continue;
      const std::string address(fields[0]);
      if ((is_ipv4_address(address) || is_ipv6_address(address)) &&
          std::find(out.begin(), out.end(), address) == out.end()) {
        out.push_back(address);
      }
      break;
    }
  }
  return out;
}

Parsed<std::vector<std::string>> resolve_host(const std::string& host, std::string_view hosts) {
  Parsed<std::vector<std::string>> out;
  if (is_ipv4_address(host) || is_ipv6_address(host)) {
    out.value = std::vector<std::string>{host};
    return out;
  }
  std::vector<std::string> found = hosts_addresses(hosts, host);
  if (found.empty() && equal_ignoring_case(host, "localhost")) found = {"127.0.0.1", "::1"};
  if (found.empty()) {
    out.error = fmt::format(
        "unknown host name '{}' (names are looked up in /etc/hosts only: no DNS)", printable(host));
    return out;
  }
  out.value = std::move(found);
  return out;
}

Parsed<std::vector<std::string>> resolve_host(const std::string& host) {
  std::string hosts;
  if (!is_ipv4_address(host) && !is_ipv6_address(host)) {
    const Fd fd(::open(std::string(kHostsFile).c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.ok()) read_to_end(fd.get(), hosts, kMaxHostsFile);
  }
  return resolve_host(host, hosts);
}

Connection connect_to(const Endpoint& endpoint, const Deadline& deadline) {
  Parsed<std::vector<std::string>> addresses = resolve_host(endpoint.host);
  if (!addresses.value) {
    Connection c;
    c.error = addresses.error;
    return c;
  }
  Connection last;
  for (const std::string& address : *addresses.value) {
    last = connect_one(address, endpoint.port, deadline);
    if (last.fd.ok() || last.timed_out) break;
  }
  if (!last.fd.ok() && addresses.value->size() > 1) {
    std::string tried;
    for (const std::string& address : *addresses.value)
      tried += (tried.empty() ? "" : ", ") + address;
    last.error += fmt::format(" (tried {})", tried);
  }
  return last;
}

}  // namespace bootassess::probe
