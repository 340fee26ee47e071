#include "probe/local_probe.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "support/process.h"
#include "support/temp_dir.h"

namespace bootassess::probe {
namespace {

using namespace std::chrono_literals;
using testing::read_text;
using testing::TempDir;
using testing::write_text;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

constexpr const char* kMountInfo =
    "22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw\n"
    "30 22 0:26 / /usr/local rw shared:2 master:7 - ext4 /dev/sda3 rw\n"
    "31 22 0:27 / /mnt/a\\040b\\134c rw - tmpfs my\\040tmp rw\n"
    "32 30 0:28 / /usr/local rw - overlay overlay rw,lowerdir=/a\n"
    "garbage line\n"
    "33 22 0:29 / /no-dash rw tmpfs x rw\n"
    "34 22 0:30 / /bad\\9escape rw - tmpfs none rw";

TEST(ProbeMount, ParsesMountinfoAndItsOctalEscapes) {
  const std::vector<MountInfo> mounts = parse_mountinfo(kMountInfo);
  ASSERT_EQ(mounts.size(), 5u);
  EXPECT_EQ(mounts[0].mount_point, "/");
  EXPECT_EQ(mounts[0].fstype, "ext4");
  EXPECT_EQ(mounts[0].source, "/dev/sda2");
  EXPECT_EQ(mounts[1].fstype, "ext4");  // past two optional fields
  EXPECT_EQ(mounts[2].mount_point, "/mnt/a b\\c");
  EXPECT_EQ(mounts[2].source, "my tmp");
  EXPECT_EQ(mounts[3].fstype, "overlay");
  EXPECT_EQ(mounts[4].mount_point, "/bad\\9escape");  // not three octal digits: kept
}

TEST(ProbeMount, MatchesTheCleanedPathAndTheTopMountOfAStack) {
  Attempt a = mount_attempt("/usr/local", std::nullopt, kMountInfo);
  EXPECT_TRUE(a.passed);
  EXPECT_EQ(a.detail, "/usr/local is a mount point (overlay from overlay)");
  a = mount_attempt("/usr//local/./", std::string("overlay"), kMountInfo);
  EXPECT_TRUE(a.passed) << a.detail;
  a = mount_attempt("/usr/local", std::string("ext4"), kMountInfo);
  EXPECT_FALSE(a.passed);
  EXPECT_EQ(a.detail, "/usr/local is a mount point of overlay from overlay, not ext4");
  a = mount_attempt("/mnt/a b\\c", std::string("tmpfs"), kMountInfo);
  EXPECT_TRUE(a.passed) << a.detail;
  a = mount_attempt("/usr", std::nullopt, kMountInfo);
  EXPECT_FALSE(a.passed);
  EXPECT_EQ(a.detail, "/usr is not a mount point");
  a = mount_attempt("/no-dash", std::nullopt, kMountInfo);
  EXPECT_FALSE(a.passed);
}

// In a private mount namespace (as root): a bind mount is seen, then a
// tmpfs stacked on it, in the real /proc/self/mountinfo.
TEST(ProbeMount, SeesABindMountInAPrivateNamespace) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (a private mount namespace)";
  TempDir tmp;
  const std::string source = tmp / "source";
  const std::string target = tmp / "mount point";
  testing::make_dirs(source);
  testing::make_dirs(target);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (::unshare(CLONE_NEWNS) != 0) ::_exit(77);
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) ::_exit(77);
    if (mount_attempt(target, std::nullopt).passed) ::_exit(10);
    if (::mount(source.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) != 0) ::_exit(77);
    const Attempt bound = mount_attempt(target, std::nullopt);
    if (!bound.passed || !contains(bound.detail, "is a mount point")) ::_exit(11);
    if (!mount_attempt(target + "/", std::nullopt).passed) ::_exit(12);
    if (mount_attempt(target, std::string("no-such-type")).passed) ::_exit(13);
    if (::mount("t", target.c_str(), "tmpfs", 0, nullptr) != 0) ::_exit(77);
    if (!mount_attempt(target, std::string("tmpfs")).passed) ::_exit(14);
    if (mount_attempt(source, std::nullopt).passed) ::_exit(15);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77) GTEST_SKIP() << "no private mount namespace here";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the child's step that failed (see the test)";
}

TEST(ProbePath, TellsTypesApart) {
  TempDir tmp;
  write_text(tmp / "file", "x");
  testing::make_dirs(tmp / "dir");
  ASSERT_EQ(::symlink("file", (tmp / "link").c_str()), 0);
  ASSERT_EQ(::symlink("missing", (tmp / "dangling").c_str()), 0);
  ASSERT_EQ(::mkfifo((tmp / "fifo").c_str(), 0600), 0);
  const int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(sock, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string sock_path = tmp / "sock";
  ASSERT_LT(sock_path.size(), sizeof addr.sun_path);
  sock_path.copy(addr.sun_path, sock_path.size());
  ASSERT_EQ(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);

  const std::pair<std::string, std::string> present[] = {
      {"file", "file"}, {"dir", "directory"}, {"link", "symlink"},    {"link", "file"},
      {"fifo", "fifo"}, {"sock", "socket"},   {"dangling", "symlink"}};
  for (const auto& [name, type] : present) {
    const Attempt a = path_attempt(tmp / name, type);
    EXPECT_TRUE(a.passed) << name << " " << type << ": " << a.detail;
  }
  EXPECT_TRUE(path_attempt("/dev/null", std::string("char")).passed);
  EXPECT_TRUE(path_attempt(tmp / "dir", std::nullopt).passed);
  EXPECT_EQ(path_attempt(tmp / "dir", std::nullopt).detail, tmp / "dir" + " exists (a directory)");

  Attempt a = path_attempt(tmp / "file", std::string("directory"));
  EXPECT_FALSE(a.passed);
  EXPECT_EQ(a.detail, tmp / "file" + " is a regular file, not a directory");
  a = path_attempt(tmp / "file", std::string("symlink"));
  EXPECT_FALSE(a.passed);
  EXPECT_EQ(a.detail, tmp / "file" + " is a regular file, not a symbolic link");
  a = path_attempt(tmp / "missing", std::nullopt);
  EXPECT_FALSE(a.passed);
  EXPECT_EQ(a.detail, tmp / "missing" + " does not exist");
  a = path_attempt(tmp / "dangling", std::nullopt);
  EXPECT_FALSE(a.passed);
  EXPECT_EQ(a.detail, tmp / "dangling" + " is a dangling symbolic link");
  a = path_attempt(tmp / "fifo", std::string("block"));
  EXPECT_FALSE(a.passed);
  EXPECT_EQ(a.detail, tmp / "fifo" + " is a FIFO, not a block device");
  ::close(sock);
}

TEST(ProbeCommand, PassesOnExitZeroAndQuotesTheLastLineOtherwise) {
  Attempt a = command_attempt({"/bin/sh", "-c", "echo fine"}, Deadline::after(60s));
  EXPECT_TRUE(a.passed) << a.detail;
  EXPECT_EQ(a.detail, "/bin/sh exited with status 0: fine");
  a = command_attempt({"/bin/sh", "-c", "echo first; echo not ready >&2; echo; exit 3"},
                      Deadline::after(60s));
  EXPECT_FALSE(a.passed);
  EXPECT_FALSE(a.timed_out);
  EXPECT_EQ(a.detail, "/bin/sh exited with status 3: not ready");
  // Past the bound, the end of the output is what is kept.
  a = command_attempt({"/bin/sh", "-c", "seq 1 100000; echo the end >&2; exit 1"},
                      Deadline::after(60s));
  EXPECT_EQ(a.detail, "/bin/sh exited with status 1: the end");
  a = command_attempt({"/bin/sh", "-c", "kill -KILL $$"}, Deadline::after(60s));
  EXPECT_FALSE(a.passed);
  EXPECT_EQ(a.detail, "/bin/sh killed by signal 9 (SIGKILL)");
  // An exit status of 137 is not a signal.
  a = command_attempt({"/bin/sh", "-c", "exit 137"}, Deadline::after(60s));
  EXPECT_EQ(a.detail, "/bin/sh exited with status 137");
  a = command_attempt({"/nonexistent/program"}, Deadline::after(60s));
  EXPECT_FALSE(a.passed);
  EXPECT_EQ(a.detail, "cannot start /nonexistent/program: No such file or directory");
}

TEST(ProbeCommand, RunsInAFixedEnvironmentWithNoInput) {
  ::setenv("BOOTASSESS_PROBE_TEST", "leaked", 1);
  const Attempt a =
      command_attempt({"/bin/sh", "-c", "read x; echo \"[$x][${BOOTASSESS_PROBE_TEST-unset}]\""},
                      Deadline::after(60s));
  ::unsetenv("BOOTASSESS_PROBE_TEST");
  EXPECT_EQ(a.detail, "/bin/sh exited with status 0: [][unset]");
  // What the shell adds itself (PWD, SHLVL, _) aside, only the fixed two.
  const Attempt env = command_attempt({"/usr/bin/env"}, Deadline::after(60s));
  EXPECT_TRUE(env.passed);
  EXPECT_EQ(env.detail, "/usr/bin/env exited with status 0: LANG=C.UTF-8");
  const Attempt path = command_attempt({"/bin/sh", "-c", "echo $PATH"}, Deadline::after(60s));
  EXPECT_EQ(path.detail, "/bin/sh exited with status 0: /usr/sbin:/usr/bin:/sbin:/bin");
}

TEST(ProbeCommand, AHangIsEndedByTheDeadlineWithItsProcessGroup) {
  TempDir tmp;
  const std::string pid_file = tmp / "grandchild";
  // A grandchild that ignores SIGTERM, then the shell waits for ever.
  const Attempt a = command_attempt(
      {"/bin/sh", "-c",
       "sh -c 'trap \"\" TERM; echo $$ > \"$0\"; exec sleep 100000' '" + pid_file +
           "' & while [ ! -s '" + pid_file + "' ]; do sleep 0.01; done; echo waiting; wait"},
      Deadline::after(2s));
  EXPECT_FALSE(a.passed);
  EXPECT_TRUE(a.timed_out);
  EXPECT_EQ(a.detail, "/bin/sh timed out (its process group was killed): waiting");
  const pid_t grandchild = std::stoi(read_text(pid_file));
  EXPECT_TRUE(testing::process_gone(grandchild))
      << "grandchild " << grandchild << " outlived the deadline";
}

status::UnitStates states(std::string active, std::string sub, std::string load = "loaded") {
  status::UnitStates s;
  status::UnitState& u = s.units["k3s.service"];
  u.id = "k3s.service";
  u.load_state = std::move(load);
  u.active_state = std::move(active);
  u.sub_state = std::move(sub);
  return s;
}

TEST(ProbeUnit, OnlyActiveIsActive) {
  Attempt a = unit_attempt("k3s.service", states("active", "running"));
  EXPECT_TRUE(a.passed);
  EXPECT_EQ(a.detail, "k3s.service is active (running)");
  a = unit_attempt("k3s.service", states("activating", "start"));
  EXPECT_FALSE(a.passed);
  EXPECT_EQ(a.detail, "k3s.service is activating (start)");
  a = unit_attempt("k3s.service", states("failed", "failed"));
  EXPECT_EQ(a.detail, "k3s.service is failed (failed)");
  a = unit_attempt("k3s.service", states("inactive", "dead", "not-found"));
  EXPECT_FALSE(a.passed);
  EXPECT_EQ(a.detail, "k3s.service is inactive (not-found)");
  a = unit_attempt("other.service", states("active", "running"));
  EXPECT_FALSE(a.passed);
  EXPECT_EQ(a.detail, "other.service: systemd said nothing of it");
  status::UnitStates unknown;
  unknown.unknown_because = "systemd is not running";
  a = unit_attempt("k3s.service", unknown);
  EXPECT_FALSE(a.passed);
  EXPECT_EQ(a.detail, "k3s.service: state unknown: systemd is not running");
}

TEST(ProbeUnit, RetriesUntilActiveAndAsksWithTheTimeLeft) {
  int asked = 0;
  const TimedUnitQuery query = [&](const std::vector<std::string>& units,
                                   std::chrono::milliseconds timeout) {
    EXPECT_EQ(units, std::vector<std::string>{"k3s.service"});
    EXPECT_LE(timeout, 60s);
    ++asked;
    return asked < 3 ? states("activating", "start") : states("active", "running");
  };
  std::string last_seen;
  const Verdict v = retry_until(60s, 1ms, [&](const Deadline& deadline) {
    return unit_attempt("k3s.service", query, deadline, last_seen);
  });
  EXPECT_TRUE(v.passed);
  EXPECT_EQ(asked, 3);
  EXPECT_TRUE(v.detail.starts_with("k3s.service is active (running) (passed after 3 attempts"))
      << v.detail;
  // A state seen once is still told when systemd no longer answers.
  asked = 0;
  last_seen.clear();
  const TimedUnitQuery fading = [&](const std::vector<std::string>&, std::chrono::milliseconds) {
    if (++asked == 1) return states("activating", "start");
    status::UnitStates unknown;
    unknown.unknown_because = "systemctl did not answer in time";
    return unknown;
  };
  const Verdict faded = retry_until(100ms, 10ms, [&](const Deadline& deadline) {
    return unit_attempt("k3s.service", fading, deadline, last_seen);
  });
  EXPECT_FALSE(faded.passed);
  EXPECT_TRUE(
      faded.detail.starts_with("k3s.service is activating (start) when last seen; then "
                               "systemctl did not answer in time after "))
      << faded.detail;
  last_seen.clear();
  const Verdict never = retry_until(100ms, 10ms, [&](const Deadline& deadline) {
    return unit_attempt(
        "k3s.service",
        [](const std::vector<std::string>&, std::chrono::milliseconds) {
          return states("activating", "start");
        },
        deadline, last_seen);
  });
  EXPECT_FALSE(never.passed);
  EXPECT_TRUE(never.detail.starts_with("k3s.service is activating (start) after ")) << never.detail;
}

}  // namespace
}  // namespace bootassess::probe
