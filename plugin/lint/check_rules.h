// The rules of `boot_assessment: checks:`, for every step of every source,
// whatever its conditions:
//   check-name, check-name-duplicate, check-path, check-url, check-address,
//   check-command, check-unit, check-option, check-binary
//                        (plan/health_check.h: what the planner refuses)
//   check-timeout        a check that may run longer than systemd lets a unit
//                        start by default (DefaultTimeoutStartSec=, 90 s unless
//                        the root's system.conf sets it), or than
//                        boot-complete.target's JobTimeoutSec= in the root
//   check-wanted-reboot  `required: false` in a step with a non-empty
//                        `reboot_on_failure`: the check never reboots anyway
//   check-no-mode        checks in a step that gates no mode: never run
#pragma once

#include <optional>
#include <vector>

#include "diag/diagnostic.h"
#include "load/model.h"
#include "root/root_view.h"

namespace bootassess::lint {

// What the root tells of systemd's time limits, in seconds (nullopt: none).
struct StartLimits {
  double default_start = 90;            // DefaultTimeoutStartSec=
  std::string default_start_from;       // the file that set it; empty: systemd's default
  std::optional<double> boot_complete;  // JobTimeoutSec= of boot-complete.target
  std::string boot_complete_from;
};

StartLimits read_start_limits(const RootView& root);

// A systemd time span ("90", "90s", "1min 30s", "2.5min", "infinity"), in
// seconds; nullopt when systemd would not read it. Infinity is HUGE_VAL.
std::optional<double> parse_time_span(std::string_view text);

void check_health_checks(const std::vector<Source>& sources, const StartLimits& limits,
                         Diagnostics& out);

}  // namespace bootassess::lint
