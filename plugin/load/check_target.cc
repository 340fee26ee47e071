#include "load/check_target.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <cctype>
#include <charconv>

#include "diag/diagnostic.h"

namespace bootassess::check_target {
namespace {

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

std::optional<std::uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  if (text.empty() || text.size() > 5) return std::nullopt;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(value);
}

}  // namespace

bool is_ipv4_address(const std::string& text) {
  in_addr a{};
  return ::inet_pton(AF_INET, text.c_str(), &a) == 1;
}

bool is_ipv6_address(const std::string& text) {
  in6_addr a{};
  return ::inet_pton(AF_INET6, text.c_str(), &a) == 1;
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
    if (!is_ipv6_address(std::string(host))) {
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

}  // namespace bootassess::check_target
