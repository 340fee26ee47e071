#include "report/status_report.h"

#include <fmt/format.h>

#include "boot/boot_counting.h"
#include "boot/efi_variable.h"
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
  return text;
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

}  // namespace

std::string status_text(const BootStatus& s) {
  std::string out = wrap(printable(s.summary), "", 2);
  out += field("mode", mode_text(s));
  out += field("entry", entry_text(s));
  out += field("counting", counting_text(s));
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
      R"({{"counted": {}, "left": {}, "done": {}, "path": {}, "entry": {}, "error": {}}})",
      s.counting.counted ? "true" : "false", number_or_null(left), number_or_null(done),
      json_or_null(path), json_or_null(counted_entry), json_nonempty(s.counting_error));
  std::string units;
  for (const GatedUnit& u : s.units) {
    units += units.empty() ? "\n    " : ",\n    ";
    units += unit_json(u);
  }
  if (!units.empty()) units += "\n  ";
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
  out += fmt::format("  \"blessed\": {},\n", blessed);
  out += fmt::format("  \"bless\": {},\n",
                     s.bless == Bless::unknown ? "null" : json::quote(bless_name(s.bless)));
  out += fmt::format("  \"states_unknown_because\": {}\n", json_nonempty(s.states_unknown_because));
  out += "}\n";
  return out;
}

}  // namespace bootassess
