#include "apply/applier.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <limits.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace bootassess {
namespace {

using testing::read_text;
using testing::TempDir;
using testing::write_text;

class ApplierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::make_dirs(root_ / "root");
    fd_ = ::open((root_ / "root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(fd_, 0);
    applier_ = std::make_unique<Applier>(fd_);
  }
  void TearDown() override {
    applier_.reset();
    ::close(fd_);
  }

  ActionResult apply(ActionKind kind, const std::string& path, std::uint32_t mode = 0644,
                     const std::string& content = {}, const std::string& target = {}) {
    Action a;
    a.kind = kind;
    a.path = path;
    a.mode = mode;
    a.uid = ::geteuid();
    a.gid = ::getegid();
    a.content = content;
    a.target = target;
    return applier_->apply(a);
  }
  std::string in_root(const std::string& rel) { return root_ / ("root" + rel); }

  TempDir root_;
  // The actions `body` counts as failed (at most 99), applied in a child
  // process that has the standard streams, the root (as 3) and `spare`
  // descriptors besides; -1 when the child could not run.
  int failed_with_spare_descriptors(int spare, const std::function<int(Applier&)>& body) {
    const pid_t child = ::fork();
    if (child < 0) return -1;
    if (child == 0) {
      if (::dup2(fd_, 3) != 3 || ::close_range(4, ~0U, 0) != 0) ::_exit(100);
      const rlimit limit{static_cast<rlim_t>(4 + spare), static_cast<rlim_t>(4 + spare)};
      if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) ::_exit(100);
      Applier applier(3);
      applier.defer_renames();
      int failed = body(applier);
      if (!applier.flush()) ++failed;
      ::_exit(std::min(failed, 99));
    }
    int status = 0;
    if (::waitpid(child, &status, 0) != child || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
  }

  int fd_ = -1;
  std::unique_ptr<Applier> applier_;
};

TEST_F(ApplierTest, WritesThenReportsUnchanged) {
  ASSERT_TRUE(apply(ActionKind::mkdir, "/etc", 0755).ok);
  ActionResult first = apply(ActionKind::write, "/etc/a.conf", 0640, "hello\n");
  ASSERT_TRUE(first.ok) << first.error;
  EXPECT_TRUE(first.changed);
  EXPECT_EQ(read_text(in_root("/etc/a.conf")), "hello\n");
  struct stat st {};
  ASSERT_EQ(::stat(in_root("/etc/a.conf").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);

  ActionResult second = apply(ActionKind::write, "/etc/a.conf", 0640, "hello\n");
  ASSERT_TRUE(second.ok);
  EXPECT_FALSE(second.changed);
  ActionResult chmod_only = apply(ActionKind::write, "/etc/a.conf", 0600, "hello\n");
  EXPECT_TRUE(chmod_only.changed);
  ASSERT_EQ(::stat(in_root("/etc/a.conf").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

// With few descriptors left, the applier keeps fewer directories open rather
// than failing: every file is written, and published.
TEST_F(ApplierTest, FewDescriptorsLeftAreEnough) {
  for (const int spare : {4, 5, 6, 7, 9, 13, 20}) {
    SCOPED_TRACE(spare);
    const std::string top = fmt::format("/d{}", spare);
    const int failures = failed_with_spare_descriptors(spare, [&](Applier& applier) {
      int failed = 0;
      for (int i = 0; i < 30; ++i) {
        Action a;
        a.kind = ActionKind::write;
        a.path = fmt::format("{}/{}/f", top, i);
        a.mode = 0644;
        a.uid = ::geteuid();
        a.gid = ::getegid();
        a.content = std::string(1, 'x');
        Action dir;
        dir.kind = ActionKind::mkdir;
        dir.mode = 0755;
        dir.uid = a.uid;
        dir.gid = a.gid;
        for (const std::string& d : {top, fmt::format("{}/{}", top, i)}) {
          dir.path = d;
          if (!applier.apply(dir).ok) ++failed;
        }
        if (!applier.apply(a).ok) ++failed;
      }
      return failed;
    });
    EXPECT_EQ(failures, 0) << "actions that failed";
    int missing = 0;
    for (int i = 0; i < 30; ++i) {
      if (read_text(in_root(fmt::format("{}/{}/f", top, i))) != "x") ++missing;
    }
    EXPECT_EQ(missing, 0);
  }
}

// A path deeper than the descriptors left: the directories on the way that
// the cache has no room for are passed through, not kept open.
TEST_F(ApplierTest, PathsDeeperThanTheDescriptorsLeftAreWritten) {
  for (const int spare : {6, 20}) {
    SCOPED_TRACE(spare);
    const std::string top = fmt::format("/deep{}", spare);
    std::string path = top;
    for (int depth = 0; depth < 40; ++depth)
      path += fmt::format("/{}", depth);
    const int failures = failed_with_spare_descriptors(spare, [&](Applier& applier) {
      int failed = 0;
      Action dir;
      dir.kind = ActionKind::mkdir;
      dir.mode = 0755;
      dir.uid = ::geteuid();
      dir.gid = ::getegid();
      for (std::size_t slash = path.find('/', 1); dir.path != path;
           slash = path.find('/', slash + 1)) {
        dir.path = path.substr(0, slash);
        if (!applier.apply(dir).ok) ++failed;
      }
      Action a = dir;
      a.kind = ActionKind::write;
      a.path = path + "/f";
      a.mode = 0644;
      a.content = std::string(1, 'x');
      if (!applier.apply(a).ok) ++failed;
      return failed;
    });
    EXPECT_EQ(failures, 0) << "actions that failed";
    EXPECT_EQ(read_text(in_root(path + "/f")), "x");
  }
}

TEST_F(ApplierTest, ReplacesAtomicallyWithoutLeftovers) {
  ASSERT_TRUE(apply(ActionKind::write, "/f", 0644, "old").ok);
  ASSERT_TRUE(apply(ActionKind::write, "/f", 0644, "new content").ok);
  EXPECT_EQ(read_text(in_root("/f")), "new content");
  int entries = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(in_root("")))
    ++entries;
  EXPECT_EQ(entries, 1);  // no temporary left behind
}

TEST_F(ApplierTest, RefusesToWalkThroughSymlinks) {
  TempDir outside;
  ASSERT_EQ(::symlink(outside.path().c_str(), in_root("/escape").c_str()), 0);
  ActionResult r = apply(ActionKind::write, "/escape/pwned", 0644, "x");
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(std::filesystem::exists(outside / "pwned"));
  EXPECT_FALSE(apply(ActionKind::write, "/../escape/x", 0644, "x").ok);
  EXPECT_FALSE(apply(ActionKind::write, "relative", 0644, "x").ok);
  EXPECT_FALSE(apply(ActionKind::mkdir, "/", 0755).ok);
}

TEST_F(ApplierTest, SymlinksAreCreatedAndReplaced) {
  ASSERT_TRUE(apply(ActionKind::symlink, "/l", 0, {}, "/usr/lib/a.service").ok);
  EXPECT_EQ(std::filesystem::read_symlink(in_root("/l")), "/usr/lib/a.service");
  EXPECT_FALSE(apply(ActionKind::symlink, "/l", 0, {}, "/usr/lib/a.service").changed);
  ASSERT_TRUE(apply(ActionKind::symlink, "/l", 0, {}, "/etc/b.service").changed);
  EXPECT_EQ(std::filesystem::read_symlink(in_root("/l")), "/etc/b.service");
  ASSERT_TRUE(apply(ActionKind::remove, "/l").ok);
  EXPECT_FALSE(std::filesystem::is_symlink(in_root("/l")));
  EXPECT_FALSE(apply(ActionKind::remove, "/l").changed);
}

TEST_F(ApplierTest, DeferredFilesAppearOnlyWhenPublished) {
  applier_->defer_renames();
  ASSERT_TRUE(apply(ActionKind::write, "/f", 0644, "old").ok);
  ASSERT_TRUE(applier_->flush());
  ASSERT_EQ(read_text(in_root("/f")), "old");

  ActionResult r = apply(ActionKind::write, "/f", 0640, "new");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(r.changed);
  // Old content until the batch is published; the new one waits beside it.
  EXPECT_EQ(read_text(in_root("/f")), "old");
  int entries = 0;
  for (auto& e : std::filesystem::directory_iterator(in_root(""))) {
    ++entries;
    if (e.path().filename() != "f") {
      EXPECT_TRUE(is_temporary_name(e.path().filename().string()));
    }
  }
  EXPECT_EQ(entries, 2);
  ASSERT_TRUE(applier_->flush());
  EXPECT_EQ(read_text(in_root("/f")), "new");
  struct stat st {};
  ASSERT_EQ(::stat(in_root("/f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(in_root("")),
                          std::filesystem::directory_iterator()),
            1);
}

TEST_F(ApplierTest, DeferredFilesKeepTheOrderOfActionsOnTheirPath) {
  applier_->defer_renames();
  ASSERT_TRUE(apply(ActionKind::write, "/f", 0644, "old").ok);
  ASSERT_TRUE(applier_->flush());
  // The second write equals what is on disk before the batch: it must still
  // win over the first one.
  ASSERT_TRUE(apply(ActionKind::write, "/f", 0644, "first").ok);
  ASSERT_TRUE(apply(ActionKind::write, "/f", 0644, "old").ok);
  ASSERT_TRUE(applier_->flush());
  EXPECT_EQ(read_text(in_root("/f")), "old");

  // A directory holding a waiting file can be removed once it is in place.
  ASSERT_TRUE(apply(ActionKind::mkdir, "/d", 0755).ok);
  ASSERT_TRUE(apply(ActionKind::write, "/d/a", 0644, "a").ok);
  ASSERT_TRUE(apply(ActionKind::remove, "/d/a").ok);
  ASSERT_TRUE(apply(ActionKind::remove, "/d").ok);
  ASSERT_TRUE(applier_->flush());
  EXPECT_FALSE(std::filesystem::exists(in_root("/d")));
}

TEST_F(ApplierTest, FlushSkipsDirectoriesRemovedLaterInTheRun) {
  ASSERT_TRUE(apply(ActionKind::mkdir, "/x.wants", 0755).ok);
  ASSERT_TRUE(apply(ActionKind::symlink, "/x.wants/a", 0, {}, "/a").ok);
  ASSERT_TRUE(apply(ActionKind::remove, "/x.wants/a").ok);
  ASSERT_TRUE(apply(ActionKind::remove, "/x.wants").ok);
  EXPECT_TRUE(applier_->flush());
  EXPECT_FALSE(std::filesystem::exists(in_root("/x.wants")));
}

TEST_F(ApplierTest, CachedDirectoriesDoNotOutliveTheirRemoval) {
  ASSERT_TRUE(apply(ActionKind::mkdir, "/d", 0755).ok);
  ASSERT_TRUE(apply(ActionKind::write, "/d/f", 0644, "1").ok);
  ASSERT_TRUE(apply(ActionKind::remove, "/d/f").ok);
  ASSERT_TRUE(apply(ActionKind::remove, "/d").ok);
  // A symlink now stands where the directory was: the cache must not be used
  // to write through the old directory, and the walk must refuse the link.
  TempDir outside;
  ASSERT_EQ(::symlink(outside.path().c_str(), in_root("/d").c_str()), 0);
  EXPECT_FALSE(apply(ActionKind::write, "/d/g", 0644, "2").ok);
  EXPECT_TRUE(std::filesystem::is_empty(outside.path()));
}

TEST_F(ApplierTest, DirectoriesGetExactModes) {
  mode_t old = ::umask(077);
  ActionResult r = apply(ActionKind::mkdir, "/d", 0755);
  ::umask(old);
  ASSERT_TRUE(r.ok) << r.error;
  struct stat st {};
  ASSERT_EQ(::stat(in_root("/d").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  EXPECT_TRUE(apply(ActionKind::mkdir, "/d", 0700).changed);
  ASSERT_EQ(::stat(in_root("/d").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  write_text(in_root("/file"), "x");
  EXPECT_FALSE(apply(ActionKind::mkdir, "/file", 0755).ok);
  EXPECT_FALSE(apply(ActionKind::write, "/d", 0644, "x").ok);
}

// The planner never hands out such paths; the applier refuses them anyway.
// With a NUL, "/a\0/..\0/..\0/x" would reach the kernel as "a/../../x".
TEST_F(ApplierTest, RefusesNamesTheKernelWouldReadDifferently) {
  using namespace std::string_literals;
  ASSERT_TRUE(apply(ActionKind::mkdir, "/a", 0755).ok);
  for (const std::string& p : {"/a\0/..\0/..\0/ESCAPED"s, "/..\0"s, "/a/..\0/x"s, "/a\0"s}) {
    for (ActionKind kind : {ActionKind::write, ActionKind::mkdir, ActionKind::symlink}) {
      ActionResult r = apply(kind, p, 0700, "x", "/t");
      EXPECT_FALSE(r.ok) << testing::shell_quote(p);
      EXPECT_NE(r.error.find("refusing a path"), std::string::npos) << r.error;
    }
  }
  ActionResult target = apply(ActionKind::symlink, "/a/l", 0777, {}, "/dev/null\0x"s);
  EXPECT_FALSE(target.ok);
  EXPECT_TRUE(std::filesystem::is_empty(root_.path() + "/root/a"));
  // Nothing appeared next to the root either.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(root_.path()),
                          std::filesystem::directory_iterator()),
            1);
}

// A killed run leaves temporaries; the next change in that directory removes
// them, and nothing else.
TEST_F(ApplierTest, RemovesItsOwnLeftoverTemporariesOnly) {
  // A directory the run finds (one it creates holds no leftovers).
  testing::make_dirs(in_root("/etc"));
  write_text(in_root("/etc/.#a.conf.0123456789abcdef"), "torn");
  testing::make_dirs(in_root("/etc/.#d.00000000000000ff"));
  testing::make_dirs(in_root("/etc/.#full.00000000000000ff/inside"));
  write_text(in_root("/etc/.#a.conf"), "an editor's lock, not ours");
  write_text(in_root("/etc/.#a.conf.0123456789ABCDEF"), "not our pattern");
  write_text(in_root("/other"), "");
  write_text(in_root("/.#other.0123456789abcdef"), "a directory this run does not touch");
  ASSERT_TRUE(apply(ActionKind::write, "/etc/a.conf", 0644, "a").ok);
  std::vector<std::string> left;
  for (const auto& e : std::filesystem::directory_iterator(in_root("/etc")))
    left.push_back(e.path().filename().string());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{".#a.conf", ".#a.conf.0123456789ABCDEF",
                                            ".#full.00000000000000ff", "a.conf"}));
  EXPECT_TRUE(std::filesystem::exists(in_root("/.#other.0123456789abcdef")));
  EXPECT_TRUE(is_temporary_name(".#x.0123456789abcdef"));
  EXPECT_FALSE(is_temporary_name(".#.0123456789abcdef"));
  EXPECT_FALSE(is_temporary_name("x.0123456789abcdef"));
}

// With the umask known, what can be created exactly is created so; the rest
// (a mode the umask takes bits from, a set-group-id directory passing its
// bit on) still comes out exactly as asked.
TEST_F(ApplierTest, EntriesCreatedWithTheirModeComeOutExact) {
  const mode_t old = ::umask(027);
  applier_->assume_umask(027);
  testing::make_dirs(in_root("/sg"));
  ASSERT_EQ(::chmod(in_root("/sg").c_str(), 02750), 0);
  struct Case {
    ActionKind kind;
    std::string path;
    std::uint32_t mode;
  };
  const std::vector<Case> cases = {
      {ActionKind::mkdir, "/d", 0750},           {ActionKind::write, "/d/f", 0640},
      {ActionKind::mkdir, "/d/open", 0775},      {ActionKind::write, "/d/open/f", 0666},
      {ActionKind::mkdir, "/sg/inherits", 0750}, {ActionKind::write, "/sg/inherits/f", 0600},
  };
  for (const Case& c : cases) {
    ActionResult r = apply(c.kind, c.path, c.mode, "content");
    ASSERT_TRUE(r.ok) << c.path << ": " << r.error;
  }
  ASSERT_TRUE(applier_->flush());
  ::umask(old);
  for (const Case& c : cases) {
    struct stat st {};
    ASSERT_EQ(::lstat(in_root(c.path).c_str(), &st), 0) << c.path;
    EXPECT_EQ(st.st_mode & 07777, c.mode) << c.path;
    EXPECT_EQ(st.st_uid, ::geteuid()) << c.path;
    EXPECT_EQ(st.st_gid, ::getegid()) << c.path;
  }
}

// What the applier says is at a path after an action is what lstat shows.
TEST_F(ApplierTest, KnownEntriesAreWhatIsOnDisk) {
  const mode_t old = ::umask(022);
  applier_->assume_umask(022);
  testing::make_dirs(in_root("/sg"));
  ASSERT_EQ(::chmod(in_root("/sg").c_str(), 02755), 0);
  int known = 0;
  auto check = [&](const std::string& path, const ActionResult& r) {
    ASSERT_TRUE(r.ok) << path << ": " << r.error;
    if (!r.known) return;
    ++known;
    struct stat st {};
    if (!r.known->info) {
      EXPECT_NE(::lstat(in_root(path).c_str(), &st), 0) << path;
      return;
    }
    ASSERT_EQ(::lstat(in_root(path).c_str(), &st), 0) << path;
    EXPECT_EQ(st.st_mode & 07777, r.known->info->mode) << path;
    EXPECT_EQ(st.st_uid, r.known->info->uid) << path;
    EXPECT_EQ(st.st_gid, r.known->info->gid) << path;
    if (S_ISLNK(st.st_mode)) {
      EXPECT_EQ(r.known->info->type, FileType::symlink) << path;
      EXPECT_EQ(static_cast<std::uint64_t>(st.st_size), r.known->info->size) << path;
    } else {
      EXPECT_EQ(r.known->info->type, FileType::directory) << path;
      EXPECT_TRUE(std::filesystem::is_empty(in_root(path))) << path;
    }
  };
  check("/d", apply(ActionKind::mkdir, "/d", 0755));
  check("/d/l", apply(ActionKind::symlink, "/d/l", 0777, {}, "/some/target"));
  check("/sg/l", apply(ActionKind::symlink, "/sg/l", 0777, {}, "/t"));
  check("/sg/d", apply(ActionKind::mkdir, "/sg/d", 0755));
  check("/d/l", apply(ActionKind::remove, "/d/l"));
  ::umask(old);
  // The plain directory's entries and the removal are known.
  EXPECT_GE(known, 3);
}

// A file with another hard link, whose mode must change, is replaced rather
// than changed in place: the other link keeps its mode, and the result says
// so.
TEST_F(ApplierTest, AHardLinkedFileIsReplacedNotChangedInPlace) {
  write_text(root_ / "outside", "same", 0600);
  testing::make_dirs(in_root("/etc"));
  ASSERT_EQ(::link((root_ / "outside").c_str(), in_root("/etc/hl").c_str()), 0);
  const ActionResult r = apply(ActionKind::write, "/etc/hl", 0644, "same");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(r.changed);
  EXPECT_NE(r.note.find("/etc/hl had 2 hard links"), std::string::npos) << r.note;
  struct stat outside {};
  ASSERT_EQ(::stat((root_ / "outside").c_str(), &outside), 0);
  EXPECT_EQ(outside.st_mode & 07777, 0600u);
  EXPECT_EQ(outside.st_nlink, 1u);
  struct stat inside {};
  ASSERT_EQ(::stat(in_root("/etc/hl").c_str(), &inside), 0);
  EXPECT_EQ(inside.st_mode & 07777, 0644u);
  EXPECT_EQ(read_text(in_root("/etc/hl")), "same");
  // A file with one link is still fixed in place, without a note.
  ASSERT_EQ(::chmod(in_root("/etc/hl").c_str(), 0600), 0);
  const ActionResult again = apply(ActionKind::write, "/etc/hl", 0644, "same");
  EXPECT_TRUE(again.ok && again.changed) << again.error;
  EXPECT_EQ(again.note, "");
  struct stat fixed {};
  ASSERT_EQ(::stat(in_root("/etc/hl").c_str(), &fixed), 0);
  EXPECT_EQ(fixed.st_ino, inside.st_ino);
}

// A name longer than NAME_MAX fails its own action, saying why, before
// anything is written.
TEST_F(ApplierTest, ANameOverNameMaxFailsItsAction) {
  const std::string name(NAME_MAX + 1, 'n');
  const ActionResult r = apply(ActionKind::write, "/etc/" + name, 0644, "x");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("is 256 bytes long"), std::string::npos) << r.error;
  EXPECT_FALSE(std::filesystem::exists(in_root("/etc")));
}

// A deferred file that cannot be put in place is named, with the errno, in
// the failures publish() leaves.
TEST_F(ApplierTest, AFileThatCannotBePutInPlaceIsNamedWithItsErrno) {
  applier_->defer_renames();
  testing::make_dirs(in_root("/etc"));
  ASSERT_TRUE(apply(ActionKind::write, "/etc/a.conf", 0644, "a").ok);
  EXPECT_TRUE(applier_->waiting("/etc/a.conf"));
  // A directory in its place: the rename of a file over it fails.
  testing::make_dirs(in_root("/etc/a.conf/x"));
  EXPECT_FALSE(applier_->publish());
  const std::vector<PutFailure> failures = applier_->take_failures();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].path, "/etc/a.conf");
  EXPECT_NE(failures[0].message.find("cannot put /etc/a.conf in place"), std::string::npos)
      << failures[0].message;
  EXPECT_NE(failures[0].message.find("Is a directory"), std::string::npos) << failures[0].message;
  EXPECT_FALSE(applier_->waiting("/etc/a.conf"));
}

}  // namespace
}  // namespace bootassess
