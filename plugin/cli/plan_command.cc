#include "cli/plan_command.h"

#include <fmt/format.h>

#include "cli/session.h"
#include "report/plan_report.h"

namespace bootassess {

int run_plan(const PlanCommandOptions& options) {
  std::string error;
  std::unique_ptr<DiskRoot> root = DiskRoot::open(options.root, error);
  if (!root) {
    fmt::print(stderr, "bootassess: error: {}\n", error);
    return kExitUsage;
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
  // Every mode is planned as a counted and as an uncounted boot, and shown
  // once where the two plan alike.
  std::vector<ModePlan> plans =
      options.all_modes
          ? merge_alike_countings(plan_modes_and_countings(*root, sources, modes, plan))
          : plan_modes(*root, sources, modes, plan);
  std::vector<Diagnostic> diagnostics = merged_diagnostics(load_diagnostics.items(), plans);

  const std::string report =
      options.format == "json" ? plan_json(plans, diagnostics) : plan_text(plans, diagnostics);
  std::fwrite(report.data(), 1, report.size(), stdout);

  bool failed = any_failed(sources) || load_diagnostics.has_errors();
  for (const ModePlan& p : plans)
    failed = failed || p.failed;
  return failed ? kExitFailed : kExitOk;
}

}  // namespace bootassess
