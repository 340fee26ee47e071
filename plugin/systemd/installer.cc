#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "root/path.h"
#include "systemd/enablement.h"
#include "systemd/operation.h"
#include "systemd/unit_name.h"

namespace bootassess::systemd {

std::string_view verb_name(Verb verb) {
  switch (verb) {
    case Verb::enable:
      return "enable";
    case Verb::disable:
      return "disable";
    case Verb::mask:
      return "mask";
    case Verb::add_wants:
      return "add-wants";
  }
  return "enable";
}

Operation::Operation(Installer::State& s, const UnitRequest& r, Verb v, Scope sc)
    : state(s),
      request(r),
      verb(v),
      scope(sc),
      unit(r.name),
      scratch(s.view),
      links(scratch, s.search, s.cache, outcome.actions, r.origin),
      context(scratch, s.search, s.cache, s.specifiers, report) {}

Operation::~Operation() {
  // What was learnt while this operation's own actions were in the scratch
  // overlay may not hold for the view, where they may never be recorded.
  for (const std::string& planned : links.planned_paths())
    state.cache.invalidate(planned);
}

bool Operation::normalize_name() {
  const std::string& raw = request.name;
  if (raw.find('/') != std::string::npos) {
    if (raw.front() != '/') {
      report.error(rules::kInvalidUnitName,
                   fmt::format("\"{}\" is a relative path; a unit file must be given by its "
                               "absolute path inside the root",
                               raw));
      return false;
    }
    switch (verb) {
      case Verb::enable:
      case Verb::add_wants: {
        // Repeated leading slashes would not survive systemctl's root prefix.
        std::size_t first = 0;
        while (first + 1 < raw.size() && raw[first + 1] == '/')
          ++first;
        path = raw.substr(first);
        unit = path::basename(path);
        return true;
      }
      case Verb::disable:
        unit = path::basename(raw);
        report.warning(rules::kPathArgument,
                       fmt::format("disable works on unit names: proceeding with {} instead of "
                                   "the path {}",
                                   unit, raw));
        return true;
      case Verb::mask:
        report.error(rules::kInvalidUnitName,
                     fmt::format("\"{}\" is a path; mask takes a unit name", raw));
        return false;
    }
  }
  const std::optional<MangledName> mangled = mangle_unit_name(raw);
  if (!mangled) {
    report.error(rules::kInvalidUnitName,
                 fmt::format("\"{}\" cannot be made into a valid unit name", raw));
    return false;
  }
  if (mangled->glob) {
    report.note(rules::kNameEscaped,
                fmt::format("\"{}\" looks like a glob pattern, which {} does not expand", raw,
                            verb_name(verb)));
  }
  if (mangled->escaped) {
    report.note(rules::kNameEscaped,
                fmt::format("invalid unit name \"{}\" escaped as \"{}\" (maybe you should use "
                            "systemd-escape?)",
                            raw, mangled->name));
  }
  unit = mangled->name;
  return true;
}

bool Operation::lookup_precheck() {
  if (!path.empty() || request.name.find('/') != std::string::npos) return true;
  const std::string_view suffix = ".service";
  if (unit.size() < suffix.size() ||
      unit.compare(unit.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return true;
  }
  const int r = context.probe(unit);
  if (r >= 0 || r == -ENOENT || r == -ELOOP || r == -ERFKILL || r == -EADDRNOTAVAIL) return true;
  report.error(rules::kUnitFileError, fmt::format("cannot look up the state of unit file {}: {}",
                                                  unit, std::strerror(-r)));
  return false;
}

Outcome Operation::finish(bool failed) {
  outcome.failed = failed;
  outcome.diagnostics = report.finish(request.origin, verb_name(verb), unit, failed);
  return std::move(outcome);
}

Installer::Installer(const RootView& view, const HostFacts& host)
    : state_(std::make_unique<State>(view, host)) {}

Installer::~Installer() = default;

void Installer::changed(const std::string& path) {
  state_->cache.invalidate(path);
}

void Installer::forget() {
  state_->cache.clear();
}

void Installer::new_batch() {
  state_->search = SearchPath::for_root(state_->view);
  state_->specifiers.forget();
}

Outcome Installer::enable(const UnitRequest& unit, Scope scope) {
  Operation op(*state_, unit, Verb::enable, scope);
  return run_enable(op);
}

Outcome Installer::disable(const UnitRequest& unit, Scope scope) {
  Operation op(*state_, unit, Verb::disable, scope);
  return run_disable(op);
}

Outcome Installer::mask(const UnitRequest& unit, Scope scope) {
  Operation op(*state_, unit, Verb::mask, scope);
  return run_mask(op);
}

Outcome Installer::add_wants(std::string_view target, const UnitRequest& unit, Scope scope) {
  Operation op(*state_, unit, Verb::add_wants, scope);
  return run_add_wants(op, target);
}

Outcome plan_add_wants(const RootView& view, std::string_view target, const UnitRequest& unit,
                       Scope scope) {
  return Installer(view).add_wants(target, unit, scope);
}

Outcome plan_enable(const RootView& view, const UnitRequest& unit, Scope scope) {
  return Installer(view).enable(unit, scope);
}

Outcome plan_disable(const RootView& view, const UnitRequest& unit, Scope scope) {
  return Installer(view).disable(unit, scope);
}

Outcome plan_mask(const RootView& view, const UnitRequest& unit, Scope scope) {
  return Installer(view).mask(unit, scope);
}

}  // namespace bootassess::systemd
