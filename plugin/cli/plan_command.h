#pragma once

#include "cli/options.h"

namespace bootassess {

// `bootassess plan`: returns the exit status.
int run_plan(const PlanCommandOptions& options);

}  // namespace bootassess
