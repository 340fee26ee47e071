// `bootassess status` through the real binary against roots on disk built as
// the loader and the initramfs leave them: every verdict `--root` can reach,
// the metrics file (checked by the real promtool when it is installed), the
// login notice, hostile loader variables and entries, and the
// node-problem-detector plugin's commands as the shipped configuration names
// them.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string>
#include <vector>

#include "boot/boot_counting.h"
#include "boot/efi_variable.h"
#include "support/temp_dir.h"

namespace bootassess {
namespace {

namespace fs = std::filesystem;
using testing::read_text;
using testing::shell_quote;
using testing::TempDir;
using testing::write_text;

const std::string kBinary = BOOTASSESS_BINARY;
const std::string kSource = BOOTASSESS_SOURCE_DIR;
const std::string kEfivars = "/sys/firmware/efi/efivars/";

struct Result {
  int status = -1;
  std::string out;
};

Result run(const std::string& args) {
  Result r;
  r.status = testing::run_command(kBinary + " " + args + " 2>&1", &r.out);
  return r;
}

std::string variable(const std::string_view path) {
  return std::string(path);
}

// A UKI root: the mode sentinel, the ESP at /efi with `files` (Kairos'
// sort-keys), LoaderEntrySelected and, when given, LoaderBootCountPath.
void uki_root(const std::string& root, const std::string& mode,
              const std::vector<std::string>& files, const std::string& selected,
              const std::string& count_path) {
  write_text(root + "/run/cos/" + mode + "_mode", "1");
  write_text(root + variable(kLoaderEntrySelectedVariable), encode_efi_string_variable(selected));
  if (!count_path.empty()) {
    write_text(root + variable(kBootCountVariable), encode_boot_count_variable(count_path));
  }
  testing::make_dirs(root + "/efi/loader/entries");
  for (const std::string& f : files) {
    const std::string stem = f.substr(0, f.find_first_of("+."));
    const std::string key = stem == "active" ? "0001" : stem == "passive" ? "0002" : "0003";
    write_text(root + "/efi/loader/entries/" + f, "title " + stem + "\nsort-key " + key + "\n");
  }
}

// The fallback boot the UEFI tier ends in: active exhausted, passive counted.
void fallback_root(const std::string& root) {
  uki_root(root, "passive", {"active+0-3.conf", "passive+2-1.conf", "recovery+3.conf"},
           "passive+3.conf", "\\loader\\entries\\passive+2-1.conf");
}

// A gate on this boot (unit states stay unknown under --root).
void add_gate(const std::string& root) {
  write_text(root + "/run/systemd/system/myapp.service.d/zz-bootassess-boot-assessment.conf",
             "[Unit]\nBefore=boot-complete.target\n");
}

YAML::Node json_of(const std::string& root, const std::string& extra = "") {
  const Result r = run("status --format json --root " + shell_quote(root) + " " + extra);
  return YAML::Load(r.out);
}

TEST(StatusCommand, AnExhaustedActiveEntryMakesThePassiveBootAFallback) {
  TempDir tmp;
  fallback_root(tmp.path());
  const Result r = run("status --format json --root " + tmp.path());
  EXPECT_EQ(r.status, 1) << r.out;
  const YAML::Node j = YAML::Load(r.out);
  EXPECT_EQ(j["verdict"].as<std::string>(), "fallback");
  EXPECT_EQ(j["exit_status"].as<int>(), 1);
  EXPECT_TRUE(j["fallback"]["fell_back"].as<bool>());
  EXPECT_EQ(j["fallback"]["failed_entry"]["file"].as<std::string>(), "active+0-3.conf");
  EXPECT_EQ(j["fallback"]["failed_entry"]["done"].as<int>(), 3);
  EXPECT_EQ(j["loader"]["esp"].as<std::string>(), "/efi");
  EXPECT_EQ(j["loader"]["selected"].as<std::string>(), "passive+3.conf");
  EXPECT_EQ(j["loader"]["esp_entries"].size(), 3u);
  EXPECT_TRUE(j["counting"]["active"].as<bool>());
  const Result text = run("status --root " + tmp.path());
  EXPECT_EQ(text.status, 1);
  EXPECT_TRUE(text.out.starts_with("fallback: the entry active+0-3.conf used its 3 tries"))
      << text.out;
}

TEST(StatusCommand, AnEspGivenWithEspIsTheOneRead) {
  TempDir tmp;
  fallback_root(tmp.path());
  fs::rename(tmp / "efi", tmp / "esp");
  // Not found at /efi, /boot or /boot/efi: LoaderEntries is all there is,
  // and it is absent, so no fallback is seen.
  EXPECT_EQ(json_of(tmp.path())["verdict"].as<std::string>(), "no-gate");
  EXPECT_EQ(json_of(tmp.path(), "--esp /esp")["verdict"].as<std::string>(), "fallback");
}

TEST(StatusCommand, APassiveGrubBootWithUpgradeFailureIsAFallback) {
  TempDir tmp;
  write_text(tmp / "run/cos/passive_mode", "1");
  write_text(tmp / "run/cos/upgrade_failure", "");
  const Result r = run("status --format json --root " + tmp.path());
  EXPECT_EQ(r.status, 1) << r.out;
  const YAML::Node j = YAML::Load(r.out);
  EXPECT_EQ(j["verdict"].as<std::string>(), "fallback");
  EXPECT_TRUE(j["fallback"]["grub"].as<bool>());
  EXPECT_TRUE(j["loader"]["upgrade_failure"].as<bool>());
}

TEST(StatusCommand, NoGateAndUnknownHaveTheirExitStatuses) {
  TempDir tmp;
  write_text(tmp / "run/cos/recovery_mode", "1");
  Result r = run("status --format json --root " + tmp.path());
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(YAML::Load(r.out)["verdict"].as<std::string>(), "no-gate");
  add_gate(tmp.path());
  r = run("status --format json --root " + tmp.path());
  EXPECT_EQ(r.status, 3) << r.out;
  EXPECT_EQ(YAML::Load(r.out)["verdict"].as<std::string>(), "unknown");
}

TEST(StatusCommand, CountersWithoutLoaderBootCountPathAreAWarning) {
  TempDir tmp;
  uki_root(tmp.path(), "active", {"active+3.conf", "passive+3.conf"}, "active+3.conf", "");
  const YAML::Node j = json_of(tmp.path());
  EXPECT_FALSE(j["counting"]["active"].as<bool>());
  EXPECT_TRUE(j["counting"]["broken"].as<bool>());
  EXPECT_NE(j["counting"]["reason"].as<std::string>().find("no LoaderBootCountPath"),
            std::string::npos);
  const Result text = run("status --root " + tmp.path());
  EXPECT_NE(text.out.find("counting       not counted; warning: the booted entry active+3.conf"),
            std::string::npos)
      << text.out;
}

TEST(StatusCommand, HostileVariablesAndEntriesAreReportedNotFollowed) {
  TempDir outside;
  write_text(outside / "secret.conf", "sort-key 0000\n");
  TempDir tmp;
  fallback_root(tmp.path());
  // A FIFO where LoaderEntries is (reading it would block), odd UTF-16 in
  // LoaderEntryDefault, an entry file that is a symlink out of the root, and
  // one too large.
  ASSERT_EQ(::mkfifo((tmp.path() + variable(kLoaderEntriesVariable)).c_str(), 0644), 0);
  write_text(tmp.path() + variable(kLoaderEntryDefaultVariable), std::string("\x07\0\0\0a", 5));
  fs::create_symlink(outside / "secret.conf", tmp / "efi/loader/entries/zzz+1.conf");
  write_text(tmp / "efi/loader/entries/big+1.conf", std::string(1 << 20, 'x'));
  const Result r = run("status --format json --root " + tmp.path());
  EXPECT_EQ(r.status, 1) << r.out;
  const YAML::Node j = YAML::Load(r.out);
  EXPECT_EQ(j["verdict"].as<std::string>(), "fallback");
  std::string problems;
  for (const YAML::Node& p : j["loader"]["problems"])
    problems += p["file"].as<std::string>() + ": " + p["error"].as<std::string>() + "\n";
  EXPECT_NE(problems.find("LoaderEntries-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f: not a regular file"),
            std::string::npos)
      << problems;
  EXPECT_NE(problems.find("LoaderEntryDefault-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f: the value has "
                          "an odd number of bytes"),
            std::string::npos)
      << problems;
  EXPECT_NE(problems.find("/efi/loader/entries/big+1.conf: 1048576 bytes, too large"),
            std::string::npos)
      << problems;
  // The symlink's target is looked for inside the root, where it is not.
  EXPECT_NE(problems.find("/efi/loader/entries/zzz+1.conf: not a regular file inside the root"),
            std::string::npos)
      << problems;
  const Result text = run("status --root " + tmp.path());
  EXPECT_NE(text.out.find("problems:\n"), std::string::npos) << text.out;
}

TEST(StatusCommand, PrometheusOutputIsWrittenAtomicallyAndPassesPromtool) {
  TempDir tmp;
  fallback_root(tmp.path());
  TempDir out;
  write_text(out / "bootassess.prom", "old\n");
  const Result r = run("status --format prometheus --root " + tmp.path() + " --output " +
                       (out / "bootassess.prom"));
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_EQ(r.out, "");
  const std::string prom = read_text(out / "bootassess.prom");
  EXPECT_NE(prom.find("\nbootassess_verdict{verdict=\"fallback\"} 1\n"), std::string::npos) << prom;
  EXPECT_NE(prom.find("\nbootassess_tries_left 2\n"), std::string::npos) << prom;
  EXPECT_NE(prom.find("\nbootassess_boot_mode{mode=\"passive\"} 1\n"), std::string::npos) << prom;
  struct stat st {};
  ASSERT_EQ(::stat((out / "bootassess.prom").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  // Nothing but the file is left in its directory.
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(out.path()))
    names.push_back(e.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{"bootassess.prom"});
  // A directory that does not exist: an error, and exit status 3.
  const Result bad =
      run("status --format json --root " + tmp.path() + " --output " + (out / "no/such.json"));
  EXPECT_EQ(bad.status, 3) << bad.out;
  EXPECT_NE(bad.out.find("no/such.json: cannot open its directory"), std::string::npos) << bad.out;

  if (testing::run_command("command -v promtool >/dev/null") != 0) {
    GTEST_SKIP() << "promtool is not installed (Debian package prometheus)";
  }
  std::string check;
  const int rc = testing::run_command(
      "promtool check metrics < " + (out / "bootassess.prom") + " 2>&1", &check);
  EXPECT_EQ(rc, 0) << check << prom;
  EXPECT_EQ(check, "") << prom;
}

// An empty --output (a script's unset variable) names no file: a usage
// error, not the report on standard output and the verdict's exit status.
TEST(StatusCommand, AnEmptyOutputIsAUsageError) {
  TempDir tmp;
  write_text(tmp / "run/cos/recovery_mode", "1");
  const Result r = run("status --format prometheus --root " + tmp.path() + " --output ''");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_EQ(r.out.find("bootassess_verdict"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--output"), std::string::npos) << r.out;
}

TEST(StatusCommand, TheNoticeIsWrittenWhenSomethingIsWrongAndRemovedWhenNot) {
  TempDir tmp;
  fallback_root(tmp.path());
  const std::string notice = tmp / "run/motd.d/bootassess";
  Result r = run("status --notice --format json --root " + tmp.path() + " >/dev/null");
  EXPECT_EQ(r.status, 1) << r.out;
  const std::string text = read_text(notice);
  EXPECT_TRUE(text.starts_with("bootassess: this boot is fallback\nThis boot is a fallback: "))
      << text;
  struct stat st {};
  ASSERT_EQ(::stat(notice.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  // The active entry is blessed again: nothing to tell, the notice goes.
  fs::remove(tmp / "efi/loader/entries/active+0-3.conf");
  write_text(tmp / "efi/loader/entries/active.conf", "sort-key 0001\n");
  fs::remove(tmp / "run/cos/passive_mode");
  write_text(tmp / "run/cos/active_mode", "1");
  write_text(tmp.path() + variable(kLoaderEntrySelectedVariable),
             encode_efi_string_variable("active.conf"));
  fs::remove(tmp.path() + variable(kBootCountVariable));
  r = run("status --notice --root " + tmp.path());
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_FALSE(fs::exists(notice));
}

TEST(StatusCommand, TheNoticeNeverFollowsASymlinkOutOfTheRoot) {
  TempDir outside;
  TempDir tmp;
  fallback_root(tmp.path());
  fs::create_symlink(outside.path(), tmp / "run/motd.d");
  const Result r = run("status --notice --root " + tmp.path());
  EXPECT_EQ(r.status, 3) << r.out;
  EXPECT_NE(r.out.find("/run/motd.d: motd.d is not a directory (symbolic links are not followed)"),
            std::string::npos)
      << r.out;
  EXPECT_TRUE(fs::is_empty(outside.path()));
}

// The shipped node-problem-detector plugin: each rule's command, run as it
// names it (against a root given with --root), gives exit 0 (condition
// false), 1 (condition true) or another status (unknown).
TEST(StatusCommand, TheNodeProblemDetectorRulesMapVerdictsToConditions) {
  const YAML::Node config = YAML::LoadFile(kSource + "/dist/node-problem-detector/bootassess.json");
  ASSERT_EQ(config["plugin"].as<std::string>(), "custom");
  std::map<std::string, std::string> command;  // condition -> command line
  for (const YAML::Node& rule : config["rules"]) {
    EXPECT_EQ(rule["path"].as<std::string>(), "/usr/bin/bootassess");
    std::string line = kBinary;
    for (const YAML::Node& a : rule["args"]) {
      line += ' ';
      line += shell_quote(a.as<std::string>());
    }
    command[rule["condition"].as<std::string>()] = line;
  }
  ASSERT_EQ(command.size(), 2u);
  TempDir fallback;
  fallback_root(fallback.path());
  TempDir recovery;
  write_text(recovery / "run/cos/recovery_mode", "1");
  TempDir unknown;
  write_text(unknown / "run/cos/active_mode", "1");
  add_gate(unknown.path());
  // A fallback boot whose gate cannot be judged here: its gate is unknown,
  // not passed.
  TempDir fallback_gated;
  fallback_root(fallback_gated.path());
  add_gate(fallback_gated.path());
  struct Case {
    std::string root;
    int failed;
    int fell_back;
  };
  for (const Case& c : {Case{fallback.path(), 0, 1}, Case{recovery.path(), 0, 0},
                        Case{unknown.path(), 3, 3}, Case{fallback_gated.path(), 3, 1}}) {
    for (const auto& [condition, want] : std::map<std::string, int>{
             {"BootAssessmentFailed", c.failed}, {"BootFellBack", c.fell_back}}) {
      std::string out;
      const int rc = testing::run_command(command[condition] + " --root " + c.root + " 2>&1", &out);
      EXPECT_EQ(rc, want) << condition << " " << c.root << "\n" << out;
    }
  }
}

// The alert rules doc/boot-health.md gives operators to copy: valid for the
// real promtool, and about metrics status writes.
TEST(StatusCommand, TheDocumentedAlertRulesPassPromtool) {
  const std::string doc = read_text(kSource + "/doc/boot-health.md");
  const std::size_t start = doc.find("```yaml\ngroups:\n");
  ASSERT_NE(start, std::string::npos) << "no alert rule block in doc/boot-health.md";
  const std::size_t body = start + std::string("```yaml\n").size();
  const std::string rules = doc.substr(body, doc.find("```", body) - body);
  TempDir fixture;
  fallback_root(fixture.path());
  const Result prom = run("status --format prometheus --root " + fixture.path());
  for (const char* metric :
       {"bootassess_verdict{verdict=\"fallback\"}", "bootassess_verdict{verdict=\"failed\"}",
        "bootassess_counting_broken"}) {
    EXPECT_NE(rules.find(metric), std::string::npos) << metric;
    EXPECT_NE(prom.out.find(std::string(metric).substr(0, std::string(metric).find('}') + 1)),
              std::string::npos)
        << metric;
  }
  if (testing::run_command("command -v promtool >/dev/null") != 0) {
    GTEST_SKIP() << "promtool is not installed (Debian package prometheus)";
  }
  TempDir tmp;
  write_text(tmp / "rules.yaml", rules);
  std::string out;
  EXPECT_EQ(testing::run_command("promtool check rules " + (tmp / "rules.yaml") + " 2>&1", &out), 0)
      << out << rules;
}

}  // namespace
}  // namespace bootassess
