#include "plan/mode_plans.h"

namespace bootassess {
namespace {

class RecordingExecutor final : public ActionExecutor {
 public:
  ActionResult execute(const Action&) override { return {true, true, {}}; }
};

}  // namespace

std::vector<ModePlan> plan_modes(const RootView& base, const std::vector<Source>& sources,
                                 std::span<const BootMode> modes, const PlanOptions& options) {
  std::vector<ModePlan> plans;
  for (BootMode mode : modes) {
    ModePlan plan;
    plan.mode = mode;
    plan.counted = options.counting.counted;
    plan.counting_shown = false;
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

std::string plan_label(const ModePlan& plan) {
  std::string label(mode_name(plan.mode));
  if (plan.counting_shown) label += plan.counted ? "/counted" : "/uncounted";
  return label;
}

std::vector<ModePlan> plan_modes_and_countings(const RootView& base,
                                               const std::vector<Source>& sources,
                                               std::span<const BootMode> modes,
                                               const PlanOptions& options) {
  std::vector<ModePlan> plans;
  for (BootMode mode : modes) {
    for (bool counted : {true, false}) {
      PlanOptions per_counting = options;
      per_counting.counting = Counting{counted, std::nullopt, true};
      std::vector<ModePlan> one = plan_modes(base, sources, std::span(&mode, 1), per_counting);
      one.front().counting_shown = true;
      plans.push_back(std::move(one.front()));
    }
  }
  return plans;
}

namespace {

bool same_actions(const ModePlan& a, const ModePlan& b) {
  if (a.actions.size() != b.actions.size() || a.steps.size() != b.steps.size()) return false;
  for (std::size_t i = 0; i < a.actions.size(); ++i) {
    const Action& x = a.actions[i].action;
    const Action& y = b.actions[i].action;
    if (x.kind != y.kind || x.path != y.path || x.content != y.content || x.mode != y.mode ||
        x.uid != y.uid || x.gid != y.gid || x.target != y.target ||
        a.actions[i].undecided != b.actions[i].undecided) {
      return false;
    }
  }
  for (std::size_t i = 0; i < a.steps.size(); ++i) {
    if (a.steps[i].step != b.steps[i].step || a.steps[i].ran != b.steps[i].ran ||
        a.steps[i].reason != b.steps[i].reason) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::vector<ModePlan> merge_alike_countings(std::vector<ModePlan> plans) {
  std::vector<ModePlan> out;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    if (i + 1 < plans.size() && plans[i].mode == plans[i + 1].mode &&
        same_actions(plans[i], plans[i + 1])) {
      ModePlan merged = std::move(plans[i + 1]);  // the uncounted one: no reboot assumed
      merged.counting_shown = false;
      for (Diagnostic& d : plans[i].diagnostics)
        merged.diagnostics.push_back(std::move(d));
      out.push_back(std::move(merged));
      ++i;
      continue;
    }
    out.push_back(std::move(plans[i]));
  }
  return out;
}

}  // namespace bootassess
