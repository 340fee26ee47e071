#pragma once

#include "cli/command_line.h"
#include "cli/options.h"

namespace bootassess {

// Adds `bootassess validate` and its options to `app`; what it returns runs it
// once parsed.
RunCommand add_validate_command(CLI::App& app);

// `bootassess validate`: returns the exit status.
int run_validate(const ValidateOptions& options);

}  // namespace bootassess
