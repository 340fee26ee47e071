#include "status/systemctl_query.h"

#include <fmt/format.h>
#include <unistd.h>

#include "diag/diagnostic.h"
#include "root/path.h"
#include "root/subprocess.h"

namespace bootassess::status {
namespace {

constexpr std::size_t kMaxOutput = 1 << 20;

constexpr const char* kFixedPaths[] = {"/usr/bin/systemctl", "/bin/systemctl"};

bool executable_file(const std::string& p) {
  return ::access(p.c_str(), X_OK) == 0;
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
  SubprocessRequest request;
  request.argv = argv;
  request.timeout = timeout;
  request.max_output = max_output;
  SubprocessResult result = run_subprocess(request);
  ProgramRun run;
  run.started = result.started;
  run.timed_out = result.timed_out;
  run.truncated = result.out_truncated;
  run.status = result.status;
  run.out = std::move(result.out);
  run.err = std::move(result.err);
  if (!result.started) run.problem = printable(result.problem);
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

UnitStates query_systemctl(const std::string& systemctl, const std::vector<std::string>& units,
                           std::chrono::milliseconds timeout) {
  std::vector<std::string> argv{systemctl, "show", "--no-pager", "-p", std::string(kShowProperties),
                                "--"};
  argv.insert(argv.end(), units.begin(), units.end());
  const ProgramRun run = run_program(argv, timeout, kMaxOutput);
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
