// `bootassess apply` against hostile or careless input, end to end: names the
// kernel would cut short, runs killed half-way, unit files too large to read.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "support/temp_dir.h"
#include "support/tree.h"

namespace bootassess {
namespace {

namespace fs = std::filesystem;
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

}  // namespace
}  // namespace bootassess
