#include "load/check_target.h"

#include <gtest/gtest.h>

namespace bootassess::check_target {
namespace {

TEST(CheckTarget, ParsesHostPortAndBracketedIpv6) {
  Parsed<Endpoint> e = parse_endpoint("127.0.0.1:6443");
  ASSERT_TRUE(e.value) << e.error;
  EXPECT_EQ(e.value->host, "127.0.0.1");
  EXPECT_EQ(e.value->port, 6443);
  e = parse_endpoint("[::1]:80");
  ASSERT_TRUE(e.value) << e.error;
  EXPECT_EQ(e.value->host, "::1");
  EXPECT_EQ(endpoint_text(*e.value), "[::1]:80");
  e = parse_endpoint("node-1.local:65535");
  ASSERT_TRUE(e.value) << e.error;
  EXPECT_EQ(e.value->host, "node-1.local");
  EXPECT_EQ(e.value->port, 65535);
  e = parse_endpoint("example", 80);
  ASSERT_TRUE(e.value) << e.error;
  EXPECT_EQ(e.value->port, 80);
}

TEST(CheckTarget, RefusesMalformedEndpointsWithAReason) {
  const std::pair<const char*, const char*> cases[] = {
      {"127.0.0.1", "has no port"},
      {"127.0.0.1:0", "is not a port (1 to 65535)"},
      {"127.0.0.1:65536", "is not a port"},
      {"127.0.0.1:+80", "is not a port"},
      {"127.0.0.1:80x", "is not a port"},
      {"127.0.0.1:", "is not a port"},
      {"::1:80", "an IPv6 address is written in brackets"},
      {"[::1:80", "'[' without ']'"},
      {"[127.0.0.1]:80", "is not an IPv6 address"},
      {"[::1]80", "has no port"},
      {":80", "is not a host name or address"},
      {"a b:80", "is not a host name or address"},
  };
  for (const auto& [text, why] : cases) {
    const Parsed<Endpoint> e = parse_endpoint(text);
    EXPECT_FALSE(e.value) << text;
    EXPECT_NE(e.error.find(why), std::string::npos) << text << ": " << e.error;
  }
}

TEST(CheckTarget, ParsesHttpUrls) {
  Parsed<Url> u = parse_url("http://127.0.0.1:8080/healthz?verbose=1#top");
  ASSERT_TRUE(u.value) << u.error;
  EXPECT_EQ(u.value->endpoint.host, "127.0.0.1");
  EXPECT_EQ(u.value->endpoint.port, 8080);
  EXPECT_EQ(u.value->host_header, "127.0.0.1:8080");
  EXPECT_EQ(u.value->target, "/healthz?verbose=1");
  u = parse_url("HTTP://localhost");
  ASSERT_TRUE(u.value) << u.error;
  EXPECT_EQ(u.value->endpoint.port, 80);
  EXPECT_EQ(u.value->host_header, "localhost");
  EXPECT_EQ(u.value->target, "/");
  u = parse_url("http://[::1]:9/a/b");
  ASSERT_TRUE(u.value) << u.error;
  EXPECT_EQ(u.value->endpoint.host, "::1");
  EXPECT_EQ(u.value->host_header, "[::1]:9");
  EXPECT_EQ(u.value->target, "/a/b");
  u = parse_url("http://h?q");
  ASSERT_TRUE(u.value) << u.error;
  EXPECT_EQ(u.value->target, "/?q");
}

TEST(CheckTarget, RefusesOtherUrlsAndPointsHttpsToACommand) {
  Parsed<Url> u = parse_url("https://example.org/");
  EXPECT_FALSE(u.value);
  EXPECT_NE(u.error.find("https is not supported"), std::string::npos) << u.error;
  EXPECT_NE(u.error.find("command: [/usr/bin/curl, -fsS, https://example.org/]"), std::string::npos)
      << u.error;
  const std::pair<const char*, const char*> cases[] = {
      {"ftp://x/", "is not an http:// URL"},
      {"127.0.0.1:80/", "is not an http:// URL"},
      {"http://user@host/", "user information"},
      {"http://host/a b", "no spaces or control characters"},
      {"http://host:0/", "is not a port"},
      {"http:///x", "is not a host name"},
  };
  for (const auto& [text, why] : cases) {
    u = parse_url(text);
    EXPECT_FALSE(u.value) << text;
    EXPECT_NE(u.error.find(why), std::string::npos) << text << ": " << u.error;
  }
}

TEST(CheckTarget, TellsLiteralAddressesAndComparesNamesWithoutCase) {
  EXPECT_TRUE(is_ipv4_address("192.0.2.1"));
  EXPECT_FALSE(is_ipv4_address("192.0.2"));
  EXPECT_FALSE(is_ipv4_address("::1"));
  EXPECT_TRUE(is_ipv6_address("::1"));
  EXPECT_TRUE(is_ipv6_address("fd00::1"));
  EXPECT_FALSE(is_ipv6_address("[::1]"));
  EXPECT_TRUE(equal_ignoring_case("LocalHost", "localhost"));
  EXPECT_FALSE(equal_ignoring_case("localhost", "localhosts"));
}

}  // namespace
}  // namespace bootassess::check_target
