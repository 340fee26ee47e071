#include "load/loader.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

namespace bootassess {
namespace {

struct Loaded {
  std::optional<Document> doc;
  Diagnostics diagnostics;

  bool has(std::string_view rule, int line = 0) const {
    return std::any_of(
        diagnostics.items().begin(), diagnostics.items().end(),
        [&](const Diagnostic& d) { return d.rule == rule && (line == 0 || d.where.line == line); });
  }
  const Diagnostic* find(std::string_view rule) const {
    for (const Diagnostic& d : diagnostics.items()) {
      if (d.rule == rule) return &d;
    }
    return nullptr;
  }
};

Loaded load(const std::string& text) {
  Loaded l;
  l.doc = load_document("t.yaml", text, l.diagnostics);
  return l;
}

TEST(LoaderTest, ReadsStepsWithPositions) {
  Loaded l = load(R"(name: demo
stages:
  initramfs:
    - name: one
      if: '[ -f "/run/cos/active_mode" ]'
      files:
        - path: /etc/x.conf
          permissions: 0600
          owner: 1
          group: 2
          content: |
            a
            b
      systemctl:
        enable: [foo, bar.socket]
)");
  ASSERT_TRUE(l.doc) << l.diagnostics.items().size();
  EXPECT_EQ(l.doc->name, "demo");
  const Step& step = l.doc->stages.at("initramfs").at(0);
  EXPECT_EQ(step.name, "one");
  EXPECT_EQ(step.pos.line, 4);
  ASSERT_TRUE(step.condition);
  EXPECT_EQ(step.condition->value, "[ -f \"/run/cos/active_mode\" ]");
  EXPECT_EQ(step.condition->pos.line, 5);
  ASSERT_EQ(step.files.size(), 1u);
  EXPECT_EQ(step.files[0].path.value, "/etc/x.conf");
  EXPECT_EQ(step.files[0].permissions->value, 0600u);
  EXPECT_EQ(step.files[0].owner, 1u);
  EXPECT_EQ(step.files[0].group, 2u);
  EXPECT_EQ(step.files[0].content.value, "a\nb\n");
  EXPECT_TRUE(step.files[0].content_is_block);
  EXPECT_EQ(step.files[0].content.pos.line, 11);
  ASSERT_TRUE(step.systemctl);
  ASSERT_EQ(step.systemctl->enable.size(), 2u);
  EXPECT_EQ(step.systemctl->enable[1].value, "bar.socket");
  EXPECT_TRUE(l.diagnostics.empty());
}

TEST(LoaderTest, DocumentedMisspellingsAreAliasesWithWarnings) {
  Loaded l = load(R"(stages:
  initramfs:
    - systemctl:
        enabled: [foo]
      files:
        - path: /x
          permissions: 0644
          owner_string: "root"
)");
  ASSERT_TRUE(l.doc);
  const Step& step = l.doc->stages.at("initramfs").at(0);
  ASSERT_EQ(step.systemctl->enable.size(), 1u);
  EXPECT_EQ(step.systemctl->enable[0].value, "foo");
  ASSERT_TRUE(step.files[0].ownerstring);
  const Diagnostic* alias = l.find("key-alias");
  ASSERT_NE(alias, nullptr);
  EXPECT_EQ(alias->where.line, 4);
  EXPECT_EQ(alias->where.column, 9);
  EXPECT_NE(alias->fix.find("`enable`"), std::string::npos);
  EXPECT_TRUE(l.has("key-alias", 8));
}

TEST(LoaderTest, UnknownKeysSuggestTheClosest) {
  Loaded l = load(R"(stages:
  initramfs:
    - systctl:
        enable: [foo]
      fils: []
      frobnicate: 1
)");
  ASSERT_TRUE(l.doc);
  std::vector<std::string> fixes;
  for (const Diagnostic& d : l.diagnostics.items()) {
    EXPECT_EQ(d.rule, "unknown-key");
    fixes.push_back(d.fix);
  }
  ASSERT_EQ(fixes.size(), 3u);
  EXPECT_EQ(fixes[0], "did you mean `systemctl`?");
  EXPECT_EQ(fixes[1], "did you mean `files`?");
  EXPECT_EQ(fixes[2], "");
}

TEST(LoaderTest, AMisspeltKeyThatDropsAGateOrAConditionIsAnError) {
  Loaded l = load(R"(stages:
  initramfs:
    - name: gate
      boot_asessment:
        units: [myapp.service]
      iff: '[ -e /run/cos/active_mode ]'
      only_arc: x86_64
      comands: [true]
      frobnicate: 1
)");
  ASSERT_TRUE(l.doc);
  std::vector<std::tuple<int, Severity, std::string>> found;
  for (const Diagnostic& d : l.diagnostics.items()) {
    EXPECT_EQ(d.rule, "unknown-key");
    found.emplace_back(d.where.line, d.severity, d.fix);
  }
  const std::vector<std::tuple<int, Severity, std::string>> expected{
      {4, Severity::error, "did you mean `boot_assessment`?"},
      {6, Severity::error, "did you mean `if`?"},
      {7, Severity::error, "did you mean `only_arch`?"},
      // The runner's keys: bootassess never acts on them anyway.
      {8, Severity::warning, "did you mean `commands`?"},
      {9, Severity::warning, ""}};
  EXPECT_EQ(found, expected);
  // The rest of the step is still read.
  EXPECT_EQ(l.doc->stages.at("initramfs").at(0).name, "gate");
}

TEST(LoaderTest, AMisspeltKeyInsideAModuleIsAnError) {
  Loaded l = load(R"(stages:
  initramfs:
    - files:
        - path: /etc/a
          permisions: 0600
      systemctl:
        enabel: [a.service]
        overrides:
          - service: a.service
            contnt: "[Service]"
      boot_assessment:
        unit: [a.service]
      after:
        - nam: other
      frobnicate: 1
)");
  ASSERT_TRUE(l.doc);
  std::vector<std::tuple<int, Severity, std::string>> found;
  for (const Diagnostic& d : l.diagnostics.items()) {
    if (d.rule == "unknown-key") {
      found.emplace_back(d.where.line, d.severity, d.fix);
    }
  }
  const std::vector<std::tuple<int, Severity, std::string>> expected{
      {5, Severity::error, "did you mean `permissions`?"},
      {7, Severity::error, "did you mean `enable`?"},
      {10, Severity::error, "did you mean `content`?"},
      {12, Severity::error, "did you mean `units`?"},
      {14, Severity::error, "did you mean `name`?"},
      {15, Severity::warning, ""},
  };
  EXPECT_EQ(found, expected);
}

TEST(LoaderTest, UnknownStageNamesWarnWithTheClosestKnownOne) {
  Loaded l = load(R"(stages:
  initramf:
    - name: misspelt
  initramfs.befor:
    - name: misspelt too
  my-own-stage:
    - name: nothing like a Kairos stage
  kairos-uki-install.pre.after:
    - name: known
  after-install-chroot:
    - name: known
  boot.before:
    - name: known
)");
  ASSERT_TRUE(l.doc);
  std::vector<std::pair<int, std::string>> found;
  for (const Diagnostic& d : l.diagnostics.items()) {
    EXPECT_EQ(d.rule, "unknown-stage");
    EXPECT_EQ(d.severity, Severity::warning);
    found.emplace_back(d.where.line, d.fix);
  }
  const std::vector<std::pair<int, std::string>> expected{
      {2, "did you mean `initramfs`?"}, {4, "did you mean `initramfs.before`?"}, {6, ""}};
  EXPECT_EQ(found, expected);
  // The steps are still read: a stage runner may be told to run any name.
  EXPECT_EQ(l.doc->stages.count("initramf"), 1u);
}

TEST(LoaderTest, PermissionTraps) {
  Loaded l = load(R"(stages:
  boot:
    - files:
        - path: /a
          permissions: 644
        - path: /b
          permissions: "0640"
        - path: /c
        - path: /d
          permissions: 0o600
)");
  ASSERT_TRUE(l.doc);
  const std::vector<FileEntry>& files = l.doc->stages.at("boot").at(0).files;
  EXPECT_EQ(files[0].permissions->value, 644u);  // 01204: mode 0204 once masked
  EXPECT_TRUE(l.has("permissions-decimal", 5));
  EXPECT_EQ(files[1].permissions->value, 0640u);
  EXPECT_TRUE(l.has("permissions-quoted", 7));
  EXPECT_FALSE(files[2].permissions);
  EXPECT_TRUE(l.has("permissions-omitted", 8));
  EXPECT_EQ(files[3].permissions->value, 0600u);
  EXPECT_EQ(l.diagnostics.items().size(), 3u);
}

TEST(LoaderTest, TypeErrorsFailTheDocument) {
  Loaded scalar_stage = load("stages:\n  initramfs: oops\n");
  EXPECT_FALSE(scalar_stage.doc);
  EXPECT_TRUE(scalar_stage.has("type-error", 2));

  Loaded bad_perm =
      load("stages:\n  s:\n    - files:\n        - path: /a\n          permissions: rw\n");
  EXPECT_FALSE(bad_perm.doc);
  EXPECT_TRUE(bad_perm.has("type-error", 5));

  Loaded map_unit = load("stages:\n  s:\n    - systemctl:\n        enable:\n          - name: x\n");
  EXPECT_FALSE(map_unit.doc);
}

TEST(LoaderTest, CloudConfigTypeErrorDropsEveryStageLikeYip) {
  Loaded l = load(R"(#cloud-config
stages:
  initramfs:
    - name: one
      files:
        - path: /a
          permissions: 0644
          owner: root
    - name: two
      files:
        - path: /b
          permissions: 0600
)");
  // yip's optimistic decode of the stages fails as a whole and is ignored:
  // the source loads (no error) but none of its stages run.
  ASSERT_TRUE(l.doc);
  EXPECT_TRUE(l.doc->stages.empty());
  const Diagnostic* d = l.find("type-error");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->severity, Severity::warning);
  EXPECT_EQ(d->where.line, 8);
}

TEST(LoaderTest, DuplicateKeysFailTheDocument) {
  Loaded l = load("stages:\n  s:\n    - name: a\n      name: b\n");
  EXPECT_FALSE(l.doc);
  const Diagnostic* d = l.find("duplicate-key");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->where.line, 4);
  EXPECT_NE(d->message.find("line 3"), std::string::npos);
}

TEST(LoaderTest, SyntaxErrorsHavePositions) {
  Loaded l = load("stages:\n  s: [\n");
  EXPECT_FALSE(l.doc);
  const Diagnostic* d = l.find("yaml-syntax");
  ASSERT_NE(d, nullptr);
  EXPECT_GT(d->where.line, 0);
}

TEST(LoaderTest, UnterminatedQuotesAreSyntaxErrors) {
  Loaded l = load("stages:\n  s:\n    - name: \"never closed\n      if: x\n");
  EXPECT_FALSE(l.doc);
  // At the opening quote, not at the end of the input where it was found.
  const Diagnostic* d = l.find("yaml-syntax");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->where.str(), "t.yaml:3:13");
  EXPECT_EQ(d->message,
            "invalid YAML: found unexpected end of stream (while scanning a quoted scalar at line "
            "3, column 13)");
  Loaded single = load("stages:\n  s:\n    - name: 'it''s\n");
  EXPECT_FALSE(single.doc);
  EXPECT_TRUE(single.has("yaml-syntax", 3));
  Loaded fine = load("stages:\n  s:\n    - name: 'it''s \\ fine'\n      if: \"a \\\" b\"\n");
  ASSERT_TRUE(fine.doc);
  EXPECT_EQ(fine.doc->stages.at("s")[0].name, "it's \\ fine");
}

TEST(LoaderTest, MergeKeysAndAnchors) {
  Loaded l = load(R"(common: &common
  permissions: 0600
  owner: 7
stages:
  s:
    - files:
        - <<: *common
          path: /a
          owner: 8
)");
  ASSERT_TRUE(l.doc);
  const FileEntry& f = l.doc->stages.at("s").at(0).files.at(0);
  EXPECT_EQ(f.permissions->value, 0600u);
  EXPECT_EQ(f.owner, 8u);
  EXPECT_TRUE(l.has("unknown-key", 1));  // top-level `common` is not a yip key
}

TEST(LoaderTest, CloudConfigHeaderAndRunnerKeys) {
  Loaded l = load(R"(# comment
#cloud-config
runcmd: [echo]
stages:
  initramfs:
    - commands: [echo hi]
      only_arch: amd64
)");
  ASSERT_TRUE(l.doc);
  EXPECT_TRUE(l.doc->cloud_config);
  const Step& step = l.doc->stages.at("initramfs").at(0);
  ASSERT_EQ(step.runner_keys.size(), 1u);
  EXPECT_EQ(step.runner_keys[0].value, "commands");
  ASSERT_TRUE(step.conditionals);
  ASSERT_TRUE(step.conditionals->only_arch);
  EXPECT_EQ(step.conditionals->only_arch->value, "amd64");
  EXPECT_TRUE(l.has("runner-key", 3));
}

TEST(LoaderTest, EmptyDocumentsAreEmptyConfigs) {
  Loaded l = load("# nothing\n");
  ASSERT_TRUE(l.doc);
  EXPECT_TRUE(l.doc->stages.empty());
}

TEST(LoaderTest, BinaryAndEncodingChecks) {
  Loaded l = load(R"(stages:
  s:
    - files:
        - path: /a
          permissions: 0644
          content: !!binary aGVsbG8=
        - path: /b
          permissions: 0644
          encoding: B64
          content: "{{ .Values.node.hostname }}"
)");
  ASSERT_TRUE(l.doc);
  EXPECT_EQ(l.doc->stages.at("s")[0].files[0].content.value, "hello");
  EXPECT_TRUE(l.has("encoding-unknown", 9));
  EXPECT_TRUE(l.has("template-not-rendered", 10));
}

// A merge key whose value is a list of mappings: the earlier mapping wins over
// a later one, an explicit key over both (YAML's merge-key rules).
TEST(LoaderTest, MergeKeyListsFollowYamlMergeRules) {
  Loaded l = load(R"(a: &a {permissions: 0600, owner: 1}
b: &b {permissions: 0640, owner: 2, group: 3}
stages:
  s:
    - files:
        - <<: [*a, *b]
          path: /x
          owner: 9
)");
  ASSERT_TRUE(l.doc);
  const FileEntry& f = l.doc->stages.at("s").at(0).files.at(0);
  EXPECT_EQ(f.permissions->value, 0600u);  // from *a, not *b
  EXPECT_EQ(f.group, 3u);                  // only *b has it
  EXPECT_EQ(f.owner, 9u);                  // explicit key wins
}

// A list under `<<` was read through a dangling reference (an ASan
// stack-use-after-scope); its items must be mappings.
TEST(LoaderTest, MergeKeyListOfNonMappingsIsATypeError) {
  Loaded empty_item = load("<<:\n-\n");
  EXPECT_FALSE(empty_item.doc);
  EXPECT_TRUE(empty_item.has("type-error"));
  Loaded scalar_item = load("<<: [x]\n");
  EXPECT_FALSE(scalar_item.doc);
  EXPECT_TRUE(scalar_item.has("type-error"));
}

// `count` values in `systemctl.start`, then a recovery-only step writing a
// file: the values budget (1,000,000) either covers the whole document, which
// then reads exactly as written, or the document fails with an error. It never
// reads later values as empty.
std::string budget_document(std::size_t count) {
  std::string text = "stages:\n  s:\n    - systemctl:\n        start: [";
  text.reserve(text.size() + count * 2 + 200);
  for (std::size_t i = 0; i < count; ++i)
    text += i == 0 ? "a" : ",a";
  text +=
      "]\n    - if: '[ -f /run/cos/recovery_mode ]'\n      files:\n        - path: /etc/x\n"
      "          content: keep\n";
  return text;
}

TEST(LoaderTest, ValuesBudgetIsExactAtItsBoundary) {
  // The step after the list holds three values: `if`, `path` and `content`.
  constexpr std::size_t kBudget = 1'000'000;
  for (std::size_t total : {kBudget - 2, kBudget - 1, kBudget, kBudget + 1}) {
    SCOPED_TRACE(total);
    Loaded l = load(budget_document(total - 3));
    if (total <= kBudget) {
      ASSERT_TRUE(l.doc);
      EXPECT_FALSE(l.diagnostics.has_errors());
      const Step& step = l.doc->stages.at("s").at(1);
      ASSERT_TRUE(step.condition);
      EXPECT_EQ(step.condition->value, "[ -f /run/cos/recovery_mode ]");
      EXPECT_EQ(step.files.at(0).path.value, "/etc/x");
      EXPECT_EQ(step.files.at(0).content.value, "keep");
    } else {
      EXPECT_FALSE(l.doc);
      // Skipped for its size, not for its syntax.
      EXPECT_TRUE(l.has("source-too-large"));
      EXPECT_FALSE(l.has("yaml-syntax"));
    }
  }
  // Past the budget by more: the document fails, never reads as empty.
  Loaded over = load(budget_document(kBudget));
  EXPECT_FALSE(over.doc);
  EXPECT_TRUE(over.has("source-too-large"));
  EXPECT_FALSE(over.has("yaml-syntax"));
}

// The kernel stops at a NUL byte: "/a\0/..\0" would be opened as "/a/..".
// Such a path, unit name or condition is an error at its position, and the
// item holding it is left out; the rest of the document is kept.
TEST(LoaderTest, NulBytesInNamesAreRefusedWithTheirPosition) {
  Loaded l = load(R"(stages:
  s:
    - files:
        - {path: "/a\0/..\0/..\0/ESCAPED", permissions: 0644, content: x}
        - {path: /ok, permissions: 0644, content: x}
      directories:
        - {path: "/..\0", permissions: 0700}
      systemctl:
        enable: ["a.service\0/../../x", b.service]
        overrides:
          - {service: c.service, name: "x\0y", content: "[Unit]\n"}
    - if: "[ -e /x ]\0 || true"
      files: [{path: /cond, permissions: 0644, content: x}]
    - if_files: {any: ["/x\0y"]}
      files: [{path: /iffiles, permissions: 0644, content: x}]
)");
  ASSERT_TRUE(l.doc);
  const std::vector<Step>& steps = l.doc->stages.at("s");
  ASSERT_EQ(steps.size(), 1u);  // the two conditioned steps are left out
  const Step& step = steps[0];
  ASSERT_EQ(step.files.size(), 1u);
  EXPECT_EQ(step.files[0].path.value, "/ok");
  EXPECT_TRUE(step.directories.empty());
  ASSERT_EQ(step.systemctl->enable.size(), 1u);
  EXPECT_EQ(step.systemctl->enable[0].value, "b.service");
  EXPECT_TRUE(step.systemctl->overrides.empty());
  for (int line : {4, 7, 9, 11, 12, 14}) {
    EXPECT_TRUE(l.has("nul-byte", line)) << line;
  }
  const Diagnostic* d = l.find("nul-byte");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->where.str(), "t.yaml:4:18");
  EXPECT_EQ(d->severity, Severity::error);
}

// The kernel refuses a name longer than NAME_MAX (255 bytes) or a path
// longer than PATH_MAX (4096 with its NUL): ENAMETOOLONG. Such an item is an
// error at its position and is left out, before anything is written.
TEST(LoaderTest, NamesTooLongForTheKernelAreRefusedWithTheirPosition) {
  const std::string c255(255, 'c');
  const std::string c256(256, 'c');
  std::string ok_deep;  // 4020 bytes
  while (ok_deep.size() + 201 < 4096)
    ok_deep += fmt::format("/{}", std::string(200, 'o'));
  // 4096 bytes: no room for the NUL.
  const std::string deep =
      fmt::format("{}/{}", ok_deep, std::string(4096 - ok_deep.size() - 1, 'd'));
  const std::string text = fmt::format(
      R"(stages:
  s:
    - files:
        - {{path: /etc/{0}/x, permissions: 0644}}
        - {{path: /etc/{1}, permissions: 0644}}
        - {{path: {2}, permissions: 0644}}
        - {{path: {3}, permissions: 0644}}
      directories:
        - {{path: /{0}, permissions: 0700}}
      systemctl:
        enable: [{0}.service, b.service]
        overrides:
          - {{service: a.service, name: {4}}}
          - {{service: a.service, name: {5}.conf}}
          - {{service: {5}.service}}
          - {{service: a.service, name: {6}}}
)",
      c256, c255, deep, ok_deep, std::string(251, 'n'), std::string(246, 'n'),
      std::string(250, 'n'));
  Loaded l = load(text);
  ASSERT_TRUE(l.doc);
  const Step& step = l.doc->stages.at("s").at(0);
  ASSERT_EQ(step.files.size(), 2u);
  EXPECT_EQ(step.files[0].path.value, fmt::format("/etc/{}", c255));
  EXPECT_EQ(step.files[1].path.value, ok_deep);
  EXPECT_TRUE(step.directories.empty());
  ASSERT_EQ(step.systemctl->enable.size(), 1u);
  EXPECT_EQ(step.systemctl->enable[0].value, "b.service");
  ASSERT_EQ(step.systemctl->overrides.size(), 2u);
  EXPECT_EQ(step.systemctl->overrides[0].name.value, std::string(246, 'n') + ".conf");
  EXPECT_EQ(step.systemctl->overrides[1].name.value, std::string(250, 'n'));
  for (int line : {4, 6, 9, 11, 13, 15}) {
    EXPECT_TRUE(l.has("name-too-long", line)) << line;
  }
  EXPECT_FALSE(l.has("name-too-long", 5));
  EXPECT_FALSE(l.has("name-too-long", 7));
  EXPECT_FALSE(l.has("name-too-long", 14));
  EXPECT_FALSE(l.has("name-too-long", 16));
  const Diagnostic* d = l.find("name-too-long");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->where.str(), "t.yaml:4:18");
  EXPECT_EQ(d->severity, Severity::error);
  EXPECT_NE(d->message.find("256 bytes"), std::string::npos) << d->message;
}

// Many unknown keys cost memory for a bounded number of lines; the count
// stays exact. A key of any length costs time linear in its length.
TEST(LoaderTest, RepeatedUnknownKeysCollapseAndLongKeysStayCheap) {
  // Explicit keys (`? KEY`): YAML takes an implicit one of 1024 characters at most.
  std::string text =
      fmt::format("stages:\n  ? {}\n  :\n    - name: x\n      ? {}\n      : 0\n    - {{",
                  std::string(1 << 20, 's'), std::string(1 << 20, 'k'));
  constexpr std::size_t kKeys = 5000;
  for (std::size_t i = 0; i < kKeys; ++i)
    text += fmt::format("k{}: 0, ", i);
  text += "fiels: []}\n";
  Loaded l = load(text);
  ASSERT_TRUE(l.doc);
  EXPECT_LE(l.diagnostics.items().size(), 2 * Diagnostics::kShownPerRule + 2);
  EXPECT_EQ(l.diagnostics.count(Severity::warning), kKeys + 2);  // and the stage
  EXPECT_EQ(l.diagnostics.count(Severity::error), 1u);           // `fiels`: did you mean `files`?
  const Diagnostic* typo = l.find("unknown-key");
  ASSERT_NE(typo, nullptr);
  std::size_t longest = 0;
  for (const Diagnostic& d : l.diagnostics.items())
    longest = std::max(longest, d.message.size());
  EXPECT_LT(longest, 1000u);  // the 1 MiB key is quoted abbreviated
}

// A step's label goes into every event about it: a name of megabytes is
// shown by its start and its length.
TEST(LoaderTest, AStepLabelStaysShort) {
  Step step;
  EXPECT_EQ(step.label(3), "#3");
  step.name = "write the overrides";
  EXPECT_EQ(step.label(3), "write the overrides");
  step.name = std::string(std::size_t{1} << 20, 'n');
  const std::string label = step.label(3);
  EXPECT_LT(label.size(), 1100u);
  EXPECT_NE(label.find("(1048576 bytes)"), std::string::npos);
}

}  // namespace
}  // namespace bootassess

namespace bootassess {
namespace {

TEST(LoaderChecks, ReadsEveryKindWithPositions) {
  Loaded l = load(R"(stages:
  initramfs:
    - name: gate
      boot_assessment:
        checks:
          - name: usr-local
            mount: /usr/local
            fstype: ext4
          - name: etcd
            command: [/usr/local/bin/etcdctl, endpoint, health]
            timeout: 2.5
            interval: 0.5
            required: false
          - name: dash
            http: http://127.0.0.1:8080/
            status: 204
        check_binary: /opt/bootassess
)");
  ASSERT_TRUE(l.doc);
  EXPECT_TRUE(l.diagnostics.items().empty()) << l.diagnostics.items()[0].message;
  const BootAssessmentStep& b = *l.doc->stages.at("initramfs").at(0).boot_assessment;
  ASSERT_EQ(b.checks.size(), 3u);
  const HealthCheck& mount = b.checks[0];
  EXPECT_EQ(mount.kind, CheckKind::mount);
  EXPECT_EQ(mount.name.value, "usr-local");
  EXPECT_EQ(mount.target.value, "/usr/local");
  EXPECT_EQ(mount.target.pos.line, 7);
  EXPECT_EQ(mount.target.pos.column, 20);
  ASSERT_TRUE(mount.fstype);
  EXPECT_EQ(mount.fstype->value, "ext4");
  EXPECT_TRUE(mount.is_required());
  const HealthCheck& command = b.checks[1];
  EXPECT_EQ(command.kind, CheckKind::command);
  ASSERT_EQ(command.argv.size(), 3u);
  EXPECT_EQ(command.argv[0].value, "/usr/local/bin/etcdctl");
  EXPECT_EQ(command.argv[2].pos.line, 10);
  ASSERT_TRUE(command.timeout);
  EXPECT_EQ(command.timeout->value, 2.5);
  EXPECT_EQ(command.interval->value, 0.5);
  EXPECT_FALSE(command.is_required());
  EXPECT_EQ(command.required->pos.line, 13);
  ASSERT_TRUE(b.checks[2].status);
  EXPECT_EQ(b.checks[2].status->value, 204u);
  ASSERT_TRUE(b.check_binary);
  EXPECT_EQ(b.check_binary->value, "/opt/bootassess");
}

TEST(LoaderChecks, AMisspeltKeyIsAnErrorWithASuggestion) {
  Loaded l = load(R"(stages:
  initramfs:
    - boot_assessment:
        checks:
          - name: usr-local
            mount: /usr/local
            fstpye: ext4
)");
  const Diagnostic* d = l.find("unknown-key");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->severity, Severity::error);
  EXPECT_EQ(d->where.str(), "t.yaml:7:13");
  EXPECT_EQ(d->fix, "did you mean `fstype`?");
  // In boot_assessment itself, too.
  Loaded l2 = load("stages:\n  initramfs:\n    - boot_assessment:\n        chekcs: []\n");
  const Diagnostic* d2 = l2.find("unknown-key");
  ASSERT_NE(d2, nullptr);
  EXPECT_EQ(d2->severity, Severity::error);
  EXPECT_EQ(d2->fix, "did you mean `checks`?");
}

TEST(LoaderChecks, ShapeErrorsNameTheirPlaceAndFailTheDocument) {
  struct Case {
    const char* body;
    int line;
    int column;
    const char* says;
  };
  const Case cases[] = {
      {"- name: none\n            timeout: 3", 5, 13, "exactly one kind"},
      {"- name: two\n            mount: /x\n            path: /y", 7, 13, "`mount` and `path`"},
      {"- name: opt\n            path: /x\n            fstype: ext4", 7, 13,
       "`fstype` is an option of `mount` checks"},
      {"- name: t\n            path: /x\n            timeout: 0", 7, 22, "greater than 0"},
      {"- name: t\n            path: /x\n            timeout: '30'", 7, 22, "greater than 0"},
      {"- name: t\n            path: /x\n            interval: -1", 7, 23, "greater than 0"},
      {"- name: s\n            http: http://h/\n            status: 99", 7, 21, "status code"},
      {"- name: r\n            path: /x\n            required: maybe", 7, 23, "true or false"},
      {"- name: c\n            command: /bin/true", 6, 22, "must be a list"},
      {"- just-a-string", 5, 13, "must be a mapping"},
  };
  for (const Case& c : cases) {
    Loaded l = load(std::string("stages:\n  initramfs:\n    - boot_assessment:\n        checks:\n"
                                "          ") +
                    c.body + "\n");
    EXPECT_FALSE(l.doc) << c.body;
    const Diagnostic* d = l.find("type-error");
    ASSERT_NE(d, nullptr) << c.body;
    EXPECT_EQ(d->where.line, c.line) << c.body << ": " << d->message;
    EXPECT_EQ(d->where.column, c.column) << c.body << ": " << d->message;
    EXPECT_NE(d->message.find(c.says), std::string::npos) << d->message;
  }
}

}  // namespace
}  // namespace bootassess
