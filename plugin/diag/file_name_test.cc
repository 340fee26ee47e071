#include "diag/file_name.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace bootassess {
namespace {

TEST(FileNameTest, EqualNamesShareOneStoredName) {
  const std::string built = std::string("/etc/") + "stage.yaml";
  const FileName a("/etc/stage.yaml");
  const FileName b(built);
  EXPECT_EQ(a, b);
  EXPECT_EQ(&a.str(), &b.str());
  EXPECT_EQ(a.str(), "/etc/stage.yaml");
  EXPECT_NE(a, FileName("/etc/other.yaml"));
}

TEST(FileNameTest, EmptyIsTheDefault) {
  EXPECT_TRUE(FileName().empty());
  EXPECT_EQ(FileName().str(), "");
  EXPECT_EQ(FileName(""), FileName());
  EXPECT_FALSE(FileName("a.yaml").empty());
}

TEST(FileNameTest, OrdersByText) {
  EXPECT_LT(FileName("a.yaml"), FileName("b.yaml"));
  EXPECT_LT(FileName(), FileName("a.yaml"));
  EXPECT_GT(FileName("b/c.yaml"), FileName("b.yaml"));
  EXPECT_FALSE(FileName("a.yaml") < FileName("a.yaml"));
}

TEST(FileNameTest, PrintsItsText) {
  std::ostringstream out;
  out << FileName("x.yaml") << '|' << FileName();
  EXPECT_EQ(out.str(), "x.yaml|");
}

TEST(FileNameTest, KeepsEveryByte) {
  const std::string odd("a\0b\n.yaml", 9);
  EXPECT_EQ(FileName(odd).str(), odd);
  EXPECT_NE(FileName(odd), FileName("a"));
}

}  // namespace
}  // namespace bootassess
