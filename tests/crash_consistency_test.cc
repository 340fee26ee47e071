// Crash consistency: `bootassess apply` killed at its K-th mutating system
// call, for K over a run that changes about 500 targets (files replaced and
// created, directories created and re-moded, override drop-ins, enablement
// links made and removed). After each kill:
//   - every entry of the root is absent, old or new, never anything else
//     (a temporary `.#NAME.<hex>` file and a new directory still at the 0700
//     it is created with are the only other things a kill may leave);
//   - a rerun exits 0 and leaves exactly the tree a clean apply leaves;
//   - no temporary file survives the rerun.
//
// The kill comes from tests/kill_at.cc, preloaded: it counts the calls that
// change the tree and sends SIGKILL on entry to the K-th, so the call never
// happens. (strace's injection, -e inject=...:signal=KILL, does the same but
// stops the process at each of its ~40,000 system calls, which makes a run
// 14 times slower; strace 6.1 does not deliver the signal with --seccomp-bpf.)
// strace checks the preload instead: a clean run must show exactly the same
// mutating calls to both.
//
// Every mutating call of a clean run is one point K. The suite runs a
// deterministic selection: every Nth point, about kSuitePoints, plus the
// first and last three calls of each kind. BOOTASSESS_CRASH_SWEEP=full runs
// every point (tests/crash-sweep.sh).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/temp_dir.h"
#include "support/tree.h"

namespace bootassess {
namespace {

using testing::run_command;
using testing::shell_quote;
using testing::TempDir;
using testing::write_text;

// The dynamically linked build of bootassess: the preload below needs the
// dynamic loader, which the shipped static binary does not have.
const std::string kBinary = BOOTASSESS_PRELOADABLE_BINARY;

const std::string kKillAt = BOOTASSESS_KILL_AT_LIBRARY;

// The system calls that change a tree, as strace names them: the ones
// tests/kill_at.cc counts (openat only with O_CREAT or O_TRUNC).
constexpr const char* kMutating =
    "openat,write,pwrite64,ftruncate,mkdir,mkdirat,fchown,fchownat,fchmod,fchmodat,rename,"
    "renameat,renameat2,symlink,symlinkat,link,linkat,unlink,unlinkat,rmdir";
constexpr std::size_t kSuitePoints = 100;

constexpr int kUnits = 150;

std::string unit_file(int i) {
  return i % 5 == 0 ? "[Install]\nRequiredBy=boot-complete.target\n"
                    : "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n";
}

void make_image(const std::string& root) {
  for (int i = 0; i < kUnits; ++i) {
    write_text(root + fmt::format("/usr/lib/systemd/system/u{}.service", i), unit_file(i));
  }
  write_text(root + "/usr/lib/systemd/system/multi-user.target", "[Unit]\n");
  write_text(root + "/usr/lib/systemd/system/boot-complete.target", "[Unit]\n");
  testing::make_dirs(root + "/etc/systemd/system");
}

// The configuration before (`old`) and after (`new`): the new one replaces
// half the old files, adds as many, creates files under new directories,
// changes and adds directories, rewrites and adds overrides, enables more
// units and disables a few the old one enabled.
std::string config(bool next) {
  std::string files;
  std::string dirs;
  std::string overrides;
  std::string enable;
  std::string disable;
  const int first_file = next ? 50 : 0;
  for (int i = first_file; i < first_file + (next ? 200 : 100); ++i) {
    files +=
        fmt::format("        - {{path: /data/f{}.txt, permissions: {}, content: \"{} {}\\n\"}}\n",
                    i, next && i % 3 == 0 ? "0640" : "0644", next ? "new" : "old", i);
  }
  if (next) {
    for (int i = 0; i < 30; ++i) {
      files += fmt::format(
          "        - {{path: /deep/n{}/conf.d/x.conf, permissions: 0600, content: \"n{}\"}}\n", i,
          i);
    }
  }
  for (int i = next ? 20 : 0; i < (next ? 80 : 40); ++i) {
    dirs += fmt::format("        - {{path: /dirs/d{}, permissions: {}}}\n", i,
                        next ? (i % 2 == 0 ? "0755" : "0750") : "0750");
  }
  for (int i = 0; i < (next ? 60 : 30); ++i) {
    overrides += fmt::format(
        "          - {{service: u{}.service, content: \"[Service]\\nEnvironment=V={}\\n\"}}\n", i,
        next ? "new" : "old");
  }
  for (int i = next ? 30 : 0; i < (next ? kUnits : 60); ++i) {
    enable += fmt::format("            - u{}.service\n", i);
  }
  if (next) {
    for (int i = 0; i < 10; ++i)
      disable += fmt::format("            - u{}.service\n", i);
  }
  std::string yaml = "stages:\n  initramfs:\n    - directories:\n" + dirs + "      files:\n" +
                     files + "      systemctl:\n        overrides:\n" + overrides +
                     "        enable:\n" + enable;
  if (!disable.empty()) yaml += "        disable:\n" + disable;
  return yaml;
}

std::string apply_command(const std::string& root, const std::string& file) {
  return kBinary + " apply -q --mode active --root " + shell_quote(root) + " " + shell_quote(file);
}

int run_apply(const std::string& root, const std::string& file) {
  return run_command(apply_command(root, file));
}

int copy_tree(const std::string& from, const std::string& to) {
  return run_command("rm -rf " + shell_quote(to) + " && cp -a " + shell_quote(from) + " " +
                     shell_quote(to));
}

// snapshot() lines by path (the second word).
std::map<std::string, std::string> entries(const std::string& snapshot) {
  std::map<std::string, std::string> out;
  std::istringstream in(snapshot);
  std::string line;
  while (std::getline(in, line)) {
    const std::size_t a = line.find(' ');
    const std::size_t b = line.find(' ', a + 1);
    out[line.substr(a + 1, b - a - 1)] = line;
  }
  return out;
}

bool is_temporary(const std::string& path) {
  static const std::regex temp(R"(.*/\.#[^/]+\.[0-9a-f]{16})");
  return std::regex_match(path, temp);
}

// What is wrong with the tree `now` left by a kill, given the trees before
// and after a clean run; empty when every entry is absent, old or new.
std::string torn(const std::map<std::string, std::string>& before,
                 const std::map<std::string, std::string>& after,
                 const std::map<std::string, std::string>& now) {
  for (const auto& [path, line] : now) {
    auto old_entry = before.find(path);
    auto new_entry = after.find(path);
    if ((old_entry != before.end() && old_entry->second == line) ||
        (new_entry != after.end() && new_entry->second == line) || is_temporary(path)) {
      continue;
    }
    if (old_entry == before.end() && line == "d " + path + " 0700 0:0") continue;
    return fmt::format("{} is neither old nor new: {}", path, line);
  }
  for (const auto& [path, line] : before) {
    if (!now.contains(path) && after.contains(path)) {
      return fmt::format("{} vanished: it was {}", path, line);
    }
  }
  return {};
}

// The mutating calls in an strace log, by name (openat only when it may
// create or truncate), counted.
std::map<std::string, int> traced_calls(const std::string& log) {
  std::map<std::string, int> counts;
  std::istringstream in(log);
  static const std::regex call(R"(^\d+\s+([a-z0-9_]+)\()");
  std::smatch m;
  for (std::string line; std::getline(in, line);) {
    if (!std::regex_search(line, m, call)) continue;
    if (m[1] == "openat" && line.find("O_CREAT") == std::string::npos &&
        line.find("O_TRUNC") == std::string::npos) {
      continue;
    }
    ++counts[m[1]];
  }
  return counts;
}

// The deterministic selection the suite runs (all points when `full`), as
// 0-based indexes into `calls`.
std::vector<std::size_t> selected(const std::vector<std::string>& calls, bool full) {
  std::map<std::string, std::vector<std::size_t>> by_name;
  for (std::size_t i = 0; i < calls.size(); ++i)
    by_name[calls[i]].push_back(i);
  std::set<std::size_t> chosen;
  const std::size_t stride = std::max<std::size_t>(1, calls.size() / kSuitePoints);
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (full || i % stride == 0) chosen.insert(i);
  }
  for (const auto& [name, at] : by_name) {
    for (std::size_t j = 0; j < at.size(); ++j) {
      if (j < 3 || j + 3 >= at.size()) chosen.insert(at[j]);
    }
  }
  return {chosen.begin(), chosen.end()};
}

TEST(CrashConsistencyTest, KilledAtEveryMutatingCallTheRerunConverges) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to set owners";
  if (run_command("command -v strace") != 0) GTEST_SKIP() << "strace is not installed";
  const char* sweep = std::getenv("BOOTASSESS_CRASH_SWEEP");
  const bool full = sweep != nullptr && std::string(sweep) == "full";

  // Memory is enough: a kill is not a power cut, and the runs skip the
  // fsyncs' disk waits.
  struct stat shm {};
  TempDir tmp =
      ::stat("/dev/shm", &shm) == 0 && S_ISDIR(shm.st_mode) ? TempDir("/dev/shm") : TempDir();
  const std::string old_root = tmp / "old";
  const std::string new_root = tmp / "new";
  const std::string work = tmp / "work";
  write_text(tmp / "old.yaml", config(false));
  write_text(tmp / "new.yaml", config(true));
  make_image(old_root);
  ASSERT_EQ(run_apply(old_root, tmp / "old.yaml"), 0);
  ASSERT_EQ(copy_tree(old_root, new_root), 0);
  ASSERT_EQ(run_apply(new_root, tmp / "new.yaml"), 0);
  const std::string old_snapshot = testing::snapshot(old_root);
  const std::string new_snapshot = testing::snapshot(new_root);
  const auto before = entries(old_snapshot);
  const auto after = entries(new_snapshot);
  std::size_t targets = 0;
  for (const auto& [path, line] : after) {
    auto it = before.find(path);
    if (it == before.end() || it->second != line) ++targets;
  }
  for (const auto& [path, line] : before)
    targets += after.contains(path) ? 0 : 1;
  ASSERT_GE(targets, 500u) << "the new configuration changes too few entries";

  // The calls of a clean run, as the preload counts them and as strace sees
  // them: the same.
  ASSERT_EQ(copy_tree(old_root, work), 0);
  ASSERT_EQ(run_command("BOOTASSESS_CALL_LOG=" + shell_quote(tmp / "calls") + " LD_PRELOAD=" +
                        shell_quote(kKillAt) + " " + apply_command(work, tmp / "new.yaml")),
            0);
  std::vector<std::string> calls;
  std::map<std::string, int> counted;
  {
    std::istringstream in(testing::read_text(tmp / "calls"));
    for (std::string name; std::getline(in, name);) {
      calls.push_back(name);
      ++counted[name];
    }
  }
  ASSERT_EQ(testing::snapshot(work), new_snapshot);
  ASSERT_EQ(copy_tree(old_root, work), 0);
  ASSERT_EQ(run_command(fmt::format("strace -f -qq -o {} -e trace={} {}", shell_quote(tmp / "log"),
                                    kMutating, apply_command(work, tmp / "new.yaml"))),
            0);
  ASSERT_EQ(counted, traced_calls(testing::read_text(tmp / "log")))
      << "the preload library and strace disagree on the mutating calls";
  ASSERT_GT(calls.size(), targets);
  const std::vector<std::size_t> runs = selected(calls, full);

  // Every selected point runs to the end, however many fail: the report
  // gives, per kind of failure, how many points show it and the first one.
  struct Finding {
    int count = 0;
    std::string first;
  };
  std::map<std::string, Finding> findings;
  auto found = [&](const std::string& kind, const std::string& where, const std::string& what) {
    Finding& f = findings[kind];
    if (f.count++ == 0) f.first = where + ": " + what;
  };
  const auto start = std::chrono::steady_clock::now();
  int killed = 0;
  for (const std::size_t i : runs) {
    const std::string where =
        fmt::format("killed at mutating call {} of {} ({})", i + 1, calls.size(), calls[i]);
    if (full && (i + 1) % 200 == 0) std::cerr << where << "\n";  // progress of a long sweep
    ASSERT_EQ(copy_tree(old_root, work), 0);
    const int status =
        run_command(fmt::format("BOOTASSESS_KILL_AT={} LD_PRELOAD={} {}", i + 1,
                                shell_quote(kKillAt), apply_command(work, tmp / "new.yaml")));
    // The shell reports a child killed by signal N as 128 + N.
    if (status == 128 + 9) ++killed;
    const std::string problem = torn(before, after, entries(testing::snapshot(work)));
    if (!problem.empty()) found("torn", where, problem);
    const int rerun_status = run_apply(work, tmp / "new.yaml");
    if (rerun_status != 0) found("rerun failed", where, fmt::format("status {}", rerun_status));
    std::string rerun;
    std::string temporaries;
    std::istringstream lines(testing::snapshot(work));
    for (std::string line; std::getline(lines, line);) {
      (line.find("/.#") != std::string::npos ? temporaries : rerun) += line + "\n";
    }
    if (!temporaries.empty()) found("temporary file survived the rerun", where, temporaries);
    if (rerun != new_snapshot) {
      std::string differs;
      const auto now = entries(rerun);
      for (const auto& [path, line] : now) {
        auto it = after.find(path);
        if (it == after.end() || it->second != line) differs += line + "\n";
      }
      for (const auto& [path, line] : after) {
        if (!now.contains(path)) differs += "missing: " + line + "\n";
      }
      found("rerun did not converge to a clean run's tree", where, differs);
    }
  }
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << fmt::format(
      "{} targets, {} mutating calls; killed at {} of them ({} runs ended by the kill) in {:.1f} "
      "s\n",
      targets, calls.size(), runs.size(), killed, seconds);
  for (const auto& [kind, f] : findings) {
    ADD_FAILURE() << kind << ": after " << f.count << " of " << runs.size()
                  << " kills; the first: " << f.first;
  }
  // Each selected call is reached: the runs are deterministic.
  EXPECT_EQ(static_cast<std::size_t>(killed), runs.size());
}

}  // namespace
}  // namespace bootassess
