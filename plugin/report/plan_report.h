// `plan` output: per boot mode, every action and every skipped step.
#pragma once

#include <string>
#include <vector>

#include "plan/mode_plans.h"

namespace bootassess {

// The diagnostics of a multi-mode run: `first` (the loader's), then each
// mode's, each distinct one once.
std::vector<Diagnostic> merged_diagnostics(const std::vector<Diagnostic>& first,
                                           const std::vector<ModePlan>& plans);

// The version of plan_json's format: raised when a field changes meaning or
// goes away (added fields do not raise it).
inline constexpr int kPlanJsonFormatVersion = 1;

// {"format_version": 1, "modes": {"<mode>": {"actions": [...], "skipped": [...]}},
//  "diagnostics": [...]}; each action has a "source": {"file", "line", "column"}.
std::string plan_json(const std::vector<ModePlan>& plans,
                      const std::vector<Diagnostic>& diagnostics);

struct PlanTextOptions {
  bool verbose = false;     // also the parent directories made only for what is below
  std::string header_note;  // a line shown under the title, when not empty
};

// Notes on undecided conditions, a table of paths by modes (within 100
// columns), then the contents (and link targets) that differ between modes,
// the skipped steps and the diagnostics. No line ends in a blank.
std::string plan_text(const std::vector<ModePlan>& plans,
                      const std::vector<Diagnostic>& diagnostics,
                      const PlanTextOptions& options = {});

}  // namespace bootassess
