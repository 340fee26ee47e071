// A preload library for crash tests: it counts the calls by which a process
// changes a file tree and kills the process with SIGKILL on entry to the K-th
// one, before the call happens.
//
//   BOOTASSESS_KILL_AT=K       kill at the K-th call (1-based); unset: never
//   BOOTASSESS_CALL_LOG=FILE   at exit, write the name of each call, in order,
//                              one a line (for a run that is not killed)
//
// Counted: openat with O_CREAT or O_TRUNC, write, pwrite64, ftruncate,
// mkdir(at), fchown(at), fchmod(at), rename(at/at2), symlink(at), link(at),
// unlink(at), rmdir: every glibc entry point by which bootassess changes the
// tree. The crash test checks against strace that none is missed.
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

namespace {

// Plain C memory only: the library must not bring a C++ runtime into a
// process that has its own linked in.
long kill_at = -1;
long calls = 0;
bool logging = false;
char* names = nullptr;  // the log, never freed: used until the process ends
size_t used = 0;
size_t capacity = 0;

__attribute__((constructor)) void start() {
  if (const char* at = getenv("BOOTASSESS_KILL_AT")) kill_at = atol(at);
  logging = getenv("BOOTASSESS_CALL_LOG") != nullptr;
}

__attribute__((destructor)) void finish() {
  const char* log = getenv("BOOTASSESS_CALL_LOG");
  if (log == nullptr) return;
  kill_at = -1;
  logging = false;  // fopen's own calls are not part of the log
  if (FILE* out = fopen(log, "w")) {
    if (used > 0) fwrite(names, 1, used, out);
    fclose(out);
  }
}

void counted(const char* name) {
  if (++calls == kill_at) kill(getpid(), SIGKILL);
  if (!logging) return;
  const size_t n = strlen(name);
  if (used + n + 1 > capacity) {
    capacity = (capacity + n + 1) * 2;
    names = static_cast<char*>(realloc(names, capacity));
    if (names == nullptr) abort();
  }
  memcpy(names + used, name, n);
  names[used + n] = '\n';
  used += n + 1;
}

template <typename F>
F next(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

}  // namespace

#define FORWARD(ret, name, params, args)           \
  extern "C" ret name params {                     \
    static auto real = next<ret(*) params>(#name); \
    counted(#name);                                \
    return real args;                              \
  }

FORWARD(ssize_t, write, (int fd, const void* buf, size_t n), (fd, buf, n))
FORWARD(ssize_t, pwrite64, (int fd, const void* buf, size_t n, off_t at), (fd, buf, n, at))
FORWARD(int, ftruncate, (int fd, off_t length), (fd, length))
FORWARD(int, mkdir, (const char* path, mode_t mode), (path, mode))
FORWARD(int, mkdirat, (int dir, const char* path, mode_t mode), (dir, path, mode))
FORWARD(int, fchown, (int fd, uid_t uid, gid_t gid), (fd, uid, gid))
FORWARD(int, fchownat, (int dir, const char* path, uid_t uid, gid_t gid, int flags),
        (dir, path, uid, gid, flags))
FORWARD(int, fchmod, (int fd, mode_t mode), (fd, mode))
FORWARD(int, fchmodat, (int dir, const char* path, mode_t mode, int flags),
        (dir, path, mode, flags))
FORWARD(int, rename, (const char* from, const char* to), (from, to))
FORWARD(int, renameat, (int fd, const char* from, int tfd, const char* to), (fd, from, tfd, to))
FORWARD(int, renameat2, (int fd, const char* from, int tfd, const char* to, unsigned flags),
        (fd, from, tfd, to, flags))
FORWARD(int, symlink, (const char* target, const char* path), (target, path))
FORWARD(int, symlinkat, (const char* target, int dir, const char* path), (target, dir, path))
FORWARD(int, link, (const char* from, const char* to), (from, to))
FORWARD(int, linkat, (int fd, const char* from, int tfd, const char* to, int flags),
        (fd, from, tfd, to, flags))
FORWARD(int, unlink, (const char* path), (path))
FORWARD(int, unlinkat, (int dir, const char* path, int flags), (dir, path, flags))
FORWARD(int, rmdir, (const char* path), (path))

// openat changes the tree only when it may create or truncate.
static int open_counted(const char* name, int dir, const char* path, int flags, mode_t mode) {
  using Real = int (*)(int, const char*, int, ...);
  static auto real_openat = next<Real>("openat");
  static auto real_openat64 = next<Real>("openat64");
  if ((flags & (O_CREAT | O_TRUNC)) != 0) counted("openat");
  return (name[6] == '6' ? real_openat64 : real_openat)(dir, path, flags, mode);
}

extern "C" int openat(int dir, const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  const mode_t mode = (flags & (O_CREAT | O_TMPFILE)) != 0 ? va_arg(ap, mode_t) : 0;
  va_end(ap);
  return open_counted("openat", dir, path, flags, mode);
}

extern "C" int openat64(int dir, const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  const mode_t mode = (flags & (O_CREAT | O_TMPFILE)) != 0 ? va_arg(ap, mode_t) : 0;
  va_end(ap);
  return open_counted("openat64", dir, path, flags, mode);
}
