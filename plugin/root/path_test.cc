#include "root/path.h"

#include <gtest/gtest.h>

namespace bootassess {
namespace {

TEST(PathTest, CleanIsLexicalLikeGo) {
  EXPECT_EQ(path::clean("/a//b/./c/"), "/a/b/c");
  EXPECT_EQ(path::clean("/../a/../../b"), "/b");
  EXPECT_EQ(path::clean("a/../.."), "..");
  EXPECT_EQ(path::clean(""), ".");
  EXPECT_EQ(path::clean("/"), "/");
  EXPECT_EQ(path::clean("//"), "/");
}

TEST(PathTest, DirnameBasenameJoin) {
  EXPECT_EQ(path::dirname("/a/b"), "/a");
  EXPECT_EQ(path::dirname("/a"), "/");
  EXPECT_EQ(path::basename("/a/b"), "b");
  EXPECT_EQ(path::join("/", "x"), "/x");
  EXPECT_EQ(path::join("/a", "x"), "/a/x");
}

TEST(PathTest, IsWithinComparesWholeComponents) {
  EXPECT_TRUE(path::is_within("/a/b", "/a"));
  EXPECT_TRUE(path::is_within("/a", "/a"));
  EXPECT_FALSE(path::is_within("/ab", "/a"));
  EXPECT_TRUE(path::is_within("/x", "/"));
}

}  // namespace
}  // namespace bootassess
