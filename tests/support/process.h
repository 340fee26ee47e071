// Waiting for a process to be gone, as tests of killed process groups need.
#pragma once

#include <sys/types.h>

namespace bootassess::testing {

// Whether process `pid` is gone within a few seconds: no such process, or a
// zombie left for its new parent (init) to reap.
bool process_gone(pid_t pid);

}  // namespace bootassess::testing
