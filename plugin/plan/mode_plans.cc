#include "plan/mode_plans.h"

namespace bootassess {
namespace {

class RecordingExecutor final : public ActionExecutor {
 public:
  ApplyResult execute(const Action&) override { return {true, true, {}}; }
};

}  // namespace

std::vector<ModePlan> plan_modes(const RootView& base, const std::vector<Source>& sources,
                                 std::span<const BootMode> modes, const PlanOptions& options) {
  std::vector<ModePlan> plans;
  for (BootMode mode : modes) {
    ModePlan plan;
    plan.mode = mode;
    PlanOptions per_mode = options;
    per_mode.mode = mode;
    per_mode.mode_detected = true;
    per_mode.simulated_mode = mode;
    per_mode.allow_shell = false;
    RecordingExecutor executor;
    Planner planner(base, per_mode, executor, [&](const PlanEvent& e) {
      switch (e.kind) {
        case PlanEvent::Kind::started:
          plan.steps.push_back({e.step_ref, e.step, e.where, true, e.undecided.has_value(), {}});
          break;
        case PlanEvent::Kind::skipped:
          plan.steps.push_back({e.step_ref, e.step, e.where, false, false, e.reason});
          break;
        case PlanEvent::Kind::action:
          plan.actions.push_back({e.action, e.undecided});
          break;
        case PlanEvent::Kind::diagnostic:
          plan.diagnostics.push_back(e.diagnostic);
          break;
      }
    });
    planner.run(sources);
    plan.failed = planner.failed();
    plans.push_back(std::move(plan));
  }
  return plans;
}

}  // namespace bootassess
