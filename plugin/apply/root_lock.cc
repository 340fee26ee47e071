#include "apply/root_lock.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <time.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace bootassess {

std::chrono::milliseconds lock_wait_from_environment() {
  const char* value = std::getenv("BOOTASSESS_LOCK_WAIT");
  if (value == nullptr || *value == '\0') return kDefaultLockWait;
  char* end = nullptr;
  const double seconds = std::strtod(value, &end);
  if (end == value || *end != '\0' || !std::isfinite(seconds) || seconds < 0 || seconds > 86400)
    return kDefaultLockWait;
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

std::optional<RootLock> RootLock::acquire(int root_fd, const std::string& root_dir,
                                          std::chrono::milliseconds wait, std::string& error) {
  // flock needs a descriptor that is open for reading: the root's own may be
  // O_PATH.
  Fd fd(::openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.ok()) {
    error =
        fmt::format("cannot open root directory {} to lock it: {}", root_dir, std::strerror(errno));
    return std::nullopt;
  }
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + wait;
  std::chrono::milliseconds pause{5};
  for (;;) {
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) return RootLock(std::move(fd));
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) {
      error = fmt::format("cannot lock root directory {}: {}", root_dir, std::strerror(errno));
      return std::nullopt;
    }
    const Clock::time_point now = Clock::now();
    if (now >= deadline) break;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    const std::chrono::milliseconds nap = std::min(pause, left);
    const struct timespec ts {
      static_cast<time_t>(nap.count() / 1000), static_cast<long>(nap.count() % 1000) * 1000000
    };
    ::nanosleep(&ts, nullptr);
    pause = std::min(pause * 2, std::chrono::milliseconds{100});
  }
  error = fmt::format(
      "another bootassess apply is working on {}: its lock was still held after {:.1f} s, so "
      "nothing was applied (BOOTASSESS_LOCK_WAIT sets the wait, in seconds)",
      root_dir, static_cast<double>(wait.count()) / 1000.0);
  return std::nullopt;
}

}  // namespace bootassess
