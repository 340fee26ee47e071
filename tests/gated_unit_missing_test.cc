// A gated unit that the image does not have. At boot, `apply` gates every
// other unit, writes nothing for that one and exits 1, with the unit's
// position; the stage runner (immucore) ignores a failed step, so the boot
// goes on ungated for it. `validate --root` makes the same finding at image
// build time, where an error can stop the build.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/temp_dir.h"

namespace bootassess {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::shell_quote;
using testing::TempDir;
using testing::write_text;

const std::string kBinary = BOOTASSESS_BINARY;
const std::string kUnits = "/usr/lib/systemd/system/";
const std::string kRuntime = "/run/systemd/system/";

// An image root with systemd's targets and myapp.service, and a gate on
// myapp.service and k3s.service (which the image lacks).
void make_image(const TempDir& tmp) {
  for (const char* target : {"multi-user.target", "boot-complete.target"})
    write_text(tmp / "root" + kUnits + target, "[Unit]\nDescription=target\n");
  write_text(tmp / "root" + kUnits + "myapp.service", "[Service]\nExecStart=/bin/true\n");
  write_text(tmp / "gate.yaml",
             "stages:\n"
             "  initramfs:\n"
             "    - name: gate\n"
             "      boot_assessment:\n"
             "        units:\n"
             "          - myapp.service\n"
             "          - k3s.service\n");
}

TEST(GatedUnitMissingTest, ApplyGatesTheOthersAndFailsNamingTheUnit) {
  TempDir tmp;
  make_image(tmp);
  const std::string root = tmp / "root";
  std::string output;
  const int status =
      run_command(kBinary + " apply --root " + shell_quote(root) +
                      " --mode active --counting counted " + shell_quote(tmp / "gate.yaml"),
                  &output);
  EXPECT_EQ(status, 1) << output;
  EXPECT_NE(output.find(tmp / "gate.yaml:7:13: error: k3s.service does not exist in the root"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find("[boot-assessment-unit-missing]"), std::string::npos) << output;
  // Nothing for k3s: the boot is not gated on it.
  EXPECT_FALSE(fs::exists(root + kRuntime + "k3s.service.d"));
  EXPECT_FALSE(fs::exists(
      fs::symlink_status(root + kRuntime + "boot-complete.target.requires/k3s.service")));
  // myapp is gated as if k3s were not named.
  EXPECT_TRUE(
      fs::is_regular_file(root + kRuntime + "myapp.service.d/zz-bootassess-boot-assessment.conf"));
  EXPECT_TRUE(fs::is_symlink(root + kRuntime + "boot-complete.target.requires/myapp.service"));
  EXPECT_TRUE(fs::is_symlink(root + kRuntime + "multi-user.target.wants/boot-complete.target"));
}

TEST(GatedUnitMissingTest, ValidateWithTheImageRootReportsIt) {
  TempDir tmp;
  make_image(tmp);
  const std::string command = kBinary + " validate --root " + shell_quote(tmp / "root") + " " +
                              shell_quote(tmp / "gate.yaml");
  std::string output;
  EXPECT_EQ(run_command(command, &output), 1) << output;
  EXPECT_NE(output.find(tmp / "gate.yaml:7:13: error: k3s.service does not exist in the root"),
            std::string::npos)
      << output;
  // Without --root nothing is known of the image: no finding.
  EXPECT_EQ(run_command(kBinary + " validate " + shell_quote(tmp / "gate.yaml"), &output), 0)
      << output;
  // The unit in the image: clean, and the root is left as it was.
  write_text(tmp / "root/etc/systemd/system/k3s.service", "[Service]\nExecStart=/bin/true\n");
  EXPECT_EQ(run_command(command, &output), 0) << output;
  EXPECT_FALSE(fs::exists(tmp / "root/run"));
  // A root that is not there is a usage error.
  EXPECT_EQ(run_command(kBinary + " validate --root " + shell_quote(tmp / "absent") + " " +
                            shell_quote(tmp / "gate.yaml"),
                        &output),
            2)
      << output;
}

}  // namespace
}  // namespace bootassess
