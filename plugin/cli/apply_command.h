#pragma once

#include "cli/command_line.h"
#include "cli/options.h"

namespace bootassess {

// Adds `bootassess apply` and its options to `app`; what it returns runs it
// once parsed.
RunCommand add_apply_command(CLI::App& app);

// `bootassess apply`: returns the exit status.
int run_apply(const ApplyOptions& options);

}  // namespace bootassess
