#include "cli/session.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "cli/options.h"
#include "load/loader.h"

namespace bootassess {

std::vector<Source> load_sources(const std::vector<std::string>& arguments,
                                 Diagnostics& diagnostics) {
  std::vector<Source> sources;
  sources.reserve(arguments.size());
  InputBudget budget;
  for (const std::string& argument : arguments) {
    sources.push_back(load_source(argument, diagnostics, budget));
  }
  return sources;
}

bool any_failed(const std::vector<Source>& sources) {
  for (const Source& s : sources) {
    if (s.failed) return true;
  }
  return false;
}

int root_error_status(int err) {
  switch (err) {
    case EMFILE:
    case ENFILE:
    case ENOMEM:
    case EIO:
      return kExitFailed;
    default:
      return kExitUsage;
  }
}

std::optional<Diagnostic> root_read_failure(const DiskRoot& root) {
  if (root.read_failure().empty()) return std::nullopt;
  Diagnostic d;
  d.severity = Severity::error;
  d.rule = "root-unreadable";
  d.message = root.read_failure() + " (what depended on it may be wrong)";
  return d;
}

std::uint32_t process_umask() {
  const mode_t mask = ::umask(0);  // reading it means setting it: put it back
  ::umask(mask);
  return static_cast<std::uint32_t>(mask);
}

std::optional<bool> parse_counting(const std::string& value) {
  if (value == "counted") return true;
  if (value == "uncounted") return false;
  return std::nullopt;
}

namespace {

// Relative paths start where the stage runner would start them: the current
// directory on the live system, the root's "/" anywhere else. (Returned whole
// rather than assigned from a literal, which GCC 12 at -O3 misreads as an
// overlapping copy: -Wrestrict.)
std::string start_directory(const DiskRoot& root) {
  if (root.root_dir() == "/") {
    char buf[4096];
    if (::getcwd(buf, sizeof buf) != nullptr) return buf;
  }
  return "/";
}

}  // namespace

PlanOptions plan_options(const DiskRoot& root, const std::vector<std::string>& stages,
                         std::optional<BootMode> simulated, std::optional<bool> simulated_counting,
                         bool allow_shell, bool runtime, Diagnostics& diagnostics) {
  PlanOptions options;
  if (!stages.empty()) options.stages = stages;
  options.root_dir = root.root_dir();
  options.simulated_mode = simulated;
  options.allow_shell = allow_shell;
  options.runtime = runtime;
  options.umask = process_umask();
  options.cwd = start_directory(root);
  if (simulated) {
    options.mode = *simulated;
    options.mode_detected = true;
  } else if (std::optional<BootMode> detected = detect_mode(root)) {
    options.mode = *detected;
    options.mode_detected = true;
  }
  if (simulated_counting) {
    options.counting.counted = *simulated_counting;
    options.counting.simulated = true;
  } else {
    std::string error;
    options.counting = detect_counting(root, error);
    if (!error.empty()) {
      diagnostics.error({std::string(kBootCountVariable), 0, 0}, "boot-counting-variable", error,
                        "a reboot on failure is never planned for this boot");
    }
  }
  return options;
}

}  // namespace bootassess
