// `boot_assessment: checks:`: what each check becomes (a generated unit that
// runs `bootassess check`), and the rules a check must satisfy whatever the
// root holds. The planner refuses a gate whose checks break them; `validate`
// reports them for every step, whatever its conditions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "boot/boot_mode.h"
#include "diag/diagnostic.h"
#include "load/model.h"

namespace bootassess {

// Generated units are named bootassess-check-NAME.service, under
// /run/systemd/system.
inline constexpr std::string_view kCheckUnitPrefix = "bootassess-check-";
inline constexpr std::string_view kCheckUnitSuffix = ".service";
// The longest check name: its unit's drop-in directory (NAME.service.d) must
// still be a file name the kernel takes (255 bytes).
inline constexpr std::size_t kMaxCheckName = 255 - 2 - 17 - 8;
// The [Unit] keys that tell `status` which check a unit runs; systemd
// ignores keys that start with X-.
inline constexpr std::string_view kCheckNameKey = "X-Bootassess-Check";
inline constexpr std::string_view kCheckRequiredKey = "X-Bootassess-Required";
// TimeoutStartSec= of a generated unit is the check's timeout plus this, so
// that the verb always prints its line before systemd stops it.
inline constexpr double kCheckTimeoutMargin = 5;

std::string check_unit_name(std::string_view check_name);
// Whether `name` can name a check: letters, digits, `-`, `_`, `.`, `:`, at
// most kMaxCheckName of them.
bool is_check_name(std::string_view name);
// The check name of a generated unit's name; empty for any other unit.
std::string check_name_of_unit(std::string_view unit);

double check_timeout(const HealthCheck& check);
double check_interval(const HealthCheck& check);
// Seconds as the verb and systemd read them: "30", "0.5", "2.25".
std::string format_seconds(double seconds);

// One ExecStart= word, as systemd parses it back to exactly `arg`: `%` and
// `$` doubled, quoted with C escapes when it holds blanks, quotes,
// backslashes or control characters, or is empty or a lone `;`.
std::string systemd_exec_word(std::string_view arg);

// The verb's argv for `check`, the binary first.
std::vector<std::string> check_command_line(const HealthCheck& check, std::string_view binary);

// The generated unit file. `step` names the step, for the comment. A wanted
// check's is WantedBy=boot-complete.target; a required one has no [Install]:
// the gate's drop-in makes it RequiredBy= the target.
std::string check_unit_content(const HealthCheck& check, std::string_view binary,
                               std::string_view step, BootMode mode);

// The rules that hold whatever the root: names (check-name,
// check-name-duplicate), paths (check-path), URLs (check-url), addresses
// (check-address), commands (check-command), units (check-unit), options
// (check-option), the binary (check-binary). Adds what it finds to `out`;
// false when an error keeps the step's checks from being generated.
bool check_configuration(const BootAssessmentStep& gate, Diagnostics& out);

// The check binary of a gate: `check_binary` or the default.
std::string check_binary(const BootAssessmentStep& gate);

}  // namespace bootassess
