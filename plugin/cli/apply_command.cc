#include "cli/apply_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <memory>

#include "apply/interrupt.h"
#include "apply/root_lock.h"
#include "cli/session.h"

namespace bootassess {

constexpr const char* kApplyFooter =
    "Exit status:\n"
    "  0  success (skipped steps are success)\n"
    "  1  some item failed; every other item was still applied, as yip does\n"
    "  2  usage error\n"
    "\n"
    "Examples:\n"
    "  bootassess apply /etc/bootassess/\n"
    "      on the node, from an initramfs stage: mode and counting read from the root\n"
    "  bootassess apply --dry-run --root ./image-root --mode passive boot.yaml\n"
    "      what a passive boot would write into an image root; touches nothing\n";
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

RunCommand add_apply_command(CLI::App& app) {
  auto apply = std::make_shared<ApplyOptions>();
  auto quiet = std::make_shared<bool>(false);
  auto verbose = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("apply", "Apply the stage's steps to the root");
  cmd->footer(kApplyFooter);
  cmd->add_option("-s,--stage", apply->stages,
                  "Stage to run (repeatable, in order; default: initramfs)")
      ->allow_extra_args(false);
  cmd->add_option("--root", apply->root, "Root directory to work on")->capture_default_str();
  cmd->add_option("--mode", apply->mode, "Boot mode: auto reads ROOT/run/cos, or simulate one")
      ->check(one_of("boot mode", mode_choices(true)))
      ->capture_default_str();
  cmd->add_option("--counting", apply->counting,
                  "Boot counting: auto reads ROOT's LoaderBootCountPath EFI variable, or "
                  "simulate a counted or uncounted boot")
      ->check(one_of("counting", {"auto", "counted", "uncounted"}))
      ->capture_default_str();
  cmd->add_flag("--dry-run", apply->dry_run, "Show what would change; touch nothing");
  cmd->add_flag("--runtime", apply->runtime,
                "Write systemd links and overrides under /run/systemd/system");
  cmd->add_flag("--no-shell", apply->no_shell, kNoShellHelp);
  cmd->add_option("--condition-timeout", apply->condition_timeout,
                  "Seconds a shell condition may run before it is killed with its process "
                  "group (an error at its position)")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.001, 86400.0).description(""))
      ->capture_default_str();
  CLI::Option* q = cmd->add_flag("-q,--quiet", *quiet, "Report errors only");
  cmd->add_flag("-v,--verbose", *verbose, "Report notes too")->excludes(q);
  cmd->add_option("SOURCE", apply->sources, "File, directory or - for standard input")->required();
  return [apply, quiet, verbose] {
    if (!stages_are_plausible("apply", apply->stages)) return kExitUsage;
    apply->verbosity = *quiet     ? Verbosity::quiet
                       : *verbose ? Verbosity::verbose
                                  : Verbosity::normal;
    return run_apply(*apply);
  };
}

}  // namespace bootassess
