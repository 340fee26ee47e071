// The command line as a user meets it, through the real binary: misspelt
// names, help, version, and what `plan` prints in a terminal.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace bootassess {
namespace {

using testing::TempDir;
using testing::write_text;

const std::string kBinary = BOOTASSESS_BINARY;
const std::string kExamples = std::string(BOOTASSESS_SOURCE_DIR) + "/examples";

struct Result {
  int status = -1;
  std::string output;  // stdout and stderr
};

Result bootassess(const std::string& args) {
  Result r;
  r.status = testing::run_command(kBinary + " " + args + " 2>&1", &r.output);
  return r;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(CliTest, AMisspeltStageOnTheCommandLineIsAUsageErrorWithASuggestion) {
  TempDir tmp;
  write_text(tmp / "c.yaml", "stages:\n  initramfs:\n    - name: nothing\n");
  const std::vector<std::string> commands{"plan --all-modes -s initramf ",
                                          "apply --dry-run --root " + tmp.path() + " -s initramf "};
  for (const std::string& command : commands) {
    Result r = bootassess(command + (tmp / "c.yaml"));
    EXPECT_EQ(r.status, 2) << command << "\n" << r.output;
    EXPECT_TRUE(contains(r.output, "unknown stage 'initramf': did you mean 'initramfs'?"))
        << r.output;
  }
  // A name close to no known stage is the user's own: planned as given.
  Result r = bootassess("plan --all-modes -s my-own-stage " + (tmp / "c.yaml"));
  EXPECT_EQ(r.status, 0) << r.output;
  r = bootassess("plan --all-modes -s initramfs.after -s boot " + (tmp / "c.yaml"));
  EXPECT_EQ(r.status, 0) << r.output;
}

TEST(CliTest, AMisspeltStageInAConfigIsAWarningWithASuggestion) {
  TempDir tmp;
  write_text(tmp / "c.yaml", "stages:\n  initramf:\n    - systemctl: {enable: [myapp.service]}\n");
  Result r = bootassess("validate " + (tmp / "c.yaml"));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "c.yaml:2:3: warning: stage 'initramf' is not one Kairos runs"))
      << r.output;
  EXPECT_TRUE(contains(r.output, "(did you mean `initramfs`?) [unknown-stage]")) << r.output;
  r = bootassess("validate --strict " + (tmp / "c.yaml"));
  EXPECT_EQ(r.status, 1) << r.output;
}

TEST(CliTest, AMisspeltModuleKeyIsAnError) {
  TempDir tmp;
  write_text(tmp / "c.yaml",
             "stages:\n  initramfs:\n    - name: gate\n      boot_asessment:\n"
             "        units: [myapp.service]\n");
  Result r = bootassess("validate " + (tmp / "c.yaml"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "c.yaml:4:7: error: unknown key 'boot_asessment' in a step"))
      << r.output;
  EXPECT_TRUE(contains(r.output, "(did you mean `boot_assessment`?) [unknown-key]")) << r.output;
}

TEST(CliTest, AKairosConfigIsQuietEvenStrict) {
  const std::string cases = std::string(BOOTASSESS_SOURCE_DIR) + "/tests/schema-cases/";
  Result r = bootassess("validate --strict " + cases + "valid/kairos-config.yaml");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "0 errors, 0 warnings")) << r.output;
  r = bootassess("validate " + cases + "invalid/kairos-key-typo.yaml");
  EXPECT_TRUE(contains(r.output, "6:1: warning: unknown key 'instal' in the document")) << r.output;
  EXPECT_TRUE(contains(r.output, "(did you mean `install`?)")) << r.output;
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
    ++n;
  return n;
}

// The text with each continuation line ("\n    ") joined to the one before.
std::string unwrapped(const std::string& text) {
  std::string joined;
  std::size_t from = 0;
  for (std::size_t at = text.find("\n    "); at != std::string::npos;
       at = text.find("\n    ", from)) {
    joined.append(text, from, at - from);
    joined.push_back(' ');
    from = at + 5;
  }
  joined.append(text, from, std::string::npos);
  return joined;
}

TEST(CliTest, OneFailureIsOneDiagnostic) {
  TempDir tmp;
  write_text(tmp / "bad.yaml", "stages:\n  initramfs: [\n");
  const std::string missing = tmp / "missing.yaml";
  for (const std::string& source : {tmp / "bad.yaml", missing}) {
    for (const std::string& command : {std::string("validate "), std::string("plan --all-modes "),
                                       "apply --dry-run --root " + tmp.path() + " "}) {
      Result r = bootassess(command + source);
      EXPECT_EQ(r.status, 1) << command << source << "\n" << r.output;
      EXPECT_EQ(count(r.output, "error:"), 1u) << command << source << "\n" << r.output;
      // `plan` wraps long lines: read them whole.
      EXPECT_TRUE(contains(unwrapped(r.output), "nothing from " + source + " is applied"))
          << r.output;
      EXPECT_FALSE(contains(r.output, "source-skipped")) << r.output;
    }
  }
}

TEST(CliTest, JsonSaysNullForAnUnknownPosition) {
  TempDir tmp;
  const std::string missing = tmp / "missing.yaml";
  Result r = bootassess("validate --format json " + missing);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "\"line\": null, \"column\": null")) << r.output;
  EXPECT_TRUE(contains(r.output, "{\"format_version\": 1, \"diagnostics\": [")) << r.output;
  EXPECT_FALSE(contains(r.output, "\"line\": 0")) << r.output;
  write_text(tmp / "bad.yaml", "stages:\n  initramfs: [\n");
  r = bootassess("validate --format json " + (tmp / "bad.yaml"));
  EXPECT_TRUE(contains(r.output, "\"line\": 3, \"column\": 1")) << r.output;
}

TEST(CliTest, HelpAndVersion) {
  Result r = bootassess("help");
  EXPECT_EQ(r.status, 0) << r.output;
  // The overview, not the help of `help` itself: every command listed.
  EXPECT_TRUE(contains(r.output, "Usage: bootassess [OPTIONS] SUBCOMMAND")) << r.output;
  for (const char* command :
       {"\n  apply ", "\n  plan ", "\n  validate ", "\n  status ", "\n  check "})
    EXPECT_TRUE(contains(r.output, command)) << command << "\n" << r.output;
  for (const char* part : {"apply", "plan", "validate", "status", "Exit status:", "Examples:"})
    EXPECT_TRUE(contains(r.output, part)) << part << "\n" << r.output;
  // Each command's help: its options, its exit statuses and two examples.
  for (const std::string command : {"apply", "plan", "validate", "status"}) {
    for (const std::string& args : {"help " + command, command + " --help"}) {
      r = bootassess(args);
      EXPECT_EQ(r.status, 0) << args << "\n" << r.output;
      EXPECT_TRUE(contains(r.output, "Exit status:\n  0  ")) << args << "\n" << r.output;
      EXPECT_TRUE(contains(r.output, "  2  usage error")) << args << "\n" << r.output;
      const std::size_t examples = r.output.find("Examples:");
      ASSERT_NE(examples, std::string::npos) << args << "\n" << r.output;
      EXPECT_EQ(count(r.output.substr(examples), "\n  bootassess " + command), 2u) << args << "\n"
                                                                                   << r.output;
    }
  }
  r = bootassess("");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "Exit status:")) << r.output;
  EXPECT_FALSE(contains(r.output, "A subcommand is required")) << r.output;
  r = bootassess("help apply");
  EXPECT_TRUE(contains(r.output, "--dry-run")) << r.output;
  r = bootassess("help aply");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "unknown command 'aply': did you mean 'apply'?")) << r.output;

  const Result version = bootassess("version");
  EXPECT_EQ(version.status, 0) << version.output;
  EXPECT_TRUE(contains(version.output,
                       std::string("bootassess ") + BOOTASSESS_VERSION + " (source commit "))
      << version.output;
  EXPECT_EQ(bootassess("-V").output, version.output);
  EXPECT_EQ(bootassess("--version").output, version.output);
  // A full commit id when built from git, "unknown" otherwise.
  const std::size_t at = version.output.find("(source commit ") + 15;
  const std::string commit = version.output.substr(at, version.output.find(')', at) - at);
  EXPECT_TRUE(
      commit == "unknown" ||
      (commit.size() == 40 && commit.find_first_not_of("0123456789abcdef") == std::string::npos))
      << commit;
}

TEST(CliTest, MistypedCommandsAndValuesGetADidYouMean) {
  TempDir tmp;
  write_text(tmp / "c.yaml", "stages:\n  initramfs: []\n");
  Result r = bootassess("aply " + (tmp / "c.yaml"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "unknown command 'aply': did you mean 'apply'?")) << r.output;
  r = bootassess("frobnicate");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "unknown command 'frobnicate'\n(commands: apply, plan"))
      << r.output;
  r = bootassess("plan --mode activ " + (tmp / "c.yaml"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "'activ' is not a boot mode: did you mean 'active'?")) << r.output;
  r = bootassess("apply --dry-run --root " + tmp.path() + " --counting counteed " +
                 (tmp / "c.yaml"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "did you mean 'counted'?")) << r.output;
  r = bootassess("validate --format jsno " + (tmp / "c.yaml"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "did you mean 'json'?")) << r.output;
}

// An image's root with the units of examples/boot-assessment.yaml.
std::string image_root(const TempDir& tmp) {
  const std::string root = tmp / "root";
  const std::string units = root + "/usr/lib/systemd/system/";
  write_text(units + "myapp.service",
             "[Unit]\nDescription=My application\n\n[Service]\n"
             "ExecStart=/usr/bin/myapp\n");
  write_text(units + "boot-complete.target", "[Unit]\nDescription=Boot Completion Check\n");
  write_text(units + "multi-user.target", "[Unit]\nDescription=Multi-User System\n");
  testing::make_dirs(root + "/run");
  return root;
}

void expect_fits_a_terminal(const std::string& text) {
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t nl = text.find('\n', at);
    if (nl == std::string::npos) nl = text.size();
    const std::string line = text.substr(at, nl - at);
    EXPECT_LE(line.size(), 100u) << line;
    EXPECT_TRUE(line.empty() || line.back() != ' ') << "trailing blank: '" << line << "'";
    at = nl + 1;
  }
}

TEST(CliTest, PlanFitsAHundredColumnsAndShowsWhatMatters) {
  TempDir tmp;
  const std::string root = image_root(tmp);
  const std::string example = kExamples + "/boot-assessment.yaml";
  Result r = bootassess("plan --all-modes --root " + root + " " + example);
  EXPECT_EQ(r.status, 0) << r.output;
  expect_fits_a_terminal(r.output);
  // Long paths get a line of their own, full.
  EXPECT_TRUE(contains(
      r.output, "\n/run/systemd/system/myapp.service.d/zz-bootassess-boot-assessment.conf\n"))
      << r.output;
  // The directories made only to hold the gate's files: with -v only.
  EXPECT_FALSE(contains(r.output, "\n/run/systemd ")) << r.output;
  EXPECT_TRUE(contains(r.output,
                       "6 parent directories made only for what is below them are "
                       "not shown; -v shows them"))
      << r.output;
  // The other variants of the drop-in: as differences from the first.
  EXPECT_TRUE(contains(r.output,
                       "  C (passive): as A, except:\n"
                       "    - | # Boot assessment gate for this boot (active mode)"))
      << r.output;
  EXPECT_TRUE(contains(r.output, "    - | FailureAction=reboot\n")) << r.output;
  EXPECT_EQ(count(r.output, "| After=default.target"), 1u) << r.output;

  const Result verbose = bootassess("plan -v --all-modes --root " + root + " " + example);
  expect_fits_a_terminal(verbose.output);
  EXPECT_TRUE(contains(verbose.output, "\n/run/systemd                      mkdir"))
      << verbose.output;

  // JSON keeps full paths, says its format version and where each action
  // comes from.
  r = bootassess("plan --mode active --format json --root " + root + " " + example);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "{\"format_version\": 1, \"modes\": {")) << r.output;
  EXPECT_TRUE(contains(r.output,
                       "\"path\": \"/run/systemd/system/myapp.service.d/"
                       "zz-bootassess-boot-assessment.conf\", \"source\": {\"file\": \"" +
                           example + "\", \"line\": 24, \"column\": 13}"))
      << r.output;
}

TEST(CliTest, PlanPutsUndecidedConditionsFirstAndShowsValidateErrors) {
  TempDir tmp;
  const std::string root = image_root(tmp);
  write_text(tmp / "c.yaml",
             "stages:\n  initramfs:\n    - name: by the kernel command line\n"
             "      if: grep -q debug /proc/cmdline\n"
             "      files: [{path: /etc/debug, permissions: 0644, content: x}]\n");
  Result r = bootassess("plan --all-modes --root " + root + " " + (tmp / "c.yaml"));
  expect_fits_a_terminal(r.output);
  const std::size_t note = r.output.find("Undecided conditions");
  ASSERT_NE(note, std::string::npos) << r.output;
  EXPECT_LT(note, r.output.find("\nPATH")) << r.output;
  EXPECT_TRUE(contains(r.output, "c.yaml:4:11: note:")) << r.output;
  EXPECT_TRUE(contains(r.output, "write?")) << r.output;

  // The documentation's second example: plan shows the errors validate
  // finds, the boot loop on passive boots among them.
  const std::string docs =
      std::string(BOOTASSESS_SOURCE_DIR) + "/tests/fixtures/docs-second-example.yaml";
  const Result validate = bootassess("validate " + docs);
  r = bootassess("plan --all-modes --root " + root + " " + docs);
  expect_fits_a_terminal(r.output);
  std::size_t at = 0;
  std::size_t errors = 0;
  while ((at = validate.output.find(": error: ", at)) != std::string::npos) {
    const std::size_t start = validate.output.rfind('\n', at) + 1;
    const std::string where = validate.output.substr(start, at - start);
    EXPECT_TRUE(contains(r.output, where + ": error: ")) << where << "\n" << r.output;
    ++errors;
    ++at;
  }
  EXPECT_GE(errors, 2u) << validate.output;
}

TEST(CliTest, PlanOnADevelopmentHostSaysHowToPlanForAnImage) {
  if (std::filesystem::exists("/run/cos")) GTEST_SKIP() << "this host is a Kairos node";
  const std::string example = kExamples + "/boot-assessment.yaml";
  Result r = bootassess("plan --all-modes " + example);
  expect_fits_a_terminal(r.output);
  EXPECT_TRUE(contains(unwrapped(r.output), "Note: / is not a Kairos node (no /run/cos)"))
      << r.output;
  EXPECT_TRUE(contains(r.output, "--root DIR")) << r.output;
  TempDir tmp;
  r = bootassess("plan --all-modes --root " + image_root(tmp) + " " + example);
  EXPECT_FALSE(contains(r.output, "not a Kairos node")) << r.output;
}

}  // namespace
}  // namespace bootassess
