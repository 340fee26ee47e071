#include "load/codec.h"

#include <gtest/gtest.h>

namespace bootassess {
namespace {

TEST(CodecTest, Base64LikeGoStdEncoding) {
  std::string out, error;
  ASSERT_TRUE(decode_base64("aGVsbG8=", out, error)) << error;
  EXPECT_EQ(out, "hello");
  ASSERT_TRUE(decode_base64("aGVs\nbG8h\r\n", out, error)) << error;
  EXPECT_EQ(out, "hello!");
  ASSERT_TRUE(decode_base64("aGk=", out, error));
  EXPECT_EQ(out, "hi");
  ASSERT_TRUE(decode_base64("aA==", out, error));
  EXPECT_EQ(out, "h");
  EXPECT_FALSE(decode_base64("aGVsbG8", out, error));    // padding required
  EXPECT_FALSE(decode_base64("aGV sbG8=", out, error));  // spaces are not ignored
  EXPECT_FALSE(decode_base64("a=Vs", out, error));
}

TEST(CodecTest, Gzip) {
  // printf 'hi\n' | gzip -n | base64
  std::string gz, out, error;
  ASSERT_TRUE(decode_base64("H4sIAAAAAAAAA8vI5AIAenpv7QMAAAA=", gz, error)) << error;
  ASSERT_TRUE(decode_gzip(gz, out, error)) << error;
  EXPECT_EQ(out, "hi\n");
  EXPECT_FALSE(decode_gzip("not gzip", out, error));
  EXPECT_FALSE(decode_gzip(gz, out, error, 2));  // "hi\n" is 3 bytes
  EXPECT_NE(error.find("expands to more than"), std::string::npos);
  EXPECT_FALSE(decode_gzip(gz.substr(0, gz.size() - 4), out, error));
}

}  // namespace
}  // namespace bootassess
