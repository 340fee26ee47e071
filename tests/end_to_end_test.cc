// Whole-process properties of `bootassess apply`: confinement against
// hostile symlinks and "..", idempotence, no process spawned for native
// conditions, and the exit statuses of the command-line contract.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "boot/efi_variable.h"
#include "support/shell_root.h"
#include "support/temp_dir.h"
#include "support/tree.h"

namespace bootassess {
namespace {

namespace fs = std::filesystem;
using testing::read_text;
using testing::run_command;
using testing::TempDir;
using testing::write_text;

const std::string kBinary = BOOTASSESS_BINARY;
const std::string kExamples = std::string(BOOTASSESS_SOURCE_DIR) + "/examples";

std::string apply(const std::string& root, const std::string& args, int* status) {
  std::string output;
  *status = run_command(kBinary + " apply --root '" + root + "' " + args, &output);
  return output;
}

void seed_unit(const std::string& root) {
  write_text(root + "/usr/lib/systemd/system/myapp.service",
             "[Unit]\nDescription=My application\n\n[Service]\nExecStart=/usr/bin/myapp\n");
}

// What `bootassess ARGS` did, as strace saw it with `filter` (following
// children). `calls` is the trace.
struct Traced {
  int status = -1;
  std::string output;
  std::string calls;
};

Traced traced(const TempDir& tmp, const std::string& filter, const std::string& args) {
  Traced t;
  const std::string trace = tmp / "trace";
  // LeakSanitizer cannot run under ptrace: in a sanitizer build, the traced
  // process alone runs without leak checking.
  t.status = run_command(
      "ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" strace -f "
      "-qq -e trace=" +
          filter + " -o '" + trace + "' " + kBinary + " " + args,
      &t.output);
  t.calls = read_text(trace);
  return t;
}

// Counts execve calls and reports any fork-like call in an strace log.
void expect_no_child_process(const std::string& calls) {
  std::size_t execs = 0;
  for (std::size_t at = calls.find("execve("); at != std::string::npos;
       at = calls.find("execve(", at + 1)) {
    ++execs;
  }
  EXPECT_EQ(execs, 1u) << calls;
  for (const char* call : {"fork(", "vfork(", "clone(", "clone3("}) {
    EXPECT_EQ(calls.find(call), std::string::npos) << call << " in\n" << calls;
  }
}

TEST(EndToEndTest, HostileSymlinksAndDotDotStayInsideTheRoot) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to set owners";
  TempDir tmp;
  const std::string root = tmp / "root";
  const std::string outside = tmp / "outside";
  testing::make_dirs(root + "/etc");
  testing::make_dirs(outside);
  // The links' targets, as the root sees them (a directory link whose target
  // is missing fails, as in yip).
  testing::make_dirs(root + outside);
  // Links that would escape if followed on the host.
  fs::create_directory_symlink(outside, root + "/etc/abs-escape");
  fs::create_directory_symlink("../../../../../../../../" + outside.substr(1),
                               root + "/etc/rel-escape");
  fs::create_symlink(outside + "/target.conf", root + "/etc/file-escape.conf");
  fs::create_directory_symlink("/", root + "/etc/root-link");
  write_text(tmp / "config.yaml", R"(stages:
  initramfs:
    - files:
        - {path: /etc/abs-escape/a.conf, permissions: 0644, content: a}
        - {path: /etc/rel-escape/b.conf, permissions: 0644, content: b}
        - {path: /etc/file-escape.conf, permissions: 0644, content: c}
        - {path: /../../../../etc/d.conf, permissions: 0644, content: d}
        - {path: /etc/root-link/../../e.conf, permissions: 0644, content: e}
      directories:
        - {path: /etc/rel-escape/dir, permissions: 0700}
      systemctl:
        overrides:
          - {service: x.service, content: "[Unit]\n", name: ../../../../escape}
)");
  int status = 0;
  const std::string output = apply(root, "--mode active " + (tmp / "config.yaml"), &status);
  // Nothing outside the root changed.
  EXPECT_TRUE(fs::is_empty(outside)) << output;
  EXPECT_FALSE(fs::exists(tmp / "e.conf"));
  EXPECT_FALSE(fs::exists("/escape.conf"));
  // Everything landed where it resolves inside the root.
  const std::string inside = root + outside;  // absolute targets restart at the root
  EXPECT_EQ(read_text(inside + "/a.conf"), "a") << output;
  EXPECT_EQ(read_text(inside + "/b.conf"), "b");
  EXPECT_EQ(read_text(inside + "/target.conf"), "c");
  EXPECT_EQ(read_text(root + "/etc/d.conf"), "d");
  EXPECT_EQ(read_text(root + "/e.conf"), "e");
  EXPECT_TRUE(fs::is_directory(inside + "/dir"));
}

TEST(EndToEndTest, SecondIdenticalRunWritesNothing) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to set owners";
  TempDir tmp;
  const std::string root = tmp / "root";
  seed_unit(root);
  const std::string example = kExamples + "/active-passive-overrides.yaml";
  int status = 0;
  std::string first = apply(root, "--mode active " + example, &status);
  ASSERT_EQ(status, 0) << first;
  const std::string before = testing::snapshot(root);
  std::string second = apply(root, "--mode active " + example, &status);
  ASSERT_EQ(status, 0) << second;
  EXPECT_EQ(testing::snapshot(root), before);
  EXPECT_NE(second.find(": 0 changed,"), std::string::npos) << second;
  EXPECT_NE(second.find("unchanged /run/systemd/system/myapp.service.d/override.conf"),
            std::string::npos)
      << second;
  EXPECT_EQ(second.find("written "), std::string::npos) << second;
}

TEST(EndToEndTest, NativeConditionsSpawnNoProcess) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to set owners";
  if (run_command("command -v strace") != 0) GTEST_SKIP() << "strace is not installed";
  TempDir tmp;
  const std::string root = tmp / "root";
  seed_unit(root);
  const Traced t = traced(
      tmp, "process",
      "apply --root '" + root + "' --mode active " + kExamples + "/active-passive-overrides.yaml");
  ASSERT_EQ(t.status, 0) << t.output;
  // One execve (bootassess itself); no fork, vfork, clone or second execve.
  expect_no_child_process(t.calls);
  EXPECT_NE(t.output.find("written /run/systemd/system/myapp.service.d/override.conf"),
            std::string::npos)
      << t.output;
}

TEST(EndToEndTest, DryRunStartsNoShell) {
  if (run_command("command -v strace") != 0) GTEST_SKIP() << "strace is not installed";
  TempDir tmp;
  write_text(tmp / "c.yaml",
             "stages:\n  initramfs:\n    - if: grep -q x /etc/hostname\n"
             "      files: [{path: /x, permissions: 0644, content: x}]\n");
  const Traced t = traced(tmp, "process", "apply --dry-run --mode active " + (tmp / "c.yaml"));
  EXPECT_EQ(t.status, 0) << t.output;
  expect_no_child_process(t.calls);
  EXPECT_NE(t.output.find("would write /x"), std::string::npos) << t.output;
  EXPECT_NE(t.output.find("(if the condition at"), std::string::npos) << t.output;
  EXPECT_FALSE(fs::exists("/x") && read_text("/x") == "x");
}

TEST(EndToEndTest, ChangedDirectoriesAreSynced) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to set owners";
  if (run_command("command -v strace") != 0) GTEST_SKIP() << "strace is not installed";
  TempDir tmp;
  const std::string root = tmp / "root";
  seed_unit(root);
  const Traced t = traced(
      tmp, "syncfs,fsync,renameat,symlinkat",
      "apply --root '" + root + "' --mode active " + kExamples + "/active-passive-overrides.yaml");
  ASSERT_EQ(t.status, 0) << t.output;
  const std::string& calls = t.calls;
  // The file's content is synced (with its whole file system) before its
  // rename, and the directories that gained the file and the link after
  // them, again with one syncfs: no fsync per file or directory.
  const std::size_t rename = calls.find("renameat(");
  const std::size_t link = calls.find("symlinkat(");
  ASSERT_NE(rename, std::string::npos) << calls;
  ASSERT_NE(link, std::string::npos) << calls;
  const std::size_t data = calls.find("syncfs(");
  ASSERT_NE(data, std::string::npos) << calls;
  EXPECT_LT(data, rename) << calls;
  const std::size_t entries = calls.find("syncfs(", rename);
  ASSERT_NE(entries, std::string::npos) << calls;
  EXPECT_GT(entries, link) << calls;
  EXPECT_EQ(calls.find("fsync("), std::string::npos) << calls;
}

TEST(EndToEndTest, NewDirectoriesFollowTheUmaskAsInYip) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to set owners";
  TempDir tmp;
  const std::string root = tmp / "root";
  testing::make_dirs(root + "/srv/existing");
  write_text(tmp / "dirs.yaml", R"(stages:
  initramfs:
    - directories:
        - {path: /srv/shared/deep, permissions: 0777}
        - {path: /srv/existing, permissions: 0777}
      files:
        - {path: /opt/app/conf/x.conf, permissions: 0666, content: x}
)");
  std::string output;
  ASSERT_EQ(run_command("umask 027 && " + kBinary + " apply --root '" + root + "' --mode active " +
                            (tmp / "dirs.yaml"),
                        &output),
            0)
      << output;
  auto mode = [&](const std::string& p) {
    return fs::status(root + p).permissions() & fs::perms::mask;
  };
  using fs::perms;
  // Created: mode & ~umask (yip's mkdir); the file's parents from its mode + 0100.
  EXPECT_EQ(mode("/srv/shared"), static_cast<perms>(0750));
  EXPECT_EQ(mode("/srv/shared/deep"), static_cast<perms>(0750));
  EXPECT_EQ(mode("/opt/app/conf"), static_cast<perms>(0740));
  // Existing directory and file: set exactly, as yip's chmod does.
  EXPECT_EQ(mode("/srv/existing"), static_cast<perms>(0777));
  EXPECT_EQ(mode("/opt/app/conf/x.conf"), static_cast<perms>(0666));
}

TEST(EndToEndTest, ExitStatuses) {
  TempDir tmp;
  const std::string root = tmp / "root";
  testing::make_dirs(root);
  write_text(tmp / "bad.yaml", "stages:\n  initramfs: [\n");
  write_text(tmp / "ok.yaml",
             "stages:\n  initramfs:\n    - if: '[ -e /nothing ]'\n"
             "      files: [{path: /x, permissions: 0644, content: x}]\n");
  int status = 0;
  std::string output = apply(root, "--mode active " + (tmp / "ok.yaml"), &status);
  EXPECT_EQ(status, 0) << output;  // a skipped step is success
  output = apply(root, "--mode active " + (tmp / "bad.yaml") + " " + (tmp / "ok.yaml"), &status);
  EXPECT_EQ(status, 1) << output;
  EXPECT_NE(output.find("bad.yaml:3:1: error: invalid YAML"), std::string::npos) << output;
  output = apply(root, "--mode sideways " + (tmp / "ok.yaml"), &status);
  EXPECT_EQ(status, 2) << output;
  output = apply(root, "", &status);
  EXPECT_EQ(status, 2) << output;
  output = apply(root, "--condition-timeout 0 " + (tmp / "ok.yaml"), &status);
  EXPECT_EQ(status, 2) << output;
  output = apply(tmp / "missing-root", (tmp / "ok.yaml"), &status);
  EXPECT_EQ(status, 2) << output;
}

// A root as `apply` leaves it on a counted active boot of the recommended
// example: the variables, the mode sentinel and the gate's files.
std::string counted_active_root(const TempDir& tmp) {
  const std::string root = tmp / "root";
  seed_unit(root);
  write_text(root + "/usr/lib/systemd/system/boot-complete.target", "[Unit]\n");
  write_text(root + "/usr/lib/systemd/system/multi-user.target", "[Unit]\n");
  write_text(root + "/run/cos/active_mode", "1");
  write_text(root + "/run/cos/uki_boot_mode", "1");
  const std::string efivars = root + "/sys/firmware/efi/efivars/";
  write_text(efivars + "LoaderBootCountPath-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f",
             encode_efi_string_variable("\\loader\\entries\\active+2-1.conf"));
  write_text(efivars + "LoaderEntrySelected-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f",
             encode_efi_string_variable("active+2-1.conf"));
  return root;
}

TEST(EndToEndTest, StatusOnAnotherRootReadsTheGateAndLeavesStatesUnknown) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to set owners";
  TempDir tmp;
  const std::string root = counted_active_root(tmp);
  int status = 0;
  const std::string applied = apply(root, kExamples + "/boot-assessment.yaml", &status);
  ASSERT_EQ(status, 0) << applied;

  std::string json;
  status = run_command(kBinary + " status --format json --root " + testing::shell_quote(root) +
                           " > " + testing::shell_quote(tmp / "status.json"),
                       &json);
  EXPECT_EQ(status, 3) << json;
  // What a shell script of the real-boot tier asserts, the same way.
  if (run_command("command -v python3") == 0) {
    write_text(tmp / "check.py", R"(import json, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"] == "unknown", d
assert d["exit_status"] == 3, d
assert d["mode"] == "active", d
assert d["mode_flags"] == {"uki_boot_mode": True, "uki_install_mode": False, "in_ram_mode": False}, d
assert d["entry"] == "active+2-1.conf", d
assert d["counting"] == {"counted": True, "left": 2, "done": 1,
                         "path": "\\loader\\entries\\active+2-1.conf", "entry": "active.conf",
                         "error": None, "active": True, "broken": False, "reason": None}, d
assert d["boot_complete"] is None, d
assert d["blessed"] is None, d
assert [u["name"] for u in d["units"]] == ["myapp.service"], d
u = d["units"][0]
assert u["reboots"] is True and u["active_state"] is None and u["result"] is None, u
assert u["exit_status"] is None, u
assert d["states_unknown_because"] == "--root is not /, so systemd is not asked", d
)");
    std::string checked;
    EXPECT_EQ(run_command("python3 " + testing::shell_quote(tmp / "check.py") + " " +
                              testing::shell_quote(tmp / "status.json"),
                          &checked),
              0)
        << checked << read_text(tmp / "status.json");
  }

  std::string text;
  status = run_command(kBinary + " status --root " + testing::shell_quote(root), &text);
  EXPECT_EQ(status, 3) << text;
  EXPECT_EQ(text.rfind("unknown: 1 gated unit, states unknown: --root is not /, so systemd is "
                       "not asked\n",
                       0),
            0u)
      << text;
  EXPECT_NE(text.find("counted (active.conf, 2 tries left, 1 done)"), std::string::npos) << text;
  EXPECT_NE(text.find("myapp.service"), std::string::npos) << text;
  EXPECT_NE(text.find("FailureAction=reboot"), std::string::npos) << text;

  // An uncounted boot of the same root: the gate does not reboot, and says so.
  fs::remove(root +
             "/sys/firmware/efi/efivars/"
             "LoaderBootCountPath-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f");
  ASSERT_EQ(run_command(kBinary + " apply --root " + testing::shell_quote(root) + " " + kExamples +
                        "/boot-assessment.yaml"),
            0);
  status = run_command(kBinary + " status --root " + testing::shell_quote(root), &text);
  EXPECT_EQ(status, 3) << text;
  EXPECT_NE(text.find("not counted"), std::string::npos) << text;
  EXPECT_EQ(text.find("FailureAction=reboot"), std::string::npos) << text;
}

TEST(EndToEndTest, StatusNamesAMalformedVariableAndReportsNoGate) {
  TempDir tmp;
  const std::string root = tmp / "root";
  write_text(root +
                 "/sys/firmware/efi/efivars/"
                 "LoaderBootCountPath-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f",
             std::string("\x07\0\0\0\\", 5));
  std::string text;
  const int status = run_command(kBinary + " status --root " + testing::shell_quote(root), &text);
  EXPECT_EQ(status, 0) << text;
  EXPECT_EQ(text.rfind("no gate on this boot\n", 0), 0u) << text;
  EXPECT_NE(text.find("/sys/firmware/efi/efivars/"
                      "LoaderBootCountPath-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f: malformed:"),
            std::string::npos)
      << text;
}

TEST(EndToEndTest, StatusOnAnotherRootStartsNoProcess) {
  if (run_command("command -v strace") != 0) GTEST_SKIP() << "strace is not installed";
  TempDir tmp;
  testing::make_dirs(tmp / "root/run/cos");
  const Traced t = traced(tmp, "process", "status --root '" + (tmp / "root") + "'");
  EXPECT_EQ(t.status, 0) << t.output;
  expect_no_child_process(t.calls);
}

TEST(EndToEndTest, StatusUsageErrors) {
  std::string output;
  EXPECT_EQ(run_command(kBinary + " status --format yaml", &output), 2) << output;
  EXPECT_EQ(run_command(kBinary + " status --root /nonexistent/root", &output), 2) << output;
  EXPECT_EQ(run_command(kBinary + " status --help", &output), 0) << output;
  EXPECT_NE(output.find("Exit status:"), std::string::npos) << output;
}

// A shell condition that never ends (here with a child that ignores SIGTERM)
// is killed with its process group at --condition-timeout: its step is an
// error at the condition, the later steps still run, the exit status is 1.
TEST(EndToEndTest, AHangingConditionIsKilledAndTheLaterStepsRun) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (the shell is confined to the root)";
  testing::ChrootedRoot root;
  root.add_tool("/bin/sleep");
  testing::make_dirs(root / "run");  // where the simulated mode goes
  ASSERT_TRUE(root.problem().empty()) << root.problem();
  TempDir tmp;
  write_text(tmp / "hang.yaml",
             "stages:\n"
             "  initramfs:\n"
             "    - name: hangs\n"
             "      if: \"(trap '' TERM; exec sleep 100017) & sleep 100017\"\n"
             "      files: [{path: /hung, permissions: 0644, content: x}]\n"
             "    - name: later\n"
             "      files: [{path: /later, permissions: 0644, content: x}]\n");
  std::string output;
  // Bounded here too, so that a run that hangs fails rather than hangs.
  const int status =
      run_command("timeout 120 " + kBinary + " apply --root '" + root.path() +
                      "' --mode active --condition-timeout 0.5 " + (tmp / "hang.yaml"),
                  &output);
  EXPECT_EQ(status, 1) << output;
  EXPECT_NE(output.find(tmp / "hang.yaml:4:11: error: condition"), std::string::npos) << output;
  EXPECT_NE(output.find("[condition-timeout]"), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(root / "hung"));
  EXPECT_EQ(read_text(root / "later"), "x");
  // Neither sleep outlived the run (the brackets keep pgrep's own shell out).
  std::string left;
  run_command(
      "pgrep -f 'sleep 10001[7]' | while read p; do "
      "[ \"$(cut -d' ' -f3 /proc/$p/stat)\" = Z ] || echo $p; done",
      &left);
  EXPECT_EQ(left, "");
}

}  // namespace
}  // namespace bootassess
