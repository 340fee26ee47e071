#include "systemd/specifiers.h"

#include <gtest/gtest.h>
#include <sys/utsname.h>

#include "support/memory_root.h"

namespace bootassess::systemd {
namespace {

using bootassess::testing::MemoryRoot;

HostFacts test_host() {
  HostFacts h;
  h.hostname = "node1.example.com";
  h.short_hostname = "node1";
  h.pretty_hostname = "Node One";
  h.boot_id = "00112233445566778899aabbccddeeff";
  h.kernel_release = "6.1.0-test";
  h.architecture = "x86-64";
  return h;
}

class SystemdSpecifiers : public ::testing::Test {
 protected:
  std::string expand(std::string_view text, std::string_view unit,
                     std::optional<std::string> default_instance = std::nullopt) {
    SpecifierExpander expander(root_, host_);
    Expansion e = expander.expand(text, unit, default_instance);
    EXPECT_TRUE(e.ok()) << text;
    return e.text;
  }
  SpecifierError error(std::string_view text, std::string_view unit = "u.service") {
    SpecifierExpander expander(root_, host_);
    return expander.expand(text, unit, std::nullopt).error;
  }

  MemoryRoot root_;
  HostFacts host_ = test_host();
};

TEST_F(SystemdSpecifiers, TheRunningHostIsReadWhenAHostSpecifierIsExpanded) {
  const HostFacts& stand_in = running_host();
  EXPECT_TRUE(stand_in.read_on_use);
  EXPECT_TRUE(stand_in.hostname.empty());  // nothing read until expanded
  struct utsname uts {};
  ASSERT_EQ(::uname(&uts), 0);
  std::string hostname = uts.nodename;
  if (hostname.empty() || hostname == "(none)") hostname = "localhost";
  SpecifierExpander expander(root_, stand_in);
  const Expansion e = expander.expand("%H|%v|%a", "u.service", std::nullopt);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e.text, hostname + "|" + uts.release + "|" + systemd_architecture_name(uts.machine));
  EXPECT_EQ(e.host_specifiers, "Hva");
}

TEST_F(SystemdSpecifiers, UnitNameParts) {
  EXPECT_EQ(expand("%n|%N|%p|%i|%j", "some-link@inst.service"),
            "some-link@inst.service|some-link@inst|some-link|inst|link");
  EXPECT_EQ(expand("%n|%N|%p|%i|%j", "a-b-c.service"), "a-b-c.service|a-b-c|a-b-c||c");
  EXPECT_EQ(expand("%n|%N|%p|%i|%j", "tmpl@.socket"), "tmpl@.socket|tmpl@|tmpl||tmpl");
}

TEST_F(SystemdSpecifiers, DefaultInstanceFillsTemplates) {
  EXPECT_EQ(expand("%n|%N|%i", "tmpl@.service", "333"), "tmpl@333.service|tmpl@333|333");
  // An instance keeps its own instance.
  EXPECT_EQ(expand("%n|%i", "tmpl@x.service", "333"), "tmpl@x.service|x");
}

TEST_F(SystemdSpecifiers, PercentAndUnknowns) {
  EXPECT_EQ(expand("a%%b", "u.service"), "a%b");
  EXPECT_EQ(expand("a%-b", "u.service"), "a%-b");
  EXPECT_EQ(expand("trailing%", "u.service"), "trailing%");
  EXPECT_EQ(error("%z"), SpecifierError::invalid);
  EXPECT_EQ(error("%f"), SpecifierError::invalid);
  EXPECT_EQ(error("%I"), SpecifierError::invalid);
  EXPECT_EQ(error("%1"), SpecifierError::invalid);
  EXPECT_EQ(error(std::string(250, 'x') + "%n", "abcdefgh.service"), SpecifierError::too_long);
}

TEST_F(SystemdSpecifiers, SystemCredentialsAreFixed) {
  EXPECT_EQ(expand("%u:%U:%g:%G", "u.service"), "root:0:root:0");
}

TEST_F(SystemdSpecifiers, MachineIdFromTheRoot) {
  EXPECT_EQ(error("%m"), SpecifierError::unresolvable);
  root_.add_dir("/etc").add_file("/etc/machine-id", "0123456789ABCDEF0123456789abcdef\n");
  EXPECT_EQ(expand("%m", "u.service"), "0123456789abcdef0123456789abcdef");
}

TEST_F(SystemdSpecifiers, MalformedMachineId) {
  root_.add_dir("/etc").add_file("/etc/machine-id", "uninitialized\n");
  EXPECT_EQ(error("%m"), SpecifierError::unreadable);
}

TEST_F(SystemdSpecifiers, MachineIdThroughASymlinkInsideTheRoot) {
  root_.add_dir("/etc").add_dir("/var").add_file("/var/id", "00000000000000000000000000000001");
  root_.add_link("/etc/machine-id", "/var/id");
  EXPECT_EQ(expand("%m", "u.service"), "00000000000000000000000000000001");
}

TEST_F(SystemdSpecifiers, OsRelease) {
  EXPECT_EQ(error("%o"), SpecifierError::unresolvable);
  root_.add_dir("/usr").add_dir("/usr/lib").add_file("/usr/lib/os-release", "ID=usr\n");
  EXPECT_EQ(expand("%o", "u.service"), "usr");
  root_.add_dir("/etc").add_file("/etc/os-release",
                                 "ID='the-id'\nVERSION_ID=39a\nBUILD_ID=build-id\n"
                                 "VARIANT_ID=wrong\nVARIANT_ID=right\nIMAGE_ID=\"foobar\"\n"
                                 "IMAGE_VERSION='1-2-3'\n");
  EXPECT_EQ(expand("%o|%w|%B|%W|%M|%A", "u.service"), "the-id|39a|build-id|right|foobar|1-2-3");
}

TEST_F(SystemdSpecifiers, MissingOsReleaseFieldIsEmpty) {
  root_.add_dir("/etc").add_file("/etc/os-release", "# empty\n");
  EXPECT_EQ(expand("x%Ay", "u.service"), "xy");
}

TEST_F(SystemdSpecifiers, HostDependentOnesAreReported) {
  SpecifierExpander expander(root_, host_);
  const Expansion e = expander.expand("%H/%l/%q/%b/%v/%a/%H", "u.service", std::nullopt);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e.text,
            "node1.example.com/node1/Node One/00112233445566778899aabbccddeeff/6.1.0-test/x86-64/"
            "node1.example.com");
  EXPECT_EQ(e.host_specifiers, "Hlqbva");
  EXPECT_EQ(expander.expand("%n%m%%", "u.service", std::nullopt).host_specifiers, "");
}

TEST(SystemdEnvFile, ShellLikeValues) {
  const auto env = parse_env_file(
      "# comment\n"
      "A=plain value  \n"
      "B='single $x \\n'\n"
      "C=\"double \\\"q\\\" \\$ \\n\"\n"
      "D=a\\\n"
      "continued\n"
      "  E = spaced\n"
      "F=\"multi\n"
      "line\"\n"
      "G='x'\"y\"z\n"
      "G2=x'y'\n"
      "; other comment\n"
      "H\n"
      "I=last");
  EXPECT_EQ(env.at("A"), "plain value");
  EXPECT_EQ(env.at("B"), "single $x \\n");
  EXPECT_EQ(env.at("C"), "double \"q\" $ \\n");
  EXPECT_EQ(env.at("D"), "acontinued");
  EXPECT_EQ(env.at("E"), "spaced");
  EXPECT_EQ(env.at("F"), "multi\nline");
  EXPECT_EQ(env.at("G"), "xyz");
  EXPECT_EQ(env.at("G2"), "x'y'");  // quotes only count at the start of a value
  EXPECT_EQ(env.count("H"), 0u);
  EXPECT_EQ(env.at("I"), "last");
}

TEST(SystemdArchitecture, SystemdNames) {
  EXPECT_EQ(systemd_architecture_name("x86_64"), "x86-64");
  EXPECT_EQ(systemd_architecture_name("aarch64"), "arm64");
  EXPECT_EQ(systemd_architecture_name("i686"), "x86");
  EXPECT_EQ(systemd_architecture_name("ppc64le"), "ppc64-le");
  EXPECT_EQ(systemd_architecture_name("riscv64"), "riscv64");
  EXPECT_EQ(systemd_architecture_name("weird"), "weird");
}

}  // namespace
}  // namespace bootassess::systemd
