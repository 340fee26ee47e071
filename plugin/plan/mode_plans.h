// Plans for several boot modes at once, without touching the disk: what
// `plan` prints and what `validate` checks. Each mode is planned from the
// same base view with that mode simulated; shell conditions are undecided.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "plan/planner.h"

namespace bootassess {

struct PlannedAction {
  Action action;
  std::optional<Position> undecided;  // depends on this undecided condition
};

struct StepRun {
  const Step* step = nullptr;
  std::string label;
  Position where;
  bool ran = false;        // false: skipped, see `reason`
  bool undecided = false;  // ran only if an undecided condition holds
  std::string reason;
};

struct ModePlan {
  BootMode mode = BootMode::unknown;
  bool counted = false;        // planned as a boot systemd-boot counts
  bool counting_shown = true;  // false: counted and uncounted boots plan alike
  std::vector<PlannedAction> actions;
  std::vector<StepRun> steps;  // every step reached, in order
  std::vector<Diagnostic> diagnostics;
  bool failed = false;
};

// "active", or "active/counted" and "active/uncounted" where counting makes
// a difference.
std::string plan_label(const ModePlan& plan);

// `options` gives the stages, root directory, cwd, runtime flag and
// counting; the mode, simulation and shell settings are set per mode here.
std::vector<ModePlan> plan_modes(const RootView& base, const std::vector<Source>& sources,
                                 std::span<const BootMode> modes, const PlanOptions& options);

// Each mode planned twice, as a counted and as an uncounted boot (simulated
// either way), counted first.
std::vector<ModePlan> plan_modes_and_countings(const RootView& base,
                                               const std::vector<Source>& sources,
                                               std::span<const BootMode> modes,
                                               const PlanOptions& options);

// For display: a mode whose counted and uncounted plans take the same actions
// and skip the same steps is shown once, with `counting_shown` false.
std::vector<ModePlan> merge_alike_countings(std::vector<ModePlan> plans);

}  // namespace bootassess
