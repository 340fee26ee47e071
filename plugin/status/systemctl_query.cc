#include "status/systemctl_query.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "diag/diagnostic.h"
#include "root/fd.h"
#include "root/path.h"

namespace bootassess::status {
namespace {

constexpr std::chrono::seconds kTimeout{10};
constexpr std::size_t kMaxOutput = 1 << 20;

constexpr const char* kFixedPaths[] = {"/usr/bin/systemctl", "/bin/systemctl"};

bool executable_file(const std::string& p) {
  return ::access(p.c_str(), X_OK) == 0;
}

int decode_wait_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

// Reads what is ready on `fd` into `out` (keeping at most `max`); false at
// the end of the output.
bool drain(int fd, std::string& out, std::size_t max, bool& truncated) {
  std::array<char, 4096> buf;
  const ssize_t n = ::read(fd, buf.data(), buf.size());
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  const std::size_t room = max - std::min(out.size(), max);
  const auto got = static_cast<std::size_t>(n);
  if (got > room) truncated = true;
  out.append(buf.data(), std::min(got, room));
  return true;
}

// The first line of `text`, shown safely.
std::string first_line(std::string_view text) {
  while (!text.empty() && text.front() == '\n')
    text.remove_prefix(1);
  return printable(text.substr(0, text.find('\n')));
}

}  // namespace

std::optional<std::string> find_systemctl(const char* path_env) {
  for (const char* p : kFixedPaths) {
    if (executable_file(p)) return std::string(p);
  }
  std::string_view dirs = path_env == nullptr ? std::string_view() : std::string_view(path_env);
  while (!dirs.empty()) {
    const std::size_t colon = dirs.find(':');
    const std::string_view dir = dirs.substr(0, colon);
    dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
    if (dir.empty() || dir.front() != '/') continue;  // never relative to the cwd
    const std::string candidate = path::join(dir, "systemctl");
    if (executable_file(candidate)) return candidate;
  }
  return std::nullopt;
}

ProgramRun run_program(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                       std::size_t max_output) {
  ProgramRun run;
  int out_fds[2];
  int err_fds[2];
  if (::pipe2(out_fds, O_CLOEXEC) != 0) {
    run.problem = fmt::format("cannot create a pipe: {}", std::strerror(errno));
    return run;
  }
  Fd out_read(out_fds[0]);
  Fd out_write(out_fds[1]);
  if (::pipe2(err_fds, O_CLOEXEC) != 0) {
    run.problem = fmt::format("cannot create a pipe: {}", std::strerror(errno));
    return run;
  }
  Fd err_read(err_fds[0]);
  Fd err_write(err_fds[1]);

  std::vector<char*> args;
  std::vector<std::string> copies = argv;
  for (std::string& a : copies)
    args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), 2);
  pid_t pid = 0;
  const int error = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  out_write.reset();
  err_write.reset();
  if (error != 0) {
    run.problem = fmt::format("cannot start {}: {}", printable(argv[0]), std::strerror(error));
    return run;
  }
  run.started = true;
  ::fcntl(out_read.get(), F_SETFL, O_NONBLOCK);
  ::fcntl(err_read.get(), F_SETFL, O_NONBLOCK);

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool out_open = true;
  bool err_open = true;
  bool err_truncated = false;
  while (out_open || err_open) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      run.timed_out = true;
      break;
    }
    std::array<pollfd, 2> fds{pollfd{out_open ? out_read.get() : -1, POLLIN, 0},
                              pollfd{err_open ? err_read.get() : -1, POLLIN, 0}};
    const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    if (out_open && fds[0].revents != 0) {
      out_open = drain(out_read.get(), run.out, max_output, run.truncated);
    }
    if (err_open && fds[1].revents != 0) {
      err_open = drain(err_read.get(), run.err, max_output, err_truncated);
    }
  }
  // A child that closed its outputs but lingers is waited for until the
  // deadline too.
  int raw = 0;
  for (;;) {
    if (run.timed_out) ::kill(pid, SIGKILL);
    const pid_t done = ::waitpid(pid, &raw, run.timed_out ? 0 : WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) {
      raw = 0;
      break;
    }
    if (done == 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        run.timed_out = true;
      } else {
        ::usleep(5000);
      }
    }
  }
  run.status = decode_wait_status(raw);
  return run;
}

std::string systemctl_failure(const ProgramRun& run) {
  if (!run.started) return run.problem;
  if (run.timed_out) return "systemctl did not answer in time";
  if (run.truncated) return "systemctl printed more than expected";
  if (run.status == 0) return {};
  if (run.err.find("System has not been booted with systemd") != std::string::npos) {
    return "systemd is not running (System has not been booted with systemd)";
  }
  const std::string why = first_line(run.err);
  return why.empty() ? fmt::format("systemctl failed with exit status {}", run.status)
                     : fmt::format("systemctl failed: {}", why);
}

UnitStates query_systemctl(const std::string& systemctl, const std::vector<std::string>& units) {
  std::vector<std::string> argv{systemctl, "show", "--no-pager", "-p", std::string(kShowProperties),
                                "--"};
  argv.insert(argv.end(), units.begin(), units.end());
  const ProgramRun run = run_program(argv, kTimeout, kMaxOutput);
  UnitStates states;
  states.unknown_because = systemctl_failure(run);
  if (states.unknown_because.empty()) states.units = parse_show_output(run.out, units);
  return states;
}

UnitQuery systemd_query(const std::string& root) {
  if (!root.starts_with('/') || path::clean(root) != "/") {
    return [](const std::vector<std::string>&) {
      UnitStates states;
      states.unknown_because = "--root is not /, so systemd is not asked";
      return states;
    };
  }
  std::optional<std::string> systemctl = find_systemctl(std::getenv("PATH"));
  if (!systemctl) {
    return [](const std::vector<std::string>&) {
      UnitStates states;
      states.unknown_because = "systemctl is not installed (not in /usr/bin, /bin or PATH)";
      return states;
    };
  }
  return [systemctl = *systemctl](const std::vector<std::string>& units) {
    return query_systemctl(systemctl, units);
  };
}

}  // namespace bootassess::status
