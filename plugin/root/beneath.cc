#include "root/beneath.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <deque>
#include <string>
#include <vector>

#include "root/path.h"

#ifndef SYS_openat2
#define SYS_openat2 437  // the same number on every architecture
#endif

namespace bootassess {
namespace {

constexpr int kMaxSymlinks = 40;  // the kernel's limit
// RESOLVE_IN_ROOT answers EAGAIN when a rename raced with a ".." in the walk;
// after this many tries the walk here takes over for the call.
constexpr int kKernelTries = 8;

enum class Support { unknown, present, missing };
std::atomic<Support> g_openat2{Support::unknown};

// The path as *at() calls take it relative to the root.
std::string relative(std::string_view path) {
  while (!path.empty() && path.front() == '/')
    path.remove_prefix(1);
  return path.empty() ? std::string(".") : std::string(path);
}

// -1 with errno set; -2 when renames kept racing with the walk.
int kernel_open(int root_fd, const std::string& rel) {
  struct open_how how {};
  how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  for (int tries = 0;; ++tries) {
    const long fd = ::syscall(SYS_openat2, root_fd, rel.c_str(), &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return -1;
    if (tries + 1 == kKernelTries) return -2;
  }
}

// The target of the symlink open as `fd` (O_PATH | O_NOFOLLOW).
bool link_target(int fd, std::string& out) {
  std::string buf(256, '\0');
  for (;;) {
    const ssize_t n = ::readlinkat(fd, "", buf.data(), buf.size());
    if (n < 0) return false;
    if (static_cast<std::size_t>(n) < buf.size()) {
      buf.resize(static_cast<std::size_t>(n));
      out = std::move(buf);
      return true;
    }
    if (buf.size() >= 65536) {
      errno = ENAMETOOLONG;
      return false;
    }
    buf.resize(buf.size() * 2);
  }
}

Fd walk_open(int root_fd, std::string_view path) {
  std::deque<std::string> pending;
  for (std::string& c : path::components(path))
    pending.push_back(std::move(c));
  // The names walked so far below the root, and the directory they lead to
  // (invalid: the root itself). Only one descriptor is held at a time.
  std::vector<std::string> walked;
  Fd current;
  int links = 0;
  while (!pending.empty()) {
    std::string name = std::move(pending.front());
    pending.pop_front();
    if (name == ".") continue;
    if (name == "..") {
      // Walk again from the root to the parent: each name is looked at anew.
      if (!walked.empty()) walked.pop_back();
      pending.insert(pending.begin(), walked.begin(), walked.end());
      walked.clear();
      current = Fd();
      continue;
    }
    const int at = current.ok() ? current.get() : root_fd;
    Fd next(::openat(at, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!next.ok()) return Fd();
    struct stat st {};
    if (::fstat(next.get(), &st) != 0) return Fd();
    if (S_ISLNK(st.st_mode)) {
      std::string target;
      if (++links > kMaxSymlinks) {
        errno = ELOOP;
        return Fd();
      }
      if (!link_target(next.get(), target)) return Fd();
      if (target.empty()) {
        errno = ENOENT;
        return Fd();
      }
      const std::vector<std::string> parts = path::components(target);
      pending.insert(pending.begin(), parts.begin(), parts.end());
      if (target.front() == '/') {  // absolute: start again at the root
        walked.clear();
        current = Fd();
      }
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      errno = ENOTDIR;
      return Fd();
    }
    walked.push_back(std::move(name));
    current = std::move(next);
  }
  if (current.ok()) return current;
  // The root itself.
  return Fd(::openat(root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
}

}  // namespace

Fd open_dir_beneath(int root_fd, std::string_view path, Resolution how) {
  if (how == Resolution::automatic &&
      g_openat2.load(std::memory_order_relaxed) != Support::missing) {
    const int fd = kernel_open(root_fd, relative(path));
    if (fd >= 0) {
      g_openat2.store(Support::present, std::memory_order_relaxed);
      return Fd(fd);
    }
    if (fd == -1) {
      // Missing (ENOSYS), refused by a seccomp filter (EPERM) or its flags
      // unknown (EINVAL, E2BIG): none of them is an answer about the path,
      // unless the call has been seen working.
      const int err = errno;
      const bool unsupported = err == ENOSYS || err == EINVAL || err == E2BIG || err == EPERM;
      if (!unsupported || g_openat2.load(std::memory_order_relaxed) == Support::present) {
        errno = err;
        return Fd();
      }
      g_openat2.store(Support::missing, std::memory_order_relaxed);
    }
  }
  return walk_open(root_fd, path);
}

bool kernel_resolution_missing() {
  return g_openat2.load(std::memory_order_relaxed) == Support::missing;
}

}  // namespace bootassess
