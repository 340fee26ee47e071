// The UnitQuery of a running node: `systemctl show`, run as a child process
// (execve of systemctl found on a fixed list or PATH, no shell), its output
// read through a pipe, bounded in size and time. Only `status` uses it:
// `apply` and `plan` never start a process for systemd.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "status/boot_status.h"

namespace bootassess::status {

// Where systemctl is looked for: /usr/bin/systemctl, /bin/systemctl, then
// each directory of `path_env` (PATH). nullopt when none is executable.
std::optional<std::string> find_systemctl(const char* path_env);

struct ProgramRun {
  bool started = false;
  bool timed_out = false;
  bool truncated = false;  // stdout was longer than the bound
  int status = 0;          // exit status, or 128+N when killed by signal N
  std::string out;
  std::string err;
  std::string problem;  // why it was not started
};

// Runs `argv` (argv[0] is the program's path) with stdin from /dev/null,
// stdout and stderr read through pipes, at most `max_output` bytes of each
// kept, killed after `timeout`.
ProgramRun run_program(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                       std::size_t max_output);

// Why `systemctl` run `run` gave no states, in a few words; empty when it did.
std::string systemctl_failure(const ProgramRun& run);

// How long `systemctl show` may take.
inline constexpr std::chrono::milliseconds kSystemctlTimeout{10000};

// Asks `systemctl` (a path) for the units' states with `systemctl show`,
// killing it after `timeout`.
UnitStates query_systemctl(const std::string& systemctl, const std::vector<std::string>& units,
                           std::chrono::milliseconds timeout = kSystemctlTimeout);

// The query `status` makes: systemctl when `root` is "/", found and running
// under systemd; otherwise every state unknown, saying why.
UnitQuery systemd_query(const std::string& root);

}  // namespace bootassess::status
