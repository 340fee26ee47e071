#pragma once

#include "cli/options.h"

namespace bootassess {

// `bootassess status`: returns the exit status (0 good or nothing gated,
// 1 failed, 3 pending or unknown, 2 usage).
int run_status(const StatusOptions& options);

}  // namespace bootassess
