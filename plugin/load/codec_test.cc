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

TEST(CodecTest, ContentByYipsEncodingNames) {
  std::string out, error;
  for (const char* name : {"b64", "base64"}) {
    EXPECT_TRUE(is_known_encoding(name)) << name;
    ASSERT_TRUE(decode_content(name, "aGkK", out, error)) << name << ": " << error;
    EXPECT_EQ(out, "hi\n");
  }
  for (const char* name : {"gz+b64", "gzip+b64", "gz+base64", "gzip+base64"}) {
    EXPECT_TRUE(is_known_encoding(name)) << name;
    ASSERT_TRUE(decode_content(name, "H4sIAAAAAAAAA8vI5AIAenpv7QMAAAA=", out, error)) << name;
    EXPECT_EQ(out, "hi\n");
  }
  EXPECT_TRUE(is_known_encoding("gz"));
  EXPECT_TRUE(is_known_encoding("gzip"));
  EXPECT_TRUE(is_known_encoding(""));
  // Any other name: written as it is.
  EXPECT_FALSE(is_known_encoding("base-64"));
  ASSERT_TRUE(decode_content("base-64", "aGkK", out, error));
  EXPECT_EQ(out, "aGkK");
  EXPECT_FALSE(decode_content("base64", "a", out, error));
}

TEST(CodecTest, TemplateIsAnOpeningAndALaterClosingPair) {
  EXPECT_TRUE(has_template("a {{ .Values.x }} b"));
  EXPECT_TRUE(has_template("{{}}"));
  EXPECT_FALSE(has_template("}} {{"));
  EXPECT_FALSE(has_template("{ {x} }"));
  EXPECT_FALSE(has_template("{{ unclosed"));
}

}  // namespace
}  // namespace bootassess
