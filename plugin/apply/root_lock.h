// One `apply` at a time on a root: an exclusive flock(2) on the root
// directory itself, held for the run and released by the kernel when the
// process ends, however it ends. flock on the directory needs no file in the
// root, so a read-only root or one without /run can be locked too; two names
// of one directory (a bind mount, a symlink) share the lock.
//
// A second run waits for the lock for a bounded time (kDefaultLockWait, or
// the seconds in BOOTASSESS_LOCK_WAIT), then fails with a message that says
// so: never two runs deleting each other's temporary files, never a boot that
// waits for ever.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "root/fd.h"

namespace bootassess {

inline constexpr std::chrono::milliseconds kDefaultLockWait{30000};

// The wait BOOTASSESS_LOCK_WAIT asks (seconds, a decimal fraction allowed),
// or kDefaultLockWait when it is unset or not a number of seconds >= 0.
std::chrono::milliseconds lock_wait_from_environment();

class RootLock {
 public:
  // Locks the root open as `root_fd` (any descriptor of it, O_PATH
  // included), waiting up to `wait`. nullopt with `error` set (naming
  // `root_dir`) when another run held it all that time or it could not be
  // taken.
  static std::optional<RootLock> acquire(int root_fd, const std::string& root_dir,
                                         std::chrono::milliseconds wait, std::string& error);

 private:
  explicit RootLock(Fd fd) : fd_(std::move(fd)) {}
  Fd fd_;
};

}  // namespace bootassess
