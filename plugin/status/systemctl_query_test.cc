#include "status/systemctl_query.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "support/temp_dir.h"

namespace bootassess::status {
namespace {

using bootassess::testing::read_text;
using bootassess::testing::TempDir;
using bootassess::testing::write_text;

using namespace std::chrono_literals;

TEST(SystemctlQuery, RunsAProgramWithoutAShellAndKeepsItsOutputsApart) {
  const ProgramRun run = run_program({"/bin/echo", "a b", "$HOME", ";", "c"}, 10s, 1024);
  ASSERT_TRUE(run.started) << run.problem;
  EXPECT_EQ(run.status, 0);
  EXPECT_EQ(run.out, "a b $HOME ; c\n");
  const ProgramRun both =
      run_program({"/bin/sh", "-c", "echo out; echo err >&2; exit 4"}, 10s, 1024);
  EXPECT_EQ(both.out, "out\n");
  EXPECT_EQ(both.err, "err\n");
  EXPECT_EQ(both.status, 4);
}

TEST(SystemctlQuery, BoundsOutputAndTime) {
  const ProgramRun big = run_program({"/bin/sh", "-c", "head -c 100000 /dev/zero"}, 10s, 1000);
  EXPECT_TRUE(big.truncated);
  EXPECT_EQ(big.out.size(), 1000u);
  const ProgramRun slow = run_program({"/bin/sh", "-c", "exec sleep 30"}, 50ms, 1000);
  EXPECT_TRUE(slow.timed_out);
  EXPECT_EQ(slow.status, 128 + 9);
  EXPECT_EQ(systemctl_failure(slow), "systemctl did not answer in time");
  // Its outputs closed, but still running: waited for until the deadline.
  const ProgramRun lingering =
      run_program({"/bin/sh", "-c", "exec >&- 2>&-; exec sleep 30"}, 50ms, 1000);
  EXPECT_TRUE(lingering.timed_out);
  EXPECT_EQ(lingering.status, 128 + 9);
  const ProgramRun missing = run_program({"/nonexistent/systemctl"}, 10s, 1000);
  EXPECT_FALSE(missing.started);
  EXPECT_NE(systemctl_failure(missing).find("cannot start /nonexistent/systemctl"),
            std::string::npos);
}

TEST(SystemctlQuery, AsksSystemctlShowForThePropertiesAndParsesTheAnswer) {
  TempDir tmp;
  const std::string fake = tmp / "systemctl";
  write_text(
      fake,
      "#!/bin/sh\n"
      "printf '%s\\n' \"$@\" > '" +
          tmp.path() +
          "/args'\n"
          "printf 'Id=a.service\\nActiveState=active\\n\\nId=b.target\\nActiveState=inactive\\n'\n",
      0755);
  const UnitStates states = query_systemctl(fake, {"a.service", "b.target"});
  EXPECT_EQ(states.unknown_because, "");
  EXPECT_EQ(states.units.at("a.service").active_state, "active");
  EXPECT_EQ(states.units.at("b.target").active_state, "inactive");
  EXPECT_EQ(read_text(tmp / "args"), "show\n--no-pager\n-p\n" + std::string(kShowProperties) +
                                         "\n--\na.service\nb.target\n");
}

TEST(SystemctlQuery, SaysWhenSystemdIsNotRunningOrSystemctlFails) {
  TempDir tmp;
  const std::string fake = tmp / "systemctl";
  write_text(fake,
             "#!/bin/sh\necho 'System has not been booted with systemd as init system (PID 1). "
             "Can'\\''t operate.' >&2\necho 'Failed to connect to bus: Host is down' >&2\nexit 1\n",
             0755);
  UnitStates states = query_systemctl(fake, {"a.service"});
  EXPECT_EQ(states.unknown_because,
            "systemd is not running (System has not been booted with systemd)");
  EXPECT_TRUE(states.units.empty());
  write_text(fake, "#!/bin/sh\nprintf 'Failed to connect to bus: \\033[1mNo\\n' >&2\nexit 1\n",
             0755);
  states = query_systemctl(fake, {"a.service"});
  EXPECT_EQ(states.unknown_because, "systemctl failed: Failed to connect to bus: \\x1b[1mNo");
  write_text(fake, "#!/bin/sh\nexit 3\n", 0755);
  EXPECT_EQ(query_systemctl(fake, {"a.service"}).unknown_because,
            "systemctl failed with exit status 3");
}

TEST(SystemctlQuery, FindsSystemctlOnFixedPathsThenAbsolutePathEntries) {
  TempDir tmp;
  write_text(tmp / "bin/systemctl", "#!/bin/sh\n", 0755);
  const std::string path = "relative:" + tmp.path() + "/none:" + tmp.path() + "/bin";
  std::optional<std::string> found = find_systemctl(path.c_str());
  ASSERT_TRUE(found);
  if (::access("/usr/bin/systemctl", X_OK) == 0) {
    EXPECT_EQ(*found, "/usr/bin/systemctl");
  } else if (::access("/bin/systemctl", X_OK) == 0) {
    EXPECT_EQ(*found, "/bin/systemctl");
  } else {
    EXPECT_EQ(*found, tmp / "bin/systemctl");
  }
}

TEST(SystemctlQuery, AnotherRootIsNeverAskedAbout) {
  for (const char* root : {"/tmp/root", "relative", "/tmp/../tmp"}) {
    const UnitStates states = systemd_query(root)({"a.service"});
    EXPECT_EQ(states.unknown_because, "--root is not /, so systemd is not asked") << root;
  }
}

}  // namespace
}  // namespace bootassess::status
