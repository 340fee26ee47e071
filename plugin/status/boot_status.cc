#include "status/boot_status.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "boot/efi_variable.h"
#include "boot/loader_entries.h"
#include "plan/boot_assessment.h"
#include "plan/health_check.h"
#include "root/path.h"
#include "root/resolve.h"
#include "systemd/search_path.h"
#include "systemd/unit_file.h"

namespace bootassess::status {
namespace {

constexpr std::string_view kModeFlags[] = {"uki_boot_mode", "uki_install_mode", "in_ram_mode"};

systemd::SectionUse unit_section(std::string_view section) {
  return section == "Unit" ? systemd::SectionUse::read : systemd::SectionUse::skip_silently;
}

std::optional<int> to_int(std::string_view s) {
  int value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

// A monotonic timestamp that is set: not empty and not 0.
bool timestamp_set(std::string_view s) {
  return !s.empty() && s != "0";
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

void set_property(UnitState& state, std::string_view key, std::string_view value,
                  std::string& condition_result, std::string& condition_time) {
  if (key == "Id") {
    state.id = value;
  } else if (key == "LoadState") {
    state.load_state = value;
  } else if (key == "ActiveState") {
    state.active_state = value;
  } else if (key == "SubState") {
    state.sub_state = value;
  } else if (key == "Result") {
    state.result = value;
  } else if (key == "ExecMainStatus") {
    state.exec_main_status = to_int(value);
  } else if (key == "ExecMainCode") {
    state.exec_main_code = to_int(value);
  } else if (key == "InactiveExitTimestampMonotonic") {
    state.started = timestamp_set(value);
  } else if (key == "ActiveEnterTimestampMonotonic") {
    state.active_entered = timestamp_set(value);
  } else if (key == "Job") {
    state.has_job = !value.empty() && value != "0";
  } else if (key == "ConditionResult") {
    condition_result = value;
  } else if (key == "ConditionTimestampMonotonic") {
    condition_time = value;
  }
}

std::vector<UnitState> parse_blocks(std::string_view output) {
  std::vector<UnitState> blocks;
  bool in_block = false;
  std::string condition_result;
  std::string condition_time;
  auto close_block = [&] {
    if (!in_block) return;
    blocks.back().condition_failed = condition_result == "no" && timestamp_set(condition_time);
    in_block = false;
    condition_result.clear();
    condition_time.clear();
  };
  while (!output.empty()) {
    const std::size_t end = output.find('\n');
    const std::string_view line = output.substr(0, end);
    output = end == std::string_view::npos ? std::string_view() : output.substr(end + 1);
    if (trim(line).empty()) {
      close_block();
      continue;
    }
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    if (!in_block) {
      blocks.emplace_back();
      in_block = true;
    }
    set_property(blocks.back(), line.substr(0, eq), trim(line.substr(eq + 1)), condition_result,
                 condition_time);
  }
  close_block();
  return blocks;
}

std::string failure_detail(const UnitState& s) {
  if (s.result == "exit-code" && s.exec_main_status) {
    return fmt::format("failed (exit status {})", *s.exec_main_status);
  }
  if ((s.result == "signal" || s.result == "core-dump") && s.exec_main_status) {
    return fmt::format("failed (killed by signal {})", *s.exec_main_status);
  }
  if (!s.result.empty() && s.result != "success") return fmt::format("failed ({})", s.result);
  return "failed";
}

void classify(GatedUnit& unit) {
  const UnitState& s = *unit.state;
  auto set = [&](Outcome outcome, std::string detail) {
    unit.outcome = outcome;
    unit.detail = std::move(detail);
  };
  const std::string sub = s.sub_state.empty() ? std::string() : " (" + s.sub_state + ")";
  const bool succeeded = s.result.empty() || s.result == "success";
  if (!s.load_state.empty() && s.load_state != "loaded") {
    set(Outcome::failed, fmt::format("not loaded ({})", s.load_state));
  } else if (s.active_state == "failed") {
    set(Outcome::failed, failure_detail(s));
  } else if (s.active_state == "active" || s.active_state == "reloading") {
    // A stop job queued at shutdown does not undo what the unit did.
    set(Outcome::ok, s.active_state + sub);
  } else if (s.active_entered && succeeded && s.active_state != "activating") {
    set(Outcome::ok, fmt::format("was active in this boot, now {}{}", s.active_state, sub));
  } else if (s.has_job || s.active_state == "activating" || s.active_state == "deactivating") {
    set(Outcome::pending, fmt::format("{}{}", s.active_state.empty() ? "queued" : s.active_state,
                                      s.has_job ? ", job queued" : ""));
  } else if (s.active_state == "inactive" && s.started) {
    if (succeeded) {
      set(Outcome::ok, "ran and exited successfully");
    } else {
      set(Outcome::failed, failure_detail(s));
    }
  } else if (s.active_state == "inactive" && s.condition_failed) {
    set(Outcome::skipped, "skipped: a condition was not met");
  } else if (s.active_state == "inactive") {
    set(Outcome::not_started, "not started in this boot");
  } else {
    set(Outcome::unknown, s.active_state.empty() ? "systemd did not say" : s.active_state + sub);
  }
}

TargetState target_state(const UnitState& s, bool unit_failed) {
  if (s.active_state == "active") return TargetState::reached;
  // Reached in this boot, then stopped (`systemctl stop`, or the shutdown
  // that is under way): it stays reached. A target has no result of its own.
  if (s.active_entered && s.active_state != "failed") return TargetState::reached;
  if (s.has_job || s.active_state == "activating") return TargetState::pending;
  if (s.active_state == "failed") return TargetState::failed;
  // A target's start job that fails on a dependency leaves it inactive: the
  // failed unit it requires is what tells.
  if (unit_failed || s.started) return TargetState::failed;
  return TargetState::not_in_boot;
}

// systemd-bless-boot-generator pulls the service in on counted boots only;
// on another boot `systemctl show` may still load its unit file, idle.
Bless bless_state(const UnitState& s, bool counted) {
  if (s.load_state != "loaded") return Bless::not_in_boot;
  if (s.active_state == "failed") return Bless::failed;
  if (s.active_state == "active" || (s.active_entered && s.result == "success")) {
    return Bless::blessed;
  }
  if (s.has_job || s.active_state == "activating") return Bless::pending;
  if (s.started && s.result == "success") return Bless::blessed;
  if (s.started) return Bless::failed;
  return counted ? Bless::not_run : Bless::not_in_boot;
}

// Whether the drop-in's [Unit] section, read as systemd reads it, ends with
// a FailureAction= that reboots (the last assignment wins).
bool carries_reboot(std::string_view dropin) {
  bool reboots = false;
  for (const systemd::UnitFileItem& item : systemd::parse_unit_file(dropin, unit_section)) {
    if (item.kind == systemd::UnitFileItem::Kind::assignment && item.key == "FailureAction") {
      reboots = item.value.starts_with("reboot");
    }
  }
  return reboots;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

// What a failure does to this boot, after the failing units' names.
std::string reboot_clause(const BootStatus& s, bool reboots) {
  if (reboots && s.counting.counted) {
    std::string tries;
    if (s.counting.count) {
      const unsigned left = s.counting.count->left;
      tries = fmt::format(" ({} {} left)", left, left == 1 ? "try" : "tries");
    }
    return fmt::format("this boot is counted{}, so FailureAction=reboot reboots it", tries);
  }
  if (reboots) {
    return "its gate carries FailureAction=reboot although this boot is not counted: it reboots "
           "into the same entry";
  }
  if (s.counting.counted) {
    return "this boot is counted but its gate does not reboot in this mode: the entry is not "
           "blessed";
  }
  return "this boot is not counted, so it does not reboot";
}

std::string tries(unsigned n) {
  return fmt::format("{} {}", n, n == 1 ? "try" : "tries");
}

// The entries the loader chose from: the ESP's when it is mounted, else the
// ids in LoaderEntries (which carry counters on systemd-boot 252 to 256).
std::vector<LoaderEntry> known_entries(const LoaderFacts& loader) {
  if (!loader.esp.empty()) return loader.esp_entries;
  std::vector<LoaderEntry> entries;
  for (const std::string& id : loader.entries)
    entries.push_back(parse_loader_entry(id));
  return entries;
}

// The entry this boot runs: LoaderEntrySelected (the name from before the
// loader's rename, or without its counter), matched to a known entry by its
// id so that its sort-key and its counter now are known.
std::optional<LoaderEntry> booted_entry(const BootStatus& s,
                                        const std::vector<LoaderEntry>& entries) {
  std::string name;
  if (s.entry) {
    name = *s.entry;
  } else if (s.counting.count) {
    // No LoaderEntrySelected: the counted path names the entry too.
    name = s.counting.count->path.substr(s.counting.count->path.rfind('\\') + 1);
  } else {
    return std::nullopt;
  }
  LoaderEntry selected = parse_loader_entry(name);
  for (const LoaderEntry& e : entries) {
    if (e.id == selected.id) return e;
  }
  return selected;
}

void detect_fallback(BootStatus& s) {
  if (!s.mode || (*s.mode != BootMode::passive && *s.mode != BootMode::recovery &&
                  *s.mode != BootMode::autoreset)) {
    return;
  }
  const std::string_view mode = mode_name(*s.mode);
  if (*s.mode == BootMode::passive && s.upgrade_failure) {
    s.fallback.fell_back = true;
    s.fallback.grub = true;
    s.fallback.reason =
        "the upgraded active entry did not boot, so GRUB booted the fallback (passive) entry "
        "(/run/cos/upgrade_failure)";
    return;
  }
  const std::vector<LoaderEntry> entries = known_entries(s.loader);
  const std::optional<LoaderEntry> booted = booted_entry(s, entries);
  if (!booted) return;
  const LoaderEntry* failed = nullptr;
  for (const LoaderEntry& e : entries) {
    if (!e.exhausted() || e.id == booted->id || !prefers(e, *booted)) continue;
    if (failed == nullptr || prefers(e, *failed)) failed = &e;
  }
  if (failed == nullptr) return;
  s.fallback.fell_back = true;
  s.fallback.failed_entry = *failed;
  // "+0" without "-DONE": the tries it used are not known.
  const std::string used =
      failed->done == 0 ? "has no tries left" : fmt::format("used its {}", tries(failed->done));
  s.fallback.reason =
      fmt::format("the entry {} {} without being marked good, so the loader booted {} ({})",
                  failed->file, used, booted->file, mode);
}

void check_counting(BootStatus& s) {
  CountingHealth& h = s.counting_health;
  if (s.counting.counted) {
    h.active = true;
    return;
  }
  if (!s.counting_error.empty()) {
    h.reason = "LoaderBootCountPath is malformed, so this boot is taken as not counted";
    return;
  }
  const std::vector<LoaderEntry> entries = known_entries(s.loader);
  std::optional<LoaderEntry> booted = booted_entry(s, entries);
  const bool selected_counted =
      s.entry && parse_loader_entry(*s.entry).counted && parse_loader_entry(*s.entry).left > 0;
  if (booted && ((booted->counted && booted->left > 0) || selected_counted)) {
    h.broken = true;
    h.reason = fmt::format(
        "the booted entry {} carries a boot counter, but the loader set no LoaderBootCountPath: "
        "counting is inactive (as with the systemd-boot 258 and 259 regressions), so a failing "
        "gate can never roll back",
        selected_counted ? *s.entry : booted->file);
    return;
  }
  h.reason = booted ? fmt::format("the booted entry {} carries no boot counter", booted->file)
                    : "no LoaderBootCountPath: not a counted systemd-boot boot";
}

void decide_gate(BootStatus& s);

void decide(BootStatus& s) {
  decide_gate(s);
  s.gate_verdict = s.verdict;
  if (s.counting.counted && s.counting.count &&
      (s.verdict == Verdict::failed || s.verdict == Verdict::pending)) {
    s.tries_note = fmt::format("this entry used a try and is not marked good; {} left",
                               tries(s.counting.count->left));
  }
  if (s.fallback.fell_back) {
    s.summary = fmt::format("fallback: {} (gate: {})", s.fallback.reason, s.summary);
    s.verdict = Verdict::fallback;
  }
}

void decide_gate(BootStatus& s) {
  const std::size_t n = s.units.size();
  if (n == 0) {
    s.verdict = Verdict::no_gate;
    s.summary = "no gate on this boot";
    return;
  }
  if (!s.states_unknown_because.empty()) {
    s.verdict = Verdict::unknown;
    s.summary = fmt::format("unknown: {} gated unit{}, states unknown: {}", n, n == 1 ? "" : "s",
                            s.states_unknown_because);
    return;
  }
  std::vector<std::string> failed;
  std::vector<std::string> pending;
  std::vector<std::string> not_started;
  std::vector<std::string> unknown;
  bool failed_reboots = false;
  std::size_t skipped = 0;
  for (const GatedUnit& u : s.units) {
    switch (u.outcome) {
      case Outcome::failed:
        failed.push_back(fmt::format("{} {}", u.name, u.detail));
        failed_reboots = failed_reboots || u.reboots;
        break;
      case Outcome::pending:
        pending.push_back(u.name);
        break;
      case Outcome::not_started:
        not_started.push_back(u.name);
        break;
      case Outcome::unknown:
        unknown.push_back(u.name);
        break;
      case Outcome::skipped:
        ++skipped;
        break;
      case Outcome::ok:
        break;
    }
  }
  if (!failed.empty()) {
    s.verdict = Verdict::failed;
    s.summary = fmt::format("failed: {}; {}", join_names(failed), reboot_clause(s, failed_reboots));
    return;
  }
  if (s.boot_complete == TargetState::failed) {
    s.verdict = Verdict::failed;
    s.summary = fmt::format("failed: {} failed; {}", kBootCompleteTarget, reboot_clause(s, false));
    return;
  }
  if (!pending.empty() || s.boot_complete == TargetState::pending) {
    if (s.boot_complete == TargetState::pending) pending.emplace_back(kBootCompleteTarget);
    s.verdict = Verdict::pending;
    s.summary = fmt::format("pending: waiting for {}", join_names(pending));
    return;
  }
  if (!not_started.empty() || s.boot_complete == TargetState::not_in_boot) {
    s.verdict = Verdict::failed;
    s.summary = s.boot_complete == TargetState::not_in_boot
                    ? fmt::format("failed: {} is not part of this boot, so the gate judged nothing",
                                  kBootCompleteTarget)
                    : fmt::format("failed: {} not started in this boot", join_names(not_started));
    return;
  }
  if (!unknown.empty() || s.boot_complete != TargetState::reached) {
    s.verdict = Verdict::unknown;
    s.summary =
        fmt::format("unknown: systemd did not say how {} fared",
                    unknown.empty() ? std::string(kBootCompleteTarget) : join_names(unknown));
    return;
  }
  s.verdict = Verdict::good;
  s.summary = fmt::format("good: {} reached, all {} gated unit{} succeeded", kBootCompleteTarget, n,
                          n == 1 ? "" : "s");
  if (skipped > 0) s.summary += fmt::format(" ({} skipped by a condition)", skipped);
}

}  // namespace

std::string_view outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::ok:
      return "ok";
    case Outcome::skipped:
      return "skipped";
    case Outcome::failed:
      return "failed";
    case Outcome::pending:
      return "pending";
    case Outcome::not_started:
      return "not-started";
    case Outcome::unknown:
      return "unknown";
  }
  return "unknown";
}

std::string_view target_state_name(TargetState state) {
  switch (state) {
    case TargetState::reached:
      return "reached";
    case TargetState::failed:
      return "failed";
    case TargetState::pending:
      return "pending";
    case TargetState::not_in_boot:
      return "not-in-boot";
    case TargetState::unknown:
      return "unknown";
  }
  return "unknown";
}

std::string_view bless_name(Bless bless) {
  switch (bless) {
    case Bless::blessed:
      return "blessed";
    case Bless::failed:
      return "failed";
    case Bless::pending:
      return "pending";
    case Bless::not_run:
      return "not-run";
    case Bless::not_in_boot:
      return "not-in-boot";
    case Bless::unknown:
      return "unknown";
  }
  return "unknown";
}

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::good:
      return "good";
    case Verdict::failed:
      return "failed";
    case Verdict::pending:
      return "pending";
    case Verdict::unknown:
      return "unknown";
    case Verdict::fallback:
      return "fallback";
    case Verdict::no_gate:
      return "no-gate";
  }
  return "unknown";
}

std::map<std::string, UnitState> parse_show_output(std::string_view output,
                                                   const std::vector<std::string>& units) {
  std::vector<UnitState> blocks = parse_blocks(output);
  std::map<std::string, UnitState> states;
  if (blocks.size() == units.size()) {
    for (std::size_t i = 0; i < units.size(); ++i)
      states[units[i]] = std::move(blocks[i]);
    return states;
  }
  for (UnitState& block : blocks) {
    if (std::find(units.begin(), units.end(), block.id) != units.end()) {
      states[block.id] = std::move(block);
    }
  }
  return states;
}

namespace {

// /run/systemd/system as resolved in the root, and the names in it; no
// names when it is not a directory.
std::pair<std::string, std::vector<std::string>> runtime_units(const RootView& view) {
  const Resolved dir = resolve(view, systemd::kRuntimeConfigDir, "/", true);
  if (!dir.exists() || dir.info->type != FileType::directory) return {};
  std::optional<std::vector<std::string>> names = view.list_dir(dir.path);
  if (!names) return {};
  return {dir.path, std::move(*names)};
}

}  // namespace

std::vector<GatedUnit> find_gated_units(const RootView& view) {
  std::vector<GatedUnit> units;
  const auto [dir, names] = runtime_units(view);
  for (const std::string& name : names) {
    if (name.size() <= 2 || !name.ends_with(".d")) continue;
    // The target's own drop-in (its ordering after multi-user.target) has
    // the same name, and the target is not gated by itself.
    if (name == std::string(kBootCompleteTarget) + ".d") continue;
    const Resolved dropin =
        resolve(view, path::join(path::join(dir, name), kBootAssessmentDropin), "/", true);
    if (!dropin.exists() || dropin.info->type != FileType::regular) continue;
    GatedUnit unit;
    unit.name = name.substr(0, name.size() - 2);
    std::optional<std::string> content = view.read_file(dropin.path);
    unit.reboots = content && carries_reboot(*content);
    units.push_back(std::move(unit));
  }
  return units;
}

std::vector<CheckStatus> find_checks(const RootView& view) {
  std::vector<CheckStatus> checks;
  const auto [dir, names] = runtime_units(view);
  for (const std::string& name : names) {
    // Only the names bootassess writes: a check's name is its unit's.
    const std::string check_name = check_name_of_unit(name);
    if (check_name.empty() || !is_check_name(check_name)) continue;
    const Resolved file = resolve(view, path::join(dir, name), "/", true);
    if (!file.exists() || file.info->type != FileType::regular) continue;
    std::optional<std::string> content = view.read_file(file.path);
    if (!content) continue;
    CheckStatus check;
    check.unit = name;
    check.name = check_name;
    for (const systemd::UnitFileItem& item : systemd::parse_unit_file(*content, unit_section)) {
      if (item.kind != systemd::UnitFileItem::Kind::assignment || item.section != "Unit") continue;
      if (item.key == kCheckRequiredKey) check.required = item.value != "false";
      if (item.key == "Description") check.description = item.value;
    }
    checks.push_back(std::move(check));
  }
  return checks;
}

BootStatus gather_status(const RootView& view, const UnitQuery& query, const StatusInputs& inputs) {
  BootStatus s;
  s.mode = detect_mode(view);
  for (std::string_view flag : kModeFlags) {
    s.mode_flags.emplace_back(flag, view.lstat(path::join("/run/cos", flag)).has_value());
  }
  s.loader = read_loader_facts(view, inputs.esp);
  s.entry = s.loader.selected;
  std::erase_if(s.loader.problems, [&](const LoaderProblem& p) {
    if (p.file != kLoaderEntrySelectedVariable) return false;
    s.entry_error = p.why;
    return true;
  });
  s.counting = detect_counting(view, s.counting_error);
  s.upgrade_failure = view.lstat("/run/cos/upgrade_failure").has_value();
  s.units = find_gated_units(view);
  s.checks = find_checks(view);

  std::vector<std::string> asked;
  for (const GatedUnit& u : s.units)
    asked.push_back(u.name);
  for (const CheckStatus& c : s.checks) {
    if (std::find(asked.begin(), asked.end(), c.unit) == asked.end()) asked.push_back(c.unit);
  }
  asked.emplace_back(kBootCompleteTarget);
  asked.emplace_back(kBlessService);
  UnitStates states = query(asked);
  s.states_unknown_because = states.unknown_because;
  if (s.states_unknown_because.empty()) {
    bool unit_failed = false;
    for (GatedUnit& u : s.units) {
      auto it = states.units.find(u.name);
      if (it == states.units.end()) {
        u.detail = "systemd did not report it";
        continue;
      }
      u.state = it->second;
      classify(u);
      unit_failed = unit_failed || u.outcome == Outcome::failed;
    }
    for (CheckStatus& c : s.checks) {
      auto it = states.units.find(c.unit);
      if (it == states.units.end()) {
        c.detail = "systemd did not report it";
        continue;
      }
      GatedUnit as_unit;
      as_unit.state = it->second;
      classify(as_unit);
      c.state = it->second;
      c.outcome = as_unit.outcome;
      c.detail = as_unit.detail;
    }
    auto target = states.units.find(std::string(kBootCompleteTarget));
    if (target != states.units.end()) s.boot_complete = target_state(target->second, unit_failed);
    auto bless = states.units.find(std::string(kBlessService));
    if (bless != states.units.end()) s.bless = bless_state(bless->second, s.counting.counted);
  }
  detect_fallback(s);
  check_counting(s);
  decide(s);
  return s;
}

int exit_status(Verdict verdict) {
  switch (verdict) {
    case Verdict::good:
    case Verdict::no_gate:
      return 0;
    case Verdict::failed:
    case Verdict::fallback:
      return 1;
    case Verdict::pending:
    case Verdict::unknown:
      return 3;
  }
  return 3;
}

int problem_exit_status(Verdict verdict, const std::vector<Verdict>& problems) {
  if (std::find(problems.begin(), problems.end(), verdict) != problems.end()) return 1;
  return verdict == Verdict::unknown ? 3 : 0;
}

int problem_exit_status(const BootStatus& s, const std::vector<Verdict>& problems) {
  const int status = problem_exit_status(s.verdict, problems);
  if (s.verdict != Verdict::fallback || status == 1) return status;
  // A fallback boot has a gate of its own: not asked about the fallback,
  // answer for that gate.
  return problem_exit_status(s.gate_verdict, problems);
}

std::optional<Verdict> verdict_from_name(std::string_view name) {
  for (Verdict v : kAllVerdicts) {
    if (verdict_name(v) == name) return v;
  }
  return std::nullopt;
}

}  // namespace bootassess::status
