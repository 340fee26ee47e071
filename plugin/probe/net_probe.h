// The tcp and http probes: one attempt each, bounded by the deadline.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "probe/address.h"
#include "probe/deadline.h"

namespace bootassess::probe {

// A connection to `endpoint` is accepted (and closed at once).
Attempt tcp_attempt(const Endpoint& endpoint, const Deadline& deadline);

// What an answer's first bytes say: its status code, or why it is no HTTP
// answer (a 1xx status, an interim answer, is one too).
struct StatusLine {
  std::optional<int> code;
  std::string problem;
};

// The status line at the start of `answer` ("HTTP/1.1 200 OK\r\n...").
// `complete`: the peer has sent all it will (no more bytes come).
StatusLine parse_status_line(std::string_view answer, bool complete);

// The GET request sent for `url`.
std::string http_request(const Url& url);

// GET `url`; passes on a 2xx status, or exactly `status` when given. At most
// kMaxAnswer bytes are read: the status line is all that is looked at.
inline constexpr std::size_t kMaxAnswer = 8192;
Attempt http_attempt(const Url& url, std::optional<int> status, const Deadline& deadline);

}  // namespace bootassess::probe
