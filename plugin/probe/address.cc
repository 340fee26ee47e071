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

constexpr std::string_view kHostsFile = "/etc/hosts";
constexpr std::size_t kMaxHostsFile = 1 << 20;

bool is_ipv4(const std::string& text) {
  in_addr a{};
  return ::inet_pton(AF_INET, text.c_str(), &a) == 1;
}

bool is_ipv6(const std::string& text) {
  in6_addr a{};
  return ::inet_pton(AF_INET6, text.c_str(), &a) == 1;
}

// A host name as /etc/hosts may hold it: letters, digits, '-', '_' and '.'.
bool is_host_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  for (const char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  if (text.empty() || text.size() > 5) return std::nullopt;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(value);
}

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
  if (is_ipv4(address)) {
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

std::string endpoint_text(const Endpoint& endpoint) {
  if (endpoint.host.find(':') != std::string::npos) {
    return fmt::format("[{}]:{}", endpoint.host, endpoint.port);
  }
  return fmt::format("{}:{}", endpoint.host, endpoint.port);
}

Parsed<Endpoint> parse_endpoint(std::string_view text, std::optional<std::uint16_t> default_port) {
  Parsed<Endpoint> out;
  const std::string shown = printable(text);
  std::string_view host;
  std::string_view rest;
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) {
      out.error = fmt::format("'{}': '[' without ']'", shown);
      return out;
    }
    host = text.substr(1, close - 1);
    rest = text.substr(close + 1);
    if (!is_ipv6(std::string(host))) {
      out.error =
          fmt::format("'{}': '{}' in brackets is not an IPv6 address", shown, printable(host));
      return out;
    }
  } else {
    const std::size_t colon = text.find(':');
    host = text.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view() : text.substr(colon);
    if (rest.size() > 1 && rest.substr(1).find(':') != std::string_view::npos) {
      out.error =
          fmt::format("'{}': an IPv6 address is written in brackets: [ADDRESS]:PORT", shown);
      return out;
    }
    if (!is_host_name(host)) {
      out.error = fmt::format("'{}': '{}' is not a host name or address", shown, printable(host));
      return out;
    }
  }
  Endpoint endpoint;
  endpoint.host = std::string(host);
  if (rest.empty() && default_port) {
    endpoint.port = *default_port;
  } else if (!rest.starts_with(':')) {
    out.error = fmt::format("'{}' has no port: HOST:PORT or [IPv6]:PORT", shown);
    return out;
  } else if (std::optional<std::uint16_t> port = parse_port(rest.substr(1))) {
    endpoint.port = *port;
  } else {
    out.error =
        fmt::format("'{}': '{}' is not a port (1 to 65535)", shown, printable(rest.substr(1)));
    return out;
  }
  out.value = std::move(endpoint);
  return out;
}

Parsed<Url> parse_url(std::string_view text) {
  Parsed<Url> out;
  const std::string shown = printable(text);
  auto scheme_is = [&](std::string_view scheme) {
    return text.size() >= scheme.size() &&
           equal_ignoring_case(text.substr(0, scheme.size()), scheme);
  };
  if (scheme_is("https://")) {
    out.error = fmt::format(
        "'{}': https is not supported; check it with a command, e.g. "
        "command: [/usr/bin/curl, -fsS, {}]",
        shown, shown);
    return out;
  }
  if (!scheme_is("http://")) {
    out.error = fmt::format("'{}' is not an http:// URL", shown);
    return out;
  }
  for (const char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      out.error = fmt::format("'{}': a URL holds no spaces or control characters", shown);
      return out;
    }
  }
  std::string_view rest = text.substr(7);
  const std::size_t end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, end);
  std::string_view target = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (authority.find('@') != std::string_view::npos) {
    out.error = fmt::format("'{}': a URL with user information is not supported", shown);
    return out;
  }
  target = target.substr(0, target.find('#'));
  Parsed<Endpoint> endpoint = parse_endpoint(authority, 80);
  if (!endpoint.value) {
    out.error = fmt::format("'{}': {}", shown, endpoint.error);
    return out;
  }
  Url url;
  url.endpoint = std::move(*endpoint.value);
  url.host_header = std::string(authority);
  url.target = target.empty()            ? "/"
               : target.starts_with('?') ? "/" + std::string(target)
                                         : std::string(target);
  out.value = std::move(url);
  return out;
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
      if ((is_ipv4(address) || is_ipv6(address)) &&
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
  if (is_ipv4(host) || is_ipv6(host)) {
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
  if (!is_ipv4(host) && !is_ipv6(host)) {
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
