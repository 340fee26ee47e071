// Where a tcp or http check connects: host names looked up in /etc/hosts,
// and a connection made within a deadline (HOST:PORT and http:// URLs are
// parsed in load/check_target.h).
//
// Names are resolved from literal addresses and /etc/hosts only. The binary
// is static: glibc cannot load NSS modules (DNS, systemd-resolved, LDAP)
// into it, and a check that runs while a boot is being assessed must not
// wait on a network name service anyway. "localhost" is 127.0.0.1 and ::1
// when /etc/hosts does not name it (an initramfs may have no /etc/hosts).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "load/check_target.h"
#include "probe/deadline.h"
#include "root/fd.h"

namespace bootassess::probe {

// The parsed targets, from the layer below (load/check_target.h).
using check_target::Endpoint;
using check_target::endpoint_text;
using check_target::parse_endpoint;
using check_target::parse_url;
using check_target::Parsed;
using check_target::Url;

// The addresses /etc/hosts (its text) gives `name`, in the file's order.
std::vector<std::string> hosts_addresses(std::string_view hosts, std::string_view name);

// The addresses to connect to for `host`: itself when it is a literal,
// else what `hosts` (the text of /etc/hosts) says, else 127.0.0.1 and ::1
// for "localhost". Empty, with `error`, when the name is not found.
Parsed<std::vector<std::string>> resolve_host(const std::string& host, std::string_view hosts);

// The same, reading /etc/hosts.
Parsed<std::vector<std::string>> resolve_host(const std::string& host);

// A connected socket, or why there is none. `timed_out`: the deadline ended
// the attempt.
struct Connection {
  Fd fd;
  std::string error;  // "connection refused", "unknown host name ..."
  bool timed_out = false;
};

// Connects to `endpoint` (each of its addresses in turn) before `deadline`.
Connection connect_to(const Endpoint& endpoint, const Deadline& deadline);

// strerror(error) starting with a small letter, as a detail reads.
std::string error_text(int error);

}  // namespace bootassess::probe
