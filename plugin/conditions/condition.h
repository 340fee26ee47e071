// A step's `if:` condition: a shell command whose exit status decides whether
// the step runs (status 0) or is skipped (anything else), as yip runs it with
// `sh -c TEXT`.
//
// Native evaluation. The common forms are evaluated without starting a
// process and give exactly the status that dash (/bin/sh) gives:
//   - words with sh quoting ('...', "..." with its backslash rules, a backslash
//     outside quotes) separated by blanks;
//   - the commands `[ ... ]`, `test ...`, `true` and `false`, each optionally
//     negated by one leading `!`, joined by `&&` and `||` (equal precedence,
//     left to right);
//   - the test operators -e -f -d -s -L -h -r -w -x -z -n, `!`, `=` and `!=`,
//     with dash's argument-count rules (including its quirks, e.g. `[ ! ! x ]`
//     negates once). -e -f -d -s and -r -w -x follow a last symlink, -L/-h do
//     not; -r -w -x ask RootView::access (dash uses faccessat(AT_EACCESS)).
//     Every path is resolved inside the view with resolve(), relative ones
//     from the context's cwd.
// Anything else, and anything dash would reject as a syntax error, is not
// native: the whole text then goes to the shell. Declining is always safe, so
// the native subset is deliberately narrow (see shell_lexer.h and
// test_command.h for what declines).
//
// Shell fallback. `/bin/sh -c TEXT` with stdin from /dev/null, stdout and
// stderr captured together into `detail`, in a process group of its own. yip
// waits for ever; here the shell has a deadline (`shell_timeout`): when it
// passes, the whole process group is killed (SIGKILL) and the result is
// `timed_out`. The shell's cwd is the context's cwd.
//   - root_dir "/" and no simulated mode: a plain child process with the
//     caller's environment, as yip runs it.
//   - otherwise the shell must not see the host: the child sets
//     no_new_privs, unshares its mount namespace, makes every mount private,
//     makes root_dir its root with pivot_root (the old root detached; where
//     pivot_root is refused, a chroot, said in `detail`), gets a fixed
//     environment (PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:
//     /sbin:/bin and HOME=/ only) and, when a
//     mode is simulated, mounts a tmpfs on /run/cos (resolved inside the
//     root) holding exactly that mode's sentinel (content "1", mode 0755) plus
//     copies of the regular files of the root's /run/cos that are not mode
//     sentinels (symlinks and directories there are not carried over). When
//     the root has no /run/cos but has a /run directory, the tmpfs goes on
//     /run instead and holds cos/<sentinel>, so the rest of /run is hidden.
//     Nothing on disk changes; the mounts vanish with the namespace.
//   - when that cannot be done (not privileged, no /run to mount on, no
//     /bin/sh inside the root, ...) the result is `refused` with the reason.
//     It never falls back to running against the host. A /bin/sh that cannot
//     be started on the host is `refused` too.
// With allow_shell false (plan, --dry-run, validate) a non-native condition
// is `undecided` and nothing is started.
//
// yip templates the text (Go templates, `{{ ... }}`) before running it; that
// is the caller's business: this module evaluates the text it is given.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "boot/boot_mode.h"
#include "root/root_view.h"

namespace bootassess {

enum class ConditionOutcome {
  holds,      // status 0: the step runs
  fails,      // non-zero status: the step is skipped
  undecided,  // not native and the shell was not allowed
  refused,    // not native and the shell could not be run safely
  timed_out,  // the shell ran past its deadline and was killed
};

// How long a shell condition may run: the initramfs stage, and the boot with
// it, waits for it.
inline constexpr std::chrono::seconds kDefaultConditionTimeout{30};

struct ConditionResult {
  ConditionOutcome outcome = ConditionOutcome::undecided;
  int status = 0;       // the exit status `/bin/sh -c` gives (128+N when killed by signal N)
  bool native = false;  // evaluated without starting a process
  std::string detail;   // for logs: why not native, why refused, the shell's output
};

struct ConditionContext {
  // What native tests look at (already simulating the mode and showing what
  // earlier steps wrote). When null, nothing is evaluated natively.
  const RootView* view = nullptr;
  // The --root directory on disk ("/" for the live system).
  std::string root_dir = "/";
  // Canonical cwd for relative paths: the process cwd when root_dir is "/",
  // "/" otherwise. Empty means just that.
  std::string cwd;
  // --mode M given: shell conditions must see exactly that sentinel.
  std::optional<BootMode> simulated_mode;
  // false for plan/--dry-run/validate: non-native conditions are `undecided`.
  bool allow_shell = true;
  // When a shell condition is killed.
  std::chrono::milliseconds shell_timeout = kDefaultConditionTimeout;
  // Called before a shell runs (so it sees what earlier steps wrote).
  std::function<void()> before_shell;
};

ConditionResult evaluate_condition(std::string_view text, const ConditionContext& ctx);

std::string_view outcome_name(ConditionOutcome outcome);

}  // namespace bootassess
