#include "root/dir_reader.h"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

#include "root/fd.h"
#include "support/temp_dir.h"

namespace bootassess {
namespace {

using testing::TempDir;

Fd open_dir(const std::string& dir) {
  return Fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

std::vector<std::string> read_all(DirReader& reader) {
  std::vector<std::string> names;
  while (std::optional<std::string_view> name = reader.next())
    names.emplace_back(*name);
  std::sort(names.begin(), names.end());
  return names;
}

// What readdir(3) lists, for comparison.
std::vector<std::string> readdir_names(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  EXPECT_NE(d, nullptr);
  if (d == nullptr) return names;
  while (const struct dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

TEST(DirReaderTest, AnEmptyDirectoryHasNoNames) {
  TempDir dir;
  Fd fd = open_dir(dir.path());
  ASSERT_TRUE(fd.ok());
  DirReader reader(fd.get());
  EXPECT_EQ(reader.next(), std::nullopt);
  EXPECT_EQ(reader.error(), 0);
  EXPECT_EQ(reader.next(), std::nullopt);
}

// Far more entries than one read of the buffer holds, of every kind, with
// names of every length up to NAME_MAX: the same names readdir(3) lists.
TEST(DirReaderTest, ListsWhatReaddirListsBeyondOneBuffer) {
  TempDir dir;
  std::vector<std::string> expected;
  for (int i = 0; i < 1500; ++i) {
    std::string name =
        std::to_string(i) + "-" + std::string(static_cast<std::size_t>(i % 250), 'x');
    const std::string path = dir / name;
    if (i % 3 == 0) {
      testing::make_dirs(path);
    } else if (i % 3 == 1) {
      testing::write_text(path, "");
    } else {
      ASSERT_EQ(::symlink("/nowhere", path.c_str()), 0);
    }
    expected.push_back(name);
  }
  std::sort(expected.begin(), expected.end());
  Fd fd = open_dir(dir.path());
  ASSERT_TRUE(fd.ok());
  DirReader reader(fd.get());
  EXPECT_EQ(read_all(reader), expected);
  EXPECT_EQ(reader.error(), 0);
  EXPECT_EQ(readdir_names(dir.path()), expected);
}

TEST(DirReaderTest, AFailedReadIsAnError) {
  TempDir dir;
  testing::write_text(dir / "file", "x");
  Fd file(::open((dir / "file").c_str(), O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(file.ok());
  DirReader not_a_directory(file.get());
  EXPECT_EQ(not_a_directory.next(), std::nullopt);
  EXPECT_EQ(not_a_directory.error(), ENOTDIR);
  EXPECT_EQ(not_a_directory.next(), std::nullopt);

  DirReader closed(-1);
  EXPECT_EQ(closed.next(), std::nullopt);
  EXPECT_EQ(closed.error(), EBADF);
}

// Removed while open: the listing ends as an empty directory's does.
TEST(DirReaderTest, ARemovedDirectoryEndsTheListing) {
  TempDir dir;
  testing::make_dirs(dir / "gone");
  Fd fd = open_dir(dir / "gone");
  ASSERT_TRUE(fd.ok());
  ASSERT_EQ(::rmdir((dir / "gone").c_str()), 0);
  DirReader reader(fd.get());
  EXPECT_EQ(reader.next(), std::nullopt);
  EXPECT_EQ(reader.error(), 0);
}

}  // namespace
}  // namespace bootassess
