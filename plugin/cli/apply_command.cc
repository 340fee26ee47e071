#include "cli/apply_command.h"

#include <fmt/format.h>

#include <cmath>

#include "cli/session.h"

namespace bootassess {

int run_apply(const ApplyOptions& options) {
  ApplyLog log(options.verbosity, options.dry_run);
  std::string error;
  std::unique_ptr<DiskRoot> root = DiskRoot::open(options.root, error);
  if (!root) {
    fmt::print(stderr, "bootassess: error: {}\n", error);
    return kExitUsage;
  }
  // Every change to the root during the run is its own, or a shell's.
  root->remember_lookups();
  std::optional<BootMode> simulated;
  if (options.mode != "auto") simulated = parse_mode(options.mode);

  Diagnostics load_diagnostics;
  std::vector<Source> sources = load_sources(options.sources, load_diagnostics);
  for (const Diagnostic& d : load_diagnostics.items())
    log.diagnostic(d);

  // A dry run starts no shell: a shell condition could change something.
  Diagnostics counting_diagnostics;
  PlanOptions plan =
      plan_options(*root, options.stages, simulated, parse_counting(options.counting),
                   !options.dry_run && !options.no_shell, options.runtime, counting_diagnostics);
  plan.no_shell = options.no_shell;
  plan.condition_timeout =
      std::chrono::milliseconds(std::llround(options.condition_timeout * 1000.0));
  for (const Diagnostic& d : counting_diagnostics.items())
    log.diagnostic(d);
  if (!plan.mode_detected) {
    // A named, default-constructed value: GCC 12 at -O3 takes the braced
    // temporary's Position for uninitialized (-Wmaybe-uninitialized).
    Diagnostic no_mode;
    no_mode.severity = Severity::warning;
    no_mode.rule = "mode-unknown";
    no_mode.message = fmt::format("no boot-mode sentinel under {}/run/cos: conditions see no mode",
                                  root->root_dir() == "/" ? "" : root->root_dir());
    no_mode.fix = "pass --mode to simulate one";
    log.diagnostic(no_mode);
  }
  RecordOnlyExecutor record_only;
  DiskExecutor disk(*root, plan.umask);
  ActionExecutor& executor = options.dry_run ? static_cast<ActionExecutor&>(record_only) : disk;
  Planner planner(*root, plan, executor, [&](const PlanEvent& e) { log.event(e); });
  planner.run(sources);

  log.summary(fmt::format("bootassess: mode {}{}, {}{}", mode_name(plan.mode),
                          simulated ? " (simulated)" : "", describe_counting(plan.counting),
                          plan.counting.simulated ? " (simulated)" : ""));
  if (planner.failed() || any_failed(sources) || load_diagnostics.has_errors() ||
      counting_diagnostics.has_errors()) {
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace bootassess
