// Plans per mode and counting, and the boot_assessment module's decisions,
// without touching the disk.
#include "plan/mode_plans.h"

#include <gtest/gtest.h>

#include "load/loader.h"
#include "report/plan_report.h"
#include "support/memory_root.h"

namespace bootassess {
namespace {

using testing::MemoryRoot;

MemoryRoot unit_root() {
  MemoryRoot r;
  r.add_dir("/etc").add_dir("/run").add_dir("/usr").add_dir("/usr/lib");
  r.add_dir("/usr/lib/systemd").add_dir("/usr/lib/systemd/system");
  r.add_file("/usr/lib/systemd/system/myapp.service", "[Service]\nExecStart=/bin/true\n");
  r.add_file("/usr/lib/systemd/system/boot-complete.target", "[Unit]\n");
  r.add_file("/usr/lib/systemd/system/multi-user.target", "[Unit]\n");
  return r;
}

std::vector<Source> sources_of(const std::string& yaml) {
  Diagnostics diagnostics;
  std::optional<Document> doc = load_document("t.yaml", yaml, diagnostics);
  EXPECT_TRUE(doc);
  Source source;
  if (doc) source.documents.push_back(*doc);
  return {source};
}

const std::string kGate =
    "stages:\n  initramfs:\n    - name: gate\n      boot_assessment:\n"
    "        units: [myapp.service]\n";

const ModePlan& plan_for(const std::vector<ModePlan>& plans, BootMode mode, bool counted) {
  for (const ModePlan& p : plans) {
    if (p.mode == mode && p.counted == counted) return p;
  }
  static const ModePlan none;
  ADD_FAILURE() << "no plan for " << mode_name(mode);
  return none;
}

const Action* written(const ModePlan& plan, const std::string& path) {
  for (const PlannedAction& p : plan.actions) {
    if (p.action.path == path) return &p.action;
  }
  return nullptr;
}

bool has_rule(const ModePlan& plan, std::string_view rule) {
  for (const Diagnostic& d : plan.diagnostics) {
    if (d.rule == rule) return true;
  }
  return false;
}

const std::string kDropin =
    "/run/systemd/system/myapp.service.d/zz-bootassess-boot-assessment.conf";
const std::string kPull = "/run/systemd/system/multi-user.target.wants/boot-complete.target";
const std::string kLink = "/run/systemd/system/boot-complete.target.requires/myapp.service";

TEST(ModePlansTest, TheGateRebootsOnlyOnACountedBootOfARebootMode) {
  const MemoryRoot root = unit_root();
  const std::vector<ModePlan> plans =
      plan_modes_and_countings(root, sources_of(kGate), planned_modes(), PlanOptions{});
  ASSERT_EQ(plans.size(), 10U);
  for (BootMode mode : planned_modes()) {
    for (bool counted : {true, false}) {
      SCOPED_TRACE(std::string(mode_name(mode)) + (counted ? " counted" : " uncounted"));
      const ModePlan& plan = plan_for(plans, mode, counted);
      EXPECT_TRUE(plan.counting_shown);
      EXPECT_FALSE(plan.failed);
      const bool gated = mode == BootMode::active || mode == BootMode::passive;
      const Action* dropin = written(plan, kDropin);
      ASSERT_EQ(dropin != nullptr, gated);
      EXPECT_EQ(written(plan, kLink) != nullptr, gated);
      const Action* pull = written(plan, kPull);
      ASSERT_EQ(pull != nullptr, gated);
      if (!gated) continue;
      EXPECT_EQ(pull->kind, ActionKind::symlink);
      EXPECT_EQ(pull->target, "/usr/lib/systemd/system/boot-complete.target");
      const bool reboots = mode == BootMode::active && counted;
      EXPECT_EQ(dropin->content.find("\nFailureAction=reboot\n") != std::string::npos, reboots)
          << dropin->content;
      EXPECT_EQ(has_rule(plan, "boot-assessment-uncounted"), mode == BootMode::active && !counted);
    }
  }
}

TEST(ModePlansTest, AlikeCountingsAreShownOnce) {
  const MemoryRoot root = unit_root();
  std::vector<ModePlan> plans = merge_alike_countings(
      plan_modes_and_countings(root, sources_of(kGate), planned_modes(), PlanOptions{}));
  std::vector<std::string> labels;
  for (const ModePlan& p : plans)
    labels.push_back(plan_label(p));
  EXPECT_EQ(labels, (std::vector<std::string>{"active/counted", "active/uncounted", "passive",
                                              "recovery", "autoreset", "live"}));
  const std::string json = plan_json(plans, {});
  EXPECT_NE(json.find("\"active/counted\": {\"counting\": \"counted\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"passive\": {\"counting\": \"any\""), std::string::npos) << json;
  const std::string text = plan_text(plans, {});
  // Each column's name on two lines, split at the '/'.
  EXPECT_NE(text.find("active     active     passive    recovery"), std::string::npos) << text;
  EXPECT_NE(text.find("\n                                  counted    uncounted\n"),
            std::string::npos)
      << text;
}

TEST(ModePlansTest, ModesCanBeWidenedAndConditionsSeeTheSimulatedCounter) {
  const MemoryRoot root = unit_root();
  const std::string yaml = kGate +
                           "        modes: [active, passive, recovery]\n"
                           "    - name: only when counted\n"
                           "      if: '[ -e /sys/firmware/efi/efivars/"
                           "LoaderBootCountPath-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f ]'\n"
                           "      files: [{path: /etc/counted, permissions: 0644, content: x}]\n";
  const std::vector<ModePlan> plans =
      plan_modes_and_countings(root, sources_of(yaml), planned_modes(), PlanOptions{});
  EXPECT_NE(written(plan_for(plans, BootMode::recovery, false), kDropin), nullptr);
  EXPECT_EQ(written(plan_for(plans, BootMode::autoreset, false), kDropin), nullptr);
  EXPECT_NE(written(plan_for(plans, BootMode::live, true), "/etc/counted"), nullptr);
  EXPECT_EQ(written(plan_for(plans, BootMode::live, false), "/etc/counted"), nullptr);
}

TEST(ModePlansTest, AMissingTargetFailsThePull) {
  MemoryRoot bare;
  bare.add_dir("/etc").add_dir("/run").add_dir("/usr").add_dir("/usr/lib");
  bare.add_dir("/usr/lib/systemd").add_dir("/usr/lib/systemd/system");
  bare.add_file("/usr/lib/systemd/system/myapp.service", "[Service]\nExecStart=/bin/true\n");
  bare.add_file("/usr/lib/systemd/system/boot-complete.target", "[Unit]\n");
  const BootMode active = BootMode::active;
  const std::vector<ModePlan> plans =
      plan_modes(bare, sources_of(kGate), std::span(&active, 1), PlanOptions{});
  ASSERT_EQ(plans.size(), 1U);
  EXPECT_TRUE(plans[0].failed);
  EXPECT_EQ(written(plans[0], kPull), nullptr);
  bool named = false;
  for (const Diagnostic& d : plans[0].diagnostics) {
    named = named || d.message.find("multi-user.target does not exist") != std::string::npos;
  }
  EXPECT_TRUE(named);
  // The units are gated all the same.
  EXPECT_NE(written(plans[0], kDropin), nullptr);
}

}  // namespace
}  // namespace bootassess
