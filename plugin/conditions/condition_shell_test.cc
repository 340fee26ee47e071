// Tests of the shell fallback: plain runs on the host, and runs confined to
// a root directory with a simulated boot mode (those need root).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/session.h"
#include "conditions/condition.h"
#include "conditions/shell_runner.h"
#include "conditions/simulated_run_cos.h"
#include "load/loader.h"
#include "plan/planner.h"
#include "root/disk_root.h"
#include "support/shell_root.h"
#include "support/temp_dir.h"

namespace bootassess {
namespace {

namespace fs = std::filesystem;
using conditions::plan_run_cos_tmpfs;
using conditions::run_shell;
using conditions::ShellRequest;

std::unique_ptr<DiskRoot> open_root(const std::string& dir) {
  std::string error;
  std::unique_ptr<DiskRoot> root = DiskRoot::open(dir, error);
  EXPECT_NE(root, nullptr) << error;
  return root;
}

ConditionResult on_host(std::string_view text, const std::string& cwd = "/") {
  static std::unique_ptr<DiskRoot> host = open_root("/");
  ConditionContext ctx;
  ctx.view = host.get();
  ctx.cwd = cwd;
  return evaluate_condition(text, ctx);
}

bool mounted_below(const std::string& dir) {
  std::ifstream mountinfo("/proc/self/mountinfo");
  std::string line;
  while (std::getline(mountinfo, line)) {
    if (line.find(dir) != std::string::npos) return true;
  }
  return false;
}

TEST(ConditionShell, StatusAndOutputPropagate) {
  ConditionResult r = on_host("exit 3");
  EXPECT_EQ(r.outcome, ConditionOutcome::fails);
  EXPECT_EQ(r.status, 3);
  EXPECT_FALSE(r.native);

  r = on_host("echo hello; echo oops >&2; exit 0");
  EXPECT_EQ(r.outcome, ConditionOutcome::holds);
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.detail.find("hello"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("oops"), std::string::npos) << r.detail;

  r = on_host("kill -9 $$");
  EXPECT_EQ(r.outcome, ConditionOutcome::fails);
  EXPECT_EQ(r.status, 128 + 9);

  // stdin is /dev/null: reading it ends at once.
  r = on_host("test -z \"$(cat)\"");
  EXPECT_EQ(r.outcome, ConditionOutcome::holds) << r.detail;
}

TEST(ConditionShell, InheritsTheEnvironmentAndUsesTheCwd) {
  ::setenv("BOOTASSESS_CONDITION_TEST", "seen", 1);
  EXPECT_EQ(on_host("[ \"$BOOTASSESS_CONDITION_TEST\" = seen ]").outcome, ConditionOutcome::holds);
  ::unsetenv("BOOTASSESS_CONDITION_TEST");

  testing::TempDir dir;
  testing::write_text(dir / "marker", "");
  EXPECT_EQ(on_host("ls marker >/dev/null", dir.path()).outcome, ConditionOutcome::holds);
  EXPECT_EQ(on_host("ls marker >/dev/null 2>&1", "/").outcome, ConditionOutcome::fails);
}

TEST(ConditionShell, NothingRunsWhenTheShellIsNotAllowed) {
  testing::TempDir dir;
  const std::string marker = dir / "touched";
  ConditionContext ctx;
  std::unique_ptr<DiskRoot> host = open_root("/");
  ctx.view = host.get();
  ctx.allow_shell = false;
  ConditionResult r = evaluate_condition("touch '" + marker + "'", ctx);
  EXPECT_EQ(r.outcome, ConditionOutcome::undecided);
  EXPECT_FALSE(r.native);
  EXPECT_FALSE(r.detail.empty());
  EXPECT_FALSE(fs::exists(marker));
  // Native conditions are still answered.
  r = evaluate_condition("[ -d '" + dir.path() + "' ]", ctx);
  EXPECT_EQ(r.outcome, ConditionOutcome::holds);
  EXPECT_TRUE(r.native);
}

TEST(ConditionShell, AConditionPastItsDeadlineIsKilled) {
  static std::unique_ptr<DiskRoot> host = open_root("/");
  ConditionContext ctx;
  ctx.view = host.get();
  ctx.shell_timeout = std::chrono::milliseconds(200);
  const ConditionResult r = evaluate_condition("echo waiting; exec sleep 100000", ctx);
  EXPECT_EQ(r.outcome, ConditionOutcome::timed_out);
  EXPECT_EQ(r.status, 128 + 9);
  EXPECT_NE(r.detail.find("killed it, with its process group, after 200 ms"), std::string::npos)
      << r.detail;
  EXPECT_NE(r.detail.find("output: waiting"), std::string::npos) << r.detail;
  EXPECT_EQ(outcome_name(r.outcome), "timed-out");
}

TEST(ConditionShell, ABackgroundJobDoesNotHoldTheResult) {
  const auto start = std::chrono::steady_clock::now();
  ConditionResult r = on_host("sleep 5 & true");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.outcome, ConditionOutcome::holds);
  EXPECT_LT(elapsed, std::chrono::seconds(4));
}

using testing::ChrootedRoot;

class ConditionChroot : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (mount namespaces and chroot)";
    ASSERT_TRUE(root_.problem().empty()) << root_.problem();
    view_ = open_root(root_.path());
  }

  void make_run_cos() {
    testing::write_text(root_ / "run/cos/passive_mode", "1", 0755);
    testing::write_text(root_ / "run/cos/state", "kept\n", 0640);
    fs::create_symlink("state", root_ / "run/cos/link");
    testing::make_dirs(root_ / "run/cos/dir");
  }

  ConditionContext context(std::optional<BootMode> mode) {
    ConditionContext ctx;
    if (mode) {
      simulated_ = std::make_unique<SimulatedModeRoot>(*view_, *mode);
      ctx.view = simulated_.get();
    } else {
      ctx.view = view_.get();
    }
    ctx.root_dir = root_.path();
    ctx.cwd = "/";
    ctx.simulated_mode = mode;
    return ctx;
  }

  conditions::ShellRun shell(std::string_view text, std::optional<BootMode> mode) {
    ShellRequest request;
    request.text = text;
    request.root_dir = root_.path();
    // Built apart, not assigned from a literal: GCC 12's -Wrestrict
    // misjudges the inlined copy.
    request.cwd = std::string(1, '/');
    request.simulated_mode = mode;
    return run_shell(request);
  }

  // Applies `config` to the root in the active mode, as apply does; the
  // paths of the actions that changed something go to `changed`.
  std::vector<std::string> apply(const std::string& config, std::optional<mode_t> umask,
                                 std::vector<std::string>* changed = nullptr) {
    Diagnostics diagnostics;
    std::vector<Source> sources;
    sources.push_back(load_source(config, diagnostics));
    if (diagnostics.has_errors()) return {"the configuration does not load"};
    PlanOptions options;
    options.root_dir = root_.path();
    options.simulated_mode = BootMode::active;
    options.mode = BootMode::active;
    view_->remember_lookups();  // as apply reads the root
    const mode_t old_umask = ::umask(umask.value_or(022));
    DiskExecutor disk(*view_, umask);
    std::vector<std::string> errors;
    Planner planner(*view_, options, disk, [&](const PlanEvent& e) {
      if (e.kind == PlanEvent::Kind::diagnostic && e.diagnostic.severity == Severity::error)
        errors.push_back(e.diagnostic.message);
      if (changed != nullptr && e.kind == PlanEvent::Kind::action && e.result.changed)
        changed->push_back(e.action.path);
    });
    planner.run(sources);
    ::umask(old_umask);
    return errors;
  }

  ChrootedRoot root_;
  std::unique_ptr<DiskRoot> view_;
  std::unique_ptr<SimulatedModeRoot> simulated_;
};

TEST_F(ConditionChroot, ShowsExactlyTheSimulatedSentinel) {
  make_run_cos();
  ConditionResult r = evaluate_condition("cat /run/cos/active_mode", context(BootMode::active));
  EXPECT_EQ(r.outcome, ConditionOutcome::holds) << r.detail;
  EXPECT_FALSE(r.native);

  conditions::ShellRun run = shell("cat /run/cos/active_mode", BootMode::active);
  ASSERT_TRUE(run.started) << run.problem;
  EXPECT_EQ(run.status, 0);
  EXPECT_EQ(run.output, "1");

  run = shell("ls /run/cos", BootMode::active);
  ASSERT_TRUE(run.started) << run.problem;
  EXPECT_EQ(run.output, "active_mode\nstate\n");
  run = shell("cat /run/cos/state && ls -ln /run/cos/state", BootMode::active);
  EXPECT_EQ(run.output.substr(0, 16), "kept\n-rw-r----- ") << run.output;

  r = evaluate_condition("ls /run/cos/passive_mode", context(BootMode::active));
  EXPECT_EQ(r.outcome, ConditionOutcome::fails) << r.detail;
  // The native view agrees with what the shell saw.
  r = evaluate_condition("[ -f /run/cos/active_mode ] && [ ! -e /run/cos/passive_mode ]",
                         context(BootMode::active));
  EXPECT_TRUE(r.native);
  EXPECT_EQ(r.outcome, ConditionOutcome::holds);

  // Nothing on disk or in the host's mount table changed.
  EXPECT_TRUE(fs::exists(root_ / "run/cos/passive_mode"));
  EXPECT_FALSE(fs::exists(root_ / "run/cos/active_mode"));
  EXPECT_FALSE(mounted_below(root_.path()));
}

// apply puts the files of a run in place at its end, all at once; a shell
// condition still sees what the steps before it wrote, and so does a native
// condition after a shell changed the root.
TEST_F(ConditionChroot, ConditionsSeeWhatEarlierStepsAndShellsWrote) {
  testing::make_dirs(root_ / "run");
  testing::make_dirs(root_ / "etc");
  const std::string config = root_ / "config.yaml";
  testing::write_text(config,
                      "stages:\n"
                      "  initramfs:\n"
                      "    - if: '[ -f /etc/flag ]'\n"
                      "      files: [{path: /etc/never, permissions: 0644, content: x}]\n"
                      "    - files: [{path: /etc/a, permissions: 0644, content: seen}]\n"
                      "    - if: '[ \"$(cat /etc/a)\" = seen ] && : > /etc/flag'\n"
                      "      files: [{path: /etc/b, permissions: 0644, content: shell}]\n"
                      "    - if: '[ -f /etc/flag ]'\n"
                      "      files: [{path: /etc/c, permissions: 0644, content: native}]\n");
  const std::vector<std::string> errors = apply(config, std::nullopt);
  EXPECT_TRUE(errors.empty()) << errors.front();
  EXPECT_FALSE(fs::exists(root_ / "etc/never"));
  EXPECT_EQ(testing::read_text(root_ / "etc/b"), "shell");
  EXPECT_EQ(testing::read_text(root_ / "etc/c"), "native");
}

// A shell condition may add entries below directories the run has just
// made; the steps after it see them: an identical file stays, a link there is
// disabled, an existing drop-in keeps its mode and owner.
TEST_F(ConditionChroot, LaterStepsSeeWhatAShellAddedToDirectoriesTheRunMade) {
  const std::string unit =
      "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n";
  testing::make_dirs(root_ / "run");
  testing::write_text(root_ / "etc/systemd/system/foo.service", unit);
  testing::write_text(root_ / "etc/systemd/system/baz.service", unit);
  const std::string config = root_ / "config.yaml";
  testing::write_text(
      config,
      "stages:\n"
      "  initramfs:\n"
      "    - files: [{path: /etc/d/a, permissions: 0644, content: a}]\n"
      "      systemctl:\n"
      "        enable: [foo.service]\n"
      "        overrides: [{service: foo.service, name: a.conf, content: \"[Unit]\\n\"}]\n"
      "    - if: 'printf \"x\\n\" > /etc/d/c &&\n"
      "        ln -s /etc/systemd/system/baz.service "
      "/etc/systemd/system/multi-user.target.wants/baz.service &&\n"
      "        printf \"old\\n\" > /etc/systemd/system/foo.service.d/b.conf &&\n"
      "        chmod 600 /etc/systemd/system/foo.service.d/b.conf &&\n"
      "        chown 5:5 /etc/systemd/system/foo.service.d/b.conf'\n"
      "      files:\n"
      "        - {path: /etc/d/c, permissions: 0644, content: "
      "\"x\\n\"}\n"
      "      systemctl:\n"
      "        disable: [baz.service]\n"
      "        overrides: [{service: foo.service, name: b.conf, content: \"[Unit]\\n\"}]\n");
  // With the umask known, apply creates entries exact where it can.
  std::vector<std::string> changed;
  const std::vector<std::string> errors = apply(config, 022, &changed);
  EXPECT_TRUE(errors.empty()) << errors.front();

  const std::string same = "/etc/d/c";
  EXPECT_EQ(std::count(changed.begin(), changed.end(), same), 0) << same << " was rewritten";
  EXPECT_EQ(testing::read_text(root_.path() + same), "x\n");
  EXPECT_TRUE(fs::is_symlink(root_ / "etc/systemd/system/multi-user.target.wants/foo.service"));
  EXPECT_FALSE(fs::is_symlink(root_ / "etc/systemd/system/multi-user.target.wants/baz.service"));
  const std::string dropin = root_ / "etc/systemd/system/foo.service.d/b.conf";
  EXPECT_EQ(testing::read_text(dropin), "[Unit]\n");
  struct stat st {};
  ASSERT_EQ(::stat(dropin.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600U);
  EXPECT_EQ(st.st_uid, 5U);
  EXPECT_EQ(st.st_gid, 5U);
}

// A shell condition may make a unit a step before looked for and did not
// find: the steps after it look again. Every store that remembers the root
// (the names the root view looked up, the overlay of the plan, the units
// systemd/ found or missed, the applier's open directories) hears of the
// shell through one entry point; with the root view's names left out of it,
// the second enable would still find no unit.
TEST_F(ConditionChroot, LaterStepsFindWhatAShellMade) {
  testing::make_dirs(root_ / "run");
  testing::make_dirs(root_ / "etc/systemd/system");
  const std::string config = root_ / "config.yaml";
  testing::write_text(config,
                      "stages:\n"
                      "  initramfs:\n"
                      "    - systemctl:\n"
                      "        enable: [foo.service]\n"
                      "    - if: 'printf \"[Service]\\nExecStart=/bin/true\\n[Install]\\n"
                      "WantedBy=multi-user.target\\n\" > /etc/systemd/system/foo.service'\n"
                      "      systemctl:\n"
                      "        enable: [foo.service]\n");
  const std::vector<std::string> errors = apply(config, 022);
  // The first enable finds no unit; the second finds what the shell made.
  ASSERT_EQ(errors.size(), 1U) << ::testing::PrintToString(errors);
  EXPECT_NE(errors.front().find("foo.service"), std::string::npos) << errors.front();
  EXPECT_TRUE(fs::is_symlink(root_ / "etc/systemd/system/multi-user.target.wants/foo.service"));
}

// What a shell condition removes, a later step makes again: the run's own
// record of what it wrote gives way to the disk once a shell has looked.
TEST_F(ConditionChroot, LaterStepsRemakeWhatAShellRemoved) {
  testing::make_dirs(root_ / "run");
  testing::write_text(root_ / "etc/systemd/system/foo.service",
                      "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n");
  const std::string config = root_ / "config.yaml";
  const std::string link = "/etc/systemd/system/multi-user.target.wants/foo.service";
  testing::write_text(config,
                      "stages:\n"
                      "  initramfs:\n"
                      "    - files: [{path: /etc/d/a, permissions: 0644, content: a}]\n"
                      "      systemctl:\n"
                      "        enable: [foo.service]\n"
                      "    - if: 'rm " +
                          link +
                          " /etc/d/a'\n"
                          "      files: [{path: /etc/d/a, permissions: 0644, content: a}]\n"
                          "      systemctl:\n"
                          "        enable: [foo.service]\n");
  std::vector<std::string> changed;
  const std::vector<std::string> errors = apply(config, 022, &changed);
  EXPECT_TRUE(errors.empty()) << errors.front();
  EXPECT_TRUE(fs::is_symlink(root_.path() + link));
  EXPECT_EQ(testing::read_text(root_.path() + "/etc/d/a"), "a");
  EXPECT_EQ(std::count(changed.begin(), changed.end(), link), 2) << link << " not made again";
  EXPECT_EQ(std::count(changed.begin(), changed.end(), "/etc/d/a"), 2) << "/etc/d/a not made again";
}

// A directory the shell removed, or moved away, is made again where the
// later step says: not written through what the run had open before.
TEST_F(ConditionChroot, LaterStepsRemakeADirectoryAShellRemovedOrMoved) {
  testing::make_dirs(root_ / "run");
  const std::string config = root_ / "config.yaml";
  testing::write_text(config,
                      "stages:\n"
                      "  initramfs:\n"
                      "    - files:\n"
                      "        - {path: /etc/d/a, permissions: 0644, content: a}\n"
                      "        - {path: /etc/m/a, permissions: 0644, content: a}\n"
                      "    - if: 'rm -r /etc/d && mv /etc/m /etc/moved'\n"
                      "      files:\n"
                      "        - {path: /etc/d/a, permissions: 0644, content: b}\n"
                      "        - {path: /etc/m/a, permissions: 0644, content: b}\n");
  const std::vector<std::string> errors = apply(config, 022);
  EXPECT_TRUE(errors.empty()) << errors.front();
  EXPECT_EQ(testing::read_text(root_.path() + "/etc/d/a"), "b");
  EXPECT_EQ(testing::read_text(root_.path() + "/etc/m/a"), "b");
  EXPECT_EQ(testing::read_text(root_.path() + "/etc/moved/a"), "a");
}

TEST_F(ConditionChroot, TheUnknownModeHasItsOwnSentinelName) {
  make_run_cos();
  conditions::ShellRun run = shell("ls /run/cos", BootMode::unknown);
  ASSERT_TRUE(run.started) << run.problem;
  EXPECT_EQ(run.output, "state\nunknown\n");
}

TEST_F(ConditionChroot, CoversRunWhenTheRootHasNoRunCos) {
  testing::write_text(root_ / "run/other", "x");
  conditions::ShellRun run =
      shell("ls /run; ls /run/cos; cat /run/cos/recovery_mode", BootMode::recovery);
  ASSERT_TRUE(run.started) << run.problem;
  EXPECT_EQ(run.status, 0);
  EXPECT_EQ(run.output, "cos\nrecovery_mode\n1");
  EXPECT_FALSE(fs::exists(root_ / "run/cos"));
}

TEST_F(ConditionChroot, RefusesWithoutRun) {
  ConditionResult r = evaluate_condition("ls /run/cos", context(BootMode::active));
  EXPECT_EQ(r.outcome, ConditionOutcome::refused);
  EXPECT_NE(r.detail.find("/run"), std::string::npos) << r.detail;
}

TEST_F(ConditionChroot, RefusesWithoutAShellInsideTheRoot) {
  fs::remove(root_ / "bin/sh");
  ConditionResult r = evaluate_condition("true; true", context(std::nullopt));
  EXPECT_EQ(r.outcome, ConditionOutcome::refused);
  EXPECT_NE(r.detail.find("/bin/sh"), std::string::npos) << r.detail;
}

TEST_F(ConditionChroot, AForeignRootCannotSeeHostFiles) {
  testing::TempDir host;
  const std::string host_file = host / "host-only";
  testing::write_text(host_file, "secret");
  fs::create_directories(root_ / "etc");
  fs::create_symlink(host_file, root_ / "etc/escape");
  ASSERT_FALSE(fs::exists(root_ / host_file.substr(1)));

  EXPECT_EQ(on_host("cat '" + host_file + "' >/dev/null").outcome, ConditionOutcome::holds);
  for (const std::string& text : {"cat '" + host_file + "'", std::string("cat /etc/escape")}) {
    ConditionResult r = evaluate_condition(text, context(std::nullopt));
    EXPECT_EQ(r.outcome, ConditionOutcome::fails) << text << ": " << r.detail;
    EXPECT_EQ(r.detail.find("secret"), std::string::npos) << r.detail;
  }
  // Natively, through the root's view, it is not there either.
  ConditionResult r =
      evaluate_condition("[ -e '" + host_file + "' ] || [ -e /etc/escape ]", context(std::nullopt));
  EXPECT_TRUE(r.native);
  EXPECT_EQ(r.outcome, ConditionOutcome::fails);
}

// The classic chroot escape: chroot into a subdirectory, climb past the
// (now outer) root with `..`, chroot there. A shell confined by chroot alone
// leaves the root that way; after pivot_root there is nothing above "/".
TEST_F(ConditionChroot, AShellCannotLeaveTheRootByChrootingAgain) {
  if (!fs::exists("/usr/bin/perl")) GTEST_SKIP() << "needs /usr/bin/perl";
  root_.add_tool("/usr/bin/perl");
  ASSERT_TRUE(root_.problem().empty()) << root_.problem();
  testing::TempDir outside;
  const std::string canary = outside / "escaped";
  // A script file: `perl -e` opens /dev/null, which the root does not have.
  testing::write_text(root_ / "escape.pl",
                      "mkdir '/x'; chroot '/x' or die \"chroot: $!\"; chdir '..' for 1..64;\n"
                      "chroot '.' or die \"chroot: $!\";\n"
                      "open(F, '>', '" +
                          canary + "') or die \"open: $!\"; print F 'out'; close F;\n");
  const std::string text = "perl /escape.pl";
  const conditions::ShellRun run = shell(text, std::nullopt);
  ASSERT_TRUE(run.started) << run.problem;
  EXPECT_NE(run.status, 0) << run.output;
  // It got as far as the open, which found nothing of the host.
  EXPECT_NE(run.output.find("open: No such file or directory"), std::string::npos) << run.output;
  EXPECT_FALSE(fs::exists(canary)) << "a shell in the root wrote " << canary;
  EXPECT_TRUE(run.note.empty()) << run.note;  // pivot_root, not a fall-back
  // The same with a simulated mode (a tmpfs on /run/cos).
  fs::create_directories(root_ / "run/cos");
  const conditions::ShellRun simulated = shell(text, BootMode::passive);
  ASSERT_TRUE(simulated.started) << simulated.problem;
  EXPECT_FALSE(fs::exists(canary));
}

// Confined, the root's shell gets a fixed environment, nothing of the
// caller's, and cannot gain privileges through set-user-ID programs.
TEST_F(ConditionChroot, TheShellGetsAFixedEnvironmentAndNoNewPrivileges) {
  ::setenv("BOOTASSESS_CONDITION_SECRET", "leaked", 1);
  const conditions::ShellRun run =
      shell("echo \"[$BOOTASSESS_CONDITION_SECRET][$PATH][$HOME]\"", std::nullopt);
  ::unsetenv("BOOTASSESS_CONDITION_SECRET");
  ASSERT_TRUE(run.started) << run.problem;
  EXPECT_EQ(run.output, "[][/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin][/]\n");
#if defined(__x86_64__)
  // prctl(PR_GET_NO_NEW_PRIVS) through perl's syscall (SYS_prctl is 157,
  // PR_GET_NO_NEW_PRIVS 39 on x86-64).
  if (fs::exists("/usr/bin/perl")) {
    root_.add_tool("/usr/bin/perl");
    testing::write_text(root_ / "nnp.pl", "print 'nnp=', syscall(157, 39, 0, 0, 0, 0), \"\\n\";\n");
    const conditions::ShellRun nnp = shell("perl /nnp.pl", std::nullopt);
    ASSERT_TRUE(nnp.started) << nnp.problem;
    EXPECT_EQ(nnp.output, "nnp=1\n");
  }
#endif
  // The host's own shell still gets the caller's environment, as under yip.
  ::setenv("BOOTASSESS_CONDITION_SECRET", "passed", 1);
  EXPECT_EQ(on_host("[ \"$BOOTASSESS_CONDITION_SECRET\" = passed ]").outcome,
            ConditionOutcome::holds);
  ::unsetenv("BOOTASSESS_CONDITION_SECRET");
}

TEST_F(ConditionChroot, RefusedWhenNotPrivileged) {
  // A child drops to an unprivileged user and reports the outcome it saw.
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(2);
    ConditionContext ctx;
    ctx.root_dir = root_.path();
    ctx.cwd = "/";
    const ConditionResult r = evaluate_condition("true; true", ctx);
    const bool ok =
        r.outcome == ConditionOutcome::refused && r.detail.find("unshare") != std::string::npos;
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(ConditionShell, ANulByteIsRefused) {
  ConditionResult r = on_host(std::string_view("true\0; false", 12));
  EXPECT_EQ(r.outcome, ConditionOutcome::refused);
}

TEST(ConditionLiveRoot, SimulatingAModeHidesTheHostsSentinels) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (mount namespaces)";
  const bool had_live_sentinel = fs::exists("/run/cos/live_mode");
  std::unique_ptr<DiskRoot> host = open_root("/");
  SimulatedModeRoot live(*host, BootMode::live);
  ConditionContext ctx;
  ctx.view = &live;
  ctx.simulated_mode = BootMode::live;
  ConditionResult r = evaluate_condition("cat /run/cos/live_mode", ctx);
  EXPECT_EQ(r.outcome, ConditionOutcome::holds) << r.detail;
  r = evaluate_condition("ls /run/cos/active_mode /run/cos/passive_mode", ctx);
  EXPECT_EQ(r.outcome, ConditionOutcome::fails) << r.detail;
  EXPECT_EQ(fs::exists("/run/cos/live_mode"), had_live_sentinel);
}

TEST(ConditionRunCos, PlansTheSentinelAndCopiesOfOtherRegularFiles) {
  testing::TempDir root;
  testing::write_text(root / "run/cos.d/active_mode", "1");
  testing::write_text(root / "run/cos.d/state", "kept", 0600);
  fs::create_symlink("cos.d", root / "run/cos");
  fs::create_symlink("state", root / "run/cos.d/link");
  std::unique_ptr<DiskRoot> view = open_root(root.path());
  conditions::RunCosTmpfsPlan plan = plan_run_cos_tmpfs(*view, BootMode::passive);
  ASSERT_TRUE(plan.tmpfs) << plan.problem;
  EXPECT_EQ(plan.tmpfs->mount_point, "/run/cos.d");
  EXPECT_TRUE(plan.tmpfs->directory.empty());
  ASSERT_EQ(plan.tmpfs->files.size(), 2u);
  EXPECT_EQ(plan.tmpfs->files[0].path, "/run/cos.d/state");
  EXPECT_EQ(plan.tmpfs->files[0].content, "kept");
  EXPECT_EQ(plan.tmpfs->files[0].mode, 0600u);
  EXPECT_EQ(plan.tmpfs->files[1].path, "/run/cos.d/passive_mode");
  EXPECT_EQ(plan.tmpfs->files[1].content, "1");

  fs::remove(root / "run/cos");
  testing::write_text(root / "run/cos", "not a directory");
  EXPECT_FALSE(plan_run_cos_tmpfs(*view, BootMode::passive).tmpfs);
}

}  // namespace
}  // namespace bootassess
