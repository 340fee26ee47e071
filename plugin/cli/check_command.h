// `bootassess check KIND TARGET [OPTIONS] [-- ARGV...]`: the probe a
// generated bootassess-check-NAME.service runs (see doc/checks-probes.md).
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command_line.h"
#include "probe/check.h"

namespace bootassess {

// Adds the `check` command to `app`; what it returns runs the parsed check.
RunCommand add_check_command(CLI::App& app);

// Runs the parsed check and prints its one line: 0 passed, 1 failed,
// 2 usage error (a message on stderr).
int run_check(const probe::CheckRequest& request);

}  // namespace bootassess
