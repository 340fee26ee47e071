// The `boot_assessment:` step module: per boot, per unit, a drop-in under
// /run/systemd/system that orders the unit before boot-complete.target and
// makes it RequiredBy= it, plus the runtime enablement link; and the link
// multi-user.target.wants/boot-complete.target, so that the target, and with
// it every gated unit, is started on every boot of a gated mode, counted or
// not (with a drop-in that keeps that from making an ordering cycle). FailureAction=reboot is added
// only on a boot that systemd-boot counts and whose mode asked for it: on any other boot a reboot
// boots the same entry again, for ever. Everything lives in /run, so nothing carries over into the
// next boot, whatever its mode or counting.
#include "plan/boot_assessment.h"

#include <fmt/format.h>

#include <algorithm>

#include "plan/health_check.h"
#include "plan/planner.h"
#include "root/path.h"
#include "root/resolve.h"
#include "systemd/enablement.h"
#include "systemd/search_path.h"
#include "systemd/unit_name.h"

namespace bootassess {
namespace {

constexpr std::string_view kPulledBy = "multi-user.target";

// A gate starts its units, so by default it applies only where the node runs
// its own services: active and passive boot the installed system with its
// persistent configuration. Recovery and autoreset boot a minimal, ephemeral
// system where those services do not normally run (and Kairos counts their
// entries too): gating there must be asked for.
constexpr BootMode kDefaultModes[] = {BootMode::active, BootMode::passive};

struct ModeAt {
  BootMode mode;
  Position pos;
};

bool contains(const std::vector<ModeAt>& modes, BootMode mode) {
  return std::any_of(modes.begin(), modes.end(), [&](const ModeAt& m) { return m.mode == mode; });
}

// `held_back`: the mode reboots on failure, but this boot is not counted.
std::string dropin_content(const std::string& step, BootMode mode, bool reboot, bool held_back) {
  std::string text =
      fmt::format("# Boot assessment gate for this boot ({} mode), written by bootassess: {}\n",
                  mode_name(mode), step);
  if (held_back) {
    text +=
        "# No FailureAction=reboot: systemd-boot does not count this boot, so a reboot would "
        "boot the same entry again\n";
  }
  text +=
      "[Unit]\n"
      "After=default.target graphical.target multi-user.target\n"
      "Before=boot-complete.target\n";
  if (reboot) text += "FailureAction=reboot\n";
  text += "\n[Install]\nRequiredBy=boot-complete.target\n";
  return text;
}

// Whether a unit file for `unit` (or its template) is anywhere on the search
// path: the gate is refused for a unit that does not exist.
bool unit_exists(const RootView& view, const std::string& unit) {
  std::vector<std::string> names{unit};
  if (std::optional<std::string> tmpl = systemd::template_of(unit); tmpl && *tmpl != unit) {
    names.push_back(*tmpl);
  }
  const systemd::SearchPath search = systemd::SearchPath::for_root(view);
  for (const std::string& dir : search.dirs()) {
    for (const std::string& name : names) {
      if (view.lstat(path::join(dir, name))) return true;
    }
  }
  return false;
}

}  // namespace

void Planner::plan_boot_assessment(const Step& step) {
  if (!step.boot_assessment) return;
  const BootAssessmentStep& gate = *step.boot_assessment;
  const std::string label = step.name.empty() ? gate.pos.file_line() : step.name;

  // The configuration first: any mistake refuses the whole step, so that a
  // half-understood gate never reaches the disk.
  bool refused = false;
  auto read_modes = [&](const std::vector<Located<std::string>>& names, const char* key) {
    std::vector<ModeAt> modes;
    for (const Located<std::string>& name : names) {
      std::optional<BootMode> mode = parse_mode(name.value);
      if (!mode || *mode == BootMode::unknown) {
        report(Severity::error, name.pos, "boot-assessment",
               fmt::format("'{}' in `{}` is not a boot mode (active, passive, recovery, "
                           "autoreset, live); the gate is not applied",
                           name.value, key));
        refused = true;
        continue;
      }
      modes.push_back({*mode, name.pos});
    }
    return modes;
  };
  std::vector<ModeAt> modes;
  for (BootMode m : kDefaultModes)
    modes.push_back({m, gate.pos});
  if (gate.modes) {
    modes = read_modes(*gate.modes, "modes");
    if (gate.modes->empty()) {
      report(Severity::warning, gate.pos, "boot-assessment",
             "`modes` is empty: the gate never applies", "omit `modes` for the default");
    }
  }
  std::vector<ModeAt> reboot{{BootMode::active, gate.pos}};
  if (gate.reboot_on_failure) reboot = read_modes(*gate.reboot_on_failure, "reboot_on_failure");
  const bool accepted = gate.accept_boot_loop_risk && gate.accept_boot_loop_risk->value;
  if (gate.units.empty() && gate.checks.empty()) {
    report(Severity::error, gate.pos, "boot-assessment",
           "`boot_assessment` needs `units` or `checks`: the services whose success, or the "
           "checks whose passing, marks the boot good");
    refused = true;
  }
  Diagnostics check_findings;
  if (!check_configuration(gate, check_findings)) refused = true;
  for (const Diagnostic& d : check_findings.items())
    report(d.severity, d.where, d.rule, d.message, d.fix);
  for (const ModeAt& r : reboot) {
    if (r.mode == BootMode::live || !contains(modes, r.mode)) {
      report(Severity::error, r.pos, "boot-assessment",
             fmt::format("`reboot_on_failure` names {}, where the gate does not apply "
                         "(`modes`{}); the gate is not applied",
                         mode_name(r.mode),
                         r.mode == BootMode::live ? ", and never on live media" : ""));
      refused = true;
    } else if (r.mode != BootMode::active && !accepted) {
      report(Severity::error, r.pos, "boot-assessment",
             fmt::format("rebooting on failure on {} boots can loop: a service that fails "
                         "there usually fails on every boot of that entry; the gate is not "
                         "applied",
                         mode_name(r.mode)),
             "add `accept_boot_loop_risk: true` if you mean it");
      refused = true;
    }
  }
  if (refused) return;

  const BootMode mode = options_.mode;
  if (!options_.mode_detected || mode == BootMode::live || !contains(modes, mode)) {
    report(Severity::note, gate.pos, "boot-assessment-inactive",
           fmt::format("the boot assessment gate does not apply on {} boots: nothing written",
                       options_.mode_detected ? mode_name(mode) : "undetected"));
    return;
  }
  const bool counted = options_.counting.counted;
  const bool reboots = contains(reboot, mode) && counted;
  bool any_gated = false;
  if (contains(reboot, mode) && !counted) {
    report(Severity::warning, gate.pos, "boot-assessment-uncounted",
           fmt::format("this boot is not counted ({}), so a failure does not reboot: the same "
                       "entry would boot again, for ever; the units are still started and gate "
                       "boot-complete.target",
                       options_.counting.simulated
                           ? "simulated"
                           : "no valid LoaderBootCountPath EFI variable: a GRUB install, or an "
                             "entry already blessed"));
  }
  for (const Located<std::string>& unit_name : gate.units) {
    std::optional<systemd::MangledName> unit = systemd::mangle_unit_name(unit_name.value);
    if (!unit) {
      report(Severity::error, unit_name.pos, "boot-assessment",
             fmt::format("'{}' is not a unit name", unit_name.value));
      continue;
    }
    if (!options_.hypothetical_root && !unit_exists(view_, unit->name)) {
      report(Severity::error, unit_name.pos, "boot-assessment-unit-missing",
             fmt::format("{} does not exist in the root: no gate is written for it", unit->name));
      continue;
    }
    // The drop-in and the link are planned together on a scratch layer, so
    // a unit whose enablement fails gets neither.
    FileRequest request;
    request.path = path::join(path::join(systemd::kRuntimeConfigDir, unit->name + ".d"),
                              kBootAssessmentDropin);
    request.content = dropin_content(label, mode, reboots, contains(reboot, mode) && !counted);
    request.origin = unit_name.pos;
    ItemPlan plan = plan_file(view_, request, "/");
    if (!plan.error.empty() || options_.hypothetical_root) {
      // An error is reported by commit; in a stand-in root there is no unit
      // file to link to, and the drop-in alone is what can be checked.
      commit(plan, unit_name.pos);
      continue;
    }
    any_gated |= commit_with_links(std::move(plan), unit_name.pos, [&](const RootView& planned) {
      return systemd::plan_enable(planned, systemd::UnitRequest{unit->name, unit_name.pos},
                                  systemd::Scope::runtime);
    });
  }
  any_gated |= plan_checks(gate, label, reboots, contains(reboot, mode) && !counted);
  if (any_gated) pull_in_boot_complete(gate.pos);
}

// Each check's unit, and for a required one the gate's drop-in, linked as
// a gated unit is: the unit and its drop-in are committed with their links.
bool Planner::plan_checks(const BootAssessmentStep& gate, const std::string& label, bool reboots,
                          bool held_back) {
  if (gate.checks.empty()) return false;
  const BootMode mode = options_.mode;
  const std::string binary = check_binary(gate);
  if (!options_.hypothetical_root && !view_.lstat(binary)) {
    const Position& where = gate.check_binary ? gate.check_binary->pos : gate.pos;
    report(Severity::error, where, "check-binary-missing",
           fmt::format("{} does not exist in the root: every check of this step fails, as its "
                       "unit cannot run",
                       binary),
           gate.check_binary ? std::string("install bootassess there")
                             : fmt::format("install bootassess as {}, or set `check_binary`",
                                           kDefaultCheckBinary));
  }
  bool any = false;
  for (const HealthCheck& check : gate.checks) {
    const std::string unit = check_unit_name(check.name.value);
    FileRequest unit_file;
    unit_file.path = path::join(systemd::kRuntimeConfigDir, unit);
    unit_file.content = check_unit_content(check, binary, label, mode);
    unit_file.origin = check.pos;
    ItemPlan plan = plan_file(view_, unit_file, "/");
    if (plan.error.empty() && check.is_required()) {
      FileRequest dropin;
      dropin.path =
          path::join(path::join(systemd::kRuntimeConfigDir, unit + ".d"), kBootAssessmentDropin);
      dropin.content = dropin_content(label, mode, reboots, held_back);
      dropin.origin = check.pos;
      // Planned over the unit file, so that its parent directory is known.
      OverlayRoot over(static_cast<const RootView&>(view_));
      for (const Action& a : plan.actions)
        over.record(a);
      ItemPlan more = plan_file(over, dropin, "/");
      if (!more.error.empty()) plan.error = more.error;
      plan.actions.insert(plan.actions.end(), more.actions.begin(), more.actions.end());
    }
    if (!plan.error.empty()) {
      commit(plan, check.pos);
      continue;
    }
    any |= commit_with_links(std::move(plan), check.pos, [&](const RootView& planned) {
      return systemd::plan_enable(planned, systemd::UnitRequest{unit, check.pos},
                                  systemd::Scope::runtime);
    });
  }
  return any;
}

// `systemctl --runtime add-wants multi-user.target boot-complete.target`: on
// a counted boot systemd-bless-boot.service pulls the target in, on any other
// boot nothing does, and the units that only it requires would never start.
//
// A target orders itself after what it wants, unless it is already ordered
// before it: multi-user.target would wait for boot-complete.target, which
// waits for the gated units, which wait for multi-user.target, an ordering
// cycle that systemd breaks by dropping a job. The drop-in orders
// boot-complete.target after multi-user.target, so that systemd adds nothing.
void Planner::pull_in_boot_complete(const Position& origin) {
  FileRequest request;
  request.path =
      path::join(path::join(systemd::kRuntimeConfigDir, std::string(kBootCompleteTarget) + ".d"),
                 kBootAssessmentDropin);
  request.content = fmt::format(
      "# Written by bootassess: {} pulls this target in on every gated boot; ordered\n"
      "# after it, so that {} is not ordered after the gated units\n"
      "[Unit]\n"
      "After={}\n",
      kPulledBy, kPulledBy, kPulledBy);
  request.origin = origin;
  ItemPlan plan = plan_file(view_, request, "/");
  if (!plan.error.empty()) {
    commit(plan, origin);
    return;
  }
  commit_with_links(std::move(plan), origin, [&](const RootView& planned) {
    return systemd::plan_add_wants(planned, kPulledBy,
                                   systemd::UnitRequest{std::string(kBootCompleteTarget), origin},
                                   systemd::Scope::runtime);
  });
}

// The links are planned over the root as `plan` leaves it, and committed
// with it: a drop-in whose links fail is not written either.
bool Planner::commit_with_links(ItemPlan plan, const Position& origin,
                                const std::function<systemd::Outcome(const RootView&)>& link) {
  // Layered over the plan so far, not a copy of it.
  OverlayRoot scratch(static_cast<const RootView&>(view_));
  for (const Action& a : plan.actions)
    scratch.record(a);
  systemd::Outcome linked = link(scratch);
  for (const Diagnostic& d : linked.diagnostics.items()) {
    report(d.severity, d.where, d.rule, d.message, d.fix);
  }
  if (linked.failed) {
    failed_ = true;
    return false;
  }
  plan.actions.insert(plan.actions.end(), linked.actions.begin(), linked.actions.end());
  commit(plan, origin);
  return true;
}

}  // namespace bootassess
