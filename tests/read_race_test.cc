// The root changing under a run: a racer swaps ROOT/etc between a real
// directory and an absolute symlink to a canary directory outside the root
// while `apply` reads it. Nothing in the canary may be opened, read or
// changed (inotify watches every entry of it), and nothing there may decide
// a condition or enablement. Also: a file of the root hard-linked to one
// outside keeps the outside one as it was.
//
// The size is small for the normal suite (it also runs under the sanitizer
// build); BOOTASSESS_RACE_RUNS and BOOTASSESS_RACE_STEPS scale it up:
//   BOOTASSESS_RACE_RUNS=25 BOOTASSESS_RACE_STEPS=1500 ./build/bootassess_tests
//   --gtest_filter=ReadRaceTest.*
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "root/disk_root.h"
#include "root/resolve.h"
#include "support/temp_dir.h"
#include "support/tree.h"

namespace bootassess {
namespace {

namespace fs = std::filesystem;
using testing::make_dirs;
using testing::run_command;
using testing::shell_quote;
using testing::TempDir;
using testing::write_text;

const std::string kBinary = BOOTASSESS_BINARY;

int knob(const char* name, int fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  return std::max(1, std::atoi(value));
}

// Every open, read, change or listing of an entry of a tree, from the moment
// it is made until events() is called (the watch is on every directory and
// file in it).
class Watch {
 public:
  explicit Watch(const std::string& top) : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
    EXPECT_GE(fd_, 0);
    // Listed before the first watch: the listing itself opens directories.
    std::vector<std::string> paths{top};
    for (const auto& e : fs::recursive_directory_iterator(top))
      paths.push_back(e.path().string());
    for (const std::string& p : paths)
      add(p);
  }
  ~Watch() { ::close(fd_); }
  Watch(const Watch&) = delete;
  Watch& operator=(const Watch&) = delete;

  // The events so far, as "path: mask" lines.
  std::vector<std::string> events() {
    std::vector<std::string> out;
    alignas(struct inotify_event) char buf[8192];
    for (;;) {
      const ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n <= 0) break;
      for (ssize_t at = 0; at < n;) {
        const auto* e = reinterpret_cast<const struct inotify_event*>(buf + at);
        std::string name = paths_[e->wd];
        if (e->len > 0) name += std::string("/") + e->name;
        out.push_back(name + ": mask " + std::to_string(e->mask));
        at += static_cast<ssize_t>(sizeof(struct inotify_event) + e->len);
      }
    }
    return out;
  }

 private:
  void add(const std::string& path) {
    const int wd = ::inotify_add_watch(fd_, path.c_str(), IN_ALL_EVENTS | IN_DONT_FOLLOW);
    EXPECT_GE(wd, 0) << path;
    if (wd >= 0) paths_[wd] = path;
  }
  int fd_;
  std::map<int, std::string> paths_;
};

// Swaps `a` and `b` (a directory and a symlink) until stopped or `rounds`
// swaps are made, then leaves them as they were.
class Racer {
 public:
  Racer(std::string a, std::string b, long rounds)
      : a_(std::move(a)), b_(std::move(b)), thread_([this, rounds] { run(rounds); }) {}
  ~Racer() { stop(); }
  Racer(const Racer&) = delete;
  Racer& operator=(const Racer&) = delete;
  long stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return swaps_;
  }

 private:
  void run(long rounds) {
    while (!stop_ && swaps_ < rounds) {
      if (::renameat2(AT_FDCWD, a_.c_str(), AT_FDCWD, b_.c_str(), RENAME_EXCHANGE) != 0) break;
      ++swaps_;
    }
    if (swaps_ % 2 != 0) ::renameat2(AT_FDCWD, a_.c_str(), AT_FDCWD, b_.c_str(), RENAME_EXCHANGE);
  }
  std::string a_, b_;
  std::atomic<bool> stop_{false};
  long swaps_ = 0;
  std::thread thread_;
};

// ROOT/etc (real, holding only empty dN directories) and ROOT/etc.swap, an
// absolute symlink to CANARY, which holds every dN/leak and every unit
// uN.service that the steps ask about.
struct Scene {
  explicit Scene(int steps) {
    root = tmp / "root";
    canary = tmp / "canary";
    make_dirs(root + "/etc/systemd/system");
    make_dirs(root + "/usr/lib/systemd/system");
    make_dirs(canary + "/systemd/system");
    std::string config = "stages:\n  initramfs:\n";
    for (int i = 0; i < steps; ++i) {
      const std::string n = std::to_string(i);
      make_dirs(root + "/etc/d" + n);
      write_text(canary + "/d" + n + "/leak", "outside\n");
      write_text(canary + "/systemd/system/u" + n + ".service",
                 "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n");
      config += "    - name: s" + n + "\n      if: '[ -f /etc/d" + n + "/leak ]'\n" +
                "      systemctl:\n        enable: [u" + n + ".service]\n";
    }
    write_text(tmp / "config.yaml", config);
    EXPECT_EQ(::symlink(canary.c_str(), (root + "/etc.swap").c_str()), 0);
  }
  TempDir tmp;
  std::string root;
  std::string canary;
};

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

// The end-to-end race: every step's condition is false inside the root, so
// every step is skipped, whatever ROOT/etc is at the moment it is looked at.
TEST(ReadRaceTest, ApplyNeverReadsOutsideTheRootWhileEtcIsSwapped) {
  const int runs = knob("BOOTASSESS_RACE_RUNS", 10);
  const int steps = knob("BOOTASSESS_RACE_STEPS", 60);
  Scene scene(steps);
  const std::string before = testing::snapshot(scene.canary);
  long total_swaps = 0;
  for (int run = 0; run < runs; ++run) {
    SCOPED_TRACE("run " + std::to_string(run));
    Watch watch(scene.canary);
    std::string output;
    int status = 0;
    {
      Racer racer(scene.root + "/etc", scene.root + "/etc.swap", 2000L * steps);
      status = run_command(kBinary + " apply --runtime --mode active --counting uncounted --root " +
                               shell_quote(scene.root) + " " + (scene.tmp / "config.yaml"),
                           &output);
      total_swaps += racer.stop();
    }
    const std::vector<std::string> events = watch.events();
    std::fprintf(
        stderr, "run %d: exit %d, %zu of %d steps skipped, %zu linked, %zu canary events\n", run,
        status, count(output, "skipped step"), steps, count(output, "linked "), events.size());
    EXPECT_EQ(events, std::vector<std::string>{});
    EXPECT_EQ(status, 0) << output.substr(0, 4000);
    EXPECT_EQ(count(output, "skipped step"), static_cast<std::size_t>(steps))
        << output.substr(0, 4000);
    EXPECT_EQ(count(output, "linked "), 0u) << output.substr(0, 4000);
    EXPECT_FALSE(fs::exists(scene.root + "/run/systemd/system/multi-user.target.wants"));
  }
  EXPECT_EQ(testing::snapshot(scene.canary), before);
  EXPECT_GT(total_swaps, 0);
  std::fprintf(stderr, "%d runs of %d steps, %ld swaps of ROOT/etc\n", runs, steps, total_swaps);
}

// ROOT/etc/hl is a hard link to a private file outside the root (as after
// `cp -al`). A step writes the same content at another mode and owner: the
// file of the root is replaced, with a note, and the one outside keeps its
// mode and owner.
TEST(ReadRaceTest, AHardLinkOutsideTheRootKeepsItsModeAndOwner) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to set owners";
  TempDir tmp;
  const std::string root = tmp / "root";
  const std::string secret = tmp / "outside/private";
  make_dirs(root + "/etc");
  write_text(secret, "secret\n", 0600);
  ASSERT_EQ(::chown(secret.c_str(), 4242, 4242), 0);
  ASSERT_EQ(::link(secret.c_str(), (root + "/etc/hl").c_str()), 0);
  write_text(tmp / "config.yaml", R"(stages:
  initramfs:
    - files:
        - {path: /etc/hl, permissions: 0644, content: "secret\n"}
)");
  std::string output;
  int status = run_command(
      kBinary + " apply -v --mode active --root " + shell_quote(root) + " " + (tmp / "config.yaml"),
      &output);
  EXPECT_EQ(status, 0) << output;
  struct stat outside {};
  ASSERT_EQ(::lstat(secret.c_str(), &outside), 0);
  EXPECT_EQ(outside.st_mode & 07777, 0600u) << output;
  EXPECT_EQ(outside.st_uid, 4242u) << output;
  EXPECT_EQ(outside.st_gid, 4242u) << output;
  EXPECT_EQ(outside.st_nlink, 1u) << output;
  struct stat inside {};
  ASSERT_EQ(::lstat((root + "/etc/hl").c_str(), &inside), 0);
  EXPECT_EQ(inside.st_mode & 07777, 0644u);
  EXPECT_EQ(inside.st_uid, 0u);
  EXPECT_EQ(testing::read_text(root + "/etc/hl"), "secret\n");
  EXPECT_NE(output.find("config.yaml:4:11: note: /etc/hl had 2 hard links"), std::string::npos)
      << output;
  // Once replaced, it is as asked: the next run changes nothing.
  status = run_command(
      kBinary + " apply --mode active --root " + shell_quote(root) + " " + (tmp / "config.yaml"),
      &output);
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("0 changed, 1 unchanged"), std::string::npos) << output;
}

// The same race against the root view alone, with the kernel's resolution
// and with the walk that stands in for it on older kernels.
class ViewRaceTest : public ::testing::TestWithParam<bool> {};

TEST_P(ViewRaceTest, LookupsNeverLeaveTheRoot) {
  const int steps = 8;
  Scene scene(steps);
  std::string error;
  std::unique_ptr<DiskRoot> root = DiskRoot::open(scene.root, error);
  ASSERT_NE(root, nullptr) << error;
  if (GetParam()) root->resolve_by_walking();
  const std::string before = testing::snapshot(scene.canary);
  Watch watch(scene.canary);
  int leaks = 0;
  {
    Racer racer(scene.root + "/etc", scene.root + "/etc.swap", 1L << 30);
    for (int round = 0; round < 3000; ++round) {
      const std::string n = std::to_string(round % steps);
      if (resolve(*root, "/etc/d" + n + "/leak", "/", true).exists()) ++leaks;
      if (root->read_file("/etc/systemd/system/u" + n + ".service")) ++leaks;
      if (root->lstat("/etc/d" + n + "/leak")) ++leaks;
      if (root->read_link("/etc/d" + n + "/leak")) ++leaks;
      if (root->access("/etc/d" + n + "/leak", R_OK)) ++leaks;
      std::optional<std::vector<std::string>> names = root->list_dir("/etc/d" + n);
      if (names && !names->empty()) ++leaks;
    }
    EXPECT_GT(racer.stop(), 0);
  }
  EXPECT_EQ(leaks, 0);
  EXPECT_EQ(watch.events(), std::vector<std::string>{});
  EXPECT_EQ(testing::snapshot(scene.canary), before);
}

INSTANTIATE_TEST_SUITE_P(KernelAndWalk, ViewRaceTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? std::string("Walk") : std::string("Kernel");
                         });

}  // namespace
}  // namespace bootassess
