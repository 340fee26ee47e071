#include "lint/validate.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "diag/rule_ids.h"
#include "lint/check_rules.h"
#include "lint/directive_rules.h"
#include "lint/mode_rules.h"
#include "lint/node_rules.h"
#include "lint/written_units.h"
#include "plan/mode_plans.h"
#include "root/empty_root.h"

namespace bootassess {
namespace {

using namespace std::string_view_literals;

// Planner findings that hold whatever the root holds; the others (a unit or
// user that does not exist in an empty root) say nothing about the
// configuration.
constexpr std::array kRootIndependent{"content-decode"sv,       "condition-template"sv,
                                      "override-empty"sv,       "override-unit"sv,
                                      "systemctl-start"sv,      "runner-key"sv,
                                      "condition-undecided"sv,  "systemd-invalid-unit-name"sv,
                                      "systemd-name-escaped"sv, "systemd-path-argument"sv,
                                      "boot-assessment"sv,      "after-unknown"sv,
                                      "after-self"sv,           "after-cycle"sv,
                                      "step-name-clash"sv,      "systemctl-shell"sv,
                                      "systemctl-word-split"sv, "after-concurrent"sv,
                                      "condition-needs-shell"sv};
static_assert(std::ranges::all_of(kRootIndependent, is_rule_id));

// Findings of a plan against an image's root (`validate --root`) that say
// the image lacks something the configuration needs: a gated unit (the boot
// would go ungated for it, and the stage runner ignores the error), a unit
// that is enabled, an enabled one that the image masks, or the binary the
// health checks' units run (every check would fail). Errors only: the same
// rules are notes or warnings where nothing is lost (disabling a unit that is
// absent).
constexpr std::array kImageRules{"boot-assessment-unit-missing"sv, "systemd-unit-missing"sv,
                                 "systemd-unit-masked"sv, "check-binary-missing"sv};

// The stage runs to plan: Kairos runs X.before, X and X.after one after the
// other, so they are planned together; any other stage on its own.
std::vector<std::vector<std::string>> stage_runs(const std::vector<Source>& sources) {
  std::set<std::string> names;
  for (const Source& s : sources) {
    for (const Document& d : s.documents) {
      for (const auto& [stage, steps] : d.stages)
        names.insert(stage);
    }
  }
  auto base_of = [](const std::string& name) {
    for (std::string_view suffix : {".before", ".after"}) {
      if (name.size() > suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        return name.substr(0, name.size() - suffix.size());
      }
    }
    return name;
  };
  std::map<std::string, std::vector<std::string>> runs;
  for (const std::string& name : names) {
    const std::string base = base_of(name);
    std::vector<std::string>& run = runs[base];
    if (!run.empty()) continue;
    for (const std::string& stage : {base + ".before", base, base + ".after"}) {
      if (names.count(stage) != 0) run.push_back(stage);
    }
  }
  std::vector<std::vector<std::string>> out;
  for (auto& [base, run] : runs)
    out.push_back(std::move(run));
  return out;
}

}  // namespace

std::vector<Diagnostic> validate_sources(const std::vector<Source>& sources,
                                         const Diagnostics& loaded, bool no_shell,
                                         const RootView* image) {
  // Each plan of a mode finds the same things again: held once, so that
  // only distinct findings count towards a rule's lines shown.
  Diagnostics all(true);
  all.append(loaded);
  EmptyRoot empty;
  const lint::ContentLocator locator(sources);
  for (const std::vector<std::string>& stages : stage_runs(sources)) {
    PlanOptions options;
    options.stages = stages;
    options.hypothetical_root = true;
    options.no_shell = no_shell;
    options.umask = 022;  // the usual one: findings must not depend on who validates
    // Each mode as a counted and as an uncounted boot: whether systemd-boot
    // counts a boot changes what a reboot does, and what starts.
    std::vector<ModePlan> plans =
        plan_modes_and_countings(empty, sources, planned_modes(), options);
    std::set<std::string> checked;
    for (const ModePlan& plan : plans) {
      for (const Diagnostic& d : plan.diagnostics) {
        if (std::find(kRootIndependent.begin(), kRootIndependent.end(), d.rule) !=
            kRootIndependent.end()) {
          all.add(d);
        }
      }
      for (const PlannedAction& p : plan.actions) {
        if (p.action.kind != ActionKind::write) continue;
        std::optional<lint::UnitPath> unit = lint::unit_path_of(p.action.path);
        if (!unit || !checked.insert(p.action.origin.str() + p.action.path).second) continue;
        lint::check_directives(lint::parse_directives(p.action, locator), unit->unit, all);
      }
    }
    lint::check_modes(plans, locator, all);
    lint::check_node_breaking(sources, plans, all);
    if (image == nullptr) continue;
    // The same runs against the image itself: units are looked up there.
    options.hypothetical_root = false;
    for (const ModePlan& plan :
         plan_modes_and_countings(*image, sources, planned_modes(), options)) {
      for (const Diagnostic& d : plan.diagnostics) {
        if (d.severity == Severity::error &&
            std::find(kImageRules.begin(), kImageRules.end(), d.rule) != kImageRules.end()) {
          all.add(d);
        }
      }
    }
  }

  lint::check_health_checks(sources, lint::read_start_limits(empty), all);

  std::vector<Diagnostic> out = all.items();
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.where.file != b.where.file) return a.where.file < b.where.file;
    // A finding about a whole file (line 0) follows the ones that explain it.
    if (a.where.line != b.where.line) {
      if (a.where.line == 0 || b.where.line == 0) return b.where.line == 0;
      return a.where.line < b.where.line;
    }
    return a.where.column < b.where.column;
  });
  return out;
}

}  // namespace bootassess
