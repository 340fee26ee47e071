#include "root/beneath.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace bootassess {
namespace {

using testing::make_dirs;
using testing::TempDir;
using testing::write_text;

// What `dir` opened beneath the root is: the inode, compared with the one at
// `expected` (a path on the host), or the errno.
struct Outcome {
  int err = 0;
  ino_t ino = 0;
  bool operator==(const Outcome&) const = default;
};

Outcome opened(int root_fd, const std::string& dir, Resolution how) {
  errno = 0;
  const Fd fd = open_dir_beneath(root_fd, dir, how);
  if (!fd.ok()) return {errno, 0};
  struct stat st {};
  EXPECT_EQ(::fstat(fd.get(), &st), 0);
  return {0, st.st_ino};
}

Outcome host(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {errno, 0};
  return {0, st.st_ino};
}

class BeneathTest : public ::testing::TestWithParam<Resolution> {
 protected:
  void SetUp() override {
    root_ = tmp_ / "root";
    outside_ = tmp_ / "outside";
    make_dirs(root_ + "/usr/lib/systemd/system");
    make_dirs(root_ + "/a/b");
    make_dirs(outside_ + "/usr/lib/systemd/system");
    write_text(root_ + "/a/file", "x");
    ASSERT_EQ(::symlink("/usr/lib", (root_ + "/lib").c_str()), 0);
    ASSERT_EQ(::symlink("../../usr", (root_ + "/a/b/up").c_str()), 0);
    ASSERT_EQ(::symlink("../../../../../../..", (root_ + "/a/climb").c_str()), 0);
    ASSERT_EQ(::symlink(outside_.c_str(), (root_ + "/escape").c_str()), 0);
    ASSERT_EQ(::symlink("loop", (root_ + "/loop").c_str()), 0);
    ASSERT_EQ(::symlink("/a/file", (root_ + "/tofile").c_str()), 0);
    root_fd_ = ::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(root_fd_, 0);
  }
  void TearDown() override { ::close(root_fd_); }

  TempDir tmp_;
  std::string root_;
  std::string outside_;
  int root_fd_ = -1;
};

// Symlinks inside the root are followed as a chroot would follow them:
// absolute targets start at the root, ".." stops there.
TEST_P(BeneathTest, FollowsSymlinksAsAChrootWould) {
  const Resolution how = GetParam();
  EXPECT_EQ(opened(root_fd_, "/lib/systemd/system", how), host(root_ + "/usr/lib/systemd/system"));
  EXPECT_EQ(opened(root_fd_, "/a/b/up/lib", how), host(root_ + "/usr/lib"));
  EXPECT_EQ(opened(root_fd_, "/a/climb/usr", how), host(root_ + "/usr"));
  EXPECT_EQ(opened(root_fd_, "/../../usr", how), host(root_ + "/usr"));
  EXPECT_EQ(opened(root_fd_, "/", how), host(root_));
  EXPECT_EQ(opened(root_fd_, "", how), host(root_));
}

// An absolute symlink to a directory outside the root names the same path
// inside it, never the directory outside.
TEST_P(BeneathTest, NeverLeavesTheRoot) {
  const Resolution how = GetParam();
  EXPECT_EQ(opened(root_fd_, "/escape/usr", how).err, ENOENT);
  make_dirs(root_ + outside_ + "/usr");
  EXPECT_EQ(opened(root_fd_, "/escape/usr", how), host(root_ + outside_ + "/usr"));
  EXPECT_NE(opened(root_fd_, "/escape/usr", how), host(outside_ + "/usr"));
}

TEST_P(BeneathTest, FailsAsTheKernelDoes) {
  const Resolution how = GetParam();
  EXPECT_EQ(opened(root_fd_, "/missing/x", how).err, ENOENT);
  EXPECT_EQ(opened(root_fd_, "/a/file", how).err, ENOTDIR);
  EXPECT_EQ(opened(root_fd_, "/tofile", how).err, ENOTDIR);
  EXPECT_EQ(opened(root_fd_, "/loop", how).err, ELOOP);
}

INSTANTIATE_TEST_SUITE_P(KernelAndWalk, BeneathTest,
                         ::testing::Values(Resolution::automatic, Resolution::walk),
                         [](const ::testing::TestParamInfo<Resolution>& p) {
                           return p.param == Resolution::walk ? std::string("Walk")
                                                              : std::string("Kernel");
                         });

}  // namespace
}  // namespace bootassess
