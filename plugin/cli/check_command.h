// `bootassess check KIND TARGET [OPTIONS] [-- ARGV...]`: the probe a
// generated bootassess-check-NAME.service runs (see doc/checks-probes.md).
#pragma once

#include <CLI/CLI.hpp>

#include "probe/check.h"

namespace bootassess {

// Adds the `check` command to `app`; parsing fills `request`.
CLI::App* add_check_command(CLI::App& app, probe::CheckRequest& request);

// Runs the parsed check and prints its one line: 0 passed, 1 failed,
// 2 usage error (a message on stderr).
int run_check(const probe::CheckRequest& request);

}  // namespace bootassess
