// `boot_assessment: checks:` end to end: what `apply` writes for each check
// in every mode, counted and not, with the links checked against
// `systemctl --root --runtime enable`, and every generated unit read back by
// systemd's own parser (`systemd-analyze verify --root`).
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <set>

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
const std::string kUnits = "/run/systemd/system/";

const char* const kConfig = R"yaml(stages:
  initramfs:
    - name: checks
      boot_assessment:
        checks:
          - name: usr-local
            mount: /usr/local
            fstype: ext4
          - name: k3s-api
            tcp: 127.0.0.1:6443
            timeout: 50
          - name: dashboard
            http: http://127.0.0.1:8080/health%20z
            required: false
          - name: odd
            command: [/bin/sh, -c, 'test "$1" = "$(cat /etc/x)"', sh, 'a b%c $HOME "q" \back ;', '']
          - name: k3s-unit
            unit: k3s.service
)yaml";

std::string make_root(const TempDir& tmp, const std::string& name) {
  const std::string root = tmp / name;
  for (const char* unit : {"sysinit.target", "basic.target", "multi-user.target", "default.target",
                           "graphical.target", "shutdown.target"}) {
    write_text(root + "/usr/lib/systemd/system/" + unit, "[Unit]\nDescription=x\n");
  }
  write_text(root + "/usr/lib/systemd/system/boot-complete.target",
             "[Unit]\nDescription=Boot Completion Check\n");
  write_text(root + "/usr/lib/systemd/system/k3s.service",
             "[Unit]\nDescription=k3s\n[Service]\nExecStart=/bin/true\n");
  write_text(root + "/usr/bin/bootassess", "#!/bin/sh\n", 0755);
  testing::make_dirs(root + "/run");
  return root;
}

class HealthChecksTest : public ::testing::TestWithParam<std::tuple<std::string, bool>> {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to set owners";
    if (run_command("command -v systemctl >/dev/null") != 0) {
      GTEST_SKIP() << "systemctl is not installed";
    }
  }
};

TEST_P(HealthChecksTest, UnitsGatedAsUnitsAreAndReadBackBySystemd) {
  const auto& [mode, counted] = GetParam();
  TempDir tmp;
  const std::string root = make_root(tmp, "a");
  write_text(tmp / "checks.yaml", kConfig);
  std::string output;
  ASSERT_EQ(run_command(kBinary + " apply --root " + root + " --mode " + mode + " --counting " +
                            (counted ? "counted" : "uncounted") + " " + (tmp / "checks.yaml"),
                        &output),
            0)
      << output;
  const std::vector<std::string> required{"usr-local", "k3s-api", "odd", "k3s-unit"};
  if (mode != "active" && mode != "passive") {
    EXPECT_FALSE(fs::exists(root + kUnits)) << output;
    return;
  }
  for (const std::string& name : required) {
    const std::string unit = "bootassess-check-" + name + ".service";
    const std::string dropin =
        read_text(root + kUnits + unit + ".d/zz-bootassess-boot-assessment.conf");
    EXPECT_EQ(dropin.find("\nFailureAction=reboot\n") != std::string::npos,
              mode == "active" && counted)
        << unit << "\n"
        << dropin;
    EXPECT_TRUE(fs::is_symlink(root + kUnits + "boot-complete.target.requires/" + unit)) << unit;
  }
  const std::string wanted = "bootassess-check-dashboard.service";
  EXPECT_FALSE(fs::exists(root + kUnits + wanted + ".d")) << "a wanted check is never gated";
  EXPECT_TRUE(fs::is_symlink(root + kUnits + "boot-complete.target.wants/" + wanted));
  EXPECT_EQ(read_text(root + kUnits + wanted).find("FailureAction"), std::string::npos);
  EXPECT_TRUE(fs::is_symlink(root + kUnits + "multi-user.target.wants/boot-complete.target"));

  // The twin: the same unit files, linked by systemctl itself.
  const std::string twin = make_root(tmp, "b");
  std::string units;
  for (const auto& e : fs::recursive_directory_iterator(root + kUnits)) {
    const std::string rel = e.path().string().substr(root.size());
    if (e.is_regular_file() && !e.is_symlink()) write_text(twin + rel, read_text(e.path()));
    const std::string base = e.path().filename();
    if (e.is_regular_file() && base.starts_with("bootassess-check-") &&
        base.ends_with(".service")) {
      units += " " + base;
    }
  }
  ASSERT_EQ(
      run_command("SYSTEMD_LOG_LEVEL=err systemctl --root=" + twin + " --runtime enable" + units),
      0);
  ASSERT_EQ(run_command("SYSTEMD_LOG_LEVEL=err systemctl --root=" + twin +
                        " --runtime add-wants multi-user.target boot-complete.target"),
            0);
  EXPECT_EQ(testing::snapshot(root + "/run"), testing::snapshot(twin + "/run"));

  // systemd's parser reads every generated unit without a complaint.
  if (run_command("command -v systemd-analyze >/dev/null") != 0) {
    GTEST_SKIP() << "systemd-analyze is not installed";
  }
  std::string paths;
  for (const char* name : {"usr-local", "k3s-api", "dashboard", "odd", "k3s-unit"})
    paths += " " + kUnits + "bootassess-check-" + name + ".service";
  std::string verify;
  EXPECT_EQ(
      run_command("systemd-analyze verify --man=no --root=" + root + paths + " 2>&1", &verify), 0)
      << verify;
  EXPECT_EQ(verify, "");
}

INSTANTIATE_TEST_SUITE_P(Modes, HealthChecksTest,
                         ::testing::Combine(::testing::Values("active", "passive", "recovery"),
                                            ::testing::Bool()),
                         [](const auto& p) {
                           return std::get<0>(p.param) +
                                  (std::get<1>(p.param) ? "_counted" : "_uncounted");
                         });

// systemd-analyze catches a unit it cannot read: the check above can fail.
TEST(HealthChecksVerify, SystemdAnalyzeRefusesBadQuoting) {
  if (run_command("command -v systemd-analyze >/dev/null") != 0) {
    GTEST_SKIP() << "systemd-analyze is not installed";
  }
  TempDir tmp;
  const std::string root = make_root(tmp, "a");
  write_text(root + kUnits + "bad.service",
             "[Unit]\nDescription=x\n[Service]\nType=oneshot\nExecStart=/bin/echo \"a \\q\n");
  std::string verify;
  run_command("systemd-analyze verify --man=no --root=" + root + " " + kUnits + "bad.service 2>&1",
              &verify);
  EXPECT_NE(verify.find("Unbalanced quoting"), std::string::npos) << verify;
}

// The binary the units run must be in the image: `plan --root` and `apply`
// say so when it is not.
TEST(HealthChecksBinary, AMissingBinaryIsReportedAtItsPosition) {
  TempDir tmp;
  const std::string root = make_root(tmp, "a");
  write_text(tmp / "c.yaml", R"(stages:
  initramfs:
    - boot_assessment:
        checks:
          - {name: a, path: /x}
        check_binary: /opt/bootassess
)");
  std::string output;
  EXPECT_EQ(
      run_command(kBinary + " plan --root " + root + " --mode active " + (tmp / "c.yaml") + " 2>&1",
                  &output),
      1);
  EXPECT_NE(output.find("c.yaml:6:23: error: /opt/bootassess does not exist in the root"),
            std::string::npos)
      << output;
  // The default path, present in the root: no finding.
  write_text(tmp / "d.yaml",
             "stages:\n  initramfs:\n    - boot_assessment:\n        checks:\n"
             "          - {name: a, path: /x}\n");
  run_command(kBinary + " plan --root " + root + " --mode active " + (tmp / "d.yaml") + " 2>&1",
              &output);
  EXPECT_EQ(output.find("check-binary-missing"), std::string::npos) << output;
}

}  // namespace
}  // namespace bootassess

namespace bootassess {
namespace {

// `plan --all-modes` shows each check's unit in the modes the gate applies
// to, and the drop-in that reboots only on a counted active boot.
TEST(HealthChecksPlan, GeneratedUnitsShowPerMode) {
  TempDir tmp;
  write_text(tmp / "c.yaml", R"(stages:
  initramfs:
    - boot_assessment:
        checks:
          - {name: api, tcp: '127.0.0.1:6443'}
          - {name: dash, http: 'http://127.0.0.1:8080/', required: false}
        reboot_on_failure: []
    - boot_assessment:
        checks:
          - {name: usr, mount: /usr/local}
)");
  const std::string root = make_root(tmp, "root");
  std::string json;
  ASSERT_EQ(run_command(
                kBinary + " plan --all-modes --format json --root " + root + " " + (tmp / "c.yaml"),
                &json),
            0)
      << json.substr(0, 2000);
  const YAML::Node plan = YAML::Load(json);
  std::map<std::string, std::set<std::string>> paths;  // mode -> paths written or linked
  std::map<std::string, bool> reboots;                 // mode -> a drop-in has FailureAction
  for (const auto& mode : plan["modes"]) {
    const std::string key = mode.first.as<std::string>();
    for (const auto& a : mode.second["actions"]) {
      const std::string path = a["path"].as<std::string>();
      // A check's unit, drop-in and link: one action each.
      EXPECT_TRUE(paths[key].insert(path).second ||
                  path.find("bootassess-check-") == std::string::npos)
          << key << " " << path;
      if (a["content"] &&
          a["content"].as<std::string>().find("\nFailureAction=reboot\n") != std::string::npos) {
        reboots[key] = true;
      }
    }
  }
  const std::string api = "/run/systemd/system/bootassess-check-api.service";
  const std::string dash_link =
      "/run/systemd/system/boot-complete.target.wants/bootassess-check-dash.service";
  for (const std::string key : {"active/counted", "active/uncounted", "passive", "recovery"}) {
    ASSERT_TRUE(plan["modes"][key]) << key;
    const bool gated = key != "recovery";
    EXPECT_EQ(paths[key].count(api), gated ? 1u : 0u) << key;
    EXPECT_EQ(paths[key].count(dash_link), gated ? 1u : 0u) << key;
    // Only the second step reboots, and only on a counted active boot.
    EXPECT_EQ(reboots[key], key == "active/counted") << key;
  }
}

}  // namespace
}  // namespace bootassess
