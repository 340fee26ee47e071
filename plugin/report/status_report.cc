#include "report/status_report.h"

#include <fmt/format.h>

#include "boot/boot_counting.h"
#include "boot/efi_variable.h"
#include "boot/loader_entries.h"
#include "diag/diagnostic.h"
#include "plan/boot_assessment.h"
#include "report/json.h"

namespace bootassess {
namespace {

using namespace status;

constexpr std::size_t kColumns = 100;
constexpr std::size_t kLabelWidth = 17;  // "  boot-complete" and two spaces
constexpr std::size_t kLongName = 40;

// `text` as lines of at most kColumns: the first starts with `first`, the
// others with `indent` spaces; words longer than a line are cut.
std::string wrap(std::string_view text, const std::string& first, std::size_t indent) {
  std::string out = first;
  std::size_t column = first.size();
  const std::string pad(indent, ' ');
  bool line_empty = true;
  while (!text.empty()) {
    while (!text.empty() && text.front() == ' ')
      text.remove_prefix(1);
    if (text.empty()) break;
    std::string_view word = text.substr(0, text.find(' '));
    text.remove_prefix(word.size());
    while (!word.empty()) {
      const std::size_t need = word.size() + (line_empty ? 0 : 1);
      if (column + need > kColumns && !line_empty) {
        out += "\n" + pad;
        column = indent;
        line_empty = true;
        continue;
      }
      if (!line_empty) {
        out += ' ';
        ++column;
      }
      const std::size_t room = kColumns > column ? kColumns - column : 1;
      const std::string_view piece = word.substr(0, std::min(word.size(), room));
      out += piece;
      column += piece.size();
      word.remove_prefix(piece.size());
      line_empty = false;
      if (!word.empty()) {
        out += "\n" + pad;
        column = indent;
        line_empty = true;
      }
    }
  }
  return out + "\n";
}

std::string field(std::string_view label, std::string_view value) {
  return wrap(printable(value), fmt::format("  {:<{}}", label, kLabelWidth - 2), kLabelWidth);
}

std::string mode_text(const BootStatus& s) {
  std::string text = s.mode ? std::string(mode_name(*s.mode)) : "none (no sentinel in /run/cos)";
  for (const auto& [flag, present] : s.mode_flags) {
    if (present) text += " + " + flag;
  }
  return text;
}

std::string counting_text(const BootStatus& s) {
  if (!s.counting_error.empty()) return "not counted: its EFI variable is malformed";
  std::string text = describe_counting(s.counting);
  if (s.counting.count) text += fmt::format(": {}", s.counting.count->path);
  if (s.counting_health.broken) text += "; warning: " + s.counting_health.reason;
  return text;
}

std::string entries_text(const BootStatus& s) {
  std::string text;
  for (const LoaderEntry& e : s.loader.esp_entries) {
    if (!text.empty()) text += ", ";
    text += e.file;
  }
  return fmt::format("{} (ESP at {})", text.empty() ? "none" : text, s.loader.esp);
}

std::string entry_text(const BootStatus& s) {
  if (!s.entry_error.empty()) return "unknown: its EFI variable is malformed";
  return s.entry ? *s.entry : "unknown (no LoaderEntrySelected EFI variable)";
}

// Malformed variables, each named by its file (which alone takes most of a
// line).
std::string problems_text(const BootStatus& s) {
  std::string out;
  auto add = [&](std::string_view file, const std::string& why) {
    if (!why.empty()) out += wrap(printable(fmt::format("{}: malformed: {}", file, why)), "  ", 4);
  };
  add(kLoaderEntrySelectedVariable, s.entry_error);
  add(kBootCountVariable, s.counting_error);
  for (const LoaderProblem& p : s.loader.problems) {
    out += wrap(printable(fmt::format("{}: {}", p.file, p.why)), "  ", 4);
  }
  return out.empty() ? out : "problems:\n" + out;
}

std::string target_text(const BootStatus& s) {
  switch (s.boot_complete) {
    case TargetState::reached:
      return "reached";
    case TargetState::failed:
      return "failed";
    case TargetState::pending:
      return "pending: not reached yet";
    case TargetState::not_in_boot:
      return "not part of this boot";
    case TargetState::unknown:
      break;
  }
  return "unknown";
}

std::string bless_text(const BootStatus& s) {
  switch (s.bless) {
    case Bless::blessed:
      return fmt::format("blessed: {} succeeded", kBlessService);
    case Bless::failed:
      return fmt::format("not blessed: {} failed", kBlessService);
    case Bless::pending:
      return fmt::format("pending: {} has not run yet", kBlessService);
    case Bless::not_run:
      return fmt::format("not blessed: {} is loaded but did not run", kBlessService);
    case Bless::not_in_boot:
      return fmt::format("nothing to bless: {} is not part of this boot", kBlessService);
    case Bless::unknown:
      break;
  }
  return "unknown";
}

std::string unit_text(const GatedUnit& u) {
  std::string detail = u.detail.empty() ? std::string("state unknown") : u.detail;
  if (u.reboots) detail += "; FailureAction=reboot";
  const std::string name = printable(u.name);
  if (name.size() > kLongName) {
    return wrap(name, "    ", 6) + wrap(printable(detail), "      ", 6);
  }
  return wrap(printable(detail), fmt::format("    {:<{}} ", name, kLongName), kLongName + 5);
}

std::string check_text(const CheckStatus& c) {
  const std::string detail = fmt::format("{}: {}", c.required ? "required" : "wanted",
                                         c.detail.empty() ? "state unknown" : c.detail);
  const std::string name = printable(c.name);
  if (name.size() > kLongName) {
    return wrap(name, "    ", 6) + wrap(printable(detail), "      ", 6);
  }
  return wrap(printable(detail), fmt::format("    {:<{}} ", name, kLongName), kLongName + 5);
}

std::string json_or_null(const std::optional<std::string>& value) {
  return value ? json::quote(*value) : "null";
}

std::string json_nonempty(const std::string& value) {
  return value.empty() ? "null" : json::quote(value);
}

template <typename T>
std::string number_or_null(const std::optional<T>& value) {
  return value ? fmt::format("{}", *value) : "null";
}

std::string unit_json(const GatedUnit& u) {
  const bool known = u.state.has_value();
  std::optional<int> exit_status;
  if (known) exit_status = u.state->exec_main_status;
  return fmt::format(
      R"({{"name": {}, "outcome": {}, "active_state": {}, "sub_state": {}, "result": {}, )"
      R"("exit_status": {}, "reboots": {}, "detail": {}}})",
      json::quote(u.name), known ? json::quote(outcome_name(u.outcome)) : "null",
      known ? json_nonempty(u.state->active_state) : "null",
      known ? json_nonempty(u.state->sub_state) : "null",
      known ? json_nonempty(u.state->result) : "null", number_or_null(exit_status),
      u.reboots ? "true" : "false", json_nonempty(u.detail));
}

std::string check_json(const CheckStatus& c) {
  const bool known = c.state.has_value();
  return fmt::format(
      R"({{"name": {}, "unit": {}, "required": {}, "outcome": {}, "active_state": {}, )"
      R"("result": {}, "description": {}, "detail": {}}})",
      json::quote(c.name), json::quote(c.unit), c.required ? "true" : "false",
      known ? json::quote(outcome_name(c.outcome)) : "null",
      known ? json_nonempty(c.state->active_state) : "null",
      known ? json_nonempty(c.state->result) : "null", json_nonempty(c.description),
      json_nonempty(c.detail));
}

std::string entry_json(const LoaderEntry& e) {
  return fmt::format(
      R"({{"file": {}, "id": {}, "counted": {}, "left": {}, "done": {}, "sort_key": {}}})",
      json::quote(e.file), json::quote(e.id), e.counted ? "true" : "false",
      e.counted ? fmt::format("{}", e.left) : "null",
      e.counted ? fmt::format("{}", e.done) : "null", json_nonempty(e.sort_key));
}

std::string fallback_json(const BootStatus& s) {
  const Fallback& f = s.fallback;
  return fmt::format(R"({{"fell_back": {}, "reason": {}, "failed_entry": {}, "grub": {}}})",
                     f.fell_back ? "true" : "false", json_nonempty(f.reason),
                     f.failed_entry ? entry_json(*f.failed_entry) : "null",
                     f.grub ? "true" : "false");
}

std::string loader_json(const BootStatus& s) {
  const LoaderFacts& l = s.loader;
  std::string ids;
  for (const std::string& id : l.entries) {
    if (!ids.empty()) ids += ", ";
    ids += json::quote(id);
  }
  std::string entries;
  for (const LoaderEntry& e : l.esp_entries) {
    entries += entries.empty() ? "\n      " : ",\n      ";
    entries += entry_json(e);
  }
  if (!entries.empty()) entries += "\n    ";
  std::string problems;
  for (const LoaderProblem& p : l.problems) {
    if (!problems.empty()) problems += ", ";
    problems +=
        fmt::format(R"({{"file": {}, "error": {}}})", json::quote(p.file), json::quote(p.why));
  }
  return fmt::format(
      "{{\n    \"entries\": [{}],\n    \"selected\": {},\n    \"default\": {},\n"
      "    \"oneshot\": {},\n    \"esp\": {},\n    \"esp_entries\": [{}],\n"
      "    \"upgrade_failure\": {},\n    \"problems\": [{}]\n  }}",
      ids, json_or_null(l.selected), json_or_null(l.default_entry), json_or_null(l.oneshot),
      json_nonempty(l.esp), entries, s.upgrade_failure ? "true" : "false", problems);
}

}  // namespace

std::string status_text(const BootStatus& s) {
  std::string out = wrap(printable(s.summary), "", 2);
  out += field("mode", mode_text(s));
  out += field("entry", entry_text(s));
  out += field("counting", counting_text(s));
  if (!s.tries_note.empty()) out += field("tries", s.tries_note);
  if (s.fallback.fell_back) out += field("fallback", s.fallback.reason);
  if (!s.loader.esp.empty()) out += field("entries", entries_text(s));
  out += field("boot-complete", target_text(s));
  out += field("bless", bless_text(s));
  if (!s.states_unknown_because.empty()) {
    out += field("unit states", "unknown: " + s.states_unknown_because);
  }
  out += field("gated units", s.units.empty()
                                  ? fmt::format("none (no {} drop-in under /run/systemd/system)",
                                                kBootAssessmentDropin)
                                  : fmt::format("{}", s.units.size()));
  for (const GatedUnit& u : s.units)
    out += unit_text(u);
  if (!s.checks.empty()) {
    std::size_t wanted = 0;
    for (const CheckStatus& c : s.checks)
      wanted += c.required ? 0 : 1;
    out += field("checks", fmt::format("{} ({} required, {} wanted: a wanted check never fails "
                                       "the boot)",
                                       s.checks.size(), s.checks.size() - wanted, wanted));
    for (const CheckStatus& c : s.checks)
      out += check_text(c);
  }
  return out + problems_text(s);
}

std::string status_json(const BootStatus& s) {
  std::string flags;
  for (const auto& [flag, present] : s.mode_flags) {
    if (!flags.empty()) flags += ", ";
    flags += fmt::format("{}: {}", json::quote(flag), present ? "true" : "false");
  }
  std::optional<unsigned> left;
  std::optional<unsigned> done;
  std::optional<std::string> path;
  std::optional<std::string> counted_entry;
  if (s.counting.count) {
    left = s.counting.count->left;
    done = s.counting.count->done;
    path = s.counting.count->path;
    counted_entry = s.counting.count->entry;
  }
  const std::string counting = fmt::format(
      R"({{"counted": {}, "left": {}, "done": {}, "path": {}, "entry": {}, "error": {}, )"
      R"("active": {}, "broken": {}, "reason": {}}})",
      s.counting.counted ? "true" : "false", number_or_null(left), number_or_null(done),
      json_or_null(path), json_or_null(counted_entry), json_nonempty(s.counting_error),
      s.counting_health.active ? "true" : "false", s.counting_health.broken ? "true" : "false",
      json_nonempty(s.counting_health.reason));
  std::string units;
  for (const GatedUnit& u : s.units) {
    units += units.empty() ? "\n    " : ",\n    ";
    units += unit_json(u);
  }
  if (!units.empty()) units += "\n  ";
  std::string checks;
  for (const CheckStatus& c : s.checks) {
    checks += checks.empty() ? "\n    " : ",\n    ";
    checks += check_json(c);
  }
  if (!checks.empty()) checks += "\n  ";
  const bool target_known = s.boot_complete != TargetState::unknown;
  std::string blessed = "null";
  if (s.bless == Bless::blessed) blessed = "true";
  if (s.bless == Bless::failed || s.bless == Bless::not_run || s.bless == Bless::pending) {
    blessed = "false";
  }
  std::string out = "{\n";
  out += fmt::format("  \"verdict\": {},\n", json::quote(verdict_name(s.verdict)));
  out += fmt::format("  \"summary\": {},\n", json::quote(s.summary));
  out += fmt::format("  \"exit_status\": {},\n", exit_status(s.verdict));
  out += fmt::format("  \"mode\": {},\n",
                     s.mode ? json::quote(mode_name(*s.mode)) : std::string("null"));
  out += fmt::format("  \"mode_flags\": {{{}}},\n", flags);
  out += fmt::format("  \"entry\": {},\n", json_or_null(s.entry));
  out += fmt::format("  \"entry_error\": {},\n", json_nonempty(s.entry_error));
  out += fmt::format("  \"counting\": {},\n", counting);
  out += fmt::format("  \"boot_complete\": {},\n",
                     target_known ? json::quote(target_state_name(s.boot_complete)) : "null");
  out += fmt::format("  \"units\": [{}],\n", units);
  out += fmt::format("  \"checks\": [{}],\n", checks);
  out += fmt::format("  \"blessed\": {},\n", blessed);
  out += fmt::format("  \"bless\": {},\n",
                     s.bless == Bless::unknown ? "null" : json::quote(bless_name(s.bless)));
  out += fmt::format("  \"tries_note\": {},\n", json_nonempty(s.tries_note));
  out += fmt::format("  \"fallback\": {},\n", fallback_json(s));
  out += fmt::format("  \"loader\": {},\n", loader_json(s));
  out += fmt::format("  \"states_unknown_because\": {}\n", json_nonempty(s.states_unknown_because));
  out += "}\n";
  return out;
}

}  // namespace bootassess
