#include "conditions/shell_runner.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sched.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include "conditions/simulated_run_cos.h"
#include "root/disk_root.h"
#include "root/fd.h"
#include "root/path.h"

namespace bootassess::conditions {
namespace {

constexpr std::size_t kMaxOutput = 64 * 1024;
constexpr const char* kShell = "/bin/sh";
// The whole environment of a shell confined to a root: the caller's own is
// not passed in (see condition.h).
constexpr const char* kConfinedPath =
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
constexpr const char* kConfinedHome = "HOME=/";

// "/" itself, however written: the host, whose shell is trusted.
bool is_host_root(const std::string& dir) {
  return dir.starts_with('/') && path::clean(dir) == "/";
}

struct Pipe {
  Fd read_end;
  Fd write_end;
};

std::optional<Pipe> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return std::nullopt;
  return Pipe{Fd(fds[0]), Fd(fds[1])};
}

int decode_wait_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 1;
  }
  return decode_wait_status(status);
}

void append_capped(std::string& out, const char* data, std::size_t size, bool& truncated) {
  const std::size_t room = kMaxOutput - std::min(out.size(), kMaxOutput);
  if (size > room) truncated = true;
  out.append(data, std::min(size, room));
}

// Collects what the shell writes until it closes its output, then its exit
// status. A background job still holding the pipe open does not keep us
// waiting once the shell itself has exited.
ShellRun collect(int output_fd, pid_t pid) {
  ShellRun run;
  run.started = true;
  ::fcntl(output_fd, F_SETFL, O_NONBLOCK);
  std::optional<int> status;
  bool truncated = false;
  std::array<char, 4096> buf;
  for (;;) {
    pollfd p{output_fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, status ? 0 : 100);
    if (ready < 0 && errno == EINTR) continue;
    if (ready > 0) {
      const ssize_t n = ::read(output_fd, buf.data(), buf.size());
      if (n > 0) {
        append_capped(run.output, buf.data(), static_cast<std::size_t>(n), truncated);
        continue;
      }
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      break;  // end of output, or an error reading it
    }
    if (ready < 0 || status) break;
    int raw = 0;
    if (::waitpid(pid, &raw, WNOHANG) == pid) status = decode_wait_status(raw);
  }
  run.status = status ? *status : wait_for(pid);
  if (truncated) run.output += "\n[output truncated]";
  return run;
}

ShellRun refused(std::string problem) {
  ShellRun run;
  run.problem = std::move(problem);
  return run;
}

ShellRun run_plain(const ShellRequest& request) {
  std::optional<Pipe> output = make_pipe();
  if (!output) return refused(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, output->write_end.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, output->write_end.get(), 2);
  if (!request.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, request.cwd.c_str());
  std::string text(request.text);
  char* argv[] = {const_cast<char*>("sh"), const_cast<char*>("-c"), text.data(), nullptr};
  pid_t pid = 0;
  const int error = ::posix_spawn(&pid, kShell, &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  output->write_end.reset();
  if (error != 0) {
    return refused(fmt::format("cannot start {}{}: {}", kShell,
                               request.cwd.empty() ? std::string() : " in " + request.cwd,
                               std::strerror(error)));
  }
  return collect(output->read_end.get(), pid);
}

// The steps the confined child takes; on failure it reports which one, with
// errno, through a pipe that closes unread when /bin/sh starts.
enum class ChildStep : int {
  redirect,
  no_new_privs,
  unshare,
  private_mounts,
  bind_root,
  pivot_root,  // not a failure: the child goes on in a chroot
  detach_old_root,
  chroot,
  mount_tmpfs,
  make_directory,
  write_file,
  chdir,
  exec,
};

struct ChildFailure {
  int step = 0;
  int error = 0;
};

std::string describe(const ChildFailure& failure, const ShellRequest& request,
                     const std::optional<RunCosTmpfs>& tmpfs, const std::string& cwd) {
  std::string step = "preparing it";
  switch (static_cast<ChildStep>(failure.step)) {
    case ChildStep::redirect:
      step = "redirecting its input and output";
      break;
    case ChildStep::unshare:
      step = "unshare(CLONE_NEWNS), which needs root";
      break;
    case ChildStep::private_mounts:
      step = "making its mounts private (is / a mount point?)";
      break;
    case ChildStep::no_new_privs:
      step = "prctl(PR_SET_NO_NEW_PRIVS)";
      break;
    case ChildStep::bind_root:
      step = "bind-mounting the root onto itself";
      break;
    case ChildStep::pivot_root:
      step = "pivot_root";
      break;
    case ChildStep::detach_old_root:
      step = "detaching the old root after pivot_root";
      break;
    case ChildStep::chroot:
      step = "chroot";
      break;
    case ChildStep::mount_tmpfs:
      step = fmt::format("mounting a tmpfs on {} for the simulated boot mode",
                         tmpfs ? tmpfs->mount_point : std::string("/run/cos"));
      break;
    case ChildStep::make_directory:
    case ChildStep::write_file:
      step = "writing the simulated /run/cos";
      break;
    case ChildStep::chdir:
      step = fmt::format("chdir to {}", cwd);
      break;
    case ChildStep::exec:
      step = fmt::format("executing {} inside the root", kShell);
      break;
  }
  return fmt::format("cannot run {} confined to {}: {}: {}", kShell, request.root_dir, step,
                     std::strerror(failure.error));
}

void child_report(int report_fd, ChildStep step) {
  const ChildFailure failure{static_cast<int>(step), errno};
  if (::write(report_fd, &failure, sizeof failure) < 0) {
    // Nothing left to tell anyone; the exit status says it failed.
  }
}

[[noreturn]] void child_fail(int report_fd, ChildStep step) {
  child_report(report_fd, step);
  ::_exit(127);
}

// Runs between fork and exec: only async-signal-safe calls, no allocation.
bool write_tmpfs_file(const TmpfsFile& file) {
  const int fd =
      ::open(file.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  const char* data = file.content.data();
  std::size_t left = file.content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return false;
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  // chown before chmod: chown clears set-id bits.
  if (::fchown(fd, file.uid, file.gid) != 0 || ::fchmod(fd, file.mode) != 0) {
    ::close(fd);
    return false;
  }
  return ::close(fd) == 0;
}

struct ChildPlan {
  const char* root_dir;
  bool pivot;  // false: the root is the host's own "/"
  const char* cwd;
  const RunCosTmpfs* tmpfs;
  const char* tmpfs_options;
  int output_fd;
  int report_fd;
  char** argv;
  char** envp;
};

// Makes `plan.root_dir` the root of the child's mount namespace. pivot_root
// rather than chroot: a chroot is left by any process inside that may call
// chroot(2) again (chroot into a subdirectory, then `..` up past the old
// root), while after pivot_root the old root is detached and there is
// nothing above "/" to reach. pivot_root is refused where the current root
// is the initramfs' rootfs (EINVAL): there the child reports that and falls
// back to a chroot.
void enter_root(const ChildPlan& plan) {
  if (!plan.pivot) {
    if (::chroot(plan.root_dir) != 0 || ::chdir("/") != 0) {
      child_fail(plan.report_fd, ChildStep::chroot);
    }
    return;
  }
  // pivot_root needs the new root to be a mount point.
  if (::mount(plan.root_dir, plan.root_dir, nullptr, MS_BIND | MS_REC, nullptr) != 0) {
    child_fail(plan.report_fd, ChildStep::bind_root);
  }
  if (::chdir(plan.root_dir) != 0) child_fail(plan.report_fd, ChildStep::chroot);
  // pivot_root(".", "."): the old root is stacked on the new one, and then
  // detached from it.
  if (::syscall(SYS_pivot_root, ".", ".") == 0) {
    if (::umount2(".", MNT_DETACH) != 0) child_fail(plan.report_fd, ChildStep::detach_old_root);
    if (::chdir("/") != 0) child_fail(plan.report_fd, ChildStep::chroot);
    return;
  }
  child_report(plan.report_fd, ChildStep::pivot_root);
  if (::chroot(".") != 0 || ::chdir("/") != 0) child_fail(plan.report_fd, ChildStep::chroot);
}

[[noreturn]] void confined_child(const ChildPlan& plan) {
  // /dev/null is opened before the chroot: the root may not have one.
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0 || ::dup2(null_fd, 0) < 0 || ::dup2(plan.output_fd, 1) < 0 ||
      ::dup2(plan.output_fd, 2) < 0) {
    child_fail(plan.report_fd, ChildStep::redirect);
  }
  // No set-user-ID or file-capability program of the root gains anything.
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    child_fail(plan.report_fd, ChildStep::no_new_privs);
  }
  if (::unshare(CLONE_NEWNS) != 0) child_fail(plan.report_fd, ChildStep::unshare);
  // Without this a mount below would propagate back to the host's namespace.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    child_fail(plan.report_fd, ChildStep::private_mounts);
  }
  enter_root(plan);
  // After the chroot, so that the mount point is looked up inside the root.
  if (plan.tmpfs != nullptr) {
    const RunCosTmpfs& tmpfs = *plan.tmpfs;
    if (::mount("tmpfs", tmpfs.mount_point.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
                plan.tmpfs_options) != 0) {
      child_fail(plan.report_fd, ChildStep::mount_tmpfs);
    }
    if (!tmpfs.directory.empty() && (::mkdir(tmpfs.directory.c_str(), 0755) != 0 ||
                                     ::chmod(tmpfs.directory.c_str(), 0755) != 0)) {
      child_fail(plan.report_fd, ChildStep::make_directory);
    }
    for (const TmpfsFile& file : tmpfs.files) {
      if (!write_tmpfs_file(file)) child_fail(plan.report_fd, ChildStep::write_file);
    }
  }
  if (::chdir(plan.cwd) != 0) child_fail(plan.report_fd, ChildStep::chdir);
  ::execve(kShell, plan.argv, plan.envp);
  child_fail(plan.report_fd, ChildStep::exec);
}

ShellRun run_confined(const ShellRequest& request) {
  std::optional<RunCosTmpfs> tmpfs;
  if (request.simulated_mode) {
    std::string error;
    std::unique_ptr<DiskRoot> root = DiskRoot::open(request.root_dir, error);
    if (!root) return refused(error);
    RunCosTmpfsPlan planned = plan_run_cos_tmpfs(*root, *request.simulated_mode);
    if (!planned.tmpfs) {
      return refused(fmt::format("cannot simulate the {} boot mode for the shell in {}: {}",
                                 mode_name(*request.simulated_mode), request.root_dir,
                                 planned.problem));
    }
    tmpfs = std::move(planned.tmpfs);
  }
  // Everything the child needs is prepared here, before fork.
  const std::string tmpfs_options =
      tmpfs ? fmt::format("mode={:o}", tmpfs->mount_mode & 07777) : std::string();
  const std::string cwd = request.cwd.empty() ? std::string("/") : request.cwd;
  std::string text(request.text);
  char* argv[] = {const_cast<char*>("sh"), const_cast<char*>("-c"), text.data(), nullptr};
  char* envp[] = {const_cast<char*>(kConfinedPath), const_cast<char*>(kConfinedHome), nullptr};
  const bool pivot = !is_host_root(request.root_dir);
  std::optional<Pipe> output = make_pipe();
  std::optional<Pipe> report = make_pipe();
  if (!output || !report) {
    return refused(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
  }
  const ChildPlan plan{request.root_dir.c_str(),
                       pivot,
                       cwd.c_str(),
                       tmpfs ? &*tmpfs : nullptr,
                       tmpfs_options.c_str(),
                       output->write_end.get(),
                       report->write_end.get(),
                       argv,
                       envp};
  const pid_t pid = ::fork();
  if (pid < 0) return refused(fmt::format("cannot fork: {}", std::strerror(errno)));
  if (pid == 0) confined_child(plan);

  output->write_end.reset();
  report->write_end.reset();
  // The child's reports, until /bin/sh starts (the pipe then closes): a
  // fall-back to chroot, then possibly a failure.
  std::string note;
  for (;;) {
    ChildFailure failure;
    std::size_t got = 0;
    while (got < sizeof failure) {
      const ssize_t n = ::read(report->read_end.get(), reinterpret_cast<char*>(&failure) + got,
                               sizeof failure - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    if (got != sizeof failure) break;
    if (failure.step == static_cast<int>(ChildStep::pivot_root)) {
      note = fmt::format("pivot_root into {} failed ({}): the shell ran in a plain chroot",
                         request.root_dir, std::strerror(failure.error));
      continue;
    }
    wait_for(pid);
    return refused(describe(failure, request, tmpfs, cwd));
  }
  ShellRun run = collect(output->read_end.get(), pid);
  run.note = std::move(note);
  return run;
}

}  // namespace

bool needs_confinement(const ShellRequest& request) {
  return request.simulated_mode.has_value() || !is_host_root(request.root_dir);
}

ShellRun run_shell(const ShellRequest& request) {
  return needs_confinement(request) ? run_confined(request) : run_plain(request);
}

}  // namespace bootassess::conditions
