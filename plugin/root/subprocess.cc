#include "root/subprocess.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "root/fd.h"

namespace bootassess {
namespace {

using Clock = std::chrono::steady_clock;

// How often a child that cannot be watched through a pidfd is looked at.
constexpr std::chrono::milliseconds kReapPeriod{10};

struct Pipe {
  Fd read_end;
  Fd write_end;
};

std::optional<Pipe> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return std::nullopt;
  return Pipe{Fd(fds[0]), Fd(fds[1])};
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (std::string& s : strings)
    out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// The child of the fork: redirects, the caller's setup, chdir, exec. Only
// async-signal-safe calls from here on.
[[noreturn]] void child(const SubprocessRequest& request, const char* program, int out_fd,
                        int err_fd, int report_fd, char* const* argv, char* const* envp) {
  const ChildChannel channel(report_fd);
  ::setpgid(0, 0);
  // /dev/null is opened before the setup: it may leave the host's /dev.
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0 || ::dup2(null_fd, 0) < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0) {
    channel.fail(ChildReport::kRedirect);
  }
  if (request.setup) request.setup(channel);
  if (!request.cwd.empty() && ::chdir(request.cwd.c_str()) != 0) {
    channel.fail(ChildReport::kChdir);
  }
  ::execve(program, argv, envp);
  channel.fail(ChildReport::kExec);
}

// Reads what is ready on `fd` into `out`, keeping at most `max` bytes (the
// first ones, or with `tail` the last ones); false at the end of the output
// (or on an error reading it).
bool drain(int fd, std::string& out, std::size_t max, bool tail, bool& truncated) {
  std::array<char, 4096> buf;
  const ssize_t n = ::read(fd, buf.data(), buf.size());
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  const auto got = static_cast<std::size_t>(n);
  if (tail) {
    out.append(buf.data(), got);
    if (out.size() > max) {
      truncated = true;
      out.erase(0, out.size() - max);
    }
    return true;
  }
  const std::size_t room = max - std::min(out.size(), max);
  if (got > room) truncated = true;
  out.append(buf.data(), std::min(got, room));
  return true;
}

void kill_group(pid_t pid) {
  // The group may not exist yet when the child has not reached setpgid.
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);
}

int wait_blocking(pid_t pid) {
  int raw = 0;
  while (::waitpid(pid, &raw, 0) < 0) {
    if (errno != EINTR) return 0;
  }
  return raw;
}

Fd open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return Fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
#else
  (void)pid;
  return Fd();
#endif
}

struct Stream {
  int fd = -1;  // -1: closed, or not read
  std::string* text = nullptr;
  bool* truncated = nullptr;
  std::size_t max = 0;
  bool tail = false;
};

// Reads the child's pipes until it has exited and closed them, or the
// deadline passes (the process group is then killed). Once the child has
// exited, a background job still holding a pipe open does not keep anyone
// waiting: what is ready is read, and that is all.
void collect(pid_t pid, std::array<Stream, 3>& streams, Clock::time_point deadline,
             SubprocessResult& result) {
  const Fd pidfd = open_pidfd(pid);
  for (Stream& s : streams) {
    if (s.fd >= 0) ::fcntl(s.fd, F_SETFL, O_NONBLOCK);
  }
  bool exited = false;
  int raw = 0;
  for (;;) {
    if (!exited && ::waitpid(pid, &raw, WNOHANG) == pid) exited = true;
    const bool open =
        std::any_of(streams.begin(), streams.end(), [](const Stream& s) { return s.fd >= 0; });
    if (exited && !open) break;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      result.timed_out = !exited;
      break;
    }
    std::array<pollfd, 4> fds{};
    for (std::size_t i = 0; i < streams.size(); ++i)
      fds[i] = pollfd{streams[i].fd, POLLIN, 0};
    fds[3] = pollfd{exited ? -1 : pidfd.get(), POLLIN, 0};
    std::chrono::milliseconds wait = left;
    if (exited) {
      wait = std::chrono::milliseconds(0);
    } else if (!pidfd.ok()) {
      wait = std::min(wait, kReapPeriod);
    }
    const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(wait.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      result.timed_out = !exited;  // nothing left to watch it with
      break;
    }
    if (ready == 0 && exited) break;
    for (std::size_t i = 0; i < streams.size(); ++i) {
      Stream& s = streams[i];
      if (s.fd >= 0 && fds[i].revents != 0 && !drain(s.fd, *s.text, s.max, s.tail, *s.truncated)) {
        s.fd = -1;
      }
    }
  }
  if (result.timed_out) kill_group(pid);
  if (!exited) raw = wait_blocking(pid);
  result.wait_status = raw;
  result.status = decode_wait_status(raw);
}

// What the child writes to the report pipe.
struct WireReport {
  int code;
  int error;
  int fatal;
};

void write_report(int fd, int code, bool fatal) {
  const WireReport report{code, errno, fatal ? 1 : 0};
  if (::write(fd, &report, sizeof report) < 0) {
    // Nothing left to tell anyone; the exit status says it failed.
  }
}

// The child's reports: notes, then possibly the failure that stopped it.
void read_reports(const std::string& bytes, SubprocessResult& result) {
  for (std::size_t at = 0; at + sizeof(WireReport) <= bytes.size(); at += sizeof(WireReport)) {
    WireReport wire;
    std::memcpy(&wire, bytes.data() + at, sizeof wire);
    const ChildReport report{wire.code, wire.error};
    if (wire.fatal != 0) {
      result.failure = report;
    } else {
      result.notes.push_back(report);
    }
  }
}

}  // namespace

void ChildChannel::note(int code) const {
  write_report(fd_, code, false);
}

void ChildChannel::fail(int code) const {
  write_report(fd_, code, true);
  ::_exit(127);
}

int decode_wait_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

std::string describe_wait_status(int status) {
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    const char* name = ::sigabbrev_np(signal);
    return name == nullptr ? fmt::format("killed by signal {}", signal)
                           : fmt::format("killed by signal {} (SIG{})", signal, name);
  }
  return fmt::format("exited with status {}", decode_wait_status(status));
}

SubprocessResult run_subprocess(const SubprocessRequest& request) {
  SubprocessResult result;
  if (request.argv.empty()) {
    result.problem = "no program to run";
    return result;
  }
  const std::string& program = request.program.empty() ? request.argv.front() : request.program;
  const std::string where = request.cwd.empty() ? std::string() : " in " + request.cwd;
  std::optional<Pipe> out = make_pipe();
  std::optional<Pipe> err = request.merge_stderr ? std::nullopt : make_pipe();
  std::optional<Pipe> report = request.setup ? make_pipe() : std::nullopt;
  if (!out || (!request.merge_stderr && !err) || (request.setup && !report)) {
    result.problem = fmt::format("cannot create a pipe: {}", std::strerror(errno));
    return result;
  }
  // Everything the child needs is prepared here, before it starts.
  std::vector<std::string> argv_copy = request.argv;
  std::vector<std::string> env_copy = request.env ? *request.env : std::vector<std::string>();
  const std::vector<char*> argv = pointers(argv_copy);
  const std::vector<char*> env = pointers(env_copy);
  char* const* envp = request.env ? env.data() : environ;
  const int out_fd = out->write_end.get();
  const int err_fd = request.merge_stderr ? out_fd : err->write_end.get();
  const auto deadline = Clock::now() + request.timeout;

  pid_t pid = 0;
  if (request.setup) {
    pid = ::fork();
    if (pid < 0) {
      result.problem = fmt::format("cannot fork: {}", std::strerror(errno));
      return result;
    }
    if (pid == 0)
      child(request, program.c_str(), out_fd, err_fd, report->write_end.get(), argv.data(), envp);
    ::setpgid(pid, pid);  // either this or the child's own call wins the race
  } else {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
    if (!request.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, request.cwd.c_str());
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    const int error = ::posix_spawn(&pid, program.c_str(), &actions, &attr, argv.data(), envp);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0) {
      result.problem = fmt::format("cannot start {}{}: {}", program, where, std::strerror(error));
      result.failure = ChildReport{ChildReport::kExec, error};
      return result;
    }
  }
  if (request.started) request.started(pid);
  out->write_end.reset();
  if (err) err->write_end.reset();
  if (report) report->write_end.reset();

  std::string reports;
  bool reports_truncated = false;
  std::array<Stream, 3> streams{
      Stream{out->read_end.get(), &result.out, &result.out_truncated, request.max_output,
             request.keep_tail},
      Stream{err ? err->read_end.get() : -1, &result.err, &result.err_truncated, request.max_output,
             request.keep_tail},
      Stream{report ? report->read_end.get() : -1, &reports, &reports_truncated, 4096}};
  collect(pid, streams, deadline, result);
  read_reports(reports, result);
  if (result.failure) {
    const std::string what = result.failure->code == ChildReport::kChdir
                                 ? fmt::format("cannot start {}{}", program, where)
                                 : fmt::format("cannot start {}", program);
    result.problem = fmt::format("{}: {}", what, std::strerror(result.failure->error));
    return result;
  }
  result.started = true;
  return result;
}

}  // namespace bootassess
