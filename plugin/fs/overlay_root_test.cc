#include "fs/overlay_root.h"

#include <gtest/gtest.h>

#include "support/memory_root.h"

namespace bootassess {
namespace {

using testing::MemoryRoot;

Action action(ActionKind kind, const std::string& path, bool creates = false) {
  Action a;
  a.kind = kind;
  a.path = path;
  a.mode = 0755;
  a.creates = creates;
  return a;
}

// What lies below a directory the plan created is what the plan put there:
// the base (where, after apply, temporary files may sit) is not asked.
TEST(OverlayRootTest, ACreatedDirectoryHoldsOnlyWhatThePlanPutThere) {
  MemoryRoot base;
  base.add_dir("/etc").add_dir("/etc/kept").add_file("/etc/kept/old", "o");
  // As the disk looks after apply made /etc/new and started a file in it.
  base.add_dir("/etc/new").add_file("/etc/new/.tmp-x", "partial");
  OverlayRoot view(base);
  view.record(action(ActionKind::mkdir, "/etc/new", true));
  Action file = action(ActionKind::write, "/etc/new/a.conf");
  file.content.assign(1, 'a');  // (`= "a"` trips GCC 12's -Wrestrict at -O3)
  view.record(file);
  EXPECT_FALSE(view.lstat("/etc/new/.tmp-x"));
  EXPECT_FALSE(view.read_file("/etc/new/.tmp-x"));
  EXPECT_EQ(view.list_dir("/etc/new"), std::vector<std::string>{"a.conf"});
  EXPECT_EQ(view.read_file("/etc/new/a.conf"), "a");

  // Fixing its mode later keeps it so; fixing an existing directory's mode
  // keeps what the base holds.
  view.record(action(ActionKind::mkdir, "/etc/new"));
  EXPECT_EQ(view.list_dir("/etc/new"), std::vector<std::string>{"a.conf"});
  view.record(action(ActionKind::mkdir, "/etc/kept"));
  EXPECT_EQ(view.list_dir("/etc/kept"), std::vector<std::string>{"old"});
  ASSERT_TRUE(view.lstat("/etc/kept/old"));
  EXPECT_EQ(view.list_dir("/etc"), (std::vector<std::string>{"kept", "new"}));

  // A removed node hides what is below it; a directory made there again is
  // empty.
  view.record(action(ActionKind::remove, "/etc/kept"));
  EXPECT_FALSE(view.lstat("/etc/kept/old"));
  EXPECT_EQ(view.list_dir("/etc"), (std::vector<std::string>{"new"}));
  view.record(action(ActionKind::mkdir, "/etc/kept", true));
  EXPECT_EQ(view.list_dir("/etc/kept"), std::vector<std::string>{});
  EXPECT_EQ(view.list_dir("/etc"), (std::vector<std::string>{"kept", "new"}));
}

}  // namespace
}  // namespace bootassess
