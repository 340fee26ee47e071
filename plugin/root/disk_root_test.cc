#include "root/disk_root.h"

#include <gtest/gtest.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

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

// A directory replaced by another of the same name, and reported changed,
// is looked at anew: the view keeps no descriptor of the old one.
TEST_F(DiskRootTest, AReplacedDirectoryIsOpenedAgain) {
  testing::write_text(dir_ / "x/y/old.conf", "old");
  ASSERT_TRUE(root_->lstat("/x/y/old.conf"));
  ASSERT_EQ(::rename((dir_ / "x/y").c_str(), (dir_ / "x/gone").c_str()), 0);
  testing::write_text(dir_ / "x/y/new.conf", "new");
  root_->changed("/x/y");
  EXPECT_TRUE(root_->lstat("/x/y/new.conf"));
  EXPECT_EQ(root_->read_file("/x/y/new.conf"), "new");
  EXPECT_FALSE(root_->lstat("/x/y/old.conf"));
}

// A device node where a file is expected (os-release, passwd) is never
// opened: opening one may act (a watchdog's open arms it). inotify sees
// every open of it.
TEST_F(DiskRootTest, NeverOpensADeviceNode) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to make a device node";
  testing::make_dirs(dir_ / "etc");
  const std::string node = dir_ / "etc/os-release";
  ASSERT_EQ(::mknod(node.c_str(), S_IFCHR | 0644, ::makedev(1, 3)), 0);  // like /dev/null
  const int watch = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  ASSERT_GE(watch, 0);
  ASSERT_GE(::inotify_add_watch(watch, node.c_str(), IN_ALL_EVENTS), 0);
  EXPECT_FALSE(root_->read_file("/etc/os-release"));
  ASSERT_TRUE(root_->lstat("/etc/os-release"));
  EXPECT_EQ(root_->lstat("/etc/os-release")->type, FileType::other);
  alignas(struct inotify_event) char buf[4096];
  EXPECT_EQ(::read(watch, buf, sizeof buf), -1) << "the device node was opened";
  ::close(watch);
}

}  // namespace
}  // namespace bootassess
