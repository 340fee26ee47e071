#include "load/yip_integer.h"

#include <gtest/gtest.h>

namespace bootassess {
namespace {

std::uint64_t value(std::string_view text) {
  auto v = parse_yip_unsigned(text, UINT32_MAX);
  EXPECT_TRUE(v.has_value()) << text;
  return v ? v->value : 0;
}

TEST(YipIntegerTest, GoBaseZeroPrefixes) {
  EXPECT_EQ(value("0644"), 0644u);
  EXPECT_EQ(value("0o644"), 0644u);
  EXPECT_EQ(value("0O644"), 0644u);
  EXPECT_EQ(value("0x1a4"), 420u);
  EXPECT_EQ(value("0b110100100"), 420u);
  EXPECT_EQ(value("+0644"), 420u);
  EXPECT_EQ(value("0_644"), 420u);
  EXPECT_EQ(value("0"), 0u);
}

TEST(YipIntegerTest, PlainDigitsAreDecimal) {
  auto v = parse_yip_unsigned("644", UINT32_MAX);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->value, 644u);
  EXPECT_TRUE(v->decimal);
  EXPECT_EQ(v->value & 0777, 0204u);
}

TEST(YipIntegerTest, FloatFallback) {
  EXPECT_EQ(value("0888"), 888u);
  EXPECT_EQ(value("644.0"), 644u);
  EXPECT_EQ(value("1e3"), 1000u);
  EXPECT_EQ(value(".5"), 0u);
  EXPECT_TRUE(parse_yip_unsigned("0888", UINT32_MAX)->from_float);
}

TEST(YipIntegerTest, TypeErrors) {
  EXPECT_FALSE(parse_yip_unsigned("-1", UINT32_MAX));
  EXPECT_FALSE(parse_yip_unsigned("rw-r--r--", UINT32_MAX));
  EXPECT_FALSE(parse_yip_unsigned("0x", UINT32_MAX));
  EXPECT_FALSE(parse_yip_unsigned("4294967296", UINT32_MAX));
  EXPECT_FALSE(parse_yip_unsigned("true", UINT32_MAX));
}

TEST(YipIntegerTest, QuotedOctal) {
  EXPECT_EQ(parse_quoted_octal("0644"), 0644u);
  EXPECT_EQ(parse_quoted_octal("644"), 0644u);
  EXPECT_EQ(parse_quoted_octal("0o755"), 0755u);
  EXPECT_FALSE(parse_quoted_octal("0x1a4"));
  EXPECT_FALSE(parse_quoted_octal("rw"));
  EXPECT_FALSE(parse_quoted_octal(""));
}

}  // namespace
}  // namespace bootassess
