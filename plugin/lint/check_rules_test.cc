#include "lint/check_rules.h"

#include <gtest/gtest.h>

#include <cmath>

#include "load/loader.h"
#include "support/memory_root.h"

namespace bootassess::lint {
namespace {

using bootassess::testing::MemoryRoot;

std::vector<std::string> rules(const std::string& yaml, const StartLimits& limits = {}) {
  Diagnostics loaded;
  std::optional<Document> doc = load_document("t.yaml", yaml, loaded);
  EXPECT_TRUE(doc);
  Source source;
  if (doc) source.documents.push_back(std::move(*doc));
  Diagnostics out;
  check_health_checks({source}, limits, out);
  std::vector<std::string> found;
  for (const Diagnostic& d : out.items())
    found.push_back(d.rule + "@" + std::to_string(d.where.line));
  return found;
}

std::string gate(const std::string& checks, const std::string& more = {}) {
  return "stages:\n  initramfs:\n    - boot_assessment:\n" + more + "        checks:\n" + checks;
}

TEST(CheckRules, TimeSpansAsSystemdReadsThem) {
  EXPECT_EQ(parse_time_span("90"), 90);
  EXPECT_EQ(parse_time_span("90s"), 90);
  EXPECT_EQ(parse_time_span(" 1min 30s "), 90);
  EXPECT_EQ(parse_time_span("2.5min"), 150);
  EXPECT_EQ(parse_time_span("1h"), 3600);
  EXPECT_EQ(parse_time_span("500ms"), 0.5);
  EXPECT_EQ(parse_time_span("infinity"), HUGE_VAL);
  EXPECT_EQ(parse_time_span("soon"), std::nullopt);
  EXPECT_EQ(parse_time_span("5 parsecs"), std::nullopt);
  EXPECT_EQ(parse_time_span(""), std::nullopt);
}

TEST(CheckRules, StartLimitsComeFromTheRootsSystemConfAndBootCompleteTarget) {
  MemoryRoot empty;
  const StartLimits defaults = read_start_limits(empty);
  EXPECT_EQ(defaults.default_start, 90);
  EXPECT_EQ(defaults.default_start_from, "");
  EXPECT_FALSE(defaults.boot_complete);

  MemoryRoot root;
  root.add_dir("/etc").add_dir("/etc/systemd").add_dir("/etc/systemd/system.conf.d");
  root.add_file("/etc/systemd/system.conf", "[Manager]\nDefaultTimeoutStartSec=2min\n");
  // A drop-in wins over the main file.
  root.add_file("/etc/systemd/system.conf.d/10-fast.conf",
                "[Manager]\nDefaultTimeoutStartSec=45s\n");
  root.add_dir("/usr").add_dir("/usr/lib").add_dir("/usr/lib/systemd");
  root.add_dir("/usr/lib/systemd/system").add_dir("/usr/lib/systemd/system/boot-complete.target.d");
  root.add_file("/usr/lib/systemd/system/boot-complete.target", "[Unit]\nDescription=x\n");
  root.add_file("/usr/lib/systemd/system/boot-complete.target.d/timeout.conf",
                "[Unit]\nJobTimeoutSec=60\n");
  const StartLimits limits = read_start_limits(root);
  EXPECT_EQ(limits.default_start, 45);
  EXPECT_EQ(limits.default_start_from, "/etc/systemd/system.conf.d/10-fast.conf");
  ASSERT_TRUE(limits.boot_complete);
  EXPECT_EQ(*limits.boot_complete, 60);
}

TEST(CheckRules, ATimeoutLongerThanTheImageAllows) {
  // 84 s + 5 s of margin fits 90 s; 85 s does not.
  EXPECT_EQ(rules(gate("          - {name: a, path: /x, timeout: 84}\n")),
            std::vector<std::string>{});
  EXPECT_EQ(rules(gate("          - {name: a, path: /x, timeout: 85.5}\n")),
            std::vector<std::string>{"check-timeout@5"});
  StartLimits short_job;
  short_job.boot_complete = 40;
  short_job.boot_complete_from = "/etc/systemd/system/boot-complete.target.d/t.conf";
  EXPECT_EQ(rules(gate("          - {name: a, path: /x}\n"), short_job),
            std::vector<std::string>{});  // 30 + 5
  EXPECT_EQ(rules(gate("          - {name: a, path: /x, timeout: 36}\n"), short_job),
            std::vector<std::string>{"check-timeout@5"});
}

TEST(CheckRules, AWantedCheckInARebootingStep) {
  EXPECT_EQ(rules(gate("          - {name: a, path: /x, required: false}\n")),
            std::vector<std::string>{"check-wanted-reboot@5"});  // the default reboots on active
  EXPECT_EQ(rules(gate("          - {name: a, path: /x, required: false}\n",
                       "        reboot_on_failure: []\n")),
            std::vector<std::string>{});
  EXPECT_EQ(rules(gate("          - {name: a, path: /x, required: true}\n")),
            std::vector<std::string>{});
}

TEST(CheckRules, ChecksInAStepThatGatesNoMode) {
  EXPECT_EQ(rules(gate("          - {name: a, path: /x}\n",
                       "        modes: [live]\n        reboot_on_failure: []\n")),
            std::vector<std::string>{"check-no-mode@7"});
  EXPECT_EQ(rules(gate("          - {name: a, path: /x}\n",
                       "        modes: [recovery]\n        reboot_on_failure: []\n")),
            std::vector<std::string>{});
}

TEST(CheckRules, TheConfigurationRulesRunOnEveryStep) {
  EXPECT_EQ(rules("stages:\n  boot:\n    - if: 'false'\n      boot_assessment:\n        checks:\n"
                  "          - {name: a, mount: relative}\n"),
            std::vector<std::string>{"check-path@6"});
}

}  // namespace
}  // namespace bootassess::lint
