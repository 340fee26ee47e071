// End-to-end fixtures: tests/fixtures/<case>/ holds
//   command      the bootassess arguments (run from the case directory; the
//                runner adds `--root ROOT` after the subcommand)
//   before.tree  the starting root (format in support/tree.h; may be absent)
//   after.tree   the exact expected root afterwards
//   status       the expected exit status (0 when absent)
//   output       lines that must each appear in stdout+stderr (optional)
// BOOTASSESS_WRITE_FIXTURES=1 rewrites every after.tree from what the binary
// does (to regenerate them on purpose; review the diff).
// Every case runs the real binary against a fresh temporary root.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "support/temp_dir.h"
#include "support/tree.h"

namespace bootassess {
namespace {

namespace fs = std::filesystem;
using testing::read_text;

const fs::path kFixtures = fs::path(BOOTASSESS_SOURCE_DIR) / "tests" / "fixtures";

std::vector<std::string> fixture_names() {
  std::vector<std::string> names;
  if (!fs::exists(kFixtures)) return names;
  for (const auto& entry : fs::directory_iterator(kFixtures)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string trimmed(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.pop_back();
  return s;
}

class FixtureTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureTest, ProducesTheExpectedTree) {
  if (::geteuid() != 0) GTEST_SKIP() << "fixtures set owners 0:0 and need root";
  const fs::path dir = kFixtures / GetParam();
  testing::TempDir tmp;
  const std::string root = tmp / "root";
  testing::make_dirs(root);
  if (fs::exists(dir / "before.tree")) {
    const std::string error = testing::build_tree(root, read_text(dir / "before.tree"));
    ASSERT_EQ(error, "") << "before.tree";
  }
  const std::string args = trimmed(read_text(dir / "command"));
  const std::size_t space = args.find(' ');
  ASSERT_NE(space, std::string::npos) << "command needs a subcommand and arguments";
  // yip's new directories are subject to the umask: fix it, as init does.
  const std::string command = "umask 022 && cd '" + dir.string() + "' && " + BOOTASSESS_BINARY +
                              " " + args.substr(0, space) + " --root '" + root + "'" +
                              args.substr(space);
  std::string output;
  const int status = testing::run_command(command, &output);

  const int expected_status = fs::exists(dir / "status") ? std::stoi(read_text(dir / "status")) : 0;
  EXPECT_EQ(status, expected_status) << command << "\n" << output;
  // Set when the expected trees are deliberately regenerated; the change to
  // each after.tree is then reviewed in the diff like any other.
  if (std::getenv("BOOTASSESS_WRITE_FIXTURES") != nullptr) {
    testing::write_text(dir / "after.tree", testing::snapshot(root));
  }
  EXPECT_EQ(testing::snapshot(root), read_text(dir / "after.tree")) << output;
  if (fs::exists(dir / "output")) {
    std::istringstream lines(read_text(dir / "output"));
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty()) continue;
      EXPECT_NE(output.find(line), std::string::npos) << "missing from output: " << line << "\n"
                                                      << output;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FixtureTest, ::testing::ValuesIn(fixture_names()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = param.param;
                           std::replace_if(
                               name.begin(), name.end(), [](char c) { return !std::isalnum(c); },
                               '_');
                           return name;
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(FixtureTest);

}  // namespace
}  // namespace bootassess
