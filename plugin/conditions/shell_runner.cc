#include "conditions/shell_runner.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "conditions/simulated_run_cos.h"
#include "root/disk_root.h"
#include "root/path.h"
#include "root/subprocess.h"

namespace bootassess::conditions {
namespace {

constexpr std::size_t kMaxOutput = std::size_t{64} * 1024;
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

ShellRun refused(std::string problem) {
  ShellRun run;
  run.problem = std::move(problem);
  return run;
}

SubprocessRequest shell_subprocess(const ShellRequest& request) {
  SubprocessRequest sub;
  sub.program = kShell;
  sub.argv = {"sh", "-c", std::string(request.text)};
  sub.cwd = request.cwd;
  sub.merge_stderr = true;
  sub.max_output = kMaxOutput;
  sub.timeout = request.timeout;
  return sub;
}

// What the shell did, once it ran.
ShellRun finished(SubprocessResult&& result) {
  ShellRun run;
  run.started = true;
  run.timed_out = result.timed_out;
  run.status = result.status;
  run.output = std::move(result.out);
  if (result.out_truncated) run.output += "\n[output truncated]";
  return run;
}

ShellRun run_plain(const ShellRequest& request) {
  SubprocessResult result = run_subprocess(shell_subprocess(request));
  if (!result.started) return refused(std::move(result.problem));
  return finished(std::move(result));
}

// The steps the confined child takes before the subprocess helper's chdir
// and exec; on failure it reports which one, with errno.
enum class ChildStep : int {
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
};

std::string describe(const ChildReport& failure, const ShellRequest& request,
                     const std::optional<RunCosTmpfs>& tmpfs, const std::string& cwd) {
  std::string step = "preparing it";
  switch (failure.code) {
    case ChildReport::kRedirect:
      step = "redirecting its input and output";
      break;
    case ChildReport::kChdir:
      step = fmt::format("chdir to {}", cwd);
      break;
    case ChildReport::kExec:
      step = fmt::format("executing {} inside the root", kShell);
      break;
    default:
      break;
  }
  switch (static_cast<ChildStep>(failure.code)) {
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
  }
  return fmt::format("cannot run {} confined to {}: {}: {}", kShell, request.root_dir, step,
                     std::strerror(failure.error));
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
  const RunCosTmpfs* tmpfs;
  const char* tmpfs_options;
};

// Makes `plan.root_dir` the root of the child's mount namespace. pivot_root
// rather than chroot: a chroot is left by any process inside that may call
// chroot(2) again (chroot into a subdirectory, then `..` up past the old
// root), while after pivot_root the old root is detached and there is
// nothing above "/" to reach. pivot_root is refused where the current root
// is the initramfs' rootfs (EINVAL): there the child reports that and falls
// back to a chroot.
void enter_root(const ChildPlan& plan, const ChildChannel& channel) {
  if (!plan.pivot) {
    if (::chroot(plan.root_dir) != 0 || ::chdir("/") != 0) {
      channel.fail(static_cast<int>(ChildStep::chroot));
    }
    return;
  }
  // pivot_root needs the new root to be a mount point.
  if (::mount(plan.root_dir, plan.root_dir, nullptr, MS_BIND | MS_REC, nullptr) != 0) {
    channel.fail(static_cast<int>(ChildStep::bind_root));
  }
  if (::chdir(plan.root_dir) != 0) channel.fail(static_cast<int>(ChildStep::chroot));
  // pivot_root(".", "."): the old root is stacked on the new one, and then
  // detached from it.
  if (::syscall(SYS_pivot_root, ".", ".") == 0) {
    if (::umount2(".", MNT_DETACH) != 0) channel.fail(static_cast<int>(ChildStep::detach_old_root));
    if (::chdir("/") != 0) channel.fail(static_cast<int>(ChildStep::chroot));
    return;
  }
  channel.note(static_cast<int>(ChildStep::pivot_root));
  if (::chroot(".") != 0 || ::chdir("/") != 0) channel.fail(static_cast<int>(ChildStep::chroot));
}

// The confined shell's setup, between fork and exec: only async-signal-safe
// calls, no allocation.
void confine(const ChildPlan& plan, const ChildChannel& channel) {
  // No set-user-ID or file-capability program of the root gains anything.
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    channel.fail(static_cast<int>(ChildStep::no_new_privs));
  }
  if (::unshare(CLONE_NEWNS) != 0) channel.fail(static_cast<int>(ChildStep::unshare));
  // Without this a mount below would propagate back to the host's namespace.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    channel.fail(static_cast<int>(ChildStep::private_mounts));
  }
  enter_root(plan, channel);
  // After the chroot, so that the mount point is looked up inside the root.
  if (plan.tmpfs != nullptr) {
    const RunCosTmpfs& tmpfs = *plan.tmpfs;
    if (::mount("tmpfs", tmpfs.mount_point.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
                plan.tmpfs_options) != 0) {
      channel.fail(static_cast<int>(ChildStep::mount_tmpfs));
    }
    if (!tmpfs.directory.empty() && (::mkdir(tmpfs.directory.c_str(), 0755) != 0 ||
                                     ::chmod(tmpfs.directory.c_str(), 0755) != 0)) {
      channel.fail(static_cast<int>(ChildStep::make_directory));
    }
    for (const TmpfsFile& file : tmpfs.files) {
      if (!write_tmpfs_file(file)) channel.fail(static_cast<int>(ChildStep::write_file));
    }
  }
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
  const ChildPlan plan{request.root_dir.c_str(), !is_host_root(request.root_dir),
                       tmpfs ? &*tmpfs : nullptr, tmpfs_options.c_str()};
  SubprocessRequest sub = shell_subprocess(request);
  if (sub.cwd.empty()) sub.cwd = "/";
  sub.env = std::vector<std::string>{kConfinedPath, kConfinedHome};
  sub.setup = [&plan](const ChildChannel& channel) { confine(plan, channel); };
  SubprocessResult result = run_subprocess(sub);
  std::string note;
  for (const ChildReport& report : result.notes) {
    if (report.code == static_cast<int>(ChildStep::pivot_root)) {
      note = fmt::format("pivot_root into {} failed ({}): the shell ran in a plain chroot",
                         request.root_dir, std::strerror(report.error));
    }
  }
  if (!result.started) {
    return refused(result.failure ? describe(*result.failure, request, tmpfs, sub.cwd)
                                  : std::move(result.problem));
  }
  ShellRun run = finished(std::move(result));
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
