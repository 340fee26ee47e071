#pragma once

#include "cli/options.h"

namespace bootassess {

// `bootassess validate`: returns the exit status.
int run_validate(const ValidateOptions& options);

}  // namespace bootassess
