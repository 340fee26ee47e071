// Runs a program as a child process, the one way bootassess starts any:
// argv with no shell of its own and no PATH search, stdin from /dev/null,
// stdout and stderr read through pipes (apart or together) and kept up to a
// bound, in a process group of its own that is killed whole when the deadline
// passes, and its wait status decoded once.
//
// A setup hook may run in the child between fork and exec (to enter a root,
// say). It may only make async-signal-safe calls and must not allocate; it
// tells the parent about a step through the ChildChannel: a note (the child
// goes on) or a failure (the child exits without running the program).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace bootassess {

// A step the child took between fork and exec, and the errno it left. Codes
// at or above zero belong to the setup hook; the negative ones to the helper.
struct ChildReport {
  static constexpr int kRedirect = -1;  // setting up stdin/stdout/stderr
  static constexpr int kChdir = -2;     // chdir to `cwd`
  static constexpr int kExec = -3;      // execve of argv[0]
  int code = 0;
  int error = 0;
};

class ChildChannel {
 public:
  explicit ChildChannel(int fd) : fd_(fd) {}
  // Tells the parent about step `code` (with errno); the child goes on.
  void note(int code) const;
  // Tells the parent that step `code` failed (with errno), and exits.
  [[noreturn]] void fail(int code) const;

 private:
  int fd_;
};

struct SubprocessRequest {
  std::string program;            // the program's path; empty: argv[0]
  std::vector<std::string> argv;  // argv[0] as the program sees it
  // The whole environment; nullopt: the caller's own.
  std::optional<std::vector<std::string>> env;
  // Where the program starts (after the setup hook); empty: where it left off.
  std::string cwd;
  bool merge_stderr = false;  // stderr into the stdout pipe, interleaved as written
  std::size_t max_output = std::size_t{64} * 1024;  // bytes kept of each of stdout and stderr
  // Which bytes are kept of a longer output: its first max_output (the
  // default), or its last.
  bool keep_tail = false;
  // The process group is killed (SIGKILL) when this has passed.
  std::chrono::milliseconds timeout{30000};
  // Runs in the child before the chdir and exec: async-signal-safe calls only.
  std::function<void(const ChildChannel&)> setup;
  // Runs in the parent once the child is started, with its pid (also its
  // process group's id): for a signal handler that must kill the group.
  std::function<void(int pid)> started;
};

struct SubprocessResult {
  bool started = false;  // false: see `problem`, and `failure` when the child said why
  std::string problem;   // why the program was not started
  std::optional<ChildReport> failure;
  std::vector<ChildReport> notes;
  bool timed_out = false;  // the deadline passed and the process group was killed
  int status = 0;          // see decode_wait_status
  int wait_status = 0;     // as waitpid gave it: see describe_wait_status
  std::string out;         // stdout (with stderr when merged)
  std::string err;
  bool out_truncated = false;
  bool err_truncated = false;
};

SubprocessResult run_subprocess(const SubprocessRequest& request);

// A waitpid status as a shell reports it: the exit status, or 128+N when
// killed by signal N.
int decode_wait_status(int status);

// A waitpid status in words: "exited with status N", or "killed by signal N
// (SIGNAME)".
std::string describe_wait_status(int status);

}  // namespace bootassess
