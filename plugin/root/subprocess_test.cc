#include "root/subprocess.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "support/process.h"
#include "support/temp_dir.h"

namespace bootassess {
namespace {

using namespace std::chrono_literals;
using testing::read_text;
using testing::TempDir;

SubprocessResult run_sh(const std::string& script, std::chrono::milliseconds timeout = 10s,
                        std::size_t max_output = 1024) {
  SubprocessRequest request;
  request.argv = {"/bin/sh", "-c", script};
  request.timeout = timeout;
  request.max_output = max_output;
  return run_subprocess(request);
}

TEST(Subprocess, RunsArgvAndKeepsStdoutAndStderrApartOrTogether) {
  SubprocessRequest request;
  request.argv = {"/bin/echo", "a b", "$HOME", ";"};
  SubprocessResult r = run_subprocess(request);
  ASSERT_TRUE(r.started) << r.problem;
  EXPECT_EQ(r.out, "a b $HOME ;\n");
  r = run_sh("echo out; echo err >&2; exit 4");
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  EXPECT_EQ(r.status, 4);
  request.argv = {"sh", "-c", "echo $0 $A; echo err >&2; pwd"};
  request.program = "/bin/sh";
  request.merge_stderr = true;
  request.env = std::vector<std::string>{"A=b"};
  request.cwd = "/tmp";
  r = run_subprocess(request);
  EXPECT_EQ(r.out, "sh b\nerr\n/tmp\n");
  EXPECT_EQ(r.err, "");
}

TEST(Subprocess, DecodesExitStatusesAndSignals) {
  EXPECT_EQ(run_sh("exit 0").status, 0);
  EXPECT_EQ(run_sh("exit 7").status, 7);
  EXPECT_EQ(run_sh("kill -TERM $$").status, 128 + SIGTERM);
  EXPECT_EQ(run_sh("kill -SEGV $$").status, 128 + SIGSEGV);
  EXPECT_FALSE(run_sh("kill -TERM $$").timed_out);
  // The raw status tells an exit from a signal, which 128+N does not.
  EXPECT_EQ(describe_wait_status(run_sh("exit 137").wait_status), "exited with status 137");
  EXPECT_EQ(describe_wait_status(run_sh("kill -KILL $$").wait_status),
            "killed by signal 9 (SIGKILL)");
  EXPECT_EQ(describe_wait_status(run_sh("exit 0").wait_status), "exited with status 0");
}

TEST(Subprocess, KeepsAtMostTheBoundOfEachOutputAndReadsTheRest) {
  const SubprocessResult r =
      run_sh("head -c 100000 /dev/zero; head -c 3000 /dev/zero >&2; exit 3", 10s, 1000);
  EXPECT_EQ(r.out.size(), 1000u);
  EXPECT_TRUE(r.out_truncated);
  EXPECT_EQ(r.err.size(), 1000u);
  EXPECT_TRUE(r.err_truncated);
  EXPECT_EQ(r.status, 3);  // it was not blocked on a full pipe
  const SubprocessResult small = run_sh("printf 12345", 10s, 5);
  EXPECT_EQ(small.out, "12345");
  EXPECT_FALSE(small.out_truncated);
}

TEST(Subprocess, KeepsTheTailOfALongerOutputWhenAsked) {
  SubprocessRequest request;
  request.argv = {"/bin/sh", "-c", "seq 1 20000; echo last line >&2"};
  request.max_output = 100;
  request.keep_tail = true;
  request.merge_stderr = true;
  const SubprocessResult r = run_subprocess(request);
  EXPECT_EQ(r.out.size(), 100u);
  EXPECT_TRUE(r.out_truncated);
  EXPECT_TRUE(r.out.ends_with("19999\n20000\nlast line\n")) << r.out;
  request.argv = {"/bin/sh", "-c", "printf 12345"};
  request.max_output = 5;
  const SubprocessResult small = run_subprocess(request);
  EXPECT_EQ(small.out, "12345");
  EXPECT_FALSE(small.out_truncated);
}

TEST(Subprocess, KillsTheProgramAtTheDeadline) {
  SubprocessResult r = run_sh("exec sleep 100000", 100ms);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.status, 128 + SIGKILL);
  // Its outputs closed, it is still waited for, until the deadline.
  r = run_sh("exec >&- 2>&-; exec sleep 100000", 100ms);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.status, 128 + SIGKILL);
}

TEST(Subprocess, KillsTheWholeProcessGroupAndLeavesNoZombie) {
  TempDir tmp;
  const std::string pids = tmp / "pids";
  // A grandchild that ignores SIGTERM and holds the output pipe; the shell
  // waits until it has said who it is.
  const SubprocessResult r =
      run_sh("echo $$ > '" + pids +
                 ".leader'; sh -c 'trap \"\" TERM; echo $$ > \"$0\"; "
                 "exec sleep 100000' '" +
                 pids + "' & while [ ! -s '" + pids + "' ]; do sleep 0.01; done; exec sleep 100000",
             2s);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.status, 128 + SIGKILL);
  const pid_t leader = std::stoi(read_text(pids + ".leader"));
  const pid_t grandchild = std::stoi(read_text(pids));
  // The leader was reaped here: no zombie of ours.
  EXPECT_EQ(::waitpid(leader, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
  EXPECT_TRUE(testing::process_gone(leader));
  EXPECT_TRUE(testing::process_gone(grandchild))
      << "grandchild " << grandchild << " outlived the deadline";
}

TEST(Subprocess, ABackgroundJobHoldingTheOutputDoesNotHoldTheResult) {
  const SubprocessResult r = run_sh("sleep 3 & echo done", 60s);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "done\n");
}

TEST(Subprocess, TheSetupHookRunsInTheChildAndReportsItsSteps) {
  SubprocessRequest request;
  request.argv = {"/bin/sh", "-c", "echo ran"};
  request.setup = [](const ChildChannel& channel) {
    errno = EPERM;
    channel.note(1);
    if (::chdir("/nonexistent-directory") != 0) channel.fail(2);
  };
  SubprocessResult r = run_subprocess(request);
  EXPECT_FALSE(r.started);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure->code, 2);
  EXPECT_EQ(r.failure->error, ENOENT);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0].code, 1);
  EXPECT_EQ(r.notes[0].error, EPERM);
  EXPECT_EQ(r.out, "");

  request.setup = [](const ChildChannel& channel) {
    if (::chdir("/") != 0) channel.fail(3);
  };
  request.cwd = "/nonexistent-directory";
  r = run_subprocess(request);
  EXPECT_FALSE(r.started);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure->code, ChildReport::kChdir);
  EXPECT_EQ(r.problem, "cannot start /bin/sh in /nonexistent-directory: No such file or directory");

  request.cwd = "/";
  request.argv = {"/nonexistent/program"};
  r = run_subprocess(request);
  EXPECT_FALSE(r.started);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure->code, ChildReport::kExec);
  EXPECT_EQ(r.problem, "cannot start /nonexistent/program: No such file or directory");

  request.setup = [](const ChildChannel&) {};
  request.argv = {"/bin/sh", "-c", "echo ran; pwd"};
  r = run_subprocess(request);
  EXPECT_TRUE(r.started) << r.problem;
  EXPECT_EQ(r.out, "ran\n/\n");
}

TEST(Subprocess, AProgramThatCannotStartIsSaidSo) {
  SubprocessRequest request;
  request.argv = {"/nonexistent/program"};
  const SubprocessResult r = run_subprocess(request);
  EXPECT_FALSE(r.started);
  EXPECT_EQ(r.problem, "cannot start /nonexistent/program: No such file or directory");
}

}  // namespace
}  // namespace bootassess
