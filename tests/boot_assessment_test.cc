// The `boot_assessment:` module end to end, in every mode, counted and not,
// with the links checked against `systemctl --root --runtime enable` and
// `add-wants`, and `is-enabled`.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "boot/boot_counting.h"
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
const std::string kUnit =
    "[Unit]\nDescription=My application\n\n[Service]\nExecStart=/usr/bin/myapp\n\n"
    "[Install]\nWantedBy=multi-user.target\n";
const std::string kDropin =
    "/run/systemd/system/myapp.service.d/zz-bootassess-boot-assessment.conf";

const std::string kBootComplete =
    "[Unit]\nDescription=Boot Completion Check\nRequires=sysinit.target\nAfter=sysinit.target\n";

std::string make_root(const TempDir& tmp, const std::string& name) {
  const std::string root = tmp / name;
  write_text(root + "/usr/lib/systemd/system/myapp.service", kUnit);
  write_text(root + "/usr/lib/systemd/system/other.service", kUnit);
  write_text(root + "/usr/lib/systemd/system/boot-complete.target", kBootComplete);
  write_text(root + "/usr/lib/systemd/system/multi-user.target", "[Unit]\nDescription=Multi\n");
  write_text(root + "/etc/systemd/system/keep.conf", "persistent\n");
  testing::make_dirs(root + "/run");
  return root;
}

std::string subtree(const std::string& root, const std::string& dir) {
  return fs::exists(root + dir) ? testing::snapshot(root + dir) : std::string("(absent)");
}

// The loader's variable, as efivarfs shows it on a counted boot.
void make_counted(const std::string& root, const std::string& entry) {
  write_text(root + std::string(kBootCountVariable),
             encode_boot_count_variable("\\loader\\entries\\" + entry));
}

// A mode, and whether the root shows a counted boot.
class BootAssessmentTest : public ::testing::TestWithParam<std::tuple<std::string, bool>> {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to set owners";
    if (run_command("command -v systemctl") != 0) GTEST_SKIP() << "systemctl is not installed";
  }
};

TEST_P(BootAssessmentTest, GateMatchesSystemctlRuntimeEnableAndAddWants) {
  const auto& [mode, counted] = GetParam();
  TempDir tmp;
  const std::string root = make_root(tmp, "a");
  if (counted) make_counted(root, mode + "+2-1.conf");
  const std::string etc_before = subtree(root, "/etc");
  write_text(tmp / "gate.yaml", R"(stages:
  initramfs:
    - name: gate
      boot_assessment:
        units: [myapp.service]
)");
  std::string output;
  ASSERT_EQ(
      run_command(kBinary + " apply --root " + root + " --mode " + mode + " " + (tmp / "gate.yaml"),
                  &output),
      0)
      << output;
  EXPECT_EQ(subtree(root, "/etc"), etc_before) << "/etc must be untouched";
  EXPECT_NE(output.find(counted ? "counted (" + mode + ".conf, 2 tries left, 1 done)"
                                : std::string("not counted")),
            std::string::npos)
      << output;
  // One line says why an active boot does not reboot on failure.
  EXPECT_EQ(output.find("[boot-assessment-uncounted]") != std::string::npos,
            mode == "active" && !counted)
      << output;

  if (mode != "active" && mode != "passive") {       // not gated by default
    EXPECT_EQ(subtree(root, "/run"), "") << output;  // nothing at all
    return;
  }
  const std::string dropin = read_text(root + kDropin);
  EXPECT_NE(dropin.find("\nBefore=boot-complete.target\n"), std::string::npos) << dropin;
  EXPECT_NE(dropin.find("\n[Install]\nRequiredBy=boot-complete.target\n"), std::string::npos);
  EXPECT_EQ(dropin.find("\nFailureAction=reboot\n") != std::string::npos,
            mode == "active" && counted)
      << dropin;

  std::string state;
  run_command("SYSTEMD_LOG_LEVEL=err systemctl --root=" + root + " is-enabled myapp.service",
              &state);
  EXPECT_EQ(state, "enabled-runtime\n");

  // The twin: the same drop-in, linked by systemctl itself; boot-complete.target
  // is pulled into every gated boot, counted or not.
  const std::string twin = make_root(tmp, "b");
  write_text(twin + kDropin, dropin);
  // The target's own drop-in, which keeps multi-user.target from being
  // ordered after it (and so after the gated units): no ordering cycle.
  const std::string target_dropin =
      "/run/systemd/system/boot-complete.target.d/zz-bootassess-boot-assessment.conf";
  EXPECT_NE(read_text(root + target_dropin).find("\n[Unit]\nAfter=multi-user.target\n"),
            std::string::npos);
  write_text(twin + target_dropin, read_text(root + target_dropin));
  ASSERT_EQ(run_command("SYSTEMD_LOG_LEVEL=err systemctl --root=" + twin +
                        " --runtime enable myapp.service"),
            0);
  ASSERT_EQ(run_command("SYSTEMD_LOG_LEVEL=err systemctl --root=" + twin +
                        " --runtime add-wants multi-user.target boot-complete.target"),
            0);
  EXPECT_EQ(subtree(root, "/run"), subtree(twin, "/run"));
  EXPECT_TRUE(
      fs::is_symlink(root + "/run/systemd/system/multi-user.target.wants/boot-complete.target"));
}

INSTANTIATE_TEST_SUITE_P(Modes, BootAssessmentTest,
                         ::testing::Combine(::testing::Values("active", "passive", "recovery",
                                                              "autoreset", "live"),
                                            ::testing::Bool()),
                         [](const auto& p) {
                           return std::get<0>(p.param) +
                                  (std::get<1>(p.param) ? "_counted" : "_uncounted");
                         });

TEST(BootAssessmentCountingTest, SimulatedCountingOverridesTheRoot) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to set owners";
  TempDir tmp;
  const std::string gate = BOOTASSESS_SOURCE_DIR + std::string("/examples/boot-assessment.yaml");
  std::string output;
  // Counted by simulation, on a root that shows no variable.
  const std::string simulated = make_root(tmp, "a");
  ASSERT_EQ(run_command(kBinary + " apply --root " + simulated +
                            " --mode active --counting counted " + gate,
                        &output),
            0)
      << output;
  EXPECT_NE(read_text(simulated + kDropin).find("\nFailureAction=reboot\n"), std::string::npos);
  EXPECT_FALSE(fs::exists(simulated + "/sys")) << "nothing of the simulation is written";
  // Not counted by simulation, on a root that shows a counted boot.
  const std::string real = make_root(tmp, "b");
  make_counted(real, "active+1.conf");
  ASSERT_EQ(
      run_command(kBinary + " apply --root " + real + " --mode active --counting uncounted " + gate,
                  &output),
      0)
      << output;
  EXPECT_EQ(read_text(real + kDropin).find("\nFailureAction="), std::string::npos);
}

TEST(BootAssessmentCountingTest, AMalformedVariableNeverReboots) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to set owners";
  TempDir tmp;
  const std::string root = make_root(tmp, "a");
  write_text(root + std::string(kBootCountVariable), std::string("\x07\0\0\0garbage", 11));
  std::string output;
  EXPECT_EQ(run_command(kBinary + " apply --root " + root + " --mode active " +
                            BOOTASSESS_SOURCE_DIR + "/examples/boot-assessment.yaml",
                        &output),
            1)
      << output;
  EXPECT_NE(output.find(std::string(kBootCountVariable) + ": error: the value has an odd number"),
            std::string::npos)
      << output;
  // The gate is still written, without the reboot.
  EXPECT_EQ(read_text(root + kDropin).find("\nFailureAction="), std::string::npos);
  EXPECT_TRUE(
      fs::is_symlink(root + "/run/systemd/system/boot-complete.target.requires/myapp.service"));
}

TEST(BootAssessmentRootTest, ARootWithoutRunGetsOne) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to set owners";
  TempDir tmp;
  const std::string root = tmp / "bare";
  write_text(root + "/usr/lib/systemd/system/myapp.service", kUnit);
  // The simulated sentinel makes /run/cos visible to conditions; it must not
  // make the planner believe /run exists on disk.
  std::string output;
  write_text(root + "/usr/lib/systemd/system/boot-complete.target", kBootComplete);
  write_text(root + "/usr/lib/systemd/system/multi-user.target", "[Unit]\n");
  ASSERT_EQ(run_command(kBinary + " apply --root " + root + " --mode active --counting counted " +
                            BOOTASSESS_SOURCE_DIR + "/examples/boot-assessment.yaml",
                        &output),
            0)
      << output;
  EXPECT_NE(read_text(root + kDropin).find("\nFailureAction=reboot\n"), std::string::npos);
  EXPECT_FALSE(fs::exists(root + "/run/cos")) << "nothing of the simulation is written";
}

TEST(BootAssessmentRefusalTest, MissingUnitFailsAloneAndRiskNeedsConsent) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to set owners";
  TempDir tmp;
  const std::string root = make_root(tmp, "a");
  write_text(tmp / "missing.yaml", R"(stages:
  initramfs:
    - boot_assessment:
        units: [nope.service, other.service]
)");
  std::string output;
  EXPECT_EQ(
      run_command(kBinary + " apply --root " + root + " --mode active " + (tmp / "missing.yaml"),
                  &output),
      1);
  EXPECT_NE(output.find("missing.yaml:4:17: error: nope.service does not exist"), std::string::npos)
      << output;
  EXPECT_FALSE(fs::exists(root + "/run/systemd/system/nope.service.d"));
  EXPECT_TRUE(
      fs::is_symlink(root + "/run/systemd/system/boot-complete.target.requires/other.service"));

  const std::string fresh = make_root(tmp, "b");
  write_text(tmp / "risky.yaml", R"(stages:
  initramfs:
    - boot_assessment:
        units: [myapp.service]
        reboot_on_failure: [active, passive]
)");
  EXPECT_EQ(run_command(kBinary + " apply --root " + fresh + " --mode passive --counting counted " +
                            (tmp / "risky.yaml"),
                        &output),
            1);
  EXPECT_NE(output.find("accept_boot_loop_risk"), std::string::npos) << output;
  EXPECT_EQ(subtree(fresh, "/run"), "") << "a refused gate writes nothing";

  write_text(tmp / "accepted.yaml",
             read_text(tmp / "risky.yaml") + "        accept_boot_loop_risk: true\n");
  EXPECT_EQ(run_command(kBinary + " apply --root " + fresh + " --mode passive --counting counted " +
                            (tmp / "accepted.yaml"),
                        &output),
            0)
      << output;
  EXPECT_NE(read_text(fresh + kDropin).find("\nFailureAction=reboot\n"), std::string::npos);
}

}  // namespace
}  // namespace bootassess
