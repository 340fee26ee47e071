#include "systemd/link_planner.h"

#include <gtest/gtest.h>

#include "support/memory_root.h"

namespace bootassess::systemd {
namespace {

using testing::MemoryRoot;

Action mkdir_at(const std::string& path) {
  Action a;
  a.kind = ActionKind::mkdir;
  a.path = path;
  a.mode = 0755;
  a.creates = true;
  return a;
}

Action symlink_at(const std::string& path, const std::string& target) {
  Action a;
  a.kind = ActionKind::symlink;
  a.path = path;
  a.target = target;
  return a;
}

// A canonical directory answer holds until something on its walk changes:
// a directory created where the walk found nothing, a symlink replacing one.
TEST(LookupCacheTest, CanonicalAnswersAreDroppedByChangesOnTheirWalk) {
  MemoryRoot base;
  base.add_dir("/etc").add_dir("/srv").add_dir("/srv/units");
  OverlayRoot view(base);
  LookupCache cache;
  EXPECT_FALSE(cache.canonical(view, "/etc/systemd/system"));
  EXPECT_FALSE(cache.canonical(view, "/run/systemd/system"));

  view.record(mkdir_at("/etc/systemd"));
  view.record(mkdir_at("/etc/systemd/system"));
  EXPECT_FALSE(cache.canonical(view, "/etc/systemd/system"));  // not told yet
  cache.invalidate("/etc/systemd");
  ASSERT_TRUE(cache.canonical(view, "/etc/systemd/system"));
  EXPECT_EQ(*cache.canonical(view, "/etc/systemd/system"), "/etc/systemd/system");

  // A change elsewhere keeps the answer; a symlink on the walk replaces it.
  view.record(mkdir_at("/run"));
  view.record(symlink_at("/run/systemd", "/srv"));
  cache.invalidate("/etc/systemd/system/x.service");
  EXPECT_FALSE(cache.canonical(view, "/run/systemd/system"));
  cache.invalidate("/run");
  ASSERT_TRUE(cache.canonical(view, "/run/systemd/system") == std::nullopt);
  view.record(symlink_at("/srv/system", "units"));
  cache.invalidate("/srv/system");
  ASSERT_TRUE(cache.canonical(view, "/run/systemd/system"));
  EXPECT_EQ(*cache.canonical(view, "/run/systemd/system"), "/srv/units");
}

// A unit lookup is dropped by a change at a path it looked at or below it,
// or in a directory it listed; and with any canonical answer.
TEST(LookupCacheTest, UnitLookupsAreDroppedByChangesToWhatTheyRead) {
  MemoryRoot base;
  base.add_dir("/lib").add_dir("/etc");
  OverlayRoot view(base);
  LookupCache cache;
  cache.remember_unit_lookup("a.service", -ENOENT, {{"/lib/a.service", false}});
  cache.remember_unit_lookup("b.service", 0, {{"/etc/b.d", true}});

  cache.invalidate("/lib/a.servicex");
  cache.invalidate("/etc/b.dx/y");
  EXPECT_EQ(cache.unit_lookup("a.service"), -ENOENT);
  EXPECT_EQ(cache.unit_lookup("b.service"), 0);

  cache.invalidate("/etc/b.d/new.conf");  // a name in a listed directory
  EXPECT_EQ(cache.unit_lookup("b.service"), std::nullopt);
  EXPECT_EQ(cache.unit_lookup("a.service"), -ENOENT);
  cache.invalidate("/lib");  // above what it read
  EXPECT_EQ(cache.unit_lookup("a.service"), std::nullopt);

  cache.remember_unit_lookup("a.service", -ENOENT, {{"/lib/a.service", false}});
  EXPECT_FALSE(cache.canonical(view, "/usr/lib/systemd/system"));
  cache.invalidate("/usr");
  EXPECT_EQ(cache.unit_lookup("a.service"), std::nullopt);
}

}  // namespace
}  // namespace bootassess::systemd
