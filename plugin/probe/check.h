// `bootassess check`: one probe, retried until it passes or its deadline
// passes, and the one line that says how it went.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/address.h"
#include "probe/deadline.h"

namespace bootassess::probe {

enum class Kind { mount, path, tcp, http, command, unit };
inline constexpr std::string_view kKindNames[] = {"mount", "path",    "tcp",
                                                  "http",  "command", "unit"};
std::string_view kind_name(Kind kind);

inline constexpr double kDefaultTimeoutSeconds = 30;
inline constexpr double kDefaultIntervalSeconds = 1;

// The command line as given: words, not yet checked.
struct CheckRequest {
  std::string kind;
  std::vector<std::string> words;  // TARGET, or for command the ARGV after `--`
  std::string name;                // empty: the kind
  double timeout = kDefaultTimeoutSeconds;
  double interval = kDefaultIntervalSeconds;
  std::optional<std::string> fstype;
  std::optional<std::string> type;
  std::optional<int> status;
};

// A check that can run.
struct CheckSpec {
  Kind kind = Kind::path;
  std::string name;
  std::string target;             // PATH, HOST:PORT, URL or unit name
  std::vector<std::string> argv;  // command
  std::optional<Endpoint> endpoint;
  std::optional<Url> url;
  std::optional<std::string> fstype;
  std::optional<std::string> type;
  std::optional<int> status;
  std::chrono::milliseconds timeout{30000};
  std::chrono::milliseconds interval{1000};
};

// The spec of `request`, or the usage error that it is.
Parsed<CheckSpec> make_check_spec(const CheckRequest& request);

// Runs the check: the probe of its kind until it passes or the deadline.
Verdict run_check(const CheckSpec& spec);

// "NAME: ok: DETAIL" or "NAME: failed: DETAIL", with no newline in it.
std::string check_line(const std::string& name, const Verdict& verdict);

}  // namespace bootassess::probe
