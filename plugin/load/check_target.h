// The targets of tcp and http health checks as written: HOST:PORT and
// http:// URLs, parsed without touching the disk or the network. Here, below
// the planner, so that a configuration's checks are validated by the very
// parser the probes use (probe/address.h connects to them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bootassess::check_target {

struct Endpoint {
  std::string host;  // a name, an IPv4 address, or an IPv6 address without its brackets
  std::uint16_t port = 0;
};

struct Url {
  Endpoint endpoint;
  std::string host_header;  // the authority as written: host[:port], [v6][:port]
  std::string target;       // path and query, "/" at least
};

// A parse's value, or why there is none.
template <typename T>
struct Parsed {
  std::optional<T> value;
  std::string error;
};

// "HOST:PORT" or "[IPv6]:PORT"; with `default_port`, ":PORT" may be left out.
Parsed<Endpoint> parse_endpoint(std::string_view text,
                                std::optional<std::uint16_t> default_port = std::nullopt);

// "http://HOST[:PORT][/PATH[?QUERY]]"; https:// and anything else is an
// error (https: the error says to use a command check).
Parsed<Url> parse_url(std::string_view text);

// `endpoint` as written: host:port, [v6]:port.
std::string endpoint_text(const Endpoint& endpoint);

// Literal addresses, as inet_pton reads them.
bool is_ipv4_address(const std::string& text);
bool is_ipv6_address(const std::string& text);

// ASCII letters compared without their case, as host names are.
bool equal_ignoring_case(std::string_view a, std::string_view b);

}  // namespace bootassess::check_target
