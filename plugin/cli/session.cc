#include "cli/session.h"

#include <sys/stat.h>
#include <unistd.h>

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

std::uint32_t process_umask() {
  const mode_t mask = ::umask(0);  // reading it means setting it: put it back
  ::umask(mask);
  return static_cast<std::uint32_t>(mask);
}

PlanOptions plan_options(const DiskRoot& root, const std::vector<std::string>& stages,
                         std::optional<BootMode> simulated, bool allow_shell, bool runtime) {
  PlanOptions options;
  if (!stages.empty()) options.stages = stages;
  options.root_dir = root.root_dir();
  options.simulated_mode = simulated;
  options.allow_shell = allow_shell;
  options.runtime = runtime;
  options.umask = process_umask();
  // Relative paths start where the stage runner would start them: the
  // current directory on the live system, the root's "/" anywhere else.
  options.cwd = "/";
  if (root.root_dir() == "/") {
    char buf[4096];
    if (::getcwd(buf, sizeof buf) != nullptr) options.cwd = buf;
  }
  if (simulated) {
    options.mode = *simulated;
    options.mode_detected = true;
  } else if (std::optional<BootMode> detected = detect_mode(root)) {
    options.mode = *detected;
    options.mode_detected = true;
  }
  return options;
}

}  // namespace bootassess
