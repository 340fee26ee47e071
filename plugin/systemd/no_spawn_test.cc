// Enabling a thousand units spawns no process: the work runs in a child
// process that the kernel kills (SIGSYS) at the first fork, clone or exec.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstddef>
#include <cstdlib>
#include <string>

#include "apply/applier.h"
#include "fs/overlay_root.h"
#include "root/disk_root.h"
#include "support/temp_dir.h"
#include "systemd/enablement.h"

namespace bootassess::systemd {
namespace {

// Kills the calling process at any attempt to create a process or thread or
// to execute a program.
bool forbid_spawning() {
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
#ifdef __NR_fork
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_fork, 5, 0),
#else
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 5, 0),
#endif
#ifdef __NR_vfork
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_vfork, 4, 0),
#else
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 4, 0),
#endif
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 3, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 2, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_execve, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
  };
  sock_fprog program{static_cast<unsigned short>(sizeof filter / sizeof filter[0]), filter};
  return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) == 0;
}

// Runs `work` in a child with spawning forbidden; its wait status.
template <typename Work>
int run_forbidding_spawns(Work work) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (!forbid_spawning()) ::_exit(3);
    ::_exit(work() ? 0 : 1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

TEST(SystemdNoSpawn, TheGuardCatchesASpawn) {
  const int status = run_forbidding_spawns([] { return std::system("true") == 0; });
  if (WIFEXITED(status) && WEXITSTATUS(status) == 3) GTEST_SKIP() << "seccomp is not available";
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGSYS);
}

TEST(SystemdNoSpawn, EnablingAThousandUnits) {
  bootassess::testing::TempDir root;
  bootassess::testing::make_dirs(root / "etc/systemd/system");
  for (int i = 0; i < 1000; ++i) {
    bootassess::testing::write_text(
        root / fmt::format("usr/lib/systemd/system/check-{}@.service", i),
        "[Install]\nWantedBy=multi-user.target\nRequiredBy=boot-complete.target\n"
        "DefaultInstance=%H\nAlias=alias-%p@.service\n");
  }
  const int status = run_forbidding_spawns([&] {
    std::string error;
    std::unique_ptr<DiskRoot> disk = DiskRoot::open(root.path(), error);
    if (!disk) return false;
    OverlayRoot planned(*disk);
    Installer installer(planned);
    Applier applier(disk->fd());
    for (int i = 0; i < 1000; ++i) {
      const Outcome outcome =
          installer.enable({fmt::format("check-{}@.service", i), {}}, Scope::persistent);
      if (outcome.failed) return false;
      for (const Action& a : outcome.actions) {
        if (a.unchanged) continue;
        planned.record(a);
        if (!applier.apply(a).ok) return false;
      }
    }
    return applier.flush();
  });
  if (WIFEXITED(status) && WEXITSTATUS(status) == 3) GTEST_SKIP() << "seccomp is not available";
  EXPECT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::string listing;
  bootassess::testing::run_command(
      "ls " + (root / "etc/systemd/system/boot-complete.target.requires") + " | wc -l", &listing);
  EXPECT_EQ(listing, "1000\n");
}

}  // namespace
}  // namespace bootassess::systemd
