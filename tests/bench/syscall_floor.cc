// The floor under `bootassess apply` for the per-mode workload of
// gen_services.py: only the system calls the result needs, for N services,
// timed. Per service: mkdir of the drop-in directory, a temporary drop-in
// created, written and closed, renamed into place, and the two enablement
// links; with durability (the default), one syncfs before the renames (the
// data first) and one after them (the entries), as apply does.
//
//   syscall_floor DIR [N] [--no-sync]
//
// DIR must be an empty or missing directory; it receives etc/systemd/system
// with the drop-ins and the links. Prints the time of the calls alone, from
// the first mkdir to the last syncfs.
//
// Built with -DBOOTASSESS_BENCHMARKS=ON (target syscall_floor), or by hand:
//   g++ -O2 -std=c++20 tests/bench/syscall_floor.cc -o syscall_floor
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

constexpr const char kDropIn[] =
    "[Unit]\n"
    "# Ensure this unit starts after default system targets\n"
    "After=default.target graphical.target multi-user.target\n"
    "# Ensure this unit completes before boot-complete.target\n"
    "Before=boot-complete.target\n"
    "# If auto reboot on service failure is wanted\n"
    "FailureAction=reboot\n"
    "[Install]\n"
    "# Make this service a hard dependency of boot-complete.target\n"
    "RequiredBy=boot-complete.target\n";

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "syscall_floor: %s: %s\n", what.c_str(), std::strerror(errno));
  std::exit(1);
}

int open_dir(int at, const char* name) {
  const int fd = ::openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) die(std::string("open ") + name);
  return fd;
}

void make_dir(int at, const char* name) {
  if (::mkdirat(at, name, 0755) != 0 && errno != EEXIST) die(std::string("mkdir ") + name);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::fprintf(stderr, "usage: syscall_floor DIR [N] [--no-sync]\n");
    return 2;
  }
  const std::string top = argv[1];
  int n = 1000;
  bool sync = true;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--no-sync") == 0) {
      sync = false;
    } else {
      n = std::atoi(argv[i]);
    }
  }
  ::umask(022);
  // The setup, untimed: the directories apply finds or creates once.
  if (::mkdir(top.c_str(), 0755) != 0 && errno != EEXIST) die("mkdir " + top);
  const int root = open_dir(AT_FDCWD, top.c_str());
  make_dir(root, "etc");
  const int etc = open_dir(root, "etc");
  make_dir(etc, "systemd");
  const int systemd = open_dir(etc, "systemd");
  make_dir(systemd, "system");
  const int system = open_dir(systemd, "system");
  make_dir(system, "multi-user.target.wants");
  make_dir(system, "boot-complete.target.requires");
  const int wants = open_dir(system, "multi-user.target.wants");
  const int required = open_dir(system, "boot-complete.target.requires");

  char name[64];
  char tmp[128];
  char final_name[128];
  char target[128];
  const std::size_t size = sizeof kDropIn - 1;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    std::snprintf(name, sizeof name, "svc-%04d.service.d", i);
    if (::mkdirat(system, name, 0755) != 0) die(std::string("mkdir ") + name);
    std::snprintf(tmp, sizeof tmp, "%s/.#override.conf.0000000000000000", name);
    const int fd =
        ::openat(system, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) die("create");
    if (::write(fd, kDropIn, size) != static_cast<ssize_t>(size)) die("write");
    if (::close(fd) != 0) die("close");
  }
  if (sync && ::syncfs(system) != 0) die("syncfs");
  for (int i = 0; i < n; ++i) {
    std::snprintf(tmp, sizeof tmp, "svc-%04d.service.d/.#override.conf.0000000000000000", i);
    std::snprintf(final_name, sizeof final_name, "svc-%04d.service.d/override.conf", i);
    if (::renameat(system, tmp, system, final_name) != 0) die("rename");
    std::snprintf(name, sizeof name, "svc-%04d.service", i);
    std::snprintf(target, sizeof target, "/usr/lib/systemd/system/%s", name);
    if (::symlinkat(target, wants, name) != 0) die("symlink");
    if (::symlinkat(target, required, name) != 0) die("symlink");
  }
  if (sync && ::syncfs(system) != 0) die("syncfs");
  const auto end = std::chrono::steady_clock::now();
  const double ms = std::chrono::duration<double, std::milli>(end - start).count();
  std::printf("%d services, %s: %.2f ms (%.2f us per service)\n", n,
              sync ? "two syncfs" : "no sync", ms, ms * 1000.0 / n);
  return 0;
}
