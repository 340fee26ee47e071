#include "lint/mode_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "lint/directive_rules.h"
#include "plan/health_check.h"
#include "root/path.h"
#include "systemd/unit_file.h"

namespace bootassess::lint {
namespace {

constexpr std::string_view kBootComplete = "boot-complete.target";

// A finding that may hold in several modes: reported once, naming them.
class Findings {
 public:
  void add(Severity severity, const Position& where, std::string rule, std::string message,
           std::string fix, BootMode mode) {
    const std::string key = fmt::format("{}|{}|{}", where.str(), rule, message);
    auto [it, inserted] = items_.try_emplace(key);
    if (inserted) {
      order_.push_back(key);
      it->second.diagnostic = {where, severity, std::move(rule), std::move(message),
                               std::move(fix)};
    }
    const std::string name(mode_name(mode));
    std::vector<std::string>& modes = it->second.modes;
    if (std::find(modes.begin(), modes.end(), name) == modes.end()) modes.push_back(name);
  }
  // `{modes}` in a message is replaced by the list of modes.
  void emit(Diagnostics& out) const {
    for (const std::string& key : order_) {
      const Item& item = items_.at(key);
      Diagnostic d = item.diagnostic;
      const std::string modes = fmt::format("{}", fmt::join(item.modes, ", "));
      for (std::string* text : {&d.message, &d.fix}) {
        for (std::size_t at = text->find("{modes}"); at != std::string::npos;
             at = text->find("{modes}")) {
          text->replace(at, 7, modes);
        }
      }
      out.add(d);
    }
  }

 private:
  struct Item {
    Diagnostic diagnostic;
    std::vector<std::string> modes;
  };
  std::map<std::string, Item> items_;
  std::vector<std::string> order_;
};

bool mentions(const std::string& value, std::string_view word) {
  for (const std::string& w : systemd::split_unquoted_words(value).words) {
    if (w == word) return true;
  }
  return false;
}

// The units the steps that ran in this mode enable, and among them those a
// `boot_assessment` step gates (it enables them itself, and pulls
// boot-complete.target into every boot it gates).
struct Enabled {
  std::set<std::string> units;
  std::set<std::string> gated;
  // The units of wanted checks: ordered before the target, never required.
  std::set<std::string> wanted;
};

Enabled enabled_units(const ModePlan& plan) {
  Enabled out;
  for (const StepRun& run : plan.steps) {
    if (!run.ran || run.step == nullptr) continue;
    if (run.step->systemctl) {
      for (const Located<std::string>& u : run.step->systemctl->enable) {
        out.units.insert(unit_name_for(u.value));
      }
    }
    if (run.step->boot_assessment) {
      for (const Located<std::string>& u : run.step->boot_assessment->units) {
        out.units.insert(unit_name_for(u.value));
        out.gated.insert(unit_name_for(u.value));
      }
      for (const HealthCheck& c : run.step->boot_assessment->checks) {
        const std::string unit = check_unit_name(c.name.value);
        out.units.insert(unit);
        (c.is_required() ? out.gated : out.wanted).insert(unit);
      }
    }
  }
  return out;
}

// Whether the plan links boot-complete.target into some target's .wants/ or
// .requires/, so that it is started on a boot that systemd-boot does not
// count.
bool pulls_in_boot_complete(const ModePlan& plan) {
  for (const PlannedAction& p : plan.actions) {
    if (p.action.kind != ActionKind::symlink || path::basename(p.action.path) != kBootComplete) {
      continue;
    }
    const std::string dir = path::basename(path::dirname(p.action.path));
    for (std::string_view suffix : {std::string_view(".wants"), std::string_view(".requires")}) {
      if (dir.size() > suffix.size() && dir.substr(dir.size() - suffix.size()) == suffix &&
          dir.substr(0, dir.size() - suffix.size()) != kBootComplete) {
        return true;
      }
    }
  }
  return false;
}

void check_unit_in_mode(const std::string& unit, const std::vector<Directive>& directives,
                        const ModePlan& plan, const Enabled& enabled, bool boot_complete_pulled,
                        const ContentLocator& locator, Findings& findings) {
  const Directive* reboot = nullptr;  // the effective rebooting action, if any
  const Directive* required_by = nullptr;
  const Directive* before = nullptr;
  bool other_install = false;   // [Install] names some other target too
  bool unit_file_seen = false;  // the configuration writes the unit file itself
  for (const Directive& d : directives) {
    if (d.written_by != nullptr) {
      std::optional<UnitPath> written = unit_path_of(d.written_by->path);
      if (written && !written->dropin) unit_file_seen = true;
    }
    if (d.section == "Install" &&
        (d.key == "WantedBy" || d.key == "RequiredBy" || d.key == "UpheldBy")) {
      for (const std::string& w : systemd::split_unquoted_words(d.value).words) {
        if (w != kBootComplete) other_install = true;
      }
    }
    if (d.key == "FailureAction" || d.key == "SuccessAction") {
      reboot = is_rebooting_action(d.value) ? &d : nullptr;
    } else if (d.section == "Install" && d.key == "RequiredBy") {
      if (d.value.empty()) {
        required_by = nullptr;
      } else if (mentions(d.value, kBootComplete)) {
        required_by = &d;
      }
    } else if (d.section == "Unit" && d.key == "Before") {
      if (d.value.empty()) {
        before = nullptr;
      } else if (mentions(d.value, kBootComplete)) {
        before = &d;
      }
    }
  }
  const BootMode mode = plan.mode;
  if (reboot != nullptr &&
      (mode == BootMode::passive || mode == BootMode::recovery || mode == BootMode::autoreset) &&
      locator.loop_risk_accepted(*reboot->written_by)) {
    findings.add(Severity::warning, reboot->where, "boot-loop-risk",
                 fmt::format("{} gets {}={} on {{modes}} boots (accepted with "
                             "`accept_boot_loop_risk`): a failure there reboots into the same "
                             "entry again until its boot counter runs out",
                             unit, reboot->key, reboot->value),
                 "", mode);
  } else if (reboot != nullptr && (mode == BootMode::passive || mode == BootMode::recovery ||
                                   mode == BootMode::autoreset)) {
    findings.add(Severity::error, reboot->where, "boot-loop-risk",
                 fmt::format("{} gets {}={} on {{modes}} boots: if it fails there as well (a "
                             "broken service usually fails in every mode), the machine reboots "
                             "into the same fallback entry again, a boot loop",
                             unit, reboot->key, reboot->value),
                 "reboot on failure on active boots only (condition `[ -f "
                 "\"/run/cos/active_mode\" ]`), or use `boot_assessment:`",
                 mode);
  }
  if (required_by != nullptr && before == nullptr) {
    findings.add(Severity::warning, required_by->where, "gate-incomplete",
                 fmt::format("{} is RequiredBy={} but not ordered Before={} (on {{modes}} "
                             "boots): the target may be reached, and the boot marked good, "
                             "before {} has finished",
                             unit, kBootComplete, kBootComplete, unit),
                 fmt::format("add `Before={}` under [Unit]", kBootComplete), mode);
  }
  if (before != nullptr && required_by == nullptr && enabled.wanted.count(unit) == 0) {
    findings.add(
        Severity::warning, before->where, "gate-incomplete",
        fmt::format("{} is ordered Before={} but not RequiredBy= it (on {{modes}} "
                    "boots): its failure does not keep the boot from being marked good",
                    unit, kBootComplete),
        fmt::format("add `RequiredBy={}` under [Install] and enable {}", kBootComplete, unit),
        mode);
  }
  if (reboot != nullptr && plan.counting_shown && !plan.counted) {
    findings.add(Severity::error, reboot->where, "reboot-uncounted",
                 fmt::format("{} gets {}={} on {{modes}} boots that systemd-boot does not count "
                             "(every GRUB install, and every entry once a good boot blessed it): "
                             "a failure there reboots into the same entry again, for ever",
                             unit, reboot->key, reboot->value),
                 "use `boot_assessment:`, which reboots on failure only on counted boots", mode);
  }
  if (required_by != nullptr && enabled.units.count(unit) != 0 && enabled.gated.count(unit) == 0 &&
      !other_install && !boot_complete_pulled && plan.counting_shown && !plan.counted) {
    findings.add(
        unit_file_seen ? Severity::error : Severity::warning, required_by->where,
        "gate-counted-only",
        fmt::format("{} is enabled only through RequiredBy={}{}: only a boot that "
                    "systemd-boot counts pulls that target in, so on {{modes}} boots "
                    "that are not counted (GRUB installs, blessed entries) {} never "
                    "starts and no failure is ever seen",
                    unit, kBootComplete,
                    unit_file_seen ? "" : " (unless its unit file enables it elsewhere)", unit),
        "use `boot_assessment:`, which starts its units on every boot it gates", mode);
  }
  if (required_by != nullptr && enabled.units.count(unit) == 0) {
    findings.add(Severity::warning, required_by->where, "gate-not-enabled",
                 fmt::format("nothing enables {} on {{modes}} boots, so the link "
                             "{}.requires/{} is never made and the gate has no effect",
                             unit, kBootComplete, unit),
                 fmt::format("add `systemctl: {{enable: [{}]}}` to a step that runs then", unit),
                 mode);
  }
}

void check_paths_written_twice(const ModePlan& plan, Findings& findings) {
  std::map<std::string, std::vector<const Action*>> writes;
  for (const PlannedAction& p : plan.actions) {
    if (p.action.kind == ActionKind::write) writes[p.action.path].push_back(&p.action);
  }
  for (const auto& [p, list] : writes) {
    for (std::size_t i = 1; i < list.size(); ++i) {
      if (list[i]->content == list[i - 1]->content) continue;
      findings.add(Severity::warning, list[i]->origin, "path-written-twice",
                   fmt::format("{} is written twice with different content on {{modes}} boots: "
                               "this write wins over the one at {}",
                               p, list[i - 1]->origin.file_line()),
                   "give the steps conditions that exclude each other", plan.mode);
    }
  }
}

// Whether one of the few words before `at` negates what follows ("not on
// recovery", "skip on live", "non-active").
bool negated_before(const std::string& text, std::size_t at) {
  static const std::set<std::string> kNegations{
      "not",    "no",     "non",     "never",   "skip", "skips",   "skipped", "skipping",
      "except", "unless", "without", "outside", "but",  "besides", "other",   "than"};
  std::vector<std::string> words;
  std::string word;
  for (std::size_t i = 0; i < at; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (std::isalnum(c) != 0 || c == '\'') {
      word += static_cast<char>(c);
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(word);
  for (std::size_t k = 0; k < 3 && k < words.size(); ++k) {
    const std::string& w = words[words.size() - 1 - k];
    if (kNegations.count(w) != 0 || (w.size() > 3 && w.compare(w.size() - 3, 3, "n't") == 0)) {
      return true;
    }
  }
  return false;
}

void check_mode_claims(const std::vector<ModePlan>& plans, Diagnostics& out) {
  // step -> (mode -> ran), for steps whose outcome is known in every mode.
  std::map<const Step*, std::map<BootMode, bool>> ran;
  std::set<const Step*> undecided;
  std::vector<const Step*> order;
  for (const ModePlan& plan : plans) {
    for (const StepRun& run : plan.steps) {
      if (run.step == nullptr) continue;
      if (ran.count(run.step) == 0) order.push_back(run.step);
      ran[run.step][plan.mode] |= run.ran;  // in either counting
      if (run.undecided) undecided.insert(run.step);
    }
  }
  for (const Step* step : order) {
    if (undecided.count(step) != 0 || !step->condition) continue;
    std::string lower;
    for (char c : step->name)
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const ModePlan& plan : plans) {
      const std::string word(mode_name(plan.mode));
      std::size_t at = lower.find(word);
      const auto is_word_char = [&](std::size_t i) {
        return i < lower.size() && (std::isalnum(static_cast<unsigned char>(lower[i])) != 0);
      };
      if (at == std::string::npos || (at > 0 && is_word_char(at - 1)) ||
          is_word_char(at + word.size()) || negated_before(lower, at)) {
        continue;
      }
      const std::map<BootMode, bool>& by_mode = ran[step];
      auto claimed = by_mode.find(plan.mode);
      if (claimed == by_mode.end() || claimed->second) continue;
      std::vector<std::string> runs_in;
      for (const auto& [mode, did_run] : by_mode) {
        if (did_run) runs_in.emplace_back(mode_name(mode));
      }
      std::string fix;
      const std::string negated = fmt::format("! -f \"/run/cos/{}_mode\"", word);
      if (step->condition->value.find(negated) != std::string::npos) {
        fix = fmt::format("the test is inverted: write `[ -f \"/run/cos/{}_mode\" ]`", word);
      } else {
        fix = fmt::format("test the mode's sentinel: `[ -f \"/run/cos/{}_mode\" ]`", word);
      }
      out.error(step->condition->pos, "mode-claim-mismatch",
                fmt::format("step '{}' is named for {} boots, but its condition `{}` holds {}",
                            step->name, word, step->condition->value,
                            runs_in.empty() ? std::string("in no mode")
                                            : fmt::format("on {} boots and not on {} boots",
                                                          fmt::join(runs_in, ", "), word)),
                fix);
    }
  }
}

void check_persistent_per_mode(const std::vector<ModePlan>& plans, Findings& findings) {
  const ModePlan* active = nullptr;
  const ModePlan* passive = nullptr;
  for (const ModePlan& p : plans) {
    if (p.mode == BootMode::active) active = &p;
    if (p.mode == BootMode::passive) passive = &p;
  }
  if (active == nullptr || passive == nullptr) return;
  auto final_writes = [](const ModePlan& plan) {
    std::map<std::string, const Action*> out;
    for (const PlannedAction& p : plan.actions) {
      if (p.action.kind == ActionKind::write && p.action.path.rfind("/etc/systemd/", 0) == 0 &&
          unit_path_of(p.action.path)) {
        out[p.action.path] = &p.action;
      }
    }
    return out;
  };
  const auto in_active = final_writes(*active);
  const auto in_passive = final_writes(*passive);
  std::set<std::string> paths;
  for (const auto& [p, a] : in_active)
    paths.insert(p);
  for (const auto& [p, a] : in_passive)
    paths.insert(p);
  for (const std::string& p : paths) {
    auto a = in_active.find(p);
    auto b = in_passive.find(p);
    const bool same =
        a != in_active.end() && b != in_passive.end() && a->second->content == b->second->content;
    if (same) continue;
    for (const auto* found : {a == in_active.end() ? nullptr : a->second,
                              b == in_passive.end() ? nullptr : b->second}) {
      if (found == nullptr) continue;
      findings.add(Severity::note, found->origin, "persistent-per-mode",
                   fmt::format("{} differs between active and passive boots but is under "
                               "/etc/systemd, which Kairos keeps on the persistent partition "
                               "and shares between them: one boot's version is still there "
                               "when the other boots, until something rewrites it",
                               p),
                   "write per-boot drop-ins under /run/systemd/system", active->mode);
    }
  }
}

}  // namespace

void check_modes(const std::vector<ModePlan>& plans, const ContentLocator& locator,
                 Diagnostics& out) {
  Findings findings;
  for (const ModePlan& plan : plans) {
    const Enabled enabled = enabled_units(plan);
    const bool pulled = pulls_in_boot_complete(plan);
    for (const auto& [unit, directives] : effective_unit_directives(plan, locator)) {
      check_unit_in_mode(unit, directives, plan, enabled, pulled, locator, findings);
    }
    check_paths_written_twice(plan, findings);
  }
  check_persistent_per_mode(plans, findings);
  check_mode_claims(plans, out);
  findings.emit(out);
}

}  // namespace bootassess::lint
