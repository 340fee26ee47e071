#include "load/stage_names.h"

#include <gtest/gtest.h>

namespace bootassess {
namespace {

TEST(StageNamesTest, KnowsKairosStagesWithTheirBeforeAndAfter) {
  for (const char* name :
       {"rootfs", "initramfs", "initramfs.before", "initramfs.after", "boot", "fs.after", "network",
        "reconcile", "after-install", "after-install-chroot", "after-reset.before",
        "before-upgrade", "after-upgrade-chroot", "kairos-install.pre", "kairos-install.after",
        "kairos-uki-reset.pre", "kairos-uki-upgrade.after.before", "install", "init"}) {
    EXPECT_TRUE(stage_names::is_known(name)) << name;
    EXPECT_EQ(stage_names::suggest(name), "") << name;
  }
  for (const char* name : {"initramf", "my-stage", "install.before", ""}) {
    EXPECT_FALSE(stage_names::is_known(name)) << name;
  }
}

TEST(StageNamesTest, SuggestsOnlyForNamesCloseToAKnownOne) {
  EXPECT_EQ(stage_names::suggest("initramf"), "initramfs");
  EXPECT_EQ(stage_names::suggest("intramfs"), "initramfs");
  EXPECT_EQ(stage_names::suggest("after_install"), "after-install");
  EXPECT_EQ(stage_names::suggest("netwrok"), "network");
  EXPECT_EQ(stage_names::suggest("my-own-stage"), "");
  EXPECT_EQ(stage_names::suggest("cleanup"), "");
}

}  // namespace
}  // namespace bootassess
