#include "conditions/shell_runner.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sched.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/stat.h>
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
  unshare,
  private_mounts,
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

[[noreturn]] void child_fail(int report_fd, ChildStep step) {
  const ChildFailure failure{static_cast<int>(step), errno};
  if (::write(report_fd, &failure, sizeof failure) < 0) {
    // Nothing left to tell anyone; the exit status says it failed.
  }
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
  const char* cwd;
  const RunCosTmpfs* tmpfs;
  const char* tmpfs_options;
  int output_fd;
  int report_fd;
  char** argv;
};

[[noreturn]] void confined_child(const ChildPlan& plan) {
  // /dev/null is opened before the chroot: the root may not have one.
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0 || ::dup2(null_fd, 0) < 0 || ::dup2(plan.output_fd, 1) < 0 ||
      ::dup2(plan.output_fd, 2) < 0) {
    child_fail(plan.report_fd, ChildStep::redirect);
  }
  if (::unshare(CLONE_NEWNS) != 0) child_fail(plan.report_fd, ChildStep::unshare);
  // Without this a mount below would propagate back to the host's namespace.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    child_fail(plan.report_fd, ChildStep::private_mounts);
  }
  if (::chroot(plan.root_dir) != 0 || ::chdir("/") != 0) {
    child_fail(plan.report_fd, ChildStep::chroot);
  }
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
  ::execve(kShell, plan.argv, environ);
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
  std::optional<Pipe> output = make_pipe();
  std::optional<Pipe> report = make_pipe();
  if (!output || !report) {
    return refused(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
  }
  const ChildPlan plan{request.root_dir.c_str(),
                       cwd.c_str(),
                       tmpfs ? &*tmpfs : nullptr,
                       tmpfs_options.c_str(),
                       output->write_end.get(),
                       report->write_end.get(),
                       argv};
  const pid_t pid = ::fork();
  if (pid < 0) return refused(fmt::format("cannot fork: {}", std::strerror(errno)));
  if (pid == 0) confined_child(plan);

  output->write_end.reset();
  report->write_end.reset();
  ChildFailure failure;
  std::size_t got = 0;
  while (got < sizeof failure) {
    const ssize_t n = ::read(report->read_end.get(), reinterpret_cast<char*>(&failure) + got,
                             sizeof failure - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got == sizeof failure) {
    wait_for(pid);
    return refused(describe(failure, request, tmpfs, cwd));
  }
  return collect(output->read_end.get(), pid);
}

}  // namespace

bool needs_confinement(const ShellRequest& request) {
  return request.simulated_mode.has_value() ||
         !(request.root_dir.starts_with('/') && path::clean(request.root_dir) == "/");
}

ShellRun run_shell(const ShellRequest& request) {
  return needs_confinement(request) ? run_confined(request) : run_plain(request);
}

}  // namespace bootassess::conditions
