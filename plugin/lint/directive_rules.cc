#include "lint/directive_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "load/keys.h"

namespace bootassess::lint {
namespace {

using namespace std::string_view_literals;

// [Unit] directives users put in drop-ins, enough to place and spell-check
// the common ones.
constexpr std::array kUnitDirectives{"Description"sv,
                                     "Documentation"sv,
                                     "Wants"sv,
                                     "Requires"sv,
                                     "Requisite"sv,
                                     "BindsTo"sv,
                                     "PartOf"sv,
                                     "Upholds"sv,
                                     "Conflicts"sv,
                                     "Before"sv,
                                     "After"sv,
                                     "OnFailure"sv,
                                     "OnSuccess"sv,
                                     "DefaultDependencies"sv,
                                     "FailureAction"sv,
                                     "SuccessAction"sv,
                                     "FailureActionExitStatus"sv,
                                     "SuccessActionExitStatus"sv,
                                     "JobTimeoutSec"sv,
                                     "JobTimeoutAction"sv,
                                     "StartLimitIntervalSec"sv,
                                     "StartLimitBurst"sv,
                                     "StartLimitAction"sv,
                                     "RebootArgument"sv,
                                     "RefuseManualStart"sv,
                                     "RefuseManualStop"sv,
                                     "AllowIsolate"sv,
                                     "StopWhenUnneeded"sv,
                                     "IgnoreOnIsolate"sv,
                                     "ConditionPathExists"sv,
                                     "AssertPathExists"sv,
                                     "ConditionKernelCommandLine"sv,
                                     "ConditionVirtualization"sv};
constexpr std::array kInstallDirectives{"WantedBy"sv, "RequiredBy"sv, "UpheldBy"sv,
                                        "Alias"sv,    "Also"sv,       "DefaultInstance"sv};
// The emergency actions systemd accepts (252's list plus later additions).
constexpr std::array kEmergencyActions{
    "none"sv,        "reboot"sv,         "reboot-force"sv,       "reboot-immediate"sv,
    "poweroff"sv,    "poweroff-force"sv, "poweroff-immediate"sv, "exit"sv,
    "exit-force"sv,  "soft-reboot"sv,    "soft-reboot-force"sv,  "kexec"sv,
    "kexec-force"sv, "halt"sv,           "halt-force"sv,         "halt-immediate"sv};

template <std::size_t N>
bool in(const std::array<std::string_view, N>& set, std::string_view key) {
  return std::find(set.begin(), set.end(), key) != set.end();
}

}  // namespace

bool is_rebooting_action(std::string_view value) {
  return value == "reboot" || value == "reboot-force" || value == "reboot-immediate" ||
         value == "soft-reboot" || value == "soft-reboot-force" || value == "kexec" ||
         value == "kexec-force";
}

void check_directives(const std::vector<Directive>& directives, const std::string& unit,
                      Diagnostics& out) {
  for (const Directive& d : directives) {
    if (!d.skipped_because.empty()) {
      out.warning(d.where, "unit-syntax",
                  fmt::format("systemd skips this line of {}: {}", unit, d.skipped_because));
      continue;
    }
    const bool unit_key = in(kUnitDirectives, d.key);
    const bool install_key = in(kInstallDirectives, d.key);
    if (unit_key && d.section != "Unit") {
      out.warning(
          d.where, "directive-wrong-section",
          fmt::format("{}= is a [Unit] directive but sits in [{}] of {}", d.key, d.section, unit),
          "move it under [Unit]");
    } else if (install_key && d.section != "Install") {
      out.warning(d.where, "directive-wrong-section",
                  fmt::format("{}= is an [Install] directive but sits in [{}] of {}: "
                              "`systemctl enable` only reads [Install], so no link is made",
                              d.key, d.section, unit),
                  "move it under [Install]");
    } else if ((d.section == "Unit" || d.section == "Install") && !unit_key && !install_key &&
               d.key.rfind("X-", 0) != 0) {
      std::vector<std::string_view> known(kUnitDirectives.begin(), kUnitDirectives.end());
      known.insert(known.end(), kInstallDirectives.begin(), kInstallDirectives.end());
      const std::string suggestion = keys::suggest(d.key, known);
      if (!suggestion.empty() && suggestion != d.key) {
        out.warning(d.where, "directive-misspelled",
                    fmt::format("unknown directive {}= in [{}] of {}: systemd ignores it", d.key,
                                d.section, unit),
                    fmt::format("did you mean {}=?", suggestion));
      }
    }
    if ((d.key == "FailureAction" || d.key == "SuccessAction") && !d.value.empty() &&
        !in(kEmergencyActions, d.value)) {
      out.error(
          d.where, "failure-action-invalid",
          fmt::format("{}={} is not an action systemd knows: it ignores the line, so "
                      "nothing happens when {} {}",
                      d.key, d.value, unit, d.key == "FailureAction" ? "fails" : "succeeds"),
          "use none, reboot, reboot-force, reboot-immediate, poweroff, ... (systemd.unit(5))");
    }
  }
}

}  // namespace bootassess::lint
