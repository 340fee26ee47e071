#pragma once

#include "cli/command_line.h"
#include "cli/options.h"

namespace bootassess {

// Adds `bootassess plan` and its options to `app`; what it returns runs it
// once parsed.
RunCommand add_plan_command(CLI::App& app);

// `bootassess plan`: returns the exit status.
int run_plan(const PlanCommandOptions& options);

}  // namespace bootassess
