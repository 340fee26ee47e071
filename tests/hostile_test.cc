// `bootassess apply` against hostile or careless input, end to end: names the
// kernel would cut short, runs killed half-way, unit files too large to read.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>

#include "support/temp_dir.h"
#include "support/tree.h"

namespace bootassess {
namespace {

namespace fs = std::filesystem;
using testing::kAddressSanitizer;
using testing::read_text;
using testing::run_command;
using testing::shell_quote;
using testing::TempDir;
using testing::write_text;

const std::string kBinary = BOOTASSESS_BINARY;

std::string run(const std::string& args, int* status) {
  std::string output;
  *status = run_command(kBinary + " " + args, &output);
  return output;
}

std::string run_env(const std::string& env, const std::string& args, int* status) {
  std::string output;
  *status = run_command(env + " " + kBinary + " " + args, &output);
  return output;
}

std::uint32_t mode_of(const std::string& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

// Every entry below `root` whose name is one of the applier's temporaries.
std::vector<std::string> temporaries(const std::string& root) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.path().filename().string().rfind(".#", 0) == 0) out.push_back(e.path().string());
  }
  return out;
}

// "/a\0/..\0" is opened by the kernel as "/a/..": a NUL in a path must not
// let a write or a chmod land outside the root.
TEST(HostileInputTest, NulBytesInPathsCannotEscapeTheRoot) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to set owners";
  TempDir tmp;
  const std::string outer = tmp / "outer";
  const std::string root = outer + "/root";
  testing::make_dirs(root + "/etc");
  ::chmod(outer.c_str(), 0755);
  write_text(tmp / "config.yaml", R"(stages:
  initramfs:
    - files:
        - {path: "/a\0/..\0/..\0/ESCAPED", permissions: 0644, content: "x"}
        - {path: /ok, permissions: 0644, content: "ok"}
      directories:
        - {path: "/..\0", permissions: 0700}
)");
  int status = 0;
  const std::string output =
      run("apply --mode active --root " + shell_quote(root) + " " + (tmp / "config.yaml"), &status);
  EXPECT_EQ(status, 1) << output;
  EXPECT_FALSE(fs::exists(outer + "/ESCAPED")) << output;
  EXPECT_FALSE(fs::exists(root + "/ESCAPED")) << output;
  EXPECT_FALSE(fs::exists(root + "/a")) << output;
  EXPECT_EQ(mode_of(outer), 0755u) << output;
  EXPECT_EQ(mode_of(root), 0755u) << output;
  EXPECT_EQ(read_text(root + "/ok"), "ok");
  EXPECT_NE(output.find("config.yaml:4:18: error: "), std::string::npos) << output;
  EXPECT_NE(output.find("config.yaml:7:18: error: "), std::string::npos) << output;

  const std::string validated = run("validate " + (tmp / "config.yaml"), &status);
  EXPECT_EQ(status, 1) << validated;
  EXPECT_NE(validated.find("config.yaml:4:18: error: "), std::string::npos) << validated;
  EXPECT_NE(validated.find("[nul-byte]"), std::string::npos) << validated;
}

// A run killed at a syscall that changes the disk (strace delivers SIGKILL on
// entry to its N-th call), then an ordinary run: the tree is exactly what one
// clean run makes, modes and owners included, and no temporary is left.
TEST(HostileInputTest, ARunKilledHalfWayIsRepairedByTheNext) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to set owners";
  if (run_command("command -v strace") != 0) GTEST_SKIP() << "strace is not installed";
  TempDir tmp;
  write_text(tmp / "config.yaml", R"(stages:
  initramfs:
    - directories:
        - {path: /srv/data/deep, permissions: 0750, owner: 5, group: 6}
      files:
        - {path: /opt/app/conf/x.conf, permissions: 0640, owner: 7, content: "x\n"}
        - {path: /etc/y.conf, permissions: 0600, content: "new\n"}
)");
  const std::string config = tmp / "config.yaml";
  auto seed = [&](const std::string& root) {
    testing::make_dirs(root + "/etc");
    write_text(root + "/etc/y.conf", "old\n");
  };
  const std::string reference = tmp / "reference";
  seed(reference);
  int status = 0;
  std::string output =
      run("apply --mode active --root " + shell_quote(reference) + " " + config, &status);
  ASSERT_EQ(status, 0) << output;
  const std::string expected = testing::snapshot(reference);

  int kills = 0;
  for (const char* call : {"mkdirat", "fchown", "fchmod", "renameat", "renameat2"}) {
    for (int n = 1; n <= 3; ++n) {
      SCOPED_TRACE(std::string(call) + " #" + std::to_string(n));
      const std::string root = tmp / (std::string("root-") + call + std::to_string(n));
      seed(root);
      const std::string killed =
          // LeakSanitizer cannot run under ptrace (sanitizer builds).
          run_command(
              "ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" strace -f "
              "-qq -o /dev/null -e trace=" +
              std::string(call) + " -e inject=" + call + ":signal=KILL:when=" + std::to_string(n) +
              " " + kBinary + " apply --mode active --root " + shell_quote(root) + " " + config) !=
                  0
              ? "killed"
              : "finished";
      if (killed == "killed") ++kills;
      output = run("apply --mode active --root " + shell_quote(root) + " " + config, &status);
      EXPECT_EQ(status, 0) << killed << "\n" << output;
      EXPECT_EQ(testing::snapshot(root), expected) << killed << "\n" << output;
      EXPECT_EQ(temporaries(root), std::vector<std::string>{}) << killed;
    }
  }
  EXPECT_GT(kills, 5);  // the kills did land
}

// systemd reads unit files line by line; bootassess reads them whole and
// refuses one over 1 MiB: a sparse 6 GiB file or 10 MiB of assignments fail
// their own unit quickly, and every other unit is still enabled.
TEST(HostileInputTest, OversizedUnitFilesFailOnlyTheirUnit) {
  TempDir tmp;
  const std::string root = tmp / "root";
  const std::string lib = root + "/usr/lib/systemd/system/";
  testing::make_dirs(root + "/etc/systemd/system");
  const std::string install = "[Install]\nWantedBy=multi-user.target\n";
  write_text(lib + "sparse.service", install);
  fs::resize_file(lib + "sparse.service", std::uintmax_t{6} << 30);
  std::string lines = install;
  while (lines.size() < (std::size_t{10} << 20))
    lines += "X=1\n";
  write_text(lib + "lines.service", lines);
  write_text(lib + "dropin.service", install);
  write_text(lib + "dropin.service.d/big.conf", "[Install]\n" + std::string(2 << 20, '#') + "\n");
  write_text(lib + "small.service", install);
  write_text(tmp / "config.yaml", R"(stages:
  initramfs:
    - systemctl:
        enable: [sparse.service, lines.service, dropin.service, small.service]
)");
  int status = 0;
  const std::string output =
      run("apply --mode active --root " + shell_quote(root) + " " + (tmp / "config.yaml"), &status);
  EXPECT_EQ(status, 1) << output;
  const std::string wants = root + "/etc/systemd/system/multi-user.target.wants/";
  EXPECT_TRUE(fs::is_symlink(wants + "small.service")) << output;
  for (const char* unit : {"sparse.service", "lines.service", "dropin.service"}) {
    EXPECT_FALSE(fs::exists(fs::symlink_status(wants + unit))) << unit;
    EXPECT_NE(output.find(std::string(unit) + "\": File too large"), std::string::npos)
        << unit << "\n"
        << output;
  }
}

// A config of `files` files and `units` enabled units, and a root holding
// the units.
void many_items(const TempDir& tmp, const std::string& root, int files, int units) {
  testing::make_dirs((fs::path(root) / "etc").string());
  std::string config = "stages:\n  initramfs:\n    - files:\n";
  for (int i = 0; i < files; ++i)
    config +=
        fmt::format("        - {{path: /etc/many/f{0}, permissions: 0640, content: \"{0}\"}}\n", i);
  config += "      systemctl:\n        enable:\n";
  for (int i = 0; i < units; ++i) {
    write_text(fmt::format("{}/usr/lib/systemd/system/u{}.service", root, i),
               "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n");
    config += fmt::format("          - u{}.service\n", i);
  }
  write_text(tmp / "config.yaml", config);
}

// `apply --mode active` of `config` on `root` under strace with `options`
// (LeakSanitizer cannot run under ptrace, in sanitizer builds).
int apply_under_strace(const std::string& options, const std::string& root,
                       const std::string& config, std::string* output) {
  return run_command(
      "ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" strace -f -qq -o /dev/null " +
          options + " " + kBinary + " apply --mode active --root " + shell_quote(root) + " " +
          config,
      output);
}

// Runs at once on one root take turns: every one succeeds, and the tree is
// what one run makes.
TEST(HostileInputTest, ConcurrentRunsOnOneRootTakeTurns) {
  TempDir tmp;
  const std::string reference = tmp / "reference";
  const std::string root = tmp / "root";
  many_items(tmp, reference, 200, 50);
  many_items(tmp, root, 200, 50);
  const std::string args = " apply --mode active --root ";
  int status = 0;
  std::string output = run(args + shell_quote(reference) + " " + (tmp / "config.yaml"), &status);
  ASSERT_EQ(status, 0) << output;
  const std::string expected = testing::snapshot(reference);
  constexpr int kRuns = 24;
  std::string script = "pids=''; failed=0\n";
  for (int i = 0; i < kRuns; ++i) {
    script += kBinary + args + shell_quote(root) + " " + (tmp / "config.yaml") + " > " +
              (tmp / ("out" + std::to_string(i))) + " 2>&1 & pids=\"$pids $!\"\n";
  }
  script += "for p in $pids; do wait $p || failed=$((failed+1)); done; echo failed=$failed\n";
  write_text(tmp / "race.sh", script);
  output = run_command("sh " + (tmp / "race.sh"), &output) == 0 ? output : "sh failed";
  EXPECT_NE(output.find("failed=0"), std::string::npos) << output;
  for (int i = 0; i < kRuns; ++i) {
    const std::string log = read_text(tmp / ("out" + std::to_string(i)));
    EXPECT_EQ(log.find(": error: "), std::string::npos) << log;
  }
  EXPECT_EQ(testing::snapshot(root), expected);
  EXPECT_EQ(temporaries(root), std::vector<std::string>{});
}

// A run that cannot get the lock in time says why and changes nothing.
TEST(HostileInputTest, ARunThatCannotGetTheLockSaysSoAndChangesNothing) {
  TempDir tmp;
  const std::string root = tmp / "root";
  many_items(tmp, root, 3, 1);
  const std::string before = testing::snapshot(root);
  const int held = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(held, 0);
  ASSERT_EQ(::flock(held, LOCK_EX), 0);
  int status = 0;
  const std::string output = run_env(
      "BOOTASSESS_LOCK_WAIT=0.3",
      "apply --mode active --root " + shell_quote(root) + " " + (tmp / "config.yaml"), &status);
  ::close(held);
  EXPECT_EQ(status, 1) << output;
  EXPECT_NE(output.find("another bootassess apply is working on " + root), std::string::npos)
      << output;
  EXPECT_EQ(testing::snapshot(root), before);
  // Released, the root is the next run's.
  const std::string again =
      run("apply --mode active --root " + shell_quote(root) + " " + (tmp / "config.yaml"), &status);
  EXPECT_EQ(status, 0) << again;
}

// A file that cannot be put in place is never reported as written: its
// error names it and the errno, at its position.
TEST(HostileInputTest, AFileNotPutInPlaceIsNeverLoggedAsWritten) {
  if (run_command("command -v strace") != 0) GTEST_SKIP() << "strace is not installed";
  TempDir tmp;
  const std::string root = tmp / "root";
  testing::make_dirs(root + "/etc");
  write_text(tmp / "config.yaml", R"(stages:
  initramfs:
    - files:
        - {path: /etc/a.conf, permissions: 0644, content: "a"}
)");
  std::string log;
  const int status = apply_under_strace(
      "-e trace=renameat,renameat2 -e inject=renameat,renameat2:error=EIO:when=1", root,
      tmp / "config.yaml", &log);
  EXPECT_EQ(status, 1) << log;
  EXPECT_FALSE(fs::exists(root + "/etc/a.conf")) << log;
  EXPECT_EQ(log.find("written /etc/a.conf"), std::string::npos) << log;
  EXPECT_NE(log.find("config.yaml:4:11: error: cannot put /etc/a.conf in place (renaming its "
                     "temporary): Input/output error"),
            std::string::npos)
      << log;
}

// A name longer than a file system allows, in a directory the run makes:
// that item fails alone, saying so, and is not logged as written.
TEST(HostileInputTest, ATooLongNameFailsItsItemAlone) {
  TempDir tmp;
  const std::string root = tmp / "root";
  testing::make_dirs(root + "/etc");
  const std::string name(300, 'n');
  write_text(tmp / "config.yaml",
             "stages:\n  initramfs:\n    - files:\n"
             "        - {path: /etc/new/" +
                 name +
                 ", permissions: 0644, content: x}\n"
                 "        - {path: /etc/new/ok, permissions: 0644, "
                 "content: x}\n");
  int status = 0;
  const std::string output =
      run("apply --mode active --root " + shell_quote(root) + " " + (tmp / "config.yaml"), &status);
  EXPECT_EQ(status, 1) << output;
  // The loader refuses the name at its position, before anything is planned;
  // the applier's own refusal of such a name is ApplierTest's.
  EXPECT_NE(output.find("config.yaml:4:18: error: `path` has a component of 300 bytes"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find("[name-too-long]"), std::string::npos) << output;
  EXPECT_EQ(output.find("written /etc/new/nnn"), std::string::npos) << output;
  EXPECT_NE(output.find("written /etc/new/ok"), std::string::npos) << output;
  EXPECT_EQ(read_text(root + "/etc/new/ok"), "x");
  EXPECT_EQ(temporaries(root), std::vector<std::string>{});
}

// Over the file-size limit (ulimit -f), a write fails alone with EFBIG at
// its position rather than SIGXFSZ ending the run without a word.
TEST(HostileInputTest, TheFileSizeLimitFailsTheItemNotTheRun) {
  TempDir tmp;
  const std::string root = tmp / "root";
  testing::make_dirs(root + "/etc");
  write_text(tmp / "config.yaml", R"(stages:
  initramfs:
    - files:
        - {path: /etc/big, permissions: 0644, content: "more than nothing"}
      directories:
        - {path: /etc/d, permissions: 0755}
)");
  std::string output;
  const int status = run_command("ulimit -f 0; " + kBinary + " apply --mode active --root " +
                                     shell_quote(root) + " " + (tmp / "config.yaml"),
                                 &output);
  EXPECT_EQ(status, 1) << output;
  EXPECT_NE(output.find("config.yaml:4:11: error: cannot write /etc/big: File too large"),
            std::string::npos)
      << output;
  EXPECT_TRUE(fs::is_directory(root + "/etc/d")) << output;
  EXPECT_EQ(temporaries(root), std::vector<std::string>{});
}

// SIGTERM in the middle of a run: it stops between two actions, removes the
// temporaries of the files it has not put in place, and dies of the signal.
TEST(HostileInputTest, SigtermLeavesNoTemporaries) {
  if (run_command("command -v strace") != 0) GTEST_SKIP() << "strace is not installed";
  TempDir tmp;
  const std::string root = tmp / "root";
  many_items(tmp, root, 300, 0);
  std::string output;
  const int status = apply_under_strace("-e trace=openat -e inject=openat:signal=TERM:when=150",
                                        root, tmp / "config.yaml", &output);
  EXPECT_EQ(status, 128 + SIGTERM) << output;
  EXPECT_EQ(temporaries(root), std::vector<std::string>{}) << output;
}

// Out of descriptors: a failure (1) whose message says so, never a usage
// error (2) nor an "Input/output error".
TEST(HostileInputTest, RunningOutOfDescriptorsIsAFailureThatSaysSo) {
  TempDir tmp;
  const std::string root = tmp / "root";
  many_items(tmp, root, 1, 1);
  if (run_command("command -v prlimit") != 0) GTEST_SKIP() << "prlimit is not installed";
  if (kAddressSanitizer) GTEST_SKIP() << "an ASan binary needs descriptors to load its libraries";
  int failures = 0;
  for (int limit = 3; limit <= 7; ++limit) {
    SCOPED_TRACE("RLIMIT_NOFILE " + std::to_string(limit));
    std::string output;
    // (A shell's own redirections need descriptors above the limit.)
    const int status =
        run_command(fmt::format("prlimit --nofile={} {} apply --mode active --root {} {}", limit,
                                kBinary, shell_quote(root), tmp / "config.yaml"),
                    &output);
    if (status == 0) continue;  // enough for this run
    ++failures;
    EXPECT_EQ(status, 1) << output;
    EXPECT_NE(output.find("Too many open files"), std::string::npos) << output;
    EXPECT_EQ(output.find("Input/output error"), std::string::npos) << output;
  }
  EXPECT_GE(failures, 3);
}

}  // namespace
}  // namespace bootassess
