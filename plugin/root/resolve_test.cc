#include "root/resolve.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "support/memory_root.h"

namespace bootassess {
namespace {

using testing::MemoryRoot;

MemoryRoot hostile_root() {
  MemoryRoot r;
  r.add_dir("/etc").add_dir("/etc/systemd").add_dir("/usr").add_dir("/usr/lib");
  r.add_file("/etc/passwd", "root:x:0:0::/root:/bin/sh\n");
  r.add_link("/etc/escape-abs", "/../../../../outside");    // absolute, climbing
  r.add_link("/etc/escape-rel", "../../../../../outside");  // relative, climbing
  r.add_link("/etc/lib", "/usr/lib");
  r.add_link("/etc/loop1", "loop2");
  r.add_link("/etc/loop2", "loop1");
  r.add_link("/etc/dangling", "/nowhere/file");
  return r;
}

TEST(ResolveTest, DotDotNeverLeavesTheRoot) {
  MemoryRoot r = hostile_root();
  Resolved res = resolve(r, "/../../etc/passwd", "/", true);
  EXPECT_TRUE(res.exists());
  EXPECT_EQ(res.path, "/etc/passwd");
}

TEST(ResolveTest, SymlinksClimbingOutStayInside) {
  MemoryRoot r = hostile_root();
  EXPECT_EQ(resolve(r, "/etc/escape-abs", "/", true).path, "/outside");
  EXPECT_EQ(resolve(r, "/etc/escape-rel", "/", true).path, "/outside");
  EXPECT_EQ(resolve(r, "/etc/escape-rel/x/y", "/", true).path, "/outside/x/y");
  EXPECT_EQ(resolve(r, "/etc/escape-rel/x/y", "/", true).error, ENOENT);
}

TEST(ResolveTest, AbsoluteTargetsRestartAtTheRoot) {
  MemoryRoot r = hostile_root();
  Resolved res = resolve(r, "/etc/lib", "/", true);
  EXPECT_TRUE(res.exists());
  EXPECT_EQ(res.path, "/usr/lib");
  EXPECT_EQ(resolve(r, "/etc/lib", "/", false).path, "/etc/lib");
}

TEST(ResolveTest, LoopsAndDanglingLinks) {
  MemoryRoot r = hostile_root();
  EXPECT_EQ(resolve(r, "/etc/loop1", "/", true).error, ELOOP);
  Resolved dangling = resolve(r, "/etc/dangling", "/", true);
  EXPECT_EQ(dangling.error, ENOENT);
  EXPECT_EQ(dangling.existing, "/");
  EXPECT_EQ(dangling.missing, (std::vector<std::string>{"nowhere", "file"}));
}

TEST(ResolveTest, MissingLeafIsNotAnError) {
  MemoryRoot r = hostile_root();
  Resolved res = resolve(r, "/etc/systemd/new.conf", "/", true);
  EXPECT_EQ(res.error, 0);
  EXPECT_FALSE(res.exists());
  EXPECT_EQ(res.existing, "/etc/systemd");
  EXPECT_EQ(res.missing, std::vector<std::string>{"new.conf"});
}

TEST(ResolveTest, NonDirectoryInTheMiddle) {
  MemoryRoot r = hostile_root();
  EXPECT_EQ(resolve(r, "/etc/passwd/x", "/", true).error, ENOTDIR);
  EXPECT_EQ(resolve(r, "/etc/passwd/", "/", true).error, ENOTDIR);
}

TEST(ResolveTest, RelativePathsStartAtCwd) {
  MemoryRoot r = hostile_root();
  EXPECT_EQ(resolve(r, "passwd", "/etc", true).path, "/etc/passwd");
  EXPECT_EQ(resolve(r, "../../../etc", "/usr/lib", true).path, "/etc");
}

}  // namespace
}  // namespace bootassess
