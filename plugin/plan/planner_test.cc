#include "plan/planner.h"

#include <gtest/gtest.h>

#include "load/loader.h"
#include "support/memory_root.h"

namespace bootassess {
namespace {

using testing::MemoryRoot;

class CountingExecutor final : public ActionExecutor {
 public:
  ActionResult execute(const Action&) override {
    ++calls;
    return {true, true, {}};
  }
  int calls = 0;
};

struct PlanRun {
  std::vector<PlanEvent> events;
  bool failed = false;

  std::vector<Action> actions() const {
    std::vector<Action> out;
    for (const PlanEvent& e : events) {
      if (e.kind == PlanEvent::Kind::action) out.push_back(e.action);
    }
    return out;
  }
  std::vector<std::string> skipped() const {
    std::vector<std::string> out;
    for (const PlanEvent& e : events) {
      if (e.kind == PlanEvent::Kind::skipped) out.push_back(e.step);
    }
    return out;
  }
  bool has_rule(std::string_view rule) const {
    for (const PlanEvent& e : events) {
      if (e.kind == PlanEvent::Kind::diagnostic && e.diagnostic.rule == rule) return true;
    }
    return false;
  }
};

PlanRun plan(const RootView& root, const std::string& yaml, PlanOptions options = {}) {
  Diagnostics diagnostics;
  std::optional<Document> doc = load_document("t.yaml", yaml, diagnostics);
  EXPECT_TRUE(doc) << (diagnostics.empty() ? "" : format_diagnostic(diagnostics.items()[0]));
  Source source;
  if (doc) source.documents.push_back(*doc);
  CountingExecutor executor;
  PlanRun run;
  Planner planner(root, options, executor, [&](const PlanEvent& e) { run.events.push_back(e); });
  planner.run({source});
  run.failed = planner.failed();
  return run;
}

PlanRun plan_under_umask(const RootView& root, const std::string& yaml, std::uint32_t umask) {
  PlanOptions options;
  options.umask = umask;
  return plan(root, yaml, options);
}

MemoryRoot base_root() {
  MemoryRoot r;
  r.add_dir("/etc").add_dir("/run");
  r.add_file("/etc/passwd", "root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n");
  r.add_file("/etc/group", "root:x:0:\napp:x:1001:\nstaff:x:50:\n");
  return r;
}

TEST(PlannerTest, FileWithMissingParentsGetsYipParentModes) {
  MemoryRoot root = base_root();
  PlanRun run = plan(root, R"(stages:
  initramfs:
    - files:
        - path: /etc/app/conf.d/a.conf
          permissions: 0640
          owner: 5
          group: 6
          content: hi
)");
  std::vector<Action> a = run.actions();
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].kind, ActionKind::mkdir);
  EXPECT_EQ(a[0].path, "/etc/app");
  EXPECT_EQ(a[0].mode, 0740u);
  EXPECT_EQ(a[0].uid, 5u);
  EXPECT_EQ(a[1].path, "/etc/app/conf.d");
  EXPECT_EQ(a[2].kind, ActionKind::write);
  EXPECT_EQ(a[2].path, "/etc/app/conf.d/a.conf");
  EXPECT_EQ(a[2].mode, 0640u);
  EXPECT_EQ(a[2].content, "hi");
  EXPECT_EQ(a[2].origin.line, 4);
  EXPECT_FALSE(run.failed);
}

TEST(PlannerTest, ParentModesComeFromTheUnmaskedPermissions) {
  // yip adds 0100 when the decoded value is below 0700, then drops the bits
  // above 0777: decimal 644 (01204) gives 0204, not 0304.
  MemoryRoot root = base_root();
  PlanRun run = plan_under_umask(root, R"(stages:
  initramfs:
    - files:
        - {path: /etc/dec/f, permissions: 644, content: a}
        - {path: /etc/suid/f, permissions: 04644, content: b}
        - {path: /etc/sticky/f, permissions: 01600, content: c}
        - {path: /etc/low/f, permissions: 0600, content: d}
)",
                                 022);
  std::vector<Action> a = run.actions();
  ASSERT_EQ(a.size(), 8u);
  EXPECT_EQ(a[0].path, "/etc/dec");
  EXPECT_EQ(a[0].mode, 0204u);
  EXPECT_EQ(a[1].mode, 0204u);  // the file: 01204 & 0777
  EXPECT_EQ(a[2].mode, 0644u);
  EXPECT_EQ(a[3].mode, 0644u);
  EXPECT_EQ(a[4].mode, 0600u);
  EXPECT_EQ(a[5].mode, 0600u);
  EXPECT_EQ(a[6].mode, 0700u & ~022u);
  EXPECT_EQ(a[7].mode, 0600u);
}

TEST(PlannerTest, UnchangedFilesAreMarked) {
  MemoryRoot root = base_root();
  root.add_file("/etc/a", "same", 0644);
  PlanRun run = plan(root,
                     "stages:\n  initramfs:\n    - files:\n        - path: /etc/a\n"
                     "          permissions: 0644\n          content: same\n");
  ASSERT_EQ(run.actions().size(), 1u);
  EXPECT_TRUE(run.actions()[0].unchanged);
}

TEST(PlannerTest, ConditionsSeeEarlierStepsAndTheSimulatedMode) {
  MemoryRoot disk = base_root();
  PlanOptions options;
  options.simulated_mode = BootMode::active;
  PlanRun run = plan(disk, R"(stages:
  initramfs:
    - name: passive only
      if: '[ -f "/run/cos/passive_mode" ]'
      files: [{path: /etc/p, permissions: 0644, content: p}]
    - name: active only
      if: '[ -f "/run/cos/active_mode" ]'
      files: [{path: /etc/marker, permissions: 0644, content: a}]
    - name: after marker
      if: test -e /etc/marker && [ ! -e /etc/p ]
      files: [{path: /etc/seen, permissions: 0644, content: s}]
)",
                     options);
  EXPECT_EQ(run.skipped(), std::vector<std::string>{"passive only"});
  std::vector<Action> a = run.actions();
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].path, "/etc/marker");
  EXPECT_EQ(a[1].path, "/etc/seen");
}

TEST(PlannerTest, ShellConditionsAreUndecidedWhenTheShellIsNotAllowed) {
  MemoryRoot root = base_root();
  PlanOptions options;
  options.allow_shell = false;
  PlanRun run = plan(root, R"(stages:
  initramfs:
    - if: grep -q foo /proc/cmdline
      files: [{path: /etc/x, permissions: 0644, content: x}]
)",
                     options);
  ASSERT_EQ(run.events.size(), 3u);
  EXPECT_TRUE(run.has_rule("condition-undecided"));
  EXPECT_EQ(run.events[1].kind, PlanEvent::Kind::started);
  ASSERT_EQ(run.actions().size(), 1u);
  const PlanEvent& action = run.events[2];
  ASSERT_TRUE(action.undecided);
  EXPECT_EQ(action.undecided->line, 3);
}

TEST(PlannerTest, OwnerstringComesFromTheRoot) {
  MemoryRoot root = base_root();
  PlanRun run = plan(root, R"(stages:
  initramfs:
    - files:
        - {path: /etc/a, permissions: 0600, ownerstring: app}
        - {path: /etc/b, permissions: 0600, ownerstring: "app:staff"}
        - {path: /etc/c, permissions: 0600, ownerstring: nobody}
)");
  std::vector<Action> a = run.actions();
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].uid, 1000u);
  EXPECT_EQ(a[0].gid, 1001u);
  EXPECT_EQ(a[1].gid, 50u);
  EXPECT_TRUE(run.has_rule("ownerstring-unknown"));
  EXPECT_TRUE(run.failed);
}

TEST(PlannerTest, UnknownOwnerstringStillWritesAndLeavesTheOwner) {
  // yip writes the content and sets the mode; only its chown fails.
  MemoryRoot root = base_root();
  root.add_file("/etc/old", "old", 0600, 1000, 50);
  PlanRun run = plan(root, R"(stages:
  initramfs:
    - files:
        - {path: /etc/new, permissions: 0640, owner: 7, ownerstring: "ghost:staff", content: n}
        - {path: /etc/old, permissions: 0644, ownerstring: ghost, content: o}
)");
  std::vector<Action> a = run.actions();
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].path, "/etc/new");
  EXPECT_EQ(a[0].mode, 0640u);
  EXPECT_EQ(a[0].uid, 0u);
  EXPECT_EQ(a[0].gid, 0u);
  EXPECT_EQ(a[1].path, "/etc/old");
  EXPECT_EQ(a[1].content, "o");
  EXPECT_EQ(a[1].mode, 0644u);
  EXPECT_EQ(a[1].uid, 1000u);
  EXPECT_EQ(a[1].gid, 50u);
  EXPECT_TRUE(run.has_rule("ownerstring-unknown"));
  EXPECT_TRUE(run.failed);
}

TEST(PlannerTest, OwnerstringMappingToIdMinusOneIsInvalid) {
  // chown(2) takes uid or gid 4294967295 ((uid_t)-1) for "no change": a
  // passwd entry with it must not read as an owner that chown then ignores.
  MemoryRoot root;
  root.add_dir("/etc").add_dir("/run");
  root.add_file("/etc/passwd",
                "root:x:0:0::/root:/bin/sh\nevil:x:4294967295:4294967295::/:/bin/sh\n"
                "half:x:4294967295:50::/:/bin/sh\nok:x:7:7::/:/bin/sh\n");
  root.add_file("/etc/group", "root:x:0:\nevil:x:4294967295:\n");
  PlanRun run = plan(root, R"(stages:
  initramfs:
    - files:
        - {path: /etc/a, permissions: 0600, ownerstring: "evil:evil", content: a}
        - {path: /etc/b, permissions: 0600, ownerstring: half, content: b}
        - {path: /etc/c, permissions: 0600, ownerstring: "ok:evil", content: c}
)");
  std::vector<Action> a = run.actions();
  ASSERT_EQ(a.size(), 3u);
  std::size_t invalid = 0;
  for (const PlanEvent& e : run.events) {
    if (e.kind == PlanEvent::Kind::diagnostic && e.diagnostic.rule == "ownerstring-unknown") {
      EXPECT_NE(e.diagnostic.message.find("4294967295"), std::string::npos) << e.diagnostic.message;
      EXPECT_EQ(e.diagnostic.where.line, 4 + static_cast<int>(invalid));
      ++invalid;
    }
  }
  EXPECT_EQ(invalid, 3u);
  for (const Action& action : a) {
    EXPECT_NE(action.uid, 4294967295u) << action.path;
    EXPECT_NE(action.gid, 4294967295u) << action.path;
  }
  EXPECT_TRUE(run.failed);
}

TEST(PlannerTest, NoShellMakesAShellConditionAnErrorAtItsPosition) {
  MemoryRoot root = base_root();
  root.add_file("/etc/flag", "1");
  const std::string config = R"(stages:
  initramfs:
    - if: 'grep -q 1 /etc/flag'
      files: [{path: /etc/shell, permissions: 0644, content: x}]
    - if: '[ -f /etc/flag ]'
      files: [{path: /etc/native, permissions: 0644, content: x}]
)";
  PlanOptions options;
  options.allow_shell = false;
  options.no_shell = true;
  PlanRun run = plan(root, config, options);
  std::vector<Action> a = run.actions();
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].path, "/etc/native");
  bool found = false;
  for (const PlanEvent& e : run.events) {
    if (e.kind != PlanEvent::Kind::diagnostic || e.diagnostic.rule != "condition-needs-shell")
      continue;
    found = true;
    EXPECT_EQ(e.diagnostic.severity, Severity::error);
    EXPECT_EQ(e.diagnostic.where.str(), "t.yaml:3:11");
  }
  EXPECT_TRUE(found);
  EXPECT_TRUE(run.failed);
  EXPECT_EQ(run.skipped().size(), 1u);

  // Without it, the same condition is only undecided where no shell runs.
  options.no_shell = false;
  PlanRun undecided = plan(root, config, options);
  EXPECT_FALSE(undecided.has_rule("condition-needs-shell"));
  EXPECT_FALSE(undecided.failed);
  EXPECT_EQ(undecided.actions().size(), 2u);
}

TEST(PlannerTest, UndecodableContentWritesNothing) {
  MemoryRoot root = base_root();
  PlanRun run = plan(root, R"(stages:
  initramfs:
    - files:
        - {path: /etc/a, permissions: 0644, encoding: b64, content: "not base64!"}
        - {path: /etc/b, permissions: 0644, encoding: base64, content: "aGk="}
)");
  ASSERT_EQ(run.actions().size(), 1u);
  EXPECT_EQ(run.actions()[0].path, "/etc/b");
  EXPECT_EQ(run.actions()[0].content, "hi");
  EXPECT_TRUE(run.has_rule("content-decode"));
  EXPECT_TRUE(run.failed);
}

TEST(PlannerTest, DirectoriesSetExistingModesAndCreateAncestors) {
  MemoryRoot root = base_root();
  root.add_dir("/srv", 0700);
  PlanRun run = plan(root, R"(stages:
  initramfs:
    - directories:
        - {path: /srv, permissions: 0750}
        - {path: /var/lib/app, permissions: 0700, owner: 3}
)");
  std::vector<Action> a = run.actions();
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a[0].path, "/srv");
  EXPECT_EQ(a[0].mode, 0750u);
  EXPECT_FALSE(a[0].unchanged);
  EXPECT_EQ(a[1].path, "/var");
  EXPECT_EQ(a[1].mode, 0700u);
  EXPECT_EQ(a[1].uid, 3u);
  EXPECT_EQ(a[3].path, "/var/lib/app");
}

TEST(PlannerTest, PathsStayInsideTheRoot) {
  MemoryRoot root = base_root();
  root.add_dir("/tmp");
  root.add_link("/etc/out", "../../../../tmp");
  PlanRun run = plan(root, R"(stages:
  initramfs:
    - files:
        - {path: /../../etc/shadow-copy, permissions: 0600, content: x}
        - {path: /etc/out/file, permissions: 0600, content: y}
)");
  std::vector<Action> a = run.actions();
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].path, "/etc/shadow-copy");
  EXPECT_EQ(a[1].path, "/tmp/file");
}

TEST(PlannerTest, FilesUnderDanglingDirectoryLinksFailAndWriteNothing) {
  // yip: "mkdir /etc/conf.d: file exists"; nothing is created for the file.
  MemoryRoot root = base_root();
  root.add_dir("/srv");
  root.add_link("/etc/conf.d", "/srv/conf.d");
  root.add_link("/etc/deep.d", "../srv/missing/deeper");
  root.add_link("/etc/file.conf", "/srv/nodir/file.conf");
  root.add_link("/etc/ok.conf", "/srv/ok.conf");
  PlanRun run = plan(root, R"(stages:
  initramfs:
    - files:
        - {path: /etc/conf.d/a.conf, permissions: 0644, content: a}
        - {path: /etc/deep.d/b.conf, permissions: 0644, content: b}
        - {path: /etc/file.conf, permissions: 0644, content: c}
        - {path: /etc/ok.conf, permissions: 0644, content: d}
      directories:
        - {path: /etc/conf.d/sub, permissions: 0755}
        - {path: /etc/conf.d, permissions: 0755}
)");
  std::vector<Action> a = run.actions();
  ASSERT_EQ(a.size(), 1u);  // a dangling link to a file in an existing directory is followed
  EXPECT_EQ(a[0].path, "/srv/ok.conf");
  int failures = 0;
  for (const PlanEvent& e : run.events) {
    if (e.kind == PlanEvent::Kind::diagnostic && e.diagnostic.rule == "item-failed") {
      ++failures;
      EXPECT_EQ(e.diagnostic.where.file, "t.yaml");
      EXPECT_GT(e.diagnostic.where.line, 0);
      EXPECT_GT(e.diagnostic.where.column, 0);
    }
  }
  EXPECT_EQ(failures, 5);
  EXPECT_TRUE(run.failed);
}

TEST(PlannerTest, DotDotAfterAMissingDirectoryFailsAfterYipsParents) {
  // yip creates filepath.Dir of the cleaned path, then open(2) fails: ENOENT.
  MemoryRoot root = base_root();
  PlanRun run = plan(root, R"(stages:
  initramfs:
    - files:
        - {path: /etc/rel/../d/f.conf, permissions: 0644, content: a}
)");
  std::vector<Action> a = run.actions();
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].kind, ActionKind::mkdir);
  EXPECT_EQ(a[0].path, "/etc/d");
  EXPECT_TRUE(run.has_rule("item-failed"));
  EXPECT_TRUE(run.failed);
}

TEST(PlannerTest, YipConditionalsDecideTheStep) {
  MemoryRoot root = base_root();
  root.add_dir("/usr").add_dir("/usr/bin").add_file("/usr/bin/systemctl", "", 0755);
  root.add_file("/etc/os-release",
                "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nVERSION_ID=\"12\"\n");
  const std::string arch = SystemFacts::of_running_system().goarch;
  PlanRun run = plan(root, R"(stages:
  initramfs:
    - name: other arch
      only_arch: "^(nope|)$"
      files: [{path: /etc/a, permissions: 0644}]
    - name: this arch and os
      only_arch: ")" + arch + R"("
      only_os: Debian
      only_os_version: "^12$"
      only_service_manager: SystemD
      if_files: {all: [/etc/passwd, /usr/bin/systemctl], none: [/nothing]}
      files: [{path: /etc/b, permissions: 0644}]
    - name: wrong os
      only_os: ubuntu
      files: [{path: /etc/c, permissions: 0644}]
    - name: openrc
      only_service_manager: openrc
      files: [{path: /etc/d, permissions: 0644}]
    - name: any missing
      if_files: {any: [/x, /y]}
      files: [{path: /etc/e, permissions: 0644}]
    - name: bad pattern
      node: "host("
      files: [{path: /etc/f, permissions: 0644}]
)");
  ASSERT_EQ(run.actions().size(), 1u);
  EXPECT_EQ(run.actions()[0].path, "/etc/b");
  EXPECT_EQ(run.skipped(), (std::vector<std::string>{"other arch", "wrong os", "openrc",
                                                     "any missing", "bad pattern"}));
  EXPECT_FALSE(run.failed);  // every one is a skip, as in yip
}

TEST(PlannerTest, OverrideDropInsFollowTheUmask) {
  MemoryRoot root = base_root();
  root.add_dir("/etc/systemd").add_dir("/etc/systemd/system");
  root.add_dir("/etc/systemd/system/old.service.d", 0700);
  root.add_file("/etc/systemd/system/old.service.d/override-yip.conf", "old", 0600, 1000, 50);
  PlanRun run = plan_under_umask(root, R"(stages:
  initramfs:
    - systemctl:
        overrides:
          - {service: app.service, content: "[Service]\nNice=1\n"}
          - {service: old.service, content: "[Service]\nNice=2\n"}
)",
                                 027);
  std::vector<Action> a = run.actions();
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].path, "/etc/systemd/system/app.service.d");
  EXPECT_EQ(a[0].mode, 0750u);
  EXPECT_EQ(a[1].path, "/etc/systemd/system/app.service.d/override-yip.conf");
  EXPECT_EQ(a[1].mode, 0640u);
  EXPECT_EQ(a[1].uid, 0u);
  // An existing drop-in is rewritten in place: its mode and owner stay.
  EXPECT_EQ(a[2].path, "/etc/systemd/system/old.service.d/override-yip.conf");
  EXPECT_EQ(a[2].content, "[Service]\nNice=2\n");
  EXPECT_EQ(a[2].mode, 0600u);
  EXPECT_EQ(a[2].uid, 1000u);
  EXPECT_EQ(a[2].gid, 50u);
}

TEST(PlannerTest, OverridesAreWrittenBeforeEnableSeesThem) {
  MemoryRoot root = base_root();
  root.add_dir("/usr").add_dir("/usr/lib").add_dir("/usr/lib/systemd");
  root.add_dir("/usr/lib/systemd/system");
  root.add_file("/usr/lib/systemd/system/app.service", "[Service]\nExecStart=/bin/true\n");
  root.add_file("/usr/lib/systemd/system/app.socket", "[Socket]\nListenStream=1\n");
  PlanRun run = plan(root, R"(stages:
  initramfs:
    - systemctl:
        enable: [app]
        overrides:
          - service: app
            content: "[Install]\nRequiredBy=boot-complete.target\n"
          - service: app.socket
            name: tune
            content: "[Socket]\nBacklog=8\n"
)");
  EXPECT_FALSE(run.failed);
  std::vector<std::string> paths;
  for (const Action& a : run.actions())
    paths.push_back(a.path);
  EXPECT_EQ(paths, (std::vector<std::string>{
                       "/etc/systemd",
                       "/etc/systemd/system",
                       "/etc/systemd/system/app.service.d",
                       "/etc/systemd/system/app.service.d/override-yip.conf",
                       "/etc/systemd/system/app.socket.d",
                       "/etc/systemd/system/app.socket.d/tune.conf",
                       "/etc/systemd/system/boot-complete.target.requires",
                       "/etc/systemd/system/boot-complete.target.requires/app.service",
                   }));
  EXPECT_EQ(run.actions().back().target, "/usr/lib/systemd/system/app.service");
}

// Two sources of one run: `after:` reorders steps within a source, and a
// broken `after:` in any of them refuses the whole run before anything runs.
PlanRun plan_sources(const RootView& root,
                     const std::vector<std::vector<std::pair<std::string, std::string>>>& sources,
                     CountingExecutor& executor) {
  std::vector<Source> loaded;
  for (const auto& files : sources) {
    Source source;
    for (const auto& [name, yaml] : files) {
      Diagnostics diagnostics;
      std::optional<Document> doc = load_document(name, yaml, diagnostics);
      EXPECT_TRUE(doc) << name;
      if (doc) source.documents.push_back(*doc);
    }
    loaded.push_back(std::move(source));
  }
  PlanRun run;
  Planner planner(root, PlanOptions{}, executor,
                  [&](const PlanEvent& e) { run.events.push_back(e); });
  planner.run(loaded);
  run.failed = planner.failed();
  return run;
}

TEST(PlannerTest, AfterDecidesTheLastWriter) {
  MemoryRoot root = base_root();
  CountingExecutor executor;
  PlanRun run = plan_sources(
      root,
      {{{"/d/a.yaml",
         "stages:\n  initramfs:\n    - name: late\n      after: [{name: /d/b.yaml.early}]\n"
         "      files: [{path: /etc/x, permissions: 0644, content: a}]\n"},
        {"/d/b.yaml",
         "stages:\n  initramfs:\n    - name: early\n"
         "      files: [{path: /etc/x, permissions: 0644, content: b}]\n"}}},
      executor);
  ASSERT_EQ(run.actions().size(), 2u);
  EXPECT_EQ(run.actions()[0].content, "b");
  EXPECT_EQ(run.actions()[1].content, "a");
  EXPECT_FALSE(run.failed);
}

TEST(PlannerTest, ABrokenAfterRefusesTheWholeRun) {
  MemoryRoot root = base_root();
  CountingExecutor executor;
  PlanRun run = plan_sources(
      root,
      {{{"/d/a.yaml",
         "stages:\n  initramfs:\n    - files: [{path: /etc/x, permissions: 0644, content: a}]\n"}},
       {{"/e/b.yaml",
         "stages:\n  initramfs:\n    - name: s\n      after: [{name: /d/a.yaml.0}]\n"
         "      files: [{path: /etc/y, permissions: 0644, content: b}]\n"}}},
      executor);
  EXPECT_TRUE(run.failed);
  EXPECT_TRUE(run.has_rule("after-unknown"));
  EXPECT_TRUE(run.actions().empty());
  EXPECT_EQ(executor.calls, 0);
}

MemoryRoot root_with_units() {
  MemoryRoot root = base_root();
  root.add_dir("/usr").add_dir("/usr/lib").add_dir("/usr/lib/systemd");
  root.add_dir("/usr/lib/systemd/system");
  for (const char* unit : {"a.service", "b.service", "tpl@.service"}) {
    root.add_file(std::string("/usr/lib/systemd/system/") + unit,
                  "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n");
  }
  return root;
}

std::vector<std::string> link_paths(const PlanRun& run) {
  std::vector<std::string> out;
  for (const Action& a : run.actions()) {
    if (a.kind == ActionKind::symlink) out.push_back(a.path);
  }
  return out;
}

// yip runs `sh -c "systemctl enable <entry>"`: an entry of several words
// enables each (as yip did with these unit files, chrooted).
TEST(PlannerTest, SystemctlEntriesAreSplitIntoWordsAsYipsShellDoes) {
  MemoryRoot root = root_with_units();
  PlanRun run = plan(root,
                     "stages:\n  initramfs:\n    - systemctl:\n"
                     "        enable: [\"a.service\\tb.service\", \"tpl@bar  \"]\n");
  EXPECT_FALSE(run.failed);
  EXPECT_TRUE(run.has_rule("systemctl-word-split"));
  EXPECT_EQ(link_paths(run), (std::vector<std::string>{
                                 "/etc/systemd/system/multi-user.target.wants/a.service",
                                 "/etc/systemd/system/multi-user.target.wants/b.service",
                                 "/etc/systemd/system/multi-user.target.wants/tpl@bar.service",
                             }));
}

// systemctl enables nothing when one unit of its command line fails (yip:
// `systemctl enable a.service missing.service` left no link).
TEST(PlannerTest, AFailingWordFailsTheWholeEntry) {
  MemoryRoot root = root_with_units();
  PlanRun run = plan(root,
                     "stages:\n  initramfs:\n    - systemctl:\n"
                     "        enable: [\"a.service missing.service\", b.service]\n");
  EXPECT_TRUE(run.failed);
  EXPECT_EQ(link_paths(run),
            (std::vector<std::string>{"/etc/systemd/system/multi-user.target.wants/b.service"}));
}

TEST(PlannerTest, EntriesTheShellWouldInterpretAreRefused) {
  for (const char* entry : {"$(echo a).service", "a.service;reboot", "a*.service", "'a.service'",
                            "--now a.service", "a.service\\nreboot", "~a.service"}) {
    SCOPED_TRACE(entry);
    MemoryRoot root = root_with_units();
    PlanRun run = plan(root, std::string("stages:\n  initramfs:\n    - systemctl:\n") +
                                 "        enable: [\"" + entry + "\"]\n");
    EXPECT_TRUE(run.failed);
    EXPECT_TRUE(run.has_rule("systemctl-shell"));
    EXPECT_TRUE(run.actions().empty());
  }
}

// Enablement remembers lookups from step to step; what a later step writes
// must still be seen: a target unit file written after a first lookup found
// it missing, and a search directory created after it was found missing.
TEST(PlannerTest, EnablementSeesWhatEarlierStepsWrote) {
  MemoryRoot root = base_root();
  root.add_dir("/usr").add_dir("/usr/lib").add_dir("/usr/lib/systemd");
  root.add_dir("/usr/lib/systemd/system");
  const std::string install = "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=late.target\n";
  root.add_file("/usr/lib/systemd/system/a.service", install);
  root.add_file("/usr/lib/systemd/system/b.service", install);
  PlanRun run = plan(root, R"(stages:
  initramfs:
    - systemctl:
        enable: [a]
    - files:
        - path: /usr/lib/systemd/system/late.target
          content: "[Unit]\nDescription=late\n"
        - path: /usr/local/lib/systemd/system/c.service
          content: "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=late.target\n"
    - systemctl:
        enable: [b, c]
)");
  EXPECT_FALSE(run.failed);
  int missing_target = 0;
  for (const PlanEvent& e : run.events) {
    if (e.kind == PlanEvent::Kind::diagnostic && e.diagnostic.rule == "systemd-target-missing") {
      ++missing_target;
      EXPECT_NE(e.diagnostic.message.find("a.service"), std::string::npos) << e.diagnostic.message;
    }
  }
  EXPECT_EQ(missing_target, 1);  // for a only: late.target exists when b is enabled
  std::vector<std::string> links;
  for (const Action& a : run.actions()) {
    if (a.kind == ActionKind::symlink) links.push_back(a.path + " -> " + a.target);
  }
  EXPECT_EQ(links, (std::vector<std::string>{
                       "/etc/systemd/system/late.target.wants/a.service -> "
                       "/usr/lib/systemd/system/a.service",
                       "/etc/systemd/system/late.target.wants/b.service -> "
                       "/usr/lib/systemd/system/b.service",
                       "/etc/systemd/system/late.target.wants/c.service -> "
                       "/usr/local/lib/systemd/system/c.service",
                   }));
}

}  // namespace
}  // namespace bootassess
