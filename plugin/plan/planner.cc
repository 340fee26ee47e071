#include "plan/planner.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "load/codec.h"
#include "plan/ownership.h"
#include "plan/step_order.h"
#include "systemd/enablement.h"

namespace bootassess {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

// The words `sh -c "systemctl VERB <entry>"` passes to systemctl, split on
// blanks; or why the shell would do more than split (the returned text).
std::string shell_words(std::string_view entry, std::vector<std::string>& words) {
  constexpr std::string_view kSpecial = "\n'\"\\$`;&|<>()*?[#~";
  if (const std::size_t at = entry.find_first_of(kSpecial); at != std::string_view::npos) {
    const char c = entry[at];
    if (c == '\n') return "the shell would run the text after its newline as another command";
    return fmt::format("the shell would interpret its `{}`", c);
  }
  std::size_t at = 0;
  while (at < entry.size()) {
    const std::size_t start = entry.find_first_not_of(" \t", at);
    if (start == std::string_view::npos) break;
    std::size_t end = entry.find_first_of(" \t", start);
    if (end == std::string_view::npos) end = entry.size();
    words.emplace_back(entry.substr(start, end - start));
    at = end;
  }
  for (const std::string& w : words) {
    if (w.front() == '-') return fmt::format("systemctl would read `{}` as an option", w);
  }
  return {};
}

// The view conditions see when the mode or counting is simulated.
std::optional<SimulatedFiles> simulated_view(const RootView& view, const PlanOptions& options) {
  if (!options.simulated_mode && !options.counting.simulated) return std::nullopt;
  std::optional<SimulatedFiles> simulated(std::in_place, view);
  if (options.simulated_mode) simulate_mode(*simulated, *options.simulated_mode);
  if (options.counting.simulated) simulate_counting(*simulated, options.counting.counted);
  return simulated;
}

}  // namespace

Planner::Planner(const RootView& base, PlanOptions options, ActionExecutor& executor,
                 PlanEventSink sink)
    : view_(base),
      simulated_(simulated_view(view_, options)),
      seen_(simulated_ ? static_cast<const RootView&>(*simulated_) : view_),
      options_(std::move(options)),
      executor_(executor),
      sink_(std::move(sink)),
      facts_(SystemFacts::on_first_use()) {}

void Planner::run(const std::vector<Source>& sources) {
  // Every stage's order first: an `after:` yip would crash on refuses the
  // whole run before anything is written.
  std::vector<StepOrder> orders;
  bool refused = false;
  for (const std::string& stage : options_.stages) {
    for (const Source& source : sources) {
      if (source.failed) continue;
      orders.push_back(yip_step_order(source, stage));
      for (const Diagnostic& d : orders.back().diagnostics.items())
        report(d.severity, d.where, d.rule, d.message, d.fix);
      refused = refused || orders.back().refused;
    }
  }
  if (refused) return;
  for (const StepOrder& order : orders) {
    for (const OrderedStep& s : order.steps)
      run_step(*s.document, *s.step, s.index);
  }
  if (!executor_.finish()) {
    report(Severity::error, {}, "apply-failed",
           "could not put every written file in place or sync the changed directories to disk: "
           "changes may not survive a crash");
  }
}

void Planner::report(Severity severity, const Position& where, std::string rule,
                     std::string message, std::string fix) {
  if (severity == Severity::error) failed_ = true;
  PlanEvent event;
  event.kind = PlanEvent::Kind::diagnostic;
  event.diagnostic = {where, severity, std::move(rule), std::move(message), std::move(fix)};
  sink_(event);
}

void Planner::root_changed_outside(bool published) {
  // The names the root view looked up (DiskRoot), through the overlay.
  view_.changed("/");
  // The overlay: after a publish onto the root itself, the root holds what
  // the run did and what the outside did to it, and answers alone.
  if (published && executor_.writes_root()) {
    view_.forget();
  } else {
    view_.outside_change();
  }
  // The applier's open directories and what it knew of the entries it made.
  executor_.outside_change();
  // The unit files, drop-ins and links systemd/ read.
  if (installer_) installer_->forget();
}

void Planner::run_step(const Document& doc, const Step& step, std::size_t index) {
  (void)doc;
  undecided_.reset();
  PlanEvent skipped;
  skipped.kind = PlanEvent::Kind::skipped;
  skipped.step = step.label(index);
  skipped.where = step.pos;
  skipped.step_ref = &step;

  // yip's order: node, then `if`, then the other conditionals.
  static const YipConditionals kNone;
  const YipConditionals& conditionals = step.conditionals ? *step.conditionals : kNone;
  auto decided = [&](const YipConditionalResult& r) {
    if (r.outcome == YipConditionalResult::Outcome::holds) return true;
    skipped.reason = r.detail;
    sink_(skipped);
    return false;
  };
  if (!decided(evaluate_node(conditionals, facts_))) return;
  // A condition that cannot be decided here: an error at its position, and
  // the step is skipped.
  auto skip_for_condition = [&](std::string rule, std::string message, std::string fix,
                                std::string reason) {
    report(Severity::error, step.condition->pos, std::move(rule), std::move(message),
           std::move(fix));
    skipped.reason = std::move(reason);
    sink_(skipped);
  };

  if (step.condition && has_template(step.condition->value)) {
    // yip renders the template before running the condition; evaluating the
    // raw text would decide differently, silently.
    skip_for_condition("condition-template",
                       fmt::format("condition `{}` holds a Go template, which yip renders and "
                                   "bootassess cannot; the step is skipped",
                                   trim(step.condition->value)),
                       "test the value directly, e.g. with `[ -e ... ]` or `uname -m`",
                       "its condition holds a template");
    return;
  }
  if (step.condition && !trim(step.condition->value).empty()) {
    ConditionContext ctx;
    ctx.view = &seen_;
    ctx.root_dir = options_.root_dir;
    ctx.cwd = options_.cwd;
    ctx.simulated_mode = options_.simulated_mode;
    ctx.allow_shell = options_.allow_shell;
    ctx.shell_timeout = options_.condition_timeout;
    bool published = false;
    ctx.before_shell = [this, &published] {
      published = executor_.publish();
      if (!published) {
        report(Severity::error, {}, "apply-failed",
               "could not put the files written so far in place before running a shell");
      }
    };
    const ConditionResult result = evaluate_condition(step.condition->value, ctx);
    // A shell may have changed anything in the root.
    if (!result.native && result.outcome != ConditionOutcome::undecided) {
      root_changed_outside(published);
    }
    switch (result.outcome) {
      case ConditionOutcome::holds:
        break;
      case ConditionOutcome::fails:
        skipped.reason = fmt::format("condition `{}` is false (exit status {})",
                                     trim(step.condition->value), result.status);
        sink_(skipped);
        return;
      case ConditionOutcome::undecided:
        if (options_.no_shell) {
          skip_for_condition(
              "condition-needs-shell",
              fmt::format("condition `{}` needs a shell, and --no-shell allows none; the step "
                          "is skipped",
                          trim(step.condition->value)),
              "write it with `[ ... ]`, `test`, `!`, `&&` and `||` only (see Conditions)",
              "its condition needs a shell (--no-shell)");
          return;
        }
        undecided_ = step.condition->pos;
        report(Severity::note, step.condition->pos, "condition-undecided",
               fmt::format("condition `{}` needs a shell and is not run here; the step's "
                           "actions below depend on it",
                           trim(step.condition->value)));
        break;
      case ConditionOutcome::refused:
        skip_for_condition("condition-refused",
                           fmt::format("condition `{}` cannot be evaluated: {}",
                                       trim(step.condition->value), result.detail),
                           {}, "its condition could not be evaluated");
        return;
      case ConditionOutcome::timed_out:
        skip_for_condition("condition-timeout",
                           fmt::format("condition `{}` did not finish in time and was killed; "
                                       "the step is skipped: {}",
                                       trim(step.condition->value), result.detail),
                           "make the condition finish sooner, or raise --condition-timeout",
                           "its condition did not finish in time");
        return;
    }
  }

  if (!decided(evaluate_after_if(conditionals, seen_, facts_))) return;

  PlanEvent started = skipped;
  started.kind = PlanEvent::Kind::started;
  started.undecided = undecided_;
  sink_(started);

  for (const Located<std::string>& key : step.runner_keys) {
    report(Severity::note, key.pos, "runner-key",
           fmt::format("`{}` belongs to the stage runner; bootassess leaves it alone", key.value));
  }
  plan_directories(step);
  plan_files(step);
  plan_systemctl(step);
  plan_boot_assessment(step);
}

void Planner::plan_directories(const Step& step) {
  for (const DirectoryEntry& d : step.directories) {
    DirectoryRequest request;
    request.path = d.path.value;
    request.mode = d.permissions ? d.permissions->value & 0777 : 0755;
    request.create_mode = request.mode & ~options_.umask;
    request.uid = d.owner;
    request.gid = d.group;
    request.origin = d.pos;
    commit(plan_directory(view_, request, options_.cwd), d.pos);
  }
}

void Planner::plan_files(const Step& step) {
  for (const FileEntry& f : step.files) {
    FileRequest request;
    request.path = f.path.value;
    const std::uint32_t permissions = f.permissions ? f.permissions->value : 0644;
    request.mode = permissions & 0777;
    request.uid = f.owner;
    request.gid = f.group;
    request.parent_mode = yip_parent_mode(permissions) & ~options_.umask;
    request.parent_uid = f.owner;
    request.parent_gid = f.group;
    request.origin = f.pos;
    std::string error;
    const std::string_view encoding = f.encoding ? std::string_view(f.encoding->value) : "";
    if (!decode_content(encoding, f.content.value, request.content, error)) {
      report(Severity::error, f.content.pos, "content-decode",
             fmt::format("cannot decode the content of {} as {}: {}; nothing is written",
                         f.path.value, encoding, error));
      continue;
    }
    if (f.ownerstring && !f.ownerstring->value.empty()) {
      Ownership owner;
      if (resolve_ownerstring(view_, f.ownerstring->value, owner, error)) {
        request.uid = owner.uid;
        request.gid = owner.gid;
      } else {
        // As yip: the file is written and given its mode, only the chown
        // fails, so a new file is root's and an existing one keeps its owner.
        report(Severity::error, f.ownerstring->pos, "ownerstring-unknown",
               fmt::format("{}; {} is written but its owner is left as it is (a new file is "
                           "root's), as yip leaves it",
                           error, f.path.value));
        request.uid = 0;
        request.gid = 0;
        request.keep_owner = true;
      }
    }
    commit(plan_file(view_, request, options_.cwd), f.pos);
  }
}

void Planner::plan_systemctl(const Step& step) {
  if (!step.systemctl) return;
  const SystemctlStep& s = *step.systemctl;
  const systemd::Scope scope =
      options_.runtime || s.runtime ? systemd::Scope::runtime : systemd::Scope::persistent;

  // Overrides first: an override may carry the [Install] section that the
  // enable below must see (yip writes them last and misses it).
  for (const SystemctlOverride& o : s.overrides) {
    if (o.service.value.empty()) {
      report(Severity::warning, o.pos, "override-empty",
             "override without `service`: skipped, as yip does");
      continue;
    }
    if (o.content.value.empty()) {
      report(
          Severity::warning, o.pos, "override-empty",
          fmt::format("override for {} has no `content`: skipped, as yip does", o.service.value));
      continue;
    }
    systemd::OverridePath path =
        systemd::override_dropin_path(o.service.value, o.name.value, scope);
    if (!path.ok()) {
      report(Severity::error, o.service.pos, "override-unit", path.error);
      continue;
    }
    FileRequest request;
    request.path = path.path;
    request.content = o.content.value;
    // yip writes the drop-in with os.WriteFile(path, content, 0644) after
    // MkdirAll(dir, 0755): a new file and directory get those modes less the
    // umask, an existing drop-in keeps its mode and owner.
    request.mode = 0644 & ~options_.umask;
    request.keep_mode = true;
    request.keep_owner = true;
    request.parent_mode = 0755 & ~options_.umask;
    request.origin = o.pos;
    commit(plan_file(view_, request, "/"), o.pos);
  }

  // One installer for every step's units: it caches what it looked up, and
  // sees its own links through the planned view.
  if (!installer_) installer_.emplace(view_);
  systemd::Installer& installer = *installer_;
  installer.new_batch();
  using Verb =
      systemd::Outcome (systemd::Installer::*)(const systemd::UnitRequest&, systemd::Scope);
  // yip runs `sh -c "systemctl VERB ENTRY"` for each entry: the shell splits
  // it into words, and systemctl changes nothing when one of them fails.
  auto each = [&](const std::vector<Located<std::string>>& units, Verb verb,
                  std::string_view verb_name) {
    for (const Located<std::string>& unit : units) {
      std::vector<std::string> words;
      if (const std::string why = shell_words(unit.value, words); !why.empty()) {
        report(Severity::error, unit.pos, "systemctl-shell",
               fmt::format("`{}`: yip runs `sh -c \"systemctl {} {}\"`, and {}; bootassess does "
                           "not emulate the shell: the entry is skipped",
                           unit.value, verb_name, unit.value, why),
               "write one unit name per entry");
        continue;
      }
      if (words.size() > 1) {
        report(Severity::warning, unit.pos, "systemctl-word-split",
               fmt::format("`{}` is {} units to yip's shell (`systemctl {} {}`): all of them are "
                           "changed, or none when one fails",
                           unit.value, words.size(), verb_name, fmt::join(words, " ")),
               "write one unit name per entry");
      }
      if (words.empty()) words.push_back(unit.value);
      std::vector<systemd::Outcome> outcomes;
      bool entry_failed = false;
      for (const std::string& word : words) {
        outcomes.push_back((installer.*verb)(systemd::UnitRequest{word, unit.pos}, scope));
        for (const Diagnostic& d : outcomes.back().diagnostics.items()) {
          report(d.severity, d.where, d.rule, d.message, d.fix);
        }
        entry_failed = entry_failed || outcomes.back().failed;
      }
      if (entry_failed) failed_ = true;
      if (entry_failed && words.size() > 1) {
        report(Severity::error, unit.pos, "systemctl-word-split",
               fmt::format("`systemctl {} {}` fails as a whole: none of its units is changed",
                           verb_name, fmt::join(words, " ")));
        continue;
      }
      for (systemd::Outcome& outcome : outcomes) {
        ItemPlan plan;
        plan.actions = std::move(outcome.actions);
        commit(plan, unit.pos);
      }
    }
  };
  each(s.enable, &systemd::Installer::enable, "enable");
  each(s.disable, &systemd::Installer::disable, "disable");
  each(s.mask, &systemd::Installer::mask, "mask");
  for (const Located<std::string>& unit : s.start) {
    report(Severity::note, unit.pos, "systemctl-start",
           fmt::format("`start {}` skipped: nothing can be started from the initramfs chroot or "
                       "a foreign root; enable it instead",
                       unit.value));
  }
}

void Planner::commit(const ItemPlan& plan, const Position& origin) {
  if (!plan.error.empty() && !plan.error_after_actions) {
    report(Severity::error, origin, "item-failed", plan.error);
    return;
  }
  for (const Action& action : plan.actions) {
    PlanEvent event;
    event.kind = PlanEvent::Kind::action;
    event.action = action;
    event.undecided = undecided_;
    event.result = action.unchanged ? ActionResult{true, false, {}} : executor_.execute(action);
    sink_(event);
    if (!event.result.ok) {
      failed_ = true;
      report(Severity::error, action.origin, "apply-failed", event.result.error);
      return;
    }
    if (!event.result.note.empty()) {
      report(Severity::note, action.origin, "hard-link-replaced", event.result.note);
    }
    view_.record(action);
    if (installer_) installer_->changed(action.path);
  }
  if (!plan.error.empty()) report(Severity::error, origin, "item-failed", plan.error);
}

}  // namespace bootassess
