// Every rule of `validate`, each with a case that fires it and a near miss
// that does not.
#include "lint/validate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "load/loader.h"
#include "support/memory_root.h"

namespace bootassess {
namespace {

std::vector<Diagnostic> validate_text(const std::string& yaml) {
  Diagnostics loaded;
  Source source;
  if (std::optional<Document> doc = load_document("t.yaml", yaml, loaded)) {
    source.documents.push_back(*doc);
  } else {
    source.failed = true;
  }
  return validate_sources({source}, loaded);
}

std::string dump(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const Diagnostic& d : ds)
    out += format_diagnostic(d) + "\n";
  return out;
}

const Diagnostic* find(const std::vector<Diagnostic>& ds, std::string_view rule) {
  auto it = std::find_if(ds.begin(), ds.end(), [&](const Diagnostic& d) { return d.rule == rule; });
  return it == ds.end() ? nullptr : &*it;
}

struct RuleCase {
  std::string rule;
  Severity severity;
  std::string fires;
  std::string near_miss;
};

// A drop-in written by a step, with `unit_text` as its content.
std::string dropin_step(const std::string& condition, const std::string& unit_text,
                        const std::string& extra = "") {
  std::string yaml = "    - name: step\n";
  if (!condition.empty()) yaml += "      if: '" + condition + "'\n";
  yaml +=
      "      files:\n        - path: /etc/systemd/system/app.service.d/override.conf\n"
      "          permissions: 0644\n          content: |\n";
  std::size_t at = 0;
  while (at < unit_text.size()) {
    std::size_t nl = unit_text.find('\n', at);
    yaml += "            " + unit_text.substr(at, nl - at) + "\n";
    at = nl + 1;
  }
  return yaml + extra;
}

const std::string kHeader = "stages:\n  initramfs:\n";
const std::string kEnable = "      systemctl:\n        enable: [app.service]\n";
const std::string kCountVariable =
    "/sys/firmware/efi/efivars/LoaderBootCountPath-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f";
const std::string kGate =
    "[Unit]\nBefore=boot-complete.target\n[Install]\nRequiredBy=boot-complete.target\n";

std::vector<RuleCase> rule_cases() {
  return {
      {"unknown-key", Severity::error, kHeader + "    - systctl: {enable: [a]}\n",
       kHeader + "    - systemctl: {enable: [a]}\n"},
      {"key-alias", Severity::warning, kHeader + "    - systemctl: {enabled: [a]}\n",
       kHeader + "    - systemctl: {enable: [a]}\n"},
      {"permissions-decimal", Severity::warning,
       kHeader + "    - files: [{path: /a, permissions: 644}]\n",
       kHeader + "    - files: [{path: /a, permissions: 0644}]\n"},
      {"permissions-quoted", Severity::warning,
       kHeader + "    - files: [{path: /a, permissions: \"0644\"}]\n",
       kHeader + "    - files: [{path: /a, permissions: 0644}]\n"},
      {"permissions-omitted", Severity::warning, kHeader + "    - files: [{path: /a}]\n",
       kHeader + "    - files: [{path: /a, permissions: 0600}]\n"},
      {"permissions-high-bits", Severity::warning,
       kHeader + "    - files: [{path: /a, permissions: 04755}]\n",
       kHeader + "    - files: [{path: /a, permissions: 0755}]\n"},
      {"id-quoted", Severity::warning,
       kHeader + "    - files: [{path: /a, permissions: 0644, owner: \"0\"}]\n",
       kHeader + "    - files: [{path: /a, permissions: 0644, owner: 0}]\n"},
      {"encoding-unknown", Severity::warning,
       kHeader + "    - files: [{path: /a, permissions: 0644, encoding: B64, content: aGk=}]\n",
       kHeader + "    - files: [{path: /a, permissions: 0644, encoding: b64, content: aGk=}]\n"},
      {"template-not-rendered", Severity::warning,
       kHeader + "    - files: [{path: /a, permissions: 0644, content: \"{{ .Values.x }}\"}]\n",
       kHeader + "    - files: [{path: /a, permissions: 0644, content: \"{ .Values.x }\"}]\n"},
      {"type-error", Severity::error, kHeader + "    - files: {path: /a}\n",
       kHeader + "    - files: [{path: /a, permissions: 0644}]\n"},
      {"duplicate-key", Severity::error, kHeader + "    - name: a\n      name: b\n",
       kHeader + "    - name: a\n"},
      {"yaml-syntax", Severity::error, kHeader + "    - name: [a\n", kHeader + "    - name: [a]\n"},
      {"content-decode", Severity::error,
       kHeader + "    - files: [{path: /a, permissions: 0644, encoding: b64, content: \"a\"}]\n",
       kHeader +
           "    - files: [{path: /a, permissions: 0644, encoding: b64, content: \"YQ==\"}]\n"},
      {"condition-template", Severity::error,
       kHeader + "    - if: '[ \"{{.Values.os.architecture}}\" = amd64 ]'\n"
                 "      files: [{path: /a, permissions: 0644}]\n",
       kHeader + "    - if: '[ \"$(uname -m)\" = x86_64 ]'\n"
                 "      files: [{path: /a, permissions: 0644}]\n"},
      {"after-unknown", Severity::error,
       kHeader + "    - name: a\n    - name: b\n      after: [{name: a}]\n",
       kHeader + "    - name: a\n    - name: b\n      after: [{name: t.yaml.a}]\n"},
      {"after-self", Severity::error,
       kHeader + "    - name: a\n    - name: b\n      after: [{name: t.yaml.b}]\n",
       kHeader + "    - name: a\n    - name: b\n      after: [{name: t.yaml.a}]\n"},
      {"after-cycle", Severity::error,
       kHeader + "    - name: a\n      after: [{name: t.yaml.b}]\n    - name: b\n",
       kHeader + "    - name: a\n    - name: b\n      after: [{name: t.yaml.a}]\n"},
      {"systemctl-word-split", Severity::warning,
       kHeader + "    - systemctl: {enable: [\"a.service b.service\"]}\n",
       kHeader + "    - systemctl: {enable: [a.service, b.service]}\n"},
      {"systemctl-shell", Severity::error, kHeader + "    - systemctl: {disable: [\"$unit\"]}\n",
       kHeader + "    - systemctl: {disable: [unit]}\n"},
      {"override-empty", Severity::warning,
       kHeader + "    - systemctl:\n        overrides: [{service: app, content: \"\"}]\n",
       kHeader + "    - systemctl:\n        overrides: [{service: app, content: \"[Unit]\\n\"}]\n"},
      {"override-unit", Severity::error,
       kHeader + "    - systemctl:\n        overrides: [{service: \"bad/name\", content: x}]\n",
       kHeader + "    - systemctl:\n        overrides: [{service: good.socket, content: x}]\n"},
      {"directive-wrong-section", Severity::warning,
       kHeader + dropin_step("", "[Service]\nFailureAction=reboot\n"),
       kHeader + dropin_step("[ -f /run/cos/active_mode ]", "[Unit]\nFailureAction=reboot\n")},
      {"unit-syntax", Severity::warning,
       kHeader + dropin_step("", "Before=boot-complete.target\n[Unit]\n"),
       kHeader + dropin_step("", "[Unit]\nBefore=x.target\n")},
      {"directive-misspelled", Severity::warning,
       kHeader + dropin_step("", "[Install]\nRequireBy=multi-user.target\n"),
       kHeader + dropin_step("", "[Install]\nWantedBy=multi-user.target\n")},
      {"failure-action-invalid", Severity::error,
       kHeader + dropin_step("[ -f /run/cos/active_mode ]", "[Unit]\nFailureAction=restart\n"),
       kHeader +
           dropin_step("[ -f /run/cos/active_mode ]", "[Unit]\nFailureAction=reboot-force\n")},
      {"boot-loop-risk", Severity::error,
       kHeader + dropin_step("[ ! -f /run/cos/active_mode ]", "[Unit]\nFailureAction=reboot\n"),
       kHeader + dropin_step("[ -f /run/cos/active_mode ]", "[Unit]\nFailureAction=reboot\n")},
      {"mode-claim-mismatch", Severity::error,
       kHeader + "    - name: Reboot on active\n      if: '[ ! -f /run/cos/active_mode ]'\n",
       kHeader + "    - name: Reboot on active\n      if: '[ -f /run/cos/active_mode ]'\n"},
      {"gate-incomplete", Severity::warning,
       kHeader + dropin_step("", "[Install]\nRequiredBy=boot-complete.target\n", kEnable),
       kHeader + dropin_step("", kGate, kEnable)},
      {"gate-not-enabled", Severity::warning, kHeader + dropin_step("", kGate),
       kHeader + dropin_step("", kGate, kEnable)},
      {"path-written-twice", Severity::warning,
       kHeader + dropin_step("", "[Unit]\nA=1\n") + dropin_step("", "[Unit]\nA=2\n"),
       kHeader + dropin_step("[ -f /run/cos/active_mode ]", "[Unit]\nA=1\n") +
           dropin_step("[ -f /run/cos/passive_mode ]", "[Unit]\nA=2\n")},
      {"reboot-uncounted", Severity::error,
       kHeader + dropin_step("[ -f /run/cos/active_mode ]", "[Unit]\nFailureAction=reboot\n"),
       kHeader + dropin_step("[ -f /run/cos/active_mode ] && [ -e " + kCountVariable + " ]",
                             "[Unit]\nFailureAction=reboot\n")},
      {"gate-counted-only", Severity::warning, kHeader + dropin_step("", kGate, kEnable),
       kHeader + dropin_step("", kGate + "WantedBy=multi-user.target\n", kEnable)},
      {"node-breaking-mask", Severity::error,
       kHeader + "    - systemctl: {mask: [default.target]}\n",
       kHeader + "    - systemctl: {mask: [debug-shell.service]}\n"},
      {"node-breaking-permissions", Severity::error,
       kHeader + "    - directories: [{path: /etc, permissions: 0700}]\n",
       kHeader + "    - directories: [{path: /etc/app, permissions: 0700}]\n"},
      {"node-breaking-fstab", Severity::warning,
       kHeader + "    - files: [{path: /etc/fstab, permissions: 0644, content: \"# none\\n\"}]\n",
       kHeader + "    - files: [{path: /etc/fstab, permissions: 0644, content: \"LABEL=data /data "
                 "ext4 defaults 0 2\\n\"}]\n"},
      {"node-breaking-accounts", Severity::warning,
       kHeader + "    - files: [{path: /etc/passwd, permissions: 0644, content: "
                 "\"root:x:0:0::/:/bin/sh\"}]\n",
       kHeader + "    - files: [{path: /etc/passwd.bak, permissions: 0644, content: \"x\"}]\n"},
      {"persistent-per-mode", Severity::note,
       kHeader + dropin_step("[ -f /run/cos/active_mode ]", kGate, kEnable),
       kHeader + dropin_step("", kGate, kEnable)},
  };
}

TEST(ValidateRulesTest, EachRuleFiresAndItsNearMissDoesNot) {
  for (const RuleCase& c : rule_cases()) {
    SCOPED_TRACE(c.rule);
    std::vector<Diagnostic> fired = validate_text(c.fires);
    const Diagnostic* d = find(fired, c.rule);
    ASSERT_NE(d, nullptr) << c.fires << "\n" << dump(fired);
    EXPECT_EQ(d->severity, c.severity) << format_diagnostic(*d);
    EXPECT_GT(d->where.line, 0) << format_diagnostic(*d);
    std::vector<Diagnostic> near = validate_text(c.near_miss);
    EXPECT_EQ(find(near, c.rule), nullptr) << c.near_miss << "\n" << dump(near);
  }
}

TEST(ValidateRulesTest, AGateOnlyUnitIsAnErrorWhenItsUnitFileIsKnown) {
  const std::string unit_file =
      "    - files:\n        - path: /etc/systemd/system/app.service\n"
      "          permissions: 0644\n          content: |\n            [Service]\n"
      "            ExecStart=/bin/true\n            [Unit]\n"
      "            Before=boot-complete.target\n            [Install]\n"
      "            RequiredBy=boot-complete.target\n" +
      kEnable;
  std::vector<Diagnostic> ds = validate_text(kHeader + unit_file);
  const Diagnostic* d = find(ds, "gate-counted-only");
  ASSERT_NE(d, nullptr) << dump(ds);
  EXPECT_EQ(d->severity, Severity::error);
  EXPECT_EQ(d->where.line, 12);
  EXPECT_EQ(d->message.find("unless"), std::string::npos) << d->message;
  // A boot_assessment step pulls boot-complete.target in itself.
  std::vector<Diagnostic> gated = validate_text(
      kHeader + "    - boot_assessment:\n        units: [app.service]\n" + dropin_step("", kGate));
  EXPECT_EQ(find(gated, "gate-counted-only"), nullptr) << dump(gated);
}

TEST(ValidateRulesTest, RebootsOnlyOnCountedBootsAreSafe) {
  // The condition a hand-written configuration needs: the active sentinel
  // and the loader's counter both present.
  std::vector<Diagnostic> ds = validate_text(
      kHeader + dropin_step("[ -f /run/cos/active_mode ] && [ -e " + kCountVariable + " ]",
                            "[Unit]\nFailureAction=reboot\n"));
  EXPECT_EQ(find(ds, "reboot-uncounted"), nullptr) << dump(ds);
  EXPECT_EQ(find(ds, "boot-loop-risk"), nullptr) << dump(ds);
  // Testing the counter alone still reboots passive boots when counted.
  ds = validate_text(
      kHeader + dropin_step("[ -e " + kCountVariable + " ]", "[Unit]\nFailureAction=reboot\n"));
  EXPECT_EQ(find(ds, "reboot-uncounted"), nullptr) << dump(ds);
  EXPECT_NE(find(ds, "boot-loop-risk"), nullptr) << dump(ds);
  // SuccessAction= reboots too.
  ds = validate_text(
      kHeader + dropin_step("[ -f /run/cos/active_mode ]", "[Unit]\nSuccessAction=reboot-force\n"));
  EXPECT_NE(find(ds, "reboot-uncounted"), nullptr) << dump(ds);
}

// The other operations of the node-breaking family, and their near misses.
TEST(ValidateRulesTest, NodeBreakingOperations) {
  auto rules_of = [](const std::vector<Diagnostic>& ds) {
    std::vector<std::string> out;
    for (const Diagnostic& d : ds) {
      if (d.rule.rfind("node-breaking", 0) == 0) out.push_back(d.rule + "@" + d.where.str());
    }
    return out;
  };
  using Lines = std::vector<std::string>;
  // Masks of boot units, persistent or per boot; an empty unit file masks too.
  EXPECT_EQ(rules_of(validate_text(kHeader +
                                   "    - systemctl: {mask: [sysinit.target, basic]}\n"
                                   "    - systemctl: {runtime: true, mask: [systemd-journald]}\n"
                                   "      files:\n"
                                   "        - {path: /etc/systemd/system/dbus.service, "
                                   "permissions: 0644, content: \"\"}\n")),
            (Lines{"node-breaking-mask@t.yaml:3:26", "node-breaking-mask@t.yaml:4:41",
                   "node-breaking-mask@t.yaml:6:11"}));
  // `basic` alone is basic.service, which the boot does not need; disabling
  // a boot target and a non-empty unit file are not masks.
  EXPECT_EQ(rules_of(validate_text(kHeader +
                                   "    - systemctl: {mask: [basic], disable: [default.target]}\n"
                                   "      files:\n"
                                   "        - {path: /etc/systemd/system/dbus.service, "
                                   "permissions: 0644, content: \"[Unit]\\n\"}\n")),
            Lines{});
  // Modes on unit directories: 0000, and 0750 (no access for others), fire;
  // 0755 and 0711 on a directory of its own do not.
  EXPECT_EQ(
      rules_of(validate_text(kHeader +
                             "    - directories:\n"
                             "        - {path: /etc/systemd/system, permissions: 0000}\n"
                             "        - {path: /run/systemd/system/, permissions: 0750}\n"
                             "        - {path: /usr/lib/systemd/system, permissions: 0755}\n"
                             "        - {path: /etc/ssh, permissions: 0711}\n")),
      (Lines{"node-breaking-permissions@t.yaml:4:52", "node-breaking-permissions@t.yaml:5:53"}));
  // /etc/shadow is an account database too; an fstab with an entry is fine.
  EXPECT_EQ(rules_of(validate_text(
                kHeader + "    - files:\n"
                          "        - {path: /etc/shadow, permissions: 0600, content: x}\n"
                          "        - {path: /etc/fstab, permissions: 0644, content: \"\"}\n")),
            (Lines{"node-breaking-accounts@t.yaml:4:11", "node-breaking-fstab@t.yaml:5:11"}));
}

TEST(ValidateRulesTest, NegatedModeNamesAreNotClaims) {
  std::vector<Diagnostic> ds = validate_text(kHeader +
                                             "    - name: Not on recovery\n"
                                             "      if: '[ ! -f /run/cos/recovery_mode ]'\n"
                                             "    - name: Skip on live media\n"
                                             "      if: '[ ! -f /run/cos/live_mode ]'\n"
                                             "    - name: Everything but passive\n"
                                             "      if: '[ ! -f /run/cos/passive_mode ]'\n");
  EXPECT_EQ(find(ds, "mode-claim-mismatch"), nullptr) << dump(ds);
}

TEST(ValidateRulesTest, BeforeAndAfterStagesArePlannedWithTheirStage) {
  // The gate is written in initramfs.before and enabled in initramfs: Kairos
  // runs them in that order, so the gate is enabled.
  std::vector<Diagnostic> ds =
      validate_text("stages:\n  initramfs.before:\n" + dropin_step("", kGate) + "  initramfs:\n" +
                    "    - systemctl: {enable: [app.service]}\n");
  EXPECT_EQ(find(ds, "gate-not-enabled"), nullptr) << dump(ds);
}

TEST(ValidateRulesTest, PositionsPointInsideContentBlocks) {
  std::vector<Diagnostic> ds =
      validate_text(kHeader + dropin_step("[ -f /run/cos/passive_mode ]",
                                          "[Unit]\nAfter=x\nFailureAction=reboot\n"));
  const Diagnostic* d = find(ds, "boot-loop-risk");
  ASSERT_NE(d, nullptr) << dump(ds);
  // Line 1-2 header, 3 step, 4 if, 5 files, 6 path, 7 permissions, 8 content,
  // then the block: [Unit] on 9, After on 10, FailureAction on 11.
  EXPECT_EQ(d->where.line, 11);
  EXPECT_EQ(d->where.column, 13);
  EXPECT_NE(d->message.find("passive"), std::string::npos);
}

TEST(ValidateRulesTest, TheDocumentationsSecondExample) {
  Diagnostics loaded;
  Source source = load_source(
      std::string(BOOTASSESS_SOURCE_DIR) + "/tests/fixtures/docs-second-example.yaml", loaded);
  std::vector<Diagnostic> ds = validate_sources({source}, loaded);
  const Diagnostic* alias = find(ds, "key-alias");
  ASSERT_NE(alias, nullptr) << dump(ds);
  EXPECT_NE(alias->fix.find("`enable`"), std::string::npos);
  const Diagnostic* loop = find(ds, "boot-loop-risk");
  ASSERT_NE(loop, nullptr) << dump(ds);
  EXPECT_NE(loop->message.find("passive"), std::string::npos);
  EXPECT_EQ(std::count_if(ds.begin(), ds.end(),
                          [](const Diagnostic& d) { return d.rule == "mode-claim-mismatch"; }),
            2)
      << dump(ds);
  // Both traps of boot counting, at the lines that set them.
  const Diagnostic* uncounted = find(ds, "reboot-uncounted");
  ASSERT_NE(uncounted, nullptr) << dump(ds);
  EXPECT_EQ(uncounted->where.line, 19);
  EXPECT_NE(uncounted->fix.find("boot_assessment"), std::string::npos);
  const Diagnostic* counted_only = find(ds, "gate-counted-only");
  ASSERT_NE(counted_only, nullptr) << dump(ds);
  EXPECT_EQ(counted_only->where.line, 22);
  EXPECT_NE(counted_only->fix.find("boot_assessment"), std::string::npos);
}

TEST(ValidateRulesTest, TheDocumentationsFirstExample) {
  Diagnostics loaded;
  Source source = load_source(
      std::string(BOOTASSESS_SOURCE_DIR) + "/tests/fixtures/docs-first-example.yaml", loaded);
  std::vector<Diagnostic> ds = validate_sources({source}, loaded);
  EXPECT_NE(find(ds, "reboot-uncounted"), nullptr) << dump(ds);
  EXPECT_NE(find(ds, "gate-counted-only"), nullptr) << dump(ds);
}

TEST(ValidateRulesTest, ExamplesValidateWithoutWarnings) {
  int examples = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(BOOTASSESS_SOURCE_DIR) + "/examples")) {
    if (entry.path().extension() != ".yaml") continue;
    ++examples;
    const std::string name = entry.path().filename().string();
    Diagnostics loaded;
    Source source = load_source(entry.path().string(), loaded);
    std::vector<Diagnostic> ds = validate_sources({source}, loaded);
    for (const Diagnostic& d : ds) {
      EXPECT_EQ(d.severity, Severity::note) << name << ": " << format_diagnostic(d);
    }
  }
  EXPECT_GE(examples, 3);
}

TEST(ValidateRulesTest, BootAssessmentIsUnderstood) {
  const std::string head =
      kHeader + "    - name: gate\n      boot_assessment:\n        units: [app.service]\n";
  // The default is safe.
  std::vector<Diagnostic> safe = validate_text(head);
  EXPECT_EQ(find(safe, "boot-loop-risk"), nullptr) << dump(safe);
  EXPECT_EQ(find(safe, "gate-not-enabled"), nullptr) << dump(safe);
  // Rebooting on passive without the acknowledgement is refused...
  std::vector<Diagnostic> refused =
      validate_text(head + "        reboot_on_failure: [active, passive]\n");
  const Diagnostic* d = find(refused, "boot-assessment");
  ASSERT_NE(d, nullptr) << dump(refused);
  EXPECT_EQ(d->severity, Severity::error);
  EXPECT_EQ(d->where.line, 6);
  // ...and with it, the plan shows the reboot reaching passive, as a warning.
  std::vector<Diagnostic> accepted = validate_text(
      head + "        reboot_on_failure: [active, passive]\n        accept_boot_loop_risk: true\n");
  EXPECT_EQ(find(accepted, "boot-assessment"), nullptr) << dump(accepted);
  const Diagnostic* loop = find(accepted, "boot-loop-risk");
  ASSERT_NE(loop, nullptr) << dump(accepted);
  EXPECT_EQ(loop->severity, Severity::warning);
  EXPECT_NE(loop->message.find("passive"), std::string::npos);
  // A mode outside `modes` and live are refused.
  std::vector<Diagnostic> outside =
      validate_text(head + "        modes: [active]\n        reboot_on_failure: [recovery]\n");
  EXPECT_NE(find(outside, "boot-assessment"), nullptr) << dump(outside);
  std::vector<Diagnostic> bad_mode = validate_text(head + "        modes: [actve]\n");
  EXPECT_NE(find(bad_mode, "boot-assessment"), nullptr) << dump(bad_mode);
}

// An image's root with systemd's targets and the units in `units` (paths).
testing::MemoryRoot image_root(const std::vector<std::string>& units) {
  testing::MemoryRoot root;
  root.add_dir("/usr").add_dir("/usr/lib").add_dir("/usr/lib/systemd");
  root.add_dir("/usr/lib/systemd/system").add_dir("/etc").add_dir("/etc/systemd");
  root.add_dir("/etc/systemd/system");
  for (const char* target : {"multi-user.target", "boot-complete.target"})
    root.add_file(std::string("/usr/lib/systemd/system/") + target, "[Unit]\n");
  for (const std::string& unit : units)
    root.add_file(unit, "[Service]\nExecStart=/bin/true\n");
  return root;
}

std::vector<Diagnostic> validate_against(const std::string& yaml, const RootView* image) {
  Diagnostics loaded;
  Source source;
  if (std::optional<Document> doc = load_document("t.yaml", yaml, loaded)) {
    source.documents.push_back(*doc);
  }
  return validate_sources({source}, loaded, false, image);
}

std::vector<const Diagnostic*> all_of(const std::vector<Diagnostic>& ds, std::string_view rule) {
  std::vector<const Diagnostic*> out;
  for (const Diagnostic& d : ds) {
    if (d.rule == rule) out.push_back(&d);
  }
  return out;
}

TEST(ValidateRootTest, AGatedUnitMissingFromTheImageIsAnErrorAtItsPosition) {
  const std::string yaml = kHeader +
                           "    - name: gate\n"
                           "      boot_assessment:\n"
                           "        units:\n"
                           "          - myapp.service\n"
                           "          - k3s.service\n";
  testing::MemoryRoot root = image_root({"/usr/lib/systemd/system/myapp.service"});
  std::vector<Diagnostic> ds = validate_against(yaml, &root);
  std::vector<const Diagnostic*> missing = all_of(ds, "boot-assessment-unit-missing");
  ASSERT_EQ(missing.size(), 1u) << dump(ds);  // once, whatever the modes planned
  EXPECT_EQ(missing[0]->severity, Severity::error);
  EXPECT_EQ(missing[0]->where.file, "t.yaml");
  EXPECT_EQ(missing[0]->where.line, 7);
  EXPECT_EQ(missing[0]->where.column, 13);
  EXPECT_NE(missing[0]->message.find("k3s.service"), std::string::npos);
  EXPECT_EQ(ds.size(), 1u) << dump(ds);

  // Near misses: without a root nothing is known of the image; the unit in
  // /etc, as an instance of a template, or written by an earlier step.
  EXPECT_EQ(find(validate_against(yaml, nullptr), "boot-assessment-unit-missing"), nullptr);
  testing::MemoryRoot both =
      image_root({"/usr/lib/systemd/system/myapp.service", "/etc/systemd/system/k3s.service"});
  std::vector<Diagnostic> clean = validate_against(yaml, &both);
  EXPECT_TRUE(clean.empty()) << dump(clean);
  const std::string instance = kHeader +
                               "    - name: gate\n"
                               "      boot_assessment:\n"
                               "        units: [worker@1.service]\n";
  testing::MemoryRoot templated = image_root({"/usr/lib/systemd/system/worker@.service"});
  std::vector<Diagnostic> with_template = validate_against(instance, &templated);
  EXPECT_TRUE(with_template.empty()) << dump(with_template);
  const std::string written = kHeader +
                              "    - name: the unit\n"
                              "      files:\n"
                              "        - path: /etc/systemd/system/k3s.service\n"
                              "          permissions: 0644\n"
                              "          content: \"[Service]\\nExecStart=/bin/true\\n\"\n"
                              "    - name: gate\n"
                              "      boot_assessment:\n"
                              "        units: [k3s.service]\n";
  testing::MemoryRoot bare = image_root({});
  std::vector<Diagnostic> after_write = validate_against(written, &bare);
  EXPECT_EQ(find(after_write, "boot-assessment-unit-missing"), nullptr) << dump(after_write);
}

TEST(ValidateRootTest, TheCheckBinaryMissingFromTheImageIsAnError) {
  const std::string yaml = kHeader +
                           "    - name: gate\n"
                           "      boot_assessment:\n"
                           "        checks:\n"
                           "          - name: usr-local\n"
                           "            mount: /usr/local\n";
  testing::MemoryRoot bare = image_root({});
  std::vector<Diagnostic> ds = validate_against(yaml, &bare);
  std::vector<const Diagnostic*> missing = all_of(ds, "check-binary-missing");
  ASSERT_EQ(missing.size(), 1u) << dump(ds);
  EXPECT_EQ(missing[0]->severity, Severity::error);
  EXPECT_EQ(missing[0]->where.file, "t.yaml");
  EXPECT_NE(missing[0]->message.find("/usr/bin/bootassess"), std::string::npos);

  // Near misses: no root, or an image that has the binary.
  EXPECT_EQ(find(validate_against(yaml, nullptr), "check-binary-missing"), nullptr);
  testing::MemoryRoot with_binary = image_root({"/usr/bin/bootassess"});
  std::vector<Diagnostic> clean = validate_against(yaml, &with_binary);
  EXPECT_EQ(find(clean, "check-binary-missing"), nullptr) << dump(clean);
}

TEST(ValidateRootTest, AnEnabledUnitMissingFromTheImageIsAnError) {
  const std::string yaml = kHeader + "    - name: enable\n" + kEnable;
  testing::MemoryRoot bare = image_root({});
  std::vector<Diagnostic> ds = validate_against(yaml, &bare);
  const Diagnostic* missing = find(ds, "systemd-unit-missing");
  ASSERT_NE(missing, nullptr) << dump(ds);
  EXPECT_EQ(missing->severity, Severity::error);
  EXPECT_EQ(missing->where.line, 5);
  // Near misses: no root, or the unit there.
  EXPECT_EQ(find(validate_against(yaml, nullptr), "systemd-unit-missing"), nullptr);
  testing::MemoryRoot present = image_root({"/usr/lib/systemd/system/app.service"});
  std::vector<Diagnostic> clean = validate_against(yaml, &present);
  EXPECT_EQ(find(clean, "systemd-unit-missing"), nullptr) << dump(clean);
}

// The Kairos recipe's configuration (examples/kairos/bootassess.d/) is held
// to the same standard as the other examples.
TEST(ValidateRulesTest, TheKairosRecipeValidatesWithoutWarnings) {
  Diagnostics loaded;
  Source source =
      load_source(std::string(BOOTASSESS_SOURCE_DIR) + "/examples/kairos/bootassess.d", loaded);
  ASSERT_FALSE(source.documents.empty());
  std::vector<Diagnostic> ds = validate_sources({source}, loaded);
  for (const Diagnostic& d : ds)
    EXPECT_EQ(d.severity, Severity::note) << format_diagnostic(d);
}

}  // namespace
}  // namespace bootassess

namespace bootassess {
namespace {

// The units a gate generates for its checks are gated (required) or wanted
// on purpose: the rules about hand-written gates do not fire on them, and
// the check-* rules are reported once each, with their positions.
TEST(ValidateChecksTest, GeneratedCheckUnitsAreNotHandWrittenGates) {
  const std::vector<Diagnostic> ds = validate_text(R"(stages:
  initramfs:
    - name: gate
      boot_assessment:
        checks:
          - {name: api, tcp: '127.0.0.1:6443'}
          - {name: dash, http: 'http://127.0.0.1:8080/', required: false}
        reboot_on_failure: []
)");
  EXPECT_TRUE(ds.empty()) << dump(ds);
  const std::vector<Diagnostic> bad = validate_text(R"(stages:
  initramfs:
    - name: gate
      if: '[ -f /nowhere ]'
      boot_assessment:
        checks:
          - {name: api, tcp: '127.0.0.1'}
          - {name: dash, http: 'https://h/', required: false}
)");
  std::vector<std::string> rules;
  for (const Diagnostic& d : bad)
    rules.push_back(d.rule + "@" + d.where.str());
  EXPECT_EQ(rules, (std::vector<std::string>{"check-address@t.yaml:7:30", "check-url@t.yaml:8:32",
                                             "check-wanted-reboot@t.yaml:8:56"}))
      << dump(bad);
  EXPECT_EQ(bad.size(), 3u);
}

}  // namespace
}  // namespace bootassess
