// `bootassess` at the limits of the kernel and of memory, end to end: names
// longer than the kernel takes, ids chown ignores, sources that exhaust the
// address space, conditions that need a shell where none may run.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "support/temp_dir.h"

namespace bootassess {
namespace {

namespace fs = std::filesystem;
using namespace testing;

// What `bootassess ARGS` writes to stdout and stderr; its status in `status`.
std::string run(const std::string& args, int* status, const std::string& before = {}) {
  std::string output;
  *status = run_command(before + BOOTASSESS_BINARY + " " + args + " 2>&1", &output);
  return output;
}

// A 300-byte name is refused by the kernel (ENAMETOOLONG): `validate` finds
// it, and `apply` reports it at its position, writes the rest, and never
// says that it wrote it.
TEST(HostileLimitsTest, NamesTooLongForTheKernelAreErrorsBeforeAnythingIsWritten) {
  TempDir tmp;
  const std::string root = tmp / "root";
  testing::make_dirs(root + "/etc");
  const std::string long_name(300, 'n');
  write_text(tmp / "config.yaml", fmt::format(R"(stages:
  initramfs:
    - files:
        - {{path: /etc/new/{0}, permissions: 0644, content: x}}
        - {{path: /etc/ok, permissions: 0644, content: ok}}
      systemctl:
        overrides:
          - {{service: a.service, name: {0}, content: "[Unit]\n"}}
)",
                                              long_name));
  int status = 0;
  const std::string validated = run("validate " + shell_quote(tmp / "config.yaml"), &status);
  EXPECT_EQ(status, 1) << validated;
  EXPECT_NE(validated.find("config.yaml:4:18: error: "), std::string::npos) << validated;
  EXPECT_NE(validated.find("config.yaml:8:40: error: "), std::string::npos) << validated;
  EXPECT_NE(validated.find("[name-too-long]"), std::string::npos) << validated;

  const std::string applied =
      run("apply --mode active --root " + shell_quote(root) + " " + (tmp / "config.yaml"), &status);
  EXPECT_EQ(status, 1) << applied;
  EXPECT_NE(applied.find("config.yaml:4:18: error: "), std::string::npos) << applied;
  EXPECT_NE(applied.find("[name-too-long]"), std::string::npos) << applied;
  EXPECT_EQ(applied.find(long_name), std::string::npos) << "logged in full: " << applied;
  EXPECT_EQ(read_text(root + "/etc/ok"), "ok");
  EXPECT_FALSE(fs::exists(root + "/etc/new"));
  EXPECT_FALSE(fs::exists(root + "/etc/systemd/system/a.service.d"));
}

// Out of memory while one source is read is an error naming it; the other
// sources are still applied.
TEST(HostileLimitsTest, OutOfMemoryFailsOnlyTheSourceBeingRead) {
  if (kAddressSanitizer) GTEST_SKIP() << "ASan reserves more address space than the limit";
  TempDir tmp;
  const std::string root = tmp / "root";
  testing::make_dirs(root + "/etc");
  // 15 MiB in one value: the text, the parser's copy and the tree's need
  // more than the address space allowed below.
  write_text(tmp / "big.yaml", fmt::format("stages:\n  initramfs:\n    - name: {}\n",
                                           std::string(std::size_t{15} << 20, 'b')));
  write_text(tmp / "small.yaml",
             "stages:\n  initramfs:\n    - files: [{path: /etc/small, permissions: 0644, "
             "content: applied}]\n");
  int status = 0;
  const std::string output =
      run("apply --mode active --root " + shell_quote(root) + " " + shell_quote(tmp / "big.yaml") +
              " " + shell_quote(tmp / "small.yaml"),
          &status);
  // Without a limit both load (the baseline the limited run is held to).
  ASSERT_EQ(status, 0) << output;
  fs::remove(root + "/etc/small");
  const std::string out =
      run("apply --mode active --root " + shell_quote(root) + " " + shell_quote(tmp / "big.yaml") +
              " " + shell_quote(tmp / "small.yaml"),
          &status, "ulimit -v 40960 && ");
  EXPECT_EQ(status, 1) << out;
  EXPECT_NE(out.find(tmp / "big.yaml"), std::string::npos) << out;
  EXPECT_NE(out.find("[source-out-of-memory]"), std::string::npos) << out;
  EXPECT_EQ(out.find("internal failure"), std::string::npos) << out;
  EXPECT_EQ(out.find("[yaml-syntax]"), std::string::npos) << out;
  EXPECT_EQ(read_text(root + "/etc/small"), "applied") << out;
}

// --no-shell: a condition that needs a shell is an error at its position,
// in every command, and no shell runs.
TEST(HostileLimitsTest, NoShellRunsNoShell) {
  TempDir tmp;
  const std::string root = tmp / "root";
  testing::make_dirs(root + "/etc");
  const std::string marker = tmp / "shell-ran";
  write_text(tmp / "config.yaml", fmt::format(R"(stages:
  initramfs:
    - if: 'touch {}'
      files: [{{path: /etc/a, permissions: 0644, content: a}}]
    - if: '[ -d /etc ]'
      files: [{{path: /etc/b, permissions: 0644, content: b}}]
)",
                                              marker));
  const std::string config = shell_quote(tmp / "config.yaml");
  int status = 0;
  for (const std::string& args :
       {"validate --no-shell " + config, "plan --no-shell --mode active " + config,
        "apply --no-shell --mode active --root " + shell_quote(root) + " " + config}) {
    const std::string output = run(args, &status);
    EXPECT_EQ(status, 1) << args << "\n" << output;
    EXPECT_NE(output.find("config.yaml:3:11: error: "), std::string::npos) << args << output;
    EXPECT_NE(output.find("[condition-needs-shell]"), std::string::npos) << args << output;
  }
  EXPECT_FALSE(fs::exists(marker));
  EXPECT_FALSE(fs::exists(root + "/etc/a"));
  EXPECT_EQ(read_text(root + "/etc/b"), "b");
  // Without it, validate has nothing against the same file.
  const std::string plain = run("validate " + config, &status);
  EXPECT_EQ(status, 0) << plain;
}

}  // namespace
}  // namespace bootassess
