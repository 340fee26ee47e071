// Kills `bootassess apply` at random moments while it replaces many files and
// checks that every file always holds one complete version, old or new:
// never empty, never torn.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "apply/applier.h"
#include "support/temp_dir.h"

namespace bootassess {
namespace {

using testing::read_text;
using testing::TempDir;
using testing::write_text;

constexpr int kFiles = 100;
// Kills continue until this many landed mid-run, so that the check always
// covers interrupted replacements, however fast the machine: some files old
// and some new, or new versions written but not yet renamed into place
// (temporaries left behind, which apply writes all before it renames any).
// kMaxRounds bounds the test.
constexpr int kWantedMidRun = 10;
constexpr int kMaxRounds = 200;

std::string content(const std::string& version, int i) {
  std::string line = fmt::format("{} version of file {}\n", version, i);
  std::string out;
  while (out.size() < 8 * 1024)
    out += line;
  return out;
}

std::string config(const std::string& version) {
  std::string yaml = "stages:\n  initramfs:\n    - files:\n";
  for (int i = 0; i < kFiles; ++i) {
    yaml += fmt::format("        - path: /data/f{}.txt\n          permissions: 0644\n", i);
    yaml += "          content: |\n";
    std::string c = content(version, i);
    for (std::size_t at = 0; at < c.size();) {
      std::size_t nl = c.find('\n', at);
      yaml += "            " + c.substr(at, nl - at + 1);
      at = nl + 1;
    }
  }
  return yaml;
}

pid_t start_apply(const std::string& root, const std::string& file) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 2);
    ::execl(BOOTASSESS_BINARY, BOOTASSESS_BINARY, "apply", "-q", "--mode", "active", "--root",
            root.c_str(), file.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

// Whether `dir` holds a temporary that apply writes before renaming it.
bool has_temporaries(const std::string& dir) {
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (is_temporary_name(entry.path().filename().string())) return true;
  }
  return false;
}

int wait_for(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

TEST(AtomicityTest, KilledRunsNeverLeaveTornOrEmptyFiles) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to set owners";
  TempDir tmp;
  const std::string root = tmp / "root";
  testing::make_dirs(root);
  write_text(tmp / "a.yaml", config("alpha"));
  write_text(tmp / "b.yaml", config("beta"));

  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(wait_for(start_apply(root, tmp / "a.yaml")), 0);
  const auto full_run =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);

  std::mt19937 rng(20261125);
  int mixed = 0;      // kills that left some files old, some new
  int unrenamed = 0;  // kills that left every file old and temporaries behind
  int round = 0;
  for (; round < kMaxRounds && mixed + unrenamed < kWantedMidRun; ++round) {
    const std::string next = round % 2 == 0 ? "beta" : "alpha";
    const pid_t pid = start_apply(root, tmp / (next == "beta" ? "b.yaml" : "a.yaml"));
    std::uniform_int_distribution<long> delay(0, full_run.count());
    std::this_thread::sleep_for(std::chrono::microseconds(delay(rng)));
    ::kill(pid, SIGKILL);
    wait_for(pid);
    int old_count = 0;
    int new_count = 0;
    for (int i = 0; i < kFiles; ++i) {
      const std::string text = read_text(root + fmt::format("/data/f{}.txt", i));
      if (text == content(next, i)) {
        ++new_count;
      } else if (text == content(next == "beta" ? "alpha" : "beta", i)) {
        ++old_count;
      } else {
        FAIL() << "round " << round << ": file " << i << " is torn (" << text.size() << " bytes)";
      }
    }
    const bool temporaries = has_temporaries(root + "/data");
    if (old_count > 0 && new_count > 0) {
      ++mixed;
    } else if (new_count == 0 && temporaries) {
      ++unrenamed;
    }
    // Finish the run so the next round starts from a known, complete state.
    ASSERT_EQ(wait_for(start_apply(root, tmp / (next == "beta" ? "b.yaml" : "a.yaml"))), 0);
    // ... which also removes what the killed run left behind.
    ASSERT_FALSE(has_temporaries(root + "/data")) << "round " << round;
  }
  std::cout << "full run " << full_run.count() << " us; kills mid-run: " << mixed
            << " between renames, " << unrenamed << " before them, of " << round << "\n";
  // Enough kills must land mid-run for the check to mean something.
  EXPECT_GE(mixed + unrenamed, kWantedMidRun);
}

}  // namespace
}  // namespace bootassess
