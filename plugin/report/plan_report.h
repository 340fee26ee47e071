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

// {"modes": {"<mode>": {"actions": [...], "skipped": [...]}}, "diagnostics": [...]}
std::string plan_json(const std::vector<ModePlan>& plans,
                      const std::vector<Diagnostic>& diagnostics);

// A table of paths by modes, then the contents (and link targets) that
// differ between modes, the skipped steps and the diagnostics.
std::string plan_text(const std::vector<ModePlan>& plans,
                      const std::vector<Diagnostic>& diagnostics);

}  // namespace bootassess
