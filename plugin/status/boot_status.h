// `bootassess status`: what a person asks after a reboot. The boot mode, the
// booted entry, whether the boot is counted, whether boot-complete.target was
// reached and how each gated unit fared, and a one-line verdict.
//
// Gathering is pure: the root is read through a view, and unit states come
// from a UnitQuery (systemctl in the command, a fake in tests).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "boot/boot_counting.h"
#include "boot/boot_mode.h"
#include "boot/loader_entries.h"
#include "root/root_view.h"

namespace bootassess::status {

// What systemd says of one unit, as `systemctl show` prints it. A property
// systemctl leaves out (a target has no ExecMainStatus) stays empty.
struct UnitState {
  std::string id;
  std::string load_state;    // loaded, not-found, masked, ...
  std::string active_state;  // active, inactive, failed, activating, ...
  std::string sub_state;     // running, exited, dead, ...
  std::string result;        // success, exit-code, signal, timeout, ...
  std::optional<int> exec_main_status;
  std::optional<int> exec_main_code;  // 1 exited, 2 killed, 3 dumped core
  bool has_job = false;               // a start (or stop) job is queued
  bool started = false;               // it left the inactive state in this boot
  bool active_entered = false;        // it became active in this boot (and may have stopped since)
  bool condition_failed = false;      // its conditions were checked and not met
};

// The properties asked for, as `systemctl show -p` takes them.
inline constexpr std::string_view kShowProperties =
    "Id,LoadState,ActiveState,SubState,Result,ExecMainStatus,ExecMainCode,"
    "InactiveExitTimestampMonotonic,ActiveEnterTimestampMonotonic,Job,ConditionResult,"
    "ConditionTimestampMonotonic";

// The states of the units asked for, by the name asked, or why there are none.
struct UnitStates {
  std::map<std::string, UnitState> units;
  std::string unknown_because;  // set: systemd was not asked, or could not answer
};

// Asks systemd for the state of each of `units`.
using UnitQuery = std::function<UnitStates(const std::vector<std::string>& units)>;

// Parses what `systemctl show -p kShowProperties UNIT...` prints: one block
// of KEY=VALUE lines per unit, in the order asked, separated by blank lines.
// Blocks are matched to `units` by position when there is one per unit, by
// Id otherwise.
std::map<std::string, UnitState> parse_show_output(std::string_view output,
                                                   const std::vector<std::string>& units);

// How a gated unit fared in this boot.
enum class Outcome { ok, skipped, failed, pending, not_started, unknown };
std::string_view outcome_name(Outcome outcome);

struct GatedUnit {
  std::string name;
  bool reboots = false;  // its drop-in carries FailureAction=reboot this boot
  std::optional<UnitState> state;
  Outcome outcome = Outcome::unknown;
  std::string detail;  // "failed (exit status 1)", "active (running)", ...
};

// A health check of `boot_assessment: checks:` in this boot: its generated
// unit's state. A required one is also a gated unit (and decides the verdict
// as one); a wanted one never changes the verdict.
struct CheckStatus {
  std::string name;
  std::string unit;
  bool required = true;
  std::string description;  // the unit's Description=
  std::optional<UnitState> state;
  Outcome outcome = Outcome::unknown;
  std::string detail;
};

enum class TargetState { reached, failed, pending, not_in_boot, unknown };
std::string_view target_state_name(TargetState state);

// systemd-bless-boot.service: pulled into counted boots only.
enum class Bless { blessed, failed, pending, not_run, not_in_boot, unknown };
std::string_view bless_name(Bless bless);

// The verdicts, in the order they are listed (and exported as metrics).
enum class Verdict { good, failed, pending, fallback, no_gate, unknown };
inline constexpr Verdict kAllVerdicts[] = {Verdict::good,     Verdict::failed,  Verdict::pending,
                                           Verdict::fallback, Verdict::no_gate, Verdict::unknown};
std::string_view verdict_name(Verdict verdict);

// Why this boot is a fallback, when it is one.
struct Fallback {
  bool fell_back = false;
  std::string reason;                       // one sentence
  std::optional<LoaderEntry> failed_entry;  // the exhausted entry (systemd-boot)
  bool grub = false;                        // Kairos' GRUB marker /run/cos/upgrade_failure
};

// Whether the loader counts this boot, and why not when it does not.
struct CountingHealth {
  bool active = false;  // LoaderBootCountPath names a counted entry
  // Counters are on the booted entry, but this boot has no
  // LoaderBootCountPath: a failing gate can never roll back.
  bool broken = false;
  std::string reason;  // empty when active
};

// What `status` is told besides the root.
struct StatusInputs {
  std::string esp;  // where the ESP is mounted inside the root; empty: look
};

struct BootStatus {
  std::optional<BootMode> mode;
  // uki_boot_mode, uki_install_mode and in_ram_mode: whether each exists.
  std::vector<std::pair<std::string, bool>> mode_flags;
  std::optional<std::string> entry;  // LoaderEntrySelected
  std::string entry_error;           // the variable exists but is malformed
  Counting counting;
  std::string counting_error;  // the variable exists but is malformed
  std::vector<GatedUnit> units;
  std::vector<CheckStatus> checks;
  TargetState boot_complete = TargetState::unknown;
  Bless bless = Bless::unknown;
  std::string states_unknown_because;  // set when systemd gave no states
  LoaderFacts loader;                  // the loader's variables and the ESP's entries
  Fallback fallback;
  CountingHealth counting_health;
  std::string tries_note;        // on a counted boot not (yet) marked good
  bool upgrade_failure = false;  // /run/cos/upgrade_failure exists
  Verdict verdict = Verdict::unknown;
  Verdict gate_verdict = Verdict::unknown;  // the gate's own, which a fallback overrides
  std::string summary;                      // the one-line verdict
};

inline constexpr std::string_view kBlessService = "systemd-bless-boot.service";

// Reads the root and asks `query` about the gated units, boot-complete.target
// and systemd-bless-boot.service.
BootStatus gather_status(const RootView& view, const UnitQuery& query,
                         const StatusInputs& inputs = {});

// The units gated in this boot: the directories <unit>.d under
// /run/systemd/system that hold the gate's drop-in (boot-complete.target.d
// aside), with whether that drop-in carries FailureAction=reboot.
std::vector<GatedUnit> find_gated_units(const RootView& view);

// The checks of this boot: the generated units bootassess-check-*.service
// under /run/systemd/system, with their name and whether they are required.
std::vector<CheckStatus> find_checks(const RootView& view);

// 0 good or nothing gated, 1 failed or fallback, 3 pending or unknown: what
// node-problem-detector reads as ok, a problem, and unknown.
int exit_status(Verdict verdict);

// The exit status of `status --problem VERDICT...`: 1 when the verdict is one
// of `problems`, 3 when it is unknown (and not one of them), 0 otherwise.
int problem_exit_status(Verdict verdict, const std::vector<Verdict>& problems);

// The same for a boot: a fallback boot is also asked about its own gate's
// verdict, so that `--problem failed` answers 1 for a fallback boot whose
// gate failed (3 when that gate is unknown).
int problem_exit_status(const BootStatus& s, const std::vector<Verdict>& problems);

// The verdict named `name`; nullopt for none.
std::optional<Verdict> verdict_from_name(std::string_view name);

}  // namespace bootassess::status
