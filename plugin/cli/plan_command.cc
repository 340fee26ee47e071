#include "cli/plan_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>

#include "cli/session.h"
#include "lint/validate.h"
#include "report/plan_report.h"

namespace bootassess {

constexpr const char* kPlanFooter =
    "Exit status:\n"
    "  0  planned\n"
    "  1  some item would fail, or a source cannot be used\n"
    "  2  usage error\n"
    "\n"
    "Examples:\n"
    "  bootassess plan --all-modes --root ./image-root /etc/bootassess/\n"
    "      every boot mode, counted and not, against an image's root\n"
    "  bootassess plan --mode active --counting counted --format json boot.yaml\n"
    "      one counted active boot, as JSON\n";

namespace {

// On a workstation, `/` is neither a Kairos node (no /run/cos) nor an
// image: say how to plan for one.
std::string development_host_note(const DiskRoot& root, const std::string& root_arg) {
  if (root_arg != "/") return {};
  if (root.lstat("/run/cos")) return {};
  return "Note: / is not a Kairos node (no /run/cos): this plans against this host's units. To "
         "plan for an image, extract its root and pass --root DIR; on a node, plan without "
         "--root reads the node's own boot mode and units.";
}

}  // namespace

int run_plan(const PlanCommandOptions& options) {
  std::string error;
  int err = 0;
  std::unique_ptr<DiskRoot> root = DiskRoot::open(options.root, error, &err);
  if (!root) {
    fmt::print(stderr, "bootassess: error: {}\n", error);
    return root_error_status(err);
  }
  std::vector<BootMode> modes;
  if (options.all_modes) {
    modes.assign(planned_modes().begin(), planned_modes().end());
  } else if (options.mode == "auto") {
    std::optional<BootMode> detected = detect_mode(*root);
    modes.push_back(detected.value_or(BootMode::unknown));
  } else {
    modes.push_back(parse_mode(options.mode).value_or(BootMode::unknown));
  }

  Diagnostics load_diagnostics;
  std::vector<Source> sources = load_sources(options.sources, load_diagnostics);
  PlanOptions plan =
      plan_options(*root, options.stages, std::nullopt, parse_counting(options.counting), false,
                   options.runtime, load_diagnostics);
  plan.no_shell = options.no_shell;
  // Every mode is planned as a counted and as an uncounted boot, and shown
  // once where the two plan alike.
  std::vector<ModePlan> plans =
      options.all_modes
          ? merge_alike_countings(plan_modes_and_countings(*root, sources, modes, plan))
          : plan_modes(*root, sources, modes, plan);
  std::vector<Diagnostic> diagnostics = merged_diagnostics(load_diagnostics.items(), plans);
  if (std::optional<Diagnostic> unread = root_read_failure(*root)) diagnostics.push_back(*unread);
  // What `validate` finds wrong with the same sources (a boot loop in some
  // mode, say) is shown here too, once.
  const std::vector<Diagnostic> planned_errors = diagnostics;
  for (const Diagnostic& d : validate_sources(sources, load_diagnostics, options.no_shell)) {
    if (d.severity != Severity::error) continue;
    const std::string line = format_diagnostic(d);
    const bool shown =
        std::any_of(planned_errors.begin(), planned_errors.end(),
                    [&](const Diagnostic& p) { return format_diagnostic(p) == line; });
    if (!shown) diagnostics.push_back(d);
  }

  PlanTextOptions text;
  text.verbose = options.verbose;
  text.header_note = development_host_note(*root, options.root);
  const std::string report = options.format == "json" ? plan_json(plans, diagnostics)
                                                      : plan_text(plans, diagnostics, text);
  std::fwrite(report.data(), 1, report.size(), stdout);

  bool failed =
      any_failed(sources) || load_diagnostics.has_errors() || !root->read_failure().empty();
  for (const ModePlan& p : plans)
    failed = failed || p.failed;
  return failed ? kExitFailed : kExitOk;
}

RunCommand add_plan_command(CLI::App& app) {
  auto plan = std::make_shared<PlanCommandOptions>();
  CLI::App* cmd = app.add_subcommand("plan", "Show what each boot mode would get; touch nothing");
  cmd->footer(kPlanFooter);
  cmd->add_option("-s,--stage", plan->stages,
                  "Stage to plan (repeatable, in order; default: initramfs)")
      ->allow_extra_args(false);
  cmd->add_option("--root", plan->root, "Root directory to read")->capture_default_str();
  CLI::Option* plan_mode =
      cmd->add_option("--mode", plan->mode, "Boot mode to plan (auto reads ROOT/run/cos)")
          ->check(one_of("boot mode", mode_choices(true)));
  CLI::Option* plan_counting =
      cmd->add_option("--counting", plan->counting,
                      "Boot counting to plan: auto reads ROOT's LoaderBootCountPath EFI "
                      "variable, or counted or uncounted (--all-modes plans both)")
          ->check(one_of("counting", {"auto", "counted", "uncounted"}))
          ->capture_default_str();
  cmd->add_flag("--all-modes", plan->all_modes, "Plan active, passive, recovery, autoreset, live")
      ->excludes(plan_mode)
      ->excludes(plan_counting);
  cmd->add_flag("--runtime", plan->runtime,
                "Plan systemd links and overrides under /run/systemd/system");
  cmd->add_flag("--no-shell", plan->no_shell, kNoShellHelp);
  cmd->add_flag("-v,--verbose", plan->verbose,
                "Also show the parent directories made only for what is below them");
  cmd->add_option("--format", plan->format, "Output format")
      ->check(one_of("format", {"text", "json"}))
      ->capture_default_str();
  cmd->add_option("SOURCE", plan->sources, "File, directory or - for standard input")->required();
  return [plan] {
    if (!stages_are_plausible("plan", plan->stages)) return kExitUsage;
    if (plan->mode.empty() && !plan->all_modes) {
      std::cerr << "bootassess plan: one of --mode or --all-modes is required\n";
      return kExitUsage;
    }
    return run_plan(*plan);
  };
}

}  // namespace bootassess
