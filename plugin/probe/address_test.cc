#include "probe/address.h"

#include <gtest/gtest.h>

namespace bootassess::probe {
namespace {

TEST(ProbeAddress, LooksNamesUpInTheTextOfEtcHosts) {
  const std::string hosts =
      "# comment 10.0.0.9 api\n"
      "127.0.0.1\tlocalhost\n"
      "10.0.0.1 api.cluster API  # trailing\n"
      "fd00::1 api\n"
      "not-an-address api\n"
      "10.0.0.1 api\n";
  EXPECT_EQ(hosts_addresses(hosts, "api"), (std::vector<std::string>{"10.0.0.1", "fd00::1"}));
  EXPECT_EQ(hosts_addresses(hosts, "API.cluster"), (std::vector<std::string>{"10.0.0.1"}));
  EXPECT_TRUE(hosts_addresses(hosts, "comment").empty());
  EXPECT_TRUE(hosts_addresses(hosts, "apis").empty());

  Parsed<std::vector<std::string>> r = resolve_host("api", hosts);
  ASSERT_TRUE(r.value);
  EXPECT_EQ(r.value->size(), 2u);
  r = resolve_host("192.0.2.1", "");
  ASSERT_TRUE(r.value);
  EXPECT_EQ(*r.value, (std::vector<std::string>{"192.0.2.1"}));
  // localhost without /etc/hosts: both loopback addresses.
  r = resolve_host("localhost", "");
  ASSERT_TRUE(r.value);
  EXPECT_EQ(*r.value, (std::vector<std::string>{"127.0.0.1", "::1"}));
  r = resolve_host("localhost", hosts);
  ASSERT_TRUE(r.value);
  EXPECT_EQ(*r.value, (std::vector<std::string>{"127.0.0.1"}));
  r = resolve_host("example.org", hosts);
  EXPECT_FALSE(r.value);
  EXPECT_NE(r.error.find("unknown host name 'example.org'"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace bootassess::probe
