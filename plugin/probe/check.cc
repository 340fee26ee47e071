#include "probe/check.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "diag/diagnostic.h"
#include "probe/local_probe.h"
#include "probe/net_probe.h"
#include "systemd/unit_name.h"

namespace bootassess::probe {
namespace {

// The longest deadline or interval taken: a year, far past any boot.
constexpr double kMaxSeconds = 365.0 * 86400;

std::optional<std::chrono::milliseconds> seconds(double value) {
  if (!std::isfinite(value) || value <= 0 || value > kMaxSeconds) return std::nullopt;
  return std::chrono::milliseconds(
      std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(value * 1000))));
}

std::string joined_kinds() {
  std::string out;
  for (const std::string_view kind : kKindNames)
    out += fmt::format("{}{}", out.empty() ? "" : ", ", kind);
  return out;
}

std::string joined_types() {
  std::string out;
  for (const std::string_view type : kPathTypes)
    out += fmt::format("{}{}", out.empty() ? "" : ", ", type);
  return out;
}

Parsed<CheckSpec> usage(std::string message) {
  Parsed<CheckSpec> out;
  out.error = std::move(message);
  return out;
}

}  // namespace

std::string_view kind_name(Kind kind) {
  return kKindNames[static_cast<std::size_t>(kind)];
}

Parsed<CheckSpec> make_check_spec(const CheckRequest& request) {
  const auto* known = std::find(std::begin(kKindNames), std::end(kKindNames), request.kind);
  if (known == std::end(kKindNames)) {
    return usage(fmt::format("'{}' is not a kind of check (one of {})", printable(request.kind),
                             joined_kinds()));
  }
  CheckSpec spec;
  spec.kind = static_cast<Kind>(known - std::begin(kKindNames));
  const std::string kind(kind_name(spec.kind));
  spec.name = request.name.empty() ? kind : request.name;
  if (spec.name.find_first_of("\n\r") != std::string::npos) {
    return usage("--name: a name is one line");
  }
  const std::optional<std::chrono::milliseconds> timeout = seconds(request.timeout);
  const std::optional<std::chrono::milliseconds> interval = seconds(request.interval);
  if (!timeout) return usage("--timeout: a number of seconds greater than 0 is expected");
  if (!interval) return usage("--interval: a number of seconds greater than 0 is expected");
  spec.timeout = *timeout;
  spec.interval = *interval;
  if (request.fstype && spec.kind != Kind::mount) return usage("--fstype is only for mount");
  if (request.type && spec.kind != Kind::path) return usage("--type is only for path");
  if (request.status && spec.kind != Kind::http) return usage("--status is only for http");
  if (request.fstype && request.fstype->empty()) return usage("--fstype: no type given");
  if (request.type && std::find(std::begin(kPathTypes), std::end(kPathTypes), *request.type) ==
                          std::end(kPathTypes)) {
    return usage(
        fmt::format("--type: '{}' is not one of {}", printable(*request.type), joined_types()));
  }
  if (request.status && (*request.status < 100 || *request.status > 599)) {
    return usage("--status: an HTTP status code (100 to 599) is expected");
  }
  spec.fstype = request.fstype;
  spec.type = request.type;
  spec.status = request.status;

  if (spec.kind == Kind::command) {
    if (request.words.empty()) return usage("command: the program to run is missing: -- ARGV...");
    if (!request.words.front().starts_with('/')) {
      return usage(fmt::format("command: '{}' is not an absolute path (no PATH lookup is made)",
                               printable(request.words.front())));
    }
    spec.argv = request.words;
    spec.target = request.words.front();
    return Parsed<CheckSpec>{std::move(spec), {}};
  }
  if (request.words.empty()) return usage(fmt::format("{}: the target is missing", kind));
  if (request.words.size() > 1) {
    return usage(fmt::format("{}: one target is expected, '{}' is one too many", kind,
                             printable(request.words[1])));
  }
  spec.target = request.words.front();
  switch (spec.kind) {
    case Kind::mount:
    case Kind::path:
      if (!spec.target.starts_with('/')) {
        return usage(fmt::format("{}: '{}' is not an absolute path", kind, printable(spec.target)));
      }
      break;
    case Kind::tcp: {
      Parsed<Endpoint> endpoint = parse_endpoint(spec.target);
      if (!endpoint.value) return usage("tcp: " + endpoint.error);
      spec.endpoint = std::move(endpoint.value);
      break;
    }
    case Kind::http: {
      Parsed<Url> url = parse_url(spec.target);
      if (!url.value) return usage("http: " + url.error);
      spec.url = std::move(url.value);
      break;
    }
    case Kind::unit:
      // As systemctl takes it: a full name, or a service's without ".service".
      if (!systemd::is_valid_unit_name(spec.target) &&
          !systemd::is_valid_unit_name(spec.target + ".service")) {
        return usage(fmt::format("unit: '{}' is not a unit name", printable(spec.target)));
      }
      break;
    case Kind::command:
      break;
  }
  return Parsed<CheckSpec>{std::move(spec), {}};
}

Verdict run_check(const CheckSpec& spec) {
  switch (spec.kind) {
    case Kind::mount:
      return retry_until(spec.timeout, spec.interval,
                         [&](const Deadline&) { return mount_attempt(spec.target, spec.fstype); });
    case Kind::path:
      return retry_until(spec.timeout, spec.interval,
                         [&](const Deadline&) { return path_attempt(spec.target, spec.type); });
    case Kind::tcp:
      return retry_until(spec.timeout, spec.interval, [&](const Deadline& deadline) {
        return tcp_attempt(*spec.endpoint, deadline);
      });
    case Kind::http:
      return retry_until(spec.timeout, spec.interval, [&](const Deadline& deadline) {
        return http_attempt(*spec.url, spec.status, deadline);
      });
    case Kind::command:
      return retry_until(spec.timeout, spec.interval, [&](const Deadline& deadline) {
        return command_attempt(spec.argv, deadline);
      });
    case Kind::unit: {
      const TimedUnitQuery query = systemctl_unit_query();
      std::string last_seen;
      return retry_until(spec.timeout, spec.interval, [&](const Deadline& deadline) {
        return unit_attempt(spec.target, query, deadline, last_seen);
      });
    }
  }
  return Verdict{};
}

std::string check_line(const std::string& name, const Verdict& verdict) {
  return fmt::format("{}: {}: {}", printable(name), verdict.passed ? "ok" : "failed",
                     printable(verdict.detail));
}

}  // namespace bootassess::probe
