#include "cli/apply_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>

#include "apply/interrupt.h"
#include "apply/root_lock.h"
#include "cli/session.h"

namespace bootassess {
namespace {

void report_put_failure(ApplyLog& log, const Position& where, const std::string& message) {
  Diagnostic d;
  d.where = where;
  d.severity = Severity::error;
  d.rule = "apply-failed";
  d.message = message;
  log.diagnostic(d);
}

}  // namespace

int run_apply(const ApplyOptions& options) {
  ApplyLog log(options.verbosity, options.dry_run);
  std::string error;
  int err = 0;
  std::unique_ptr<DiskRoot> root = DiskRoot::open(options.root, error, &err);
  if (!root) {
    fmt::print(stderr, "bootassess: error: {}\n", error);
    return root_error_status(err);
  }
  std::optional<RootLock> lock;
  if (!options.dry_run) {
    catch_interruptions();
    lock = RootLock::acquire(root->fd(), root->root_dir(), lock_wait_from_environment(), error);
    if (!lock) {
      fmt::print(stderr, "bootassess: error: {}\n", error);
      return kExitFailed;
    }
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
  // A written file is reported once it is in place (or its failure, naming
  // it, when it could not be put there), never before.
  std::vector<PlanEvent> waiting;
  disk.on_published([&] {
    std::vector<PutFailure> failures = disk.take_failures();
    for (const PlanEvent& e : waiting) {
      auto failed = std::find_if(failures.begin(), failures.end(),
                                 [&](const PutFailure& f) { return f.path == e.action.path; });
      if (failed == failures.end()) {
        log.event(e);
        continue;
      }
      report_put_failure(log, e.action.origin, failed->message);
      failures.erase(failed);
    }
    waiting.clear();
    for (const PutFailure& f : failures)
      report_put_failure(log, {}, f.message);
  });
  Planner planner(*root, plan, executor, [&](const PlanEvent& e) {
    if (!options.dry_run && e.kind == PlanEvent::Kind::action && e.result.ok && e.result.changed &&
        disk.waiting(e.action.path)) {
      waiting.push_back(e);
      return;
    }
    log.event(e);
  });
  planner.run(sources);
  const std::optional<Diagnostic> unread = root_read_failure(*root);
  if (unread) log.diagnostic(*unread);

  log.summary(fmt::format("bootassess: mode {}{}, {}{}", mode_name(plan.mode),
                          simulated ? " (simulated)" : "", describe_counting(plan.counting),
                          plan.counting.simulated ? " (simulated)" : ""));
  if (planner.failed() || any_failed(sources) || load_diagnostics.has_errors() ||
      counting_diagnostics.has_errors() || unread) {
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace bootassess
