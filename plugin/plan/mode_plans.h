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
  std::vector<PlannedAction> actions;
  std::vector<StepRun> steps;  // every step reached, in order
  std::vector<Diagnostic> diagnostics;
  bool failed = false;
};

// `options` gives the stages, root directory, cwd and runtime flag; the mode,
// simulation and shell settings are set per mode here.
std::vector<ModePlan> plan_modes(const RootView& base, const std::vector<Source>& sources,
                                 std::span<const BootMode> modes, const PlanOptions& options);

}  // namespace bootassess
