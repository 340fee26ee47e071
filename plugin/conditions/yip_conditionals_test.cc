#include "conditions/yip_conditionals.h"

#include <gtest/gtest.h>

#include "support/memory_root.h"

namespace bootassess {
namespace {

using Outcome = YipConditionalResult::Outcome;
using testing::MemoryRoot;

Located<std::string> at(std::string value) {
  return {std::move(value), {"t.yaml", 1, 1}};
}

TEST(YipConditionalsTest, GoArchitectureNames) {
  EXPECT_EQ(goarch_for_machine("x86_64"), "amd64");
  EXPECT_EQ(goarch_for_machine("aarch64"), "arm64");
  EXPECT_EQ(goarch_for_machine("i686"), "386");
  EXPECT_EQ(goarch_for_machine("armv7l"), "arm");
  EXPECT_EQ(goarch_for_machine("riscv64"), "riscv64");
}

TEST(YipConditionalsTest, NodeIsAnUnanchoredPattern) {
  SystemFacts facts{"web-01", "amd64"};
  YipConditionals c;
  c.node = at("web");
  EXPECT_EQ(evaluate_node(c, facts).outcome, Outcome::holds);
  c.node = at("^db");
  EXPECT_EQ(evaluate_node(c, facts).outcome, Outcome::fails);
  c.node = at("(?i)WEB-\\d+");  // RE2 syntax
  EXPECT_EQ(evaluate_node(c, facts).outcome, Outcome::holds);
  c.node = at("web[");  // does not compile: yip skips the step
  EXPECT_EQ(evaluate_node(c, facts).outcome, Outcome::fails);
  c.node = at("(?!web)");  // lookahead is not RE2: skipped too
  EXPECT_EQ(evaluate_node(c, facts).outcome, Outcome::fails);
}

TEST(YipConditionalsTest, FactsReadOnFirstUseAreTheRunningSystems) {
  const SystemFacts running = SystemFacts::of_running_system();
  ASSERT_FALSE(running.hostname.empty());
  const SystemFacts lazy = SystemFacts::on_first_use();
  EXPECT_TRUE(lazy.hostname.empty());  // nothing read yet
  EXPECT_EQ(lazy.resolved().hostname, running.hostname);
  EXPECT_EQ(lazy.resolved().goarch, running.goarch);
  // Given facts are used as they are.
  const SystemFacts given{"web-01", "arm64"};
  EXPECT_EQ(&given.resolved(), &given);

  MemoryRoot root;
  YipConditionals c;
  c.node = at("^" + running.hostname + "$");
  c.only_arch = at("^" + running.goarch + "$");
  EXPECT_EQ(evaluate_node(c, lazy).outcome, Outcome::holds);
  EXPECT_EQ(evaluate_after_if(c, root, lazy).outcome, Outcome::holds);
  c.node = at("^not-" + running.hostname + "$");
  c.only_arch = at("^not-" + running.goarch + "$");
  EXPECT_EQ(evaluate_node(c, lazy).outcome, Outcome::fails);
  EXPECT_EQ(evaluate_after_if(c, root, lazy).outcome, Outcome::fails);
}

TEST(YipConditionalsTest, PatternsRunInLinearTime) {
  // Backtracking engines take exponential time or overflow the stack here.
  MemoryRoot root;
  root.add_dir("/etc").add_file("/etc/os-release",
                                "PRETTY_NAME=\"" + std::string(200000, 'a') + "\"\n");
  YipConditionals c;
  c.only_os = at("(a*)*b");
  EXPECT_EQ(evaluate_after_if(c, root, SystemFacts{"h", "amd64"}).outcome, Outcome::fails);
  c.only_os = at("(a|b)*c|a$");
  EXPECT_EQ(evaluate_after_if(c, root, SystemFacts{"h", "amd64"}).outcome, Outcome::holds);
}

TEST(YipConditionalsTest, IfFilesFollowsYip) {
  MemoryRoot root;
  root.add_dir("/etc").add_file("/etc/a").add_link("/etc/l", "/etc/a").add_link("/etc/d", "/none");
  SystemFacts facts{"h", "amd64"};
  auto check = [&](std::vector<std::pair<std::string, std::vector<std::string>>> lists) {
    YipConditionals c;
    c.has_if_files = true;
    for (auto& [key, paths] : lists) {
      std::vector<Located<std::string>> located;
      for (auto& p : paths)
        located.push_back(at(p));
      c.if_files.push_back({at(key), located});
    }
    return evaluate_after_if(c, root, facts).outcome;
  };
  EXPECT_EQ(check({{"all", {"/etc/a", "/etc/l"}}}), Outcome::holds);
  EXPECT_EQ(check({{"all", {"/etc/a", "/etc/d"}}}), Outcome::fails);  // a dangling link
  EXPECT_EQ(check({{"any", {"/x", "/etc/l"}}}), Outcome::holds);
  EXPECT_EQ(check({{"none", {"/x", "/etc/d"}}}), Outcome::holds);
  EXPECT_EQ(check({{"none", {"/etc/a"}}}), Outcome::fails);
  EXPECT_EQ(check({{"some", {"/etc/a"}}}), Outcome::fails);
  // yip's quirk: an empty list passes the whole check.
  EXPECT_EQ(check({{"all", {}}, {"none", {"/etc/a"}}}), Outcome::holds);
}

TEST(YipConditionalsTest, OsReleaseAndServiceManager) {
  MemoryRoot root;
  root.add_dir("/etc").add_dir("/usr").add_dir("/usr/lib").add_dir("/sbin");
  root.add_file("/usr/lib/os-release", "PRETTY_NAME=\"Ubuntu 22.04.3 LTS\"\nVERSION_ID='22.04'\n");
  root.add_link("/etc/os-release", "../usr/lib/os-release");
  root.add_file("/sbin/openrc", "", 0755);
  SystemFacts facts{"h", "arm64"};
  YipConditionals c;
  c.only_os = at("ubuntu");  // PRETTY_NAME is capitalised: yip skips
  EXPECT_EQ(evaluate_after_if(c, root, facts).outcome, Outcome::fails);
  c.only_os = at("Ubuntu 22");
  c.only_os_version = at("^22\\.04$");
  c.only_arch = at("arm64|amd64");
  c.only_service_manager = at("OpenRC");
  EXPECT_EQ(evaluate_after_if(c, root, facts).outcome, Outcome::holds);
  c.only_service_manager = at("systemd");
  EXPECT_EQ(evaluate_after_if(c, root, facts).outcome, Outcome::fails);
  c.only_service_manager = at("runit");
  EXPECT_EQ(evaluate_after_if(c, root, facts).outcome, Outcome::fails);
}

}  // namespace
}  // namespace bootassess
