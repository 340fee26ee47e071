// Enablement against an in-memory root: the actions and diagnostics the
// planner gets. (What they do on disk is compared with systemctl itself in
// tests/systemctl_differential_test.cc.)
#include "systemd/enablement.h"

#include <gtest/gtest.h>

#include "fs/overlay_root.h"
#include "root/path.h"
#include "support/memory_root.h"

namespace bootassess::systemd {
namespace {

using bootassess::testing::MemoryRoot;

HostFacts test_host() {
  HostFacts h;
  h.hostname = "node1";
  h.short_hostname = "node1";
  h.pretty_hostname = "node1";
  h.boot_id = "00112233445566778899aabbccddeeff";
  h.kernel_release = "6.1.0";
  h.architecture = "x86-64";
  return h;
}

class SystemdEnablement : public ::testing::Test {
 protected:
  SystemdEnablement() { dir("/etc/systemd/system"); }

  void dir(const std::string& p) {
    std::string current;
    for (const std::string& c : path::components(p)) {
      current += "/" + c;
      if (!base_.lstat(current)) base_.add_dir(current);
    }
  }
  void file(const std::string& p, const std::string& content) {
    dir(path::dirname(p));
    base_.add_file(p, content);
  }
  void link(const std::string& p, const std::string& target) {
    dir(path::dirname(p));
    base_.add_link(p, target);
  }
  void lib(const std::string& name, const std::string& content) {
    file("/usr/lib/systemd/system/" + name, content);
  }

  using Verb = Outcome (Installer::*)(const UnitRequest&, Scope);
  // Runs one request and records its actions, as the planner does.
  Outcome run(Verb verb, const std::string& unit, Scope scope = Scope::persistent) {
    Installer installer(planned_, host_);
    Outcome outcome = (installer.*verb)(UnitRequest{unit, origin_}, scope);
    record(outcome);
    return outcome;
  }
  Outcome enable(const std::string& unit, Scope scope = Scope::persistent) {
    return run(&Installer::enable, unit, scope);
  }
  Outcome disable(const std::string& unit, Scope scope = Scope::persistent) {
    return run(&Installer::disable, unit, scope);
  }
  Outcome mask(const std::string& unit, Scope scope = Scope::persistent) {
    return run(&Installer::mask, unit, scope);
  }
  void record(const Outcome& outcome) {
    for (const Action& a : outcome.actions) {
      if (!a.unchanged) planned_.record(a);
    }
  }

  // Every symlink of the planned root, "path -> target", and every
  // directory below `under`, "path/".
  std::vector<std::string> tree(const std::string& under = "/etc") const {
    std::vector<std::string> out;
    walk(under, out);
    return out;
  }
  void walk(const std::string& d, std::vector<std::string>& out) const {
    const auto names = planned_.list_dir(d);
    if (!names) return;
    for (const std::string& n : *names) {
      const std::string p = path::join(d, n);
      const auto info = planned_.lstat(p);
      if (info->type == FileType::symlink) {
        out.push_back(p + " -> " + *planned_.read_link(p));
      } else if (info->type == FileType::directory) {
        out.push_back(p + "/");
        walk(p, out);
      }
    }
  }

  static std::vector<std::string> rules(const Outcome& outcome, Severity severity) {
    std::vector<std::string> out;
    for (const Diagnostic& d : outcome.diagnostics.items()) {
      if (d.severity == severity) out.push_back(d.rule);
    }
    return out;
  }

  MemoryRoot base_;
  OverlayRoot planned_{base_};
  HostFacts host_ = test_host();
  Position origin_{"stage.yaml", 7, 9};
};

using Lines = std::vector<std::string>;

TEST_F(SystemdEnablement, EnablePlansDirectoriesThenLinks) {
  lib("foo.service", "[Install]\nWantedBy=multi-user.target\nRequiredBy=boot-complete.target\n");
  const Outcome o = enable("foo.service");
  EXPECT_FALSE(o.failed);
  ASSERT_EQ(o.actions.size(), 4u);
  const char* const expected[][2] = {
      {"mkdir", "/etc/systemd/system/multi-user.target.wants"},
      {"symlink", "/etc/systemd/system/multi-user.target.wants/foo.service"},
      {"mkdir", "/etc/systemd/system/boot-complete.target.requires"},
      {"symlink", "/etc/systemd/system/boot-complete.target.requires/foo.service"},
  };
  for (std::size_t i = 0; i < 4; ++i) {
    const Action& a = o.actions[i];
    EXPECT_EQ(action_kind_name(a.kind), expected[i][0]);
    EXPECT_EQ(a.path, expected[i][1]);
    EXPECT_FALSE(a.unchanged);
    EXPECT_EQ(a.origin.str(), "stage.yaml:7:9");
    if (a.kind == ActionKind::mkdir) {
      EXPECT_EQ(a.mode, 0755u);
      EXPECT_EQ(a.uid, 0u);
      EXPECT_EQ(a.gid, 0u);
    } else {
      EXPECT_EQ(a.target, "/usr/lib/systemd/system/foo.service");
    }
  }
  // The targets do not exist in this root: systemctl warns about each.
  EXPECT_EQ(rules(o, Severity::warning),
            (Lines{std::string(rules::kTargetMissing), std::string(rules::kTargetMissing)}));
}

TEST_F(SystemdEnablement, EnablingAgainChangesNothing) {
  lib("foo.service", "[Install]\nWantedBy=multi-user.target\n");
  lib("multi-user.target", "[Unit]\n");
  enable("foo.service");
  const Outcome again = enable("foo");
  EXPECT_FALSE(again.failed);
  ASSERT_EQ(again.actions.size(), 1u);
  EXPECT_EQ(again.actions[0].kind, ActionKind::symlink);
  EXPECT_TRUE(again.actions[0].unchanged);
  EXPECT_TRUE(again.diagnostics.empty());
}

TEST_F(SystemdEnablement, MissingUnitFailsAndWritesNothing) {
  const Outcome o = enable("nothere");
  EXPECT_TRUE(o.failed);
  EXPECT_TRUE(o.actions.empty());
  ASSERT_EQ(o.diagnostics.items().size(), 1u);
  const Diagnostic& d = o.diagnostics.items()[0];
  EXPECT_EQ(d.severity, Severity::error);
  EXPECT_EQ(d.rule, rules::kUnitMissing);
  EXPECT_EQ(d.where.str(), "stage.yaml:7:9");
  EXPECT_NE(d.message.find("nothere.service"), std::string::npos);
}

TEST_F(SystemdEnablement, MaskedUnitIsRefused) {
  lib("foo.service", "[Install]\nWantedBy=multi-user.target\n");
  EXPECT_FALSE(mask("foo.service").failed);
  const Outcome o = enable("foo.service");
  EXPECT_TRUE(o.failed);
  EXPECT_EQ(rules(o, Severity::error), (Lines{std::string(rules::kUnitMasked)}));
  EXPECT_EQ(tree(), (Lines{"/etc/systemd/", "/etc/systemd/system/",
                           "/etc/systemd/system/foo.service -> /dev/null"}));
}

TEST_F(SystemdEnablement, NoInstallSectionIsANote) {
  lib("foo.service", "[Service]\nExecStart=/bin/true\n");
  const Outcome o = enable("foo.service");
  EXPECT_FALSE(o.failed);
  EXPECT_TRUE(o.actions.empty());
  EXPECT_EQ(rules(o, Severity::note), (Lines{std::string(rules::kNoInstall)}));
}

TEST_F(SystemdEnablement, BadAliasFailsWhileOtherLinksAreWritten) {
  lib("foo.service", "[Install]\nAlias=good.service bad.socket\nWantedBy=multi-user.target\n");
  const Outcome o = enable("foo.service");
  EXPECT_TRUE(o.failed);
  EXPECT_EQ(rules(o, Severity::error), (Lines{std::string(rules::kBadAlias)}));
  EXPECT_EQ(tree(),
            (Lines{"/etc/systemd/", "/etc/systemd/system/",
                   "/etc/systemd/system/good.service -> /usr/lib/systemd/system/foo.service",
                   "/etc/systemd/system/multi-user.target.wants/",
                   "/etc/systemd/system/multi-user.target.wants/foo.service -> "
                   "/usr/lib/systemd/system/foo.service"}));
}

TEST_F(SystemdEnablement, LaterFailureAfterALinkOnlyWarns) {
  // systemctl prints the error and exits 0: the unit did not fail.
  lib("foo.service", "[Install]\nWantedBy=multi-user.target\nRequiredBy=bad/name.target\n");
  const Outcome o = enable("foo.service");
  EXPECT_FALSE(o.failed);
  EXPECT_FALSE(o.diagnostics.has_errors());
  bool warned = false;
  for (const Diagnostic& d : o.diagnostics.items()) {
    warned = warned || (d.rule == rules::kInvalidUnitName && d.severity == Severity::warning);
  }
  EXPECT_TRUE(warned);
}

TEST_F(SystemdEnablement, DropInPlannedEarlierIsSeen) {
  // The documentation's example: a drop-in carrying [Install] is written by
  // the same step, then the unit is enabled.
  lib("check.service", "[Unit]\nBefore=boot-complete.target\n[Service]\nType=oneshot\n");
  dir("/etc/systemd/system/check.service.d");
  Action write;
  write.kind = ActionKind::write;
  write.path = "/etc/systemd/system/check.service.d/override-yip.conf";
  write.mode = 0644;
  write.content = "[Install]\nRequiredBy=boot-complete.target\n";
  planned_.record(write);
  const Outcome o = enable("check.service");
  EXPECT_FALSE(o.failed);
  EXPECT_EQ(tree("/etc/systemd/system/boot-complete.target.requires"),
            (Lines{"/etc/systemd/system/boot-complete.target.requires/check.service -> "
                   "/usr/lib/systemd/system/check.service"}));
}

TEST_F(SystemdEnablement, OneInstallerForABatch) {
  lib("a.service", "[Install]\nWantedBy=multi-user.target\n");
  lib("b.service", "[Install]\nWantedBy=multi-user.target\n");
  Installer installer(planned_, host_);
  const Outcome a = installer.enable({"a.service", origin_}, Scope::persistent);
  record(a);
  const Outcome b = installer.enable({"b.service", origin_}, Scope::persistent);
  record(b);
  EXPECT_EQ(a.actions.size(), 2u);
  ASSERT_EQ(b.actions.size(), 1u);  // the directory is there now
  EXPECT_EQ(b.actions[0].path, "/etc/systemd/system/multi-user.target.wants/b.service");
}

TEST_F(SystemdEnablement, RuntimeScopeWritesUnderRun) {
  lib("foo.service", "[Install]\nWantedBy=multi-user.target\nAlias=f.service\n");
  const Outcome o = enable("foo.service", Scope::runtime);
  EXPECT_FALSE(o.failed);
  EXPECT_EQ(tree("/run"),
            (Lines{"/run/systemd/", "/run/systemd/system/",
                   "/run/systemd/system/f.service -> /usr/lib/systemd/system/foo.service",
                   "/run/systemd/system/multi-user.target.wants/",
                   "/run/systemd/system/multi-user.target.wants/foo.service -> "
                   "/usr/lib/systemd/system/foo.service"}));
  EXPECT_EQ(tree(), (Lines{"/etc/systemd/", "/etc/systemd/system/"}));
  EXPECT_FALSE(disable("foo.service", Scope::runtime).failed);
  EXPECT_EQ(tree("/run"), (Lines{"/run/systemd/", "/run/systemd/system/"}));
}

TEST_F(SystemdEnablement, UpheldByMakesUpholdsLinks) {
  lib("u.service", "[Install]\nUpheldBy=up.target\n");
  const Outcome o = enable("u.service");
  EXPECT_FALSE(o.failed);
  EXPECT_EQ(tree("/etc/systemd/system/up.target.upholds"),
            (Lines{"/etc/systemd/system/up.target.upholds/u.service -> "
                   "/usr/lib/systemd/system/u.service"}));
  EXPECT_TRUE(rules(o, Severity::note).empty());
}

TEST_F(SystemdEnablement, TemplatesAndDefaultInstance) {
  lib("t@.service", "[Install]\nWantedBy=multi-user.target\nDefaultInstance=def\n");
  lib("n@.service", "[Install]\nWantedBy=multi-user.target\n");
  EXPECT_FALSE(enable("t@.service").failed);
  EXPECT_FALSE(enable("t@x.service").failed);
  const Outcome o = enable("n@.service");
  EXPECT_TRUE(o.failed);
  EXPECT_EQ(rules(o, Severity::error), (Lines{std::string(rules::kTemplateTarget)}));
  EXPECT_EQ(tree("/etc/systemd/system/multi-user.target.wants"),
            (Lines{"/etc/systemd/system/multi-user.target.wants/t@def.service -> "
                   "/usr/lib/systemd/system/t@.service",
                   "/etc/systemd/system/multi-user.target.wants/t@x.service -> "
                   "/usr/lib/systemd/system/t@.service"}));
}

TEST_F(SystemdEnablement, AlsoLoopsEnd) {
  lib("a.service", "[Install]\nWantedBy=a.target\nAlso=b.service\n");
  lib("b.service", "[Install]\nWantedBy=b.target\nAlso=a.service b.service\n");
  EXPECT_FALSE(enable("a.service").failed);
  EXPECT_EQ(tree().size(), 6u);
  EXPECT_FALSE(disable("b.service").failed);
  EXPECT_EQ(tree(), (Lines{"/etc/systemd/", "/etc/systemd/system/"}));
}

// Each template instance names two longer instances in Also=: the closure
// doubles at every step. It is bounded, the request fails with nothing
// linked, and other requests still work.
TEST_F(SystemdEnablement, AlsoFanOutIsBoundedAcrossUnitFileAndDropIn) {
  lib("tmpl@.service", "[Install]\nWantedBy=multi-user.target\nAlso=tmpl@w%i.service\n");
  file("/usr/lib/systemd/system/tmpl@.service.d/more.conf", "[Install]\nAlso=tmpl@v%i.service\n");
  lib("other.service", "[Install]\nWantedBy=multi-user.target\n");
  const Outcome o = enable("tmpl@x.service");
  EXPECT_TRUE(o.failed);
  EXPECT_TRUE(o.actions.empty());
  EXPECT_EQ(rules(o, Severity::error), (Lines{std::string(rules::kAlsoTooLarge)}));
  EXPECT_FALSE(enable("other.service").failed);
  EXPECT_EQ(tree(), (Lines{"/etc/systemd/", "/etc/systemd/system/",
                           "/etc/systemd/system/multi-user.target.wants/",
                           "/etc/systemd/system/multi-user.target.wants/other.service -> "
                           "/usr/lib/systemd/system/other.service"}));
}

TEST_F(SystemdEnablement, AlsoFanOutIsBoundedInOneFile) {
  lib("tmpl@.service",
      "[Install]\nWantedBy=multi-user.target\nAlso=tmpl@w%i.service tmpl@v%i.service\n");
  const Outcome o = enable("tmpl@x.service");
  EXPECT_TRUE(o.failed);
  EXPECT_TRUE(o.actions.empty());
  EXPECT_EQ(rules(o, Severity::error), (Lines{std::string(rules::kAlsoTooLarge)}));
  // A long chain without fan-out is bounded by its depth.
  lib("chain@.service", "[Install]\nWantedBy=multi-user.target\nAlso=chain@w%i.service\n");
  const Outcome chain = enable("chain@x.service");
  EXPECT_TRUE(chain.failed);
  EXPECT_EQ(rules(chain, Severity::error), (Lines{std::string(rules::kAlsoTooLarge)}));
  // A short one is fine.
  lib("short@.service", "[Install]\nWantedBy=multi-user.target\nAlso=short@%i%i.service\n");
  EXPECT_FALSE(enable("short@ab.service").failed);
}

TEST_F(SystemdEnablement, EnableByPathLinksTheFile) {
  file("/opt/x.service", "[Install]\nWantedBy=multi-user.target\n");
  EXPECT_FALSE(enable("/opt/x.service").failed);
  EXPECT_EQ(tree(),
            (Lines{"/etc/systemd/", "/etc/systemd/system/",
                   "/etc/systemd/system/multi-user.target.wants/",
                   "/etc/systemd/system/multi-user.target.wants/x.service -> /opt/x.service",
                   "/etc/systemd/system/x.service -> /opt/x.service"}));
  const Outcome relative = enable("opt/x.service");
  EXPECT_TRUE(relative.failed);
  EXPECT_EQ(rules(relative, Severity::error), (Lines{std::string(rules::kInvalidUnitName)}));
}

TEST_F(SystemdEnablement, DisableRemovesLinksToLinksAndEmptyDirectories) {
  lib("foo.service", "[Install]\nWantedBy=multi-user.target\n");
  const std::string e = "/etc/systemd/system/";
  link(e + "multi-user.target.wants/foo.service", "/usr/lib/systemd/system/foo.service");
  link(e + "handalias.service", "/usr/lib/systemd/system/foo.service");
  link(e + "alias2.service", "handalias.service");
  // Sorted before what it points to, and still removed.
  link(e + "a.target.wants/chained.service", "/etc/systemd/system/alias2.service");
  link(e + "b.target.wants/other.service", "/usr/lib/systemd/system/other.service");
  const Outcome o = disable("foo.service");
  EXPECT_FALSE(o.failed);
  EXPECT_EQ(tree(),
            (Lines{"/etc/systemd/", "/etc/systemd/system/", "/etc/systemd/system/b.target.wants/",
                   "/etc/systemd/system/b.target.wants/other.service -> "
                   "/usr/lib/systemd/system/other.service"}));
  std::size_t removals = 0;
  for (const Action& a : o.actions)
    removals += a.kind == ActionKind::remove ? 1 : 0;
  EXPECT_EQ(removals, 6u);  // four links, two directories
}

TEST_F(SystemdEnablement, DisableOfAMissingUnitStillCleansUp) {
  link("/etc/systemd/system/multi-user.target.wants/gone.service",
       "/usr/lib/systemd/system/gone.service");
  const Outcome o = disable("gone.service");
  EXPECT_FALSE(o.failed);
  EXPECT_EQ(rules(o, Severity::warning), (Lines{std::string(rules::kUnitMissing)}));
  EXPECT_EQ(tree(), (Lines{"/etc/systemd/", "/etc/systemd/system/"}));
}

TEST_F(SystemdEnablement, MaskRefusesAFileInTheWay) {
  file("/etc/systemd/system/foo.service", "[Unit]\n");
  const Outcome o = mask("foo.service");
  EXPECT_TRUE(o.failed);
  EXPECT_TRUE(o.actions.empty());
  EXPECT_EQ(rules(o, Severity::error), (Lines{std::string(rules::kLinkExists)}));
  const Outcome path = mask("/etc/systemd/system/foo.service");
  EXPECT_TRUE(path.failed);
}

TEST_F(SystemdEnablement, MaskWithoutConfigDirectoryMakesIt) {
  MemoryRoot empty;
  OverlayRoot view(empty);
  const Outcome o = Installer(view, host_).mask({"foo", origin_}, Scope::persistent);
  EXPECT_FALSE(o.failed);
  ASSERT_EQ(o.actions.size(), 4u);
  EXPECT_EQ(o.actions[0].path, "/etc");
  EXPECT_EQ(o.actions[2].path, "/etc/systemd/system");
  EXPECT_EQ(o.actions[3].path, "/etc/systemd/system/foo.service");
  EXPECT_EQ(o.actions[3].target, "/dev/null");
}

TEST_F(SystemdEnablement, HostSpecifiersWarn) {
  lib("h.service", "[Install]\nWantedBy=h-%H.target\n");
  const Outcome o = enable("h.service");
  EXPECT_FALSE(o.failed);
  bool warned = false;
  for (const Diagnostic& d : o.diagnostics.items())
    warned = warned || d.rule == rules::kHostSpecifier;
  EXPECT_TRUE(warned);
  EXPECT_EQ(tree("/etc/systemd/system/h-node1.target.wants"),
            (Lines{"/etc/systemd/system/h-node1.target.wants/h.service -> "
                   "/usr/lib/systemd/system/h.service"}));
}

TEST_F(SystemdEnablement, UnitFileSyntaxWarningsNameTheFile) {
  lib("s.service", "[Install]\nWantedBy=a.target\nBogus=1\n");
  const Outcome o = enable("s.service");
  bool found = false;
  for (const Diagnostic& d : o.diagnostics.items()) {
    if (d.rule == rules::kUnitFileSyntax) {
      found = true;
      EXPECT_NE(d.message.find("/usr/lib/systemd/system/s.service:3"), std::string::npos);
    }
  }
  EXPECT_TRUE(found);
}

TEST(SystemdSearchPath, SplitUsrLibOnlyWhereLibIsADirectory) {
  MemoryRoot with_dir;
  with_dir.add_dir("/lib");
  const SearchPath search = SearchPath::for_root(with_dir);
  const std::vector<std::string>& dirs = search.dirs();
  ASSERT_EQ(dirs.size(), 13u);
  EXPECT_EQ(dirs[10], "/lib/systemd/system");
  EXPECT_EQ(dirs[11], "/usr/lib/systemd/system");

  MemoryRoot merged;
  merged.add_link("/lib", "usr/lib");
  EXPECT_EQ(SearchPath::for_root(merged).dirs().size(), 12u);
  EXPECT_EQ(SearchPath::for_root(MemoryRoot()).dirs().front(), "/etc/systemd/system.control");
}

TEST(SystemdSearchPath, Classification) {
  const SearchPath search(false);
  EXPECT_TRUE(search.contains_below("/usr/lib/systemd/system/x.service"));
  EXPECT_TRUE(search.contains_below("/etc/systemd/system/sub/x.service"));
  EXPECT_FALSE(search.contains_below("/opt/x.service"));
  EXPECT_TRUE(search.holds_directly("/etc/systemd/system//x.service"));
  EXPECT_FALSE(search.holds_directly("/etc/systemd/system/sub/x.service"));
  EXPECT_TRUE(search.holds_generated("/run/systemd/generator.late/x.service"));
  EXPECT_TRUE(search.holds_generated("/run/systemd/transient/x.service"));
  EXPECT_FALSE(search.holds_generated("/run/systemd/system/x.service"));
  EXPECT_TRUE(search.holds_config("/run/systemd/system/x.service"));
  EXPECT_FALSE(search.holds_config("/usr/lib/systemd/system/x.service"));
  EXPECT_TRUE(same_path("/a//b/./c", "/a/b/c"));
  EXPECT_FALSE(same_path("/a/../b", "/b"));
  EXPECT_TRUE(is_hidden_or_backup(".x.conf"));
  EXPECT_TRUE(is_hidden_or_backup("x.conf~"));
  EXPECT_TRUE(is_hidden_or_backup("x.dpkg-old"));
  EXPECT_FALSE(is_hidden_or_backup("x.conf"));
}

TEST(SystemdOverrides, YipPathsWithSuffixesKept) {
  EXPECT_EQ(override_dropin_path("foo", "").path,
            "/etc/systemd/system/foo.service.d/override-yip.conf");
  EXPECT_EQ(override_dropin_path("foo.service", "10-mode").path,
            "/etc/systemd/system/foo.service.d/10-mode.conf");
  EXPECT_EQ(override_dropin_path("foo.socket", "x.conf").path,
            "/etc/systemd/system/foo.socket.d/x.conf");
  EXPECT_EQ(override_dropin_path("foo@.service", "x.txt").path,
            "/etc/systemd/system/foo@.service.d/x.txt.conf");
  EXPECT_EQ(override_dropin_path("foo.bogus", "").path,
            "/etc/systemd/system/foo.bogus.service.d/override-yip.conf");
  EXPECT_EQ(override_dropin_path("foo", "", Scope::runtime).path,
            "/run/systemd/system/foo.service.d/override-yip.conf");
}

TEST(SystemdOverrides, UnusableNames) {
  EXPECT_FALSE(override_dropin_path("", "").ok());
  EXPECT_FALSE(override_dropin_path("bad name", "").ok());
  EXPECT_FALSE(override_dropin_path("../x", "").ok());
  EXPECT_FALSE(override_dropin_path("foo", "../escape").ok());
  EXPECT_FALSE(override_dropin_path("foo", ".hidden").ok());
  EXPECT_TRUE(override_dropin_path("foo", "x").error.empty());
}

}  // namespace
}  // namespace bootassess::systemd
