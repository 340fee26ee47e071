#pragma once

#include "cli/options.h"

namespace bootassess {

// `bootassess apply`: returns the exit status.
int run_apply(const ApplyOptions& options);

}  // namespace bootassess
