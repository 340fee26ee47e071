#include "root/disk_root.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace bootassess {
namespace {

using testing::TempDir;

class DiskRootTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::make_dirs(dir_ / "lib");
    testing::write_text(dir_ / "lib/a.service", "a");
    std::string error;
    root_ = DiskRoot::open(dir_.path(), error);
    ASSERT_NE(root_, nullptr) << error;
    root_->remember_lookups();
  }
  TempDir dir_;
  std::unique_ptr<DiskRoot> root_;
};

// Lookups are remembered until the view is told of a change: a directory in
// which names were looked up in vain is read once and answers the rest.
TEST_F(DiskRootTest, RemembersLookupsUntilToldOfAChange) {
  EXPECT_FALSE(root_->lstat("/lib/b.service"));
  EXPECT_FALSE(root_->lstat("/lib/c.service"));  // the second miss reads /lib
  EXPECT_FALSE(root_->lstat("/lib/d.service"));
  ASSERT_TRUE(root_->lstat("/lib/a.service"));
  EXPECT_EQ(root_->lstat("/lib/a.service")->type, FileType::regular);

  testing::write_text(dir_ / "lib/b.service", "b");
  testing::write_text(dir_ / "lib/d.service", "d");
  EXPECT_FALSE(root_->lstat("/lib/b.service"));  // not told yet
  root_->changed("/lib/b.service");
  ASSERT_TRUE(root_->lstat("/lib/b.service"));
  EXPECT_EQ(root_->lstat("/lib/b.service")->size, 1u);
  EXPECT_FALSE(root_->lstat("/lib/d.service"));
  EXPECT_EQ(root_->list_dir("/lib"), (std::vector<std::string>{"a.service", "b.service"}));

  root_->changed("/");
  ASSERT_TRUE(root_->lstat("/lib/d.service"));
  EXPECT_EQ(root_->list_dir("/lib"),
            (std::vector<std::string>{"a.service", "b.service", "d.service"}));
}

TEST_F(DiskRootTest, AChangeBelowMissingDirectoriesShowsThem) {
  EXPECT_FALSE(root_->lstat("/etc"));
  EXPECT_FALSE(root_->lstat("/etc/x.d"));
  EXPECT_FALSE(root_->lstat("/etc/x.d/a.conf"));
  EXPECT_FALSE(root_->lstat("/nothing"));  // the second miss in "/" reads it
  testing::write_text(dir_ / "etc/x.d/a.conf", "a");
  root_->changed("/etc/x.d/a.conf");
  ASSERT_TRUE(root_->lstat("/etc"));
  EXPECT_EQ(root_->lstat("/etc")->type, FileType::directory);
  ASSERT_TRUE(root_->lstat("/etc/x.d"));
  ASSERT_TRUE(root_->lstat("/etc/x.d/a.conf"));
  EXPECT_EQ(root_->list_dir("/etc/x.d"), (std::vector<std::string>{"a.conf"}));

  // A removal: the name leaves its directory's listing.
  std::filesystem::remove(dir_ / "lib/a.service");
  root_->changed("/lib/a.service");
  EXPECT_FALSE(root_->lstat("/lib/a.service"));
  EXPECT_EQ(root_->list_dir("/lib"), std::vector<std::string>{});
}

// A reported change is looked at when asked about: what the disk holds then
// is what the view shows, whatever happened in between.
TEST_F(DiskRootTest, AChangeIsLookedAtWhenAskedAbout) {
  EXPECT_FALSE(root_->lstat("/lib/b.service"));
  EXPECT_FALSE(root_->lstat("/lib/c.service"));  // /lib is read
  testing::write_text(dir_ / "lib/b.service", "b");
  root_->changed("/lib/b.service");
  testing::write_text(dir_ / "lib/c.service", "c");
  root_->changed("/lib/c.service");
  std::filesystem::remove(dir_ / "lib/c.service");  // gone before anyone asked
  EXPECT_EQ(root_->list_dir("/lib"), (std::vector<std::string>{"a.service", "b.service"}));
  EXPECT_FALSE(root_->lstat("/lib/c.service"));
  ASSERT_TRUE(root_->lstat("/lib/b.service"));

  std::filesystem::remove(dir_ / "lib/a.service");
  root_->changed("/lib/a.service");
  EXPECT_FALSE(root_->lstat("/lib/a.service"));
  EXPECT_EQ(root_->list_dir("/lib"), std::vector<std::string>{"b.service"});
}

}  // namespace
}  // namespace bootassess
