// Runs a condition with `/bin/sh -c TEXT` the way yip does (stdin from
// /dev/null, stdout and stderr captured together), but bounded in time (in
// its own process group, killed whole at the deadline), either as a plain child
// process with the caller's environment, or confined to a root directory
// with a simulated boot mode and a fixed environment (see condition.h for
// the exact rules).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "boot/boot_mode.h"

namespace bootassess::conditions {

struct ShellRequest {
  std::string_view text;
  std::string root_dir = "/";  // "/" with no simulated mode: the host itself
  std::string cwd;             // inside the root; empty: the caller's cwd (host only)
  std::optional<BootMode> simulated_mode;
  // The shell's process group is killed when this has passed.
  std::chrono::milliseconds timeout{30000};
};

struct ShellRun {
  bool started = false;    // false: refused, see `problem`
  bool timed_out = false;  // killed, with its process group, at the deadline
  int status = 0;          // exit status, or 128+N when killed by signal N
  std::string output;      // stdout and stderr, interleaved as written (capped)
  std::string problem;     // why the shell was not started
  std::string note;        // how the confinement fell short of the plan (a chroot), if it did
};

// Whether `request` needs a private mount namespace and a chroot.
bool needs_confinement(const ShellRequest& request);

ShellRun run_shell(const ShellRequest& request);

}  // namespace bootassess::conditions
