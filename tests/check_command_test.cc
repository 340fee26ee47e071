// `bootassess check` through the real binary: the one line on stdout, the
// exit statuses 0, 1 and 2, and usage errors on stderr.
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <string>
#include <thread>

#include "support/loopback_server.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace bootassess {
namespace {

using testing::shell_quote;
using testing::TempDir;
using testing::write_text;

const std::string kBinary = BOOTASSESS_BINARY;

struct Result {
  int status = -1;
  std::string out;  // stdout only
  std::string err;  // stderr only
};

Result check(const std::string& args) {
  TempDir tmp;
  Result r;
  r.status = testing::run_command(
      "{ " + kBinary + " check " + args + " 2>" + shell_quote(tmp / "err") + "; }", &r.out);
  r.err = testing::read_text(tmp / "err");
  return r;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(CheckCommand, PassingPrintsOneOkLineAndExitsZero) {
  TempDir tmp;
  write_text(tmp / "ready", "");
  Result r = check("path " + shell_quote(tmp / "ready") + " --type file --name ready");
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "ready: ok: " + (tmp / "ready") + " exists (a regular file)\n");
  EXPECT_EQ(r.err, "");
  r = check("mount /");
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_TRUE(r.out.starts_with("mount: ok: / is a mount point (")) << r.out;
  r = check("command --name probe -- /bin/sh -c 'echo up; exit 0'");
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "probe: ok: /bin/sh exited with status 0: up\n");
}

TEST(CheckCommand, FailingPrintsOneFailedLineAndExitsOne) {
  TempDir tmp;
  Result r = check("path " + shell_quote(tmp / "missing") + " --timeout 0.3 --interval 0.05");
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_TRUE(r.out.starts_with("path: failed: " + (tmp / "missing") + " does not exist after "))
      << r.out;
  EXPECT_TRUE(r.out.ends_with(" s\n")) << r.out;
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << r.out;
  r = check("command --timeout 0.2 -- /bin/sh -c 'echo not yet >&2; exit 3'");
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_TRUE(r.out.starts_with("command: failed: /bin/sh exited with status 3: not yet after "))
      << r.out;
  // The deadline ends a hang.
  r = check("command --name hang --timeout 0.5 -- /bin/sleep 1000");
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_TRUE(
      r.out.starts_with("hang: failed: /bin/sleep timed out (its process group was "
                        "killed) after "))
      << r.out;
  r = check("tcp 127.0.0.1:1 --timeout 0.2");
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_TRUE(r.out.starts_with("tcp: failed: 127.0.0.1:1: connection refused after ")) << r.out;
}

TEST(CheckCommand, HttpAndTcpAgainstALoopbackServer) {
  testing::Server server("HTTP/1.1 503 Service Unavailable\r\n\r\n");
  const std::string url = "http://" + server.endpoint() + "/healthz";
  Result r = check("http " + url + " --name api --status 503");
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "api: ok: " + url + " answered 503\n");
  r = check("http " + url + " --timeout 0.2 --interval 0.05");
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_TRUE(r.out.starts_with("http: failed: " + url + " answered 503 after ")) << r.out;
  r = check("tcp " + server.endpoint());
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "tcp: ok: " + server.endpoint() + " accepted a connection\n");
}

TEST(CheckCommand, AUnitThatIsNotActiveFails) {
  // Whether systemd runs here or not, this unit is not active.
  const Result r = check("unit bootassess-no-such-unit-for-a-test.service --timeout 0.2");
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_TRUE(r.out.starts_with("unit: failed: bootassess-no-such-unit-for-a-test.service"))
      << r.out;
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << r.out;
}

// Stopped by a signal (Ctrl-C, a kill of its pid), the check takes the
// command's process group with it: nothing is left running.
TEST(CheckCommand, ASignalKillsTheCommandsProcessGroupToo) {
  TempDir tmp;
  const std::string pid_file = tmp / "grandchild";
  std::vector<std::string> args{
      kBinary,     "check", "command",
      "--timeout", "600",   "--",
      "/bin/sh",   "-c",    "sleep 100000 & echo $! > '" + pid_file + "'; wait"};
  std::vector<char*> argv;
  for (std::string& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(::posix_spawn(&pid, kBinary.c_str(), nullptr, nullptr, argv.data(), environ), 0);
  std::string grandchild;
  for (int tries = 0; tries < 1000 && grandchild.empty(); ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    grandchild = testing::read_text(pid_file);
  }
  ASSERT_FALSE(grandchild.empty());
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << status;
  const pid_t sleeper = std::stoi(grandchild);
  const bool gone = testing::process_gone(sleeper);
  if (!gone) ::kill(sleeper, SIGKILL);
  EXPECT_TRUE(gone) << "the command's child " << sleeper << " outlived the check";
}

TEST(CheckCommand, UsageErrorsExitTwoWithAMessageOnStderr) {
  const std::pair<std::string, std::string> cases[] = {
      {"tpc 127.0.0.1:1",
       "'tpc' is not a kind of check (one of mount, path, tcp, http, command, "
       "unit) (did you mean 'tcp'?)"},
      {"tcp 127.0.0.1:1 --type file", "--type is only for path"},
      {"http https://example.org/", "https is not supported"},
      {"command -- sh -c true", "'sh' is not an absolute path"},
      {"path /x --timeout 0", "--timeout: a number of seconds greater than 0"},
      {"path /x --timeout abc", "--timeout"},
      {"path /x /y", "'/y' is one too many"},
      {"mount", "mount: the target is missing"},
      {"path /x --no-such-option", "--no-such-option"},
  };
  for (const auto& [args, message] : cases) {
    const Result r = check(args);
    EXPECT_EQ(r.status, 2) << args << "\n" << r.out << r.err;
    EXPECT_EQ(r.out, "") << args;
    EXPECT_TRUE(contains(r.err, message)) << args << ": " << r.err;
  }
}

TEST(CheckCommand, HelpNamesTheKindsAndTheExitStatuses) {
  std::string out;
  EXPECT_EQ(testing::run_command(kBinary + " help check", &out), 0);
  for (const char* part : {"--timeout", "--interval", "--fstype", "--type", "--status", "--name",
                           "command -- ARGV...", "2  usage error"}) {
    EXPECT_TRUE(contains(out, part)) << part << "\n" << out;
  }
  EXPECT_EQ(testing::run_command(kBinary + " --help", &out), 0);
  EXPECT_TRUE(contains(out, "check")) << out;
}

}  // namespace
}  // namespace bootassess
