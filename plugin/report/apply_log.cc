#include "report/apply_log.h"

#include <fmt/format.h>

namespace bootassess {
namespace {

std::string describe(const Action& a) {
  switch (a.kind) {
    case ActionKind::write:
      return fmt::format("{} (mode {:04o}, owner {}:{})", a.path, a.mode, a.uid, a.gid);
    case ActionKind::mkdir:
      return fmt::format("{} (mode {:04o}, owner {}:{})", a.path, a.mode, a.uid, a.gid);
    case ActionKind::symlink:
      return fmt::format("{} -> {}", a.path, a.target);
    case ActionKind::remove:
      return a.path;
  }
  return a.path;
}

std::string_view done_verb(ActionKind kind) {
  switch (kind) {
    case ActionKind::write:
      return "written";
    case ActionKind::mkdir:
      return "made directory";
    case ActionKind::symlink:
      return "linked";
    case ActionKind::remove:
      return "removed";
  }
  return "written";
}

std::string_view dry_verb(ActionKind kind) {
  switch (kind) {
    case ActionKind::write:
      return "would write";
    case ActionKind::mkdir:
      return "would make directory";
    case ActionKind::symlink:
      return "would link";
    case ActionKind::remove:
      return "would remove";
  }
  return "would write";
}

}  // namespace

void ApplyLog::event(const PlanEvent& e) {
  switch (e.kind) {
    case PlanEvent::Kind::started:
      break;
    case PlanEvent::Kind::action:
      action(e);
      break;
    case PlanEvent::Kind::skipped:
      ++skipped_;
      if (verbosity_ != Verbosity::quiet) {
        fmt::print(out_, "{}\n",
                   printable(fmt::format("skipped step '{}' [{}]: {}", e.step, e.where.file_line(),
                                         e.reason)));
      }
      break;
    case PlanEvent::Kind::diagnostic:
      diagnostic(e.diagnostic);
      break;
  }
}

void ApplyLog::action(const PlanEvent& e) {
  // A failed action is counted by the diagnostic that reports it.
  if (!e.result.ok) return;
  if (e.action.unchanged || !e.result.changed) {
    ++unchanged_;
    if (verbosity_ != Verbosity::quiet) {
      fmt::print(out_, "{}\n",
                 printable(fmt::format("unchanged {} [{}]", describe(e.action),
                                       e.action.origin.file_line())));
    }
    return;
  }
  ++changed_;
  if (verbosity_ == Verbosity::quiet) return;
  std::string condition;
  if (e.undecided) condition = fmt::format(" (if the condition at {} holds)", e.undecided->str());
  fmt::print(out_, "{}\n",
             printable(fmt::format("{} {} [{}]{}",
                                   dry_run_ ? dry_verb(e.action.kind) : done_verb(e.action.kind),
                                   describe(e.action), e.action.origin.file_line(), condition)));
}

void ApplyLog::diagnostic(const Diagnostic& d) {
  if (d.severity == Severity::error) failed_ += static_cast<int>(weight(d));
  if (verbosity_ == Verbosity::quiet && d.severity != Severity::error) return;
  if (verbosity_ != Verbosity::verbose && d.severity == Severity::note) return;
  fmt::print(out_, "{}\n", format_diagnostic(d));
}

void ApplyLog::summary(const std::string& mode_description) {
  if (verbosity_ == Verbosity::quiet) return;
  fmt::print(out_, "{}: {} {}, {} unchanged, {} skipped, {} errors\n", mode_description, changed_,
             dry_run_ ? "to change" : "changed", unchanged_, skipped_, failed_);
}

}  // namespace bootassess
