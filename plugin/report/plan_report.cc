#include "report/plan_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "report/json.h"

namespace bootassess {
namespace {

std::string action_json(const PlannedAction& p) {
  const Action& a = p.action;
  std::string out =
      fmt::format(R"({{"op": {}, "path": {}, "source": {{"file": {}, "line": {}, "column": {}}})",
                  json::quote(action_kind_name(a.kind)), json::quote(a.path),
                  json::quote(a.origin.file.str()), json::position_number(a.origin.line),
                  json::position_number(a.origin.line > 0 ? a.origin.column : 0));
  if (a.kind == ActionKind::write || a.kind == ActionKind::mkdir) {
    out += fmt::format(R"(, "mode": "{:04o}")", a.mode);
  }
  if (a.kind == ActionKind::write) out += fmt::format(R"(, "content": {})", json::quote(a.content));
  if (a.kind == ActionKind::symlink) out += fmt::format(R"(, "target": {})", json::quote(a.target));
  if (p.undecided) {
    out += fmt::format(R"(, "undecided": {})", json::quote(p.undecided->str()));
  }
  out += "}";
  return out;
}

// What a mode ends up with at a path: the last action there.
struct Cell {
  const PlannedAction* last = nullptr;
  int writes = 0;
};

std::string variant_key(const Action& a) {
  if (a.kind == ActionKind::symlink) return "l" + a.target;
  return fmt::format("{}{:o}:{}:{}:{}", action_kind_name(a.kind), a.mode, a.uid, a.gid, a.content);
}

}  // namespace

std::vector<Diagnostic> merged_diagnostics(const std::vector<Diagnostic>& first,
                                           const std::vector<ModePlan>& plans) {
  std::vector<Diagnostic> out;
  std::set<std::string> seen;
  auto add = [&](const Diagnostic& d) {
    if (seen.insert(format_diagnostic(d)).second) out.push_back(d);
  };
  for (const Diagnostic& d : first)
    add(d);
  for (const ModePlan& plan : plans) {
    for (const Diagnostic& d : plan.diagnostics)
      add(d);
  }
  return out;
}

std::string plan_json(const std::vector<ModePlan>& plans,
                      const std::vector<Diagnostic>& diagnostics) {
  std::string out = fmt::format("{{\"format_version\": {}, \"modes\": {{", kPlanJsonFormatVersion);
  for (std::size_t m = 0; m < plans.size(); ++m) {
    const ModePlan& plan = plans[m];
    if (m > 0) out += ", ";
    // A mode's key is its name, or "<mode>/counted" and "<mode>/uncounted"
    // where counting changes what it gets.
    out += fmt::format("{}: {{\"counting\": {}, \"actions\": [", json::quote(plan_label(plan)),
                       json::quote(!plan.counting_shown ? "any"
                                   : plan.counted       ? "counted"
                                                        : "uncounted"));
    for (std::size_t i = 0; i < plan.actions.size(); ++i) {
      if (i > 0) out += ", ";
      out += action_json(plan.actions[i]);
    }
    out += "], \"skipped\": [";
    bool first = true;
    for (const StepRun& s : plan.steps) {
      if (s.ran) continue;
      if (!first) out += ", ";
      first = false;
      out += fmt::format(R"({{"step": {}, "source": {}, "reason": {}}})", json::quote(s.label),
                         json::quote(s.where.file_line()), json::quote(s.reason));
    }
    out += "]}";
  }
  out += "}, \"diagnostics\": [";
  for (std::size_t i = 0; i < diagnostics.size(); ++i) {
    if (i > 0) out += ", ";
    out += json::diagnostic(diagnostics[i]);
  }
  out += "]}\n";
  return out;
}

namespace {

constexpr std::size_t kTextWidth = 100;

// `text` without trailing blanks on any line.
std::string trimmed_lines(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t nl = text.find('\n', at);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line(text.data() + at, nl - at);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    out += line;
    if (nl < text.size()) out += '\n';
    at = nl + 1;
  }
  return out;
}

// `line` cut at spaces into lines of at most kTextWidth columns, the later
// ones indented by `indent`; a word longer than a line is cut where it must.
std::string wrapped(std::string_view line, std::string_view indent) {
  std::string out;
  std::string_view rest = line;
  std::string_view prefix;
  while (prefix.size() + rest.size() > kTextWidth) {
    const std::size_t room = kTextWidth - prefix.size();
    std::size_t cut = rest.rfind(' ', room);
    if (cut == std::string_view::npos || cut == 0) cut = room;
    out += prefix;
    out += rest.substr(0, cut);
    out += '\n';
    rest = rest.substr(cut);
    while (!rest.empty() && rest.front() == ' ')
      rest.remove_prefix(1);
    prefix = indent;
  }
  out += prefix;
  out += rest;
  out += '\n';
  return out;
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    lines.emplace_back(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  return lines;
}

// The lines that show a written file or a link: "mode ..., owner ..." then
// the content, each line of it after "| " (": " continues a line too long
// to fit).
std::vector<std::string> shown_lines(const Action& a) {
  if (a.kind == ActionKind::symlink) return {"-> " + a.target};
  std::vector<std::string> out{fmt::format("mode {:04o}, owner {}:{}", a.mode, a.uid, a.gid)};
  for (const std::string& line : split_lines(a.content))
    out.push_back("| " + line);
  return out;
}

std::string shown_text(const std::vector<std::string>& lines, std::string_view indent) {
  std::string out;
  const std::size_t first_room = kTextWidth - indent.size();
  const std::size_t next_room = first_room - 2;
  for (const std::string& line : lines) {
    // Content is shown as it is: a line too long is continued, not re-flowed.
    std::string_view rest = line;
    std::size_t room = first_room;
    std::string_view lead;
    while (rest.size() > room) {
      out += fmt::format("{}{}{}\n", indent, lead, rest.substr(0, room));
      rest = rest.substr(room);
      room = next_room;
      lead = ": ";
    }
    out += fmt::format("{}{}{}\n", indent, lead, rest);
  }
  return out;
}

// The lines of `to` that differ from `from`, as "- line" and "+ line" in
// order (a longest common subsequence of lines is kept); empty when equal.
std::vector<std::string> line_diff(const std::vector<std::string>& from,
                                   const std::vector<std::string>& to) {
  const std::size_t n = from.size();
  const std::size_t m = to.size();
  std::vector<std::vector<std::size_t>> common(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      common[i][j] = from[i] == to[j] ? common[i + 1][j + 1] + 1
                                      : std::max(common[i + 1][j], common[i][j + 1]);
    }
  }
  std::vector<std::string> out;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && from[i] == to[j]) {
      ++i;
      ++j;
    } else if (i < n && (j == m || common[i + 1][j] >= common[i][j + 1])) {
      out.push_back("- " + from[i++]);
    } else {
      out.push_back("+ " + to[j++]);
    }
  }
  return out;
}

// A mkdir that only makes room for what is planned below it, in exactly the
// modes where something is: shown with -v only.
bool is_implied_parent(const std::string& dir, const std::vector<std::string>& paths,
                       const std::map<std::string, std::vector<Cell>>& cells) {
  const std::vector<Cell>& row = cells.at(dir);
  for (const Cell& c : row) {
    if (c.last != nullptr && c.last->action.kind != ActionKind::mkdir) return false;
  }
  const std::string prefix = dir == "/" ? dir : dir + "/";
  std::vector<bool> below(row.size(), false);
  bool any = false;
  for (const std::string& p : paths) {
    if (p.size() <= prefix.size() || p.compare(0, prefix.size(), prefix) != 0) continue;
    const std::vector<Cell>& other = cells.at(p);
    for (std::size_t m = 0; m < row.size(); ++m) {
      if (other[m].last != nullptr) below[m] = any = true;
    }
  }
  if (!any) return false;
  for (std::size_t m = 0; m < row.size(); ++m) {
    if ((row[m].last != nullptr) != below[m]) return false;
  }
  return true;
}

}  // namespace

std::string plan_text(const std::vector<ModePlan>& plans,
                      const std::vector<Diagnostic>& diagnostics, const PlanTextOptions& options) {
  // path -> per-mode cell, paths in first-seen order.
  std::vector<std::string> all_paths;
  std::map<std::string, std::vector<Cell>> cells;
  for (std::size_t m = 0; m < plans.size(); ++m) {
    for (const PlannedAction& p : plans[m].actions) {
      auto [it, inserted] = cells.try_emplace(p.action.path, plans.size());
      if (inserted) all_paths.push_back(p.action.path);
      Cell& cell = it->second[m];
      cell.last = &p;
      if (p.action.kind == ActionKind::write) ++cell.writes;
    }
  }
  std::vector<std::string> paths;
  std::size_t hidden = 0;
  for (const std::string& p : all_paths) {
    if (!options.verbose && is_implied_parent(p, all_paths, cells)) {
      ++hidden;
    } else {
      paths.push_back(p);
    }
  }

  std::string out;
  std::vector<std::string> names;
  for (const ModePlan& plan : plans)
    names.emplace_back(plan_label(plan));
  out += wrapped(
      fmt::format("Plan for {} ({})", plans.size() == 1 ? "one boot mode" : "each boot mode",
                  fmt::join(names, ", ")),
      "  ");
  out += "\n";
  if (!options.header_note.empty()) out += wrapped(options.header_note, "  ") + "\n";

  // What the table depends on but cannot decide comes first.
  bool any_undecided = false;
  for (const Diagnostic& d : diagnostics) {
    if (d.rule != "condition-undecided") continue;
    if (!any_undecided) out += "Undecided conditions (cells marked ?):\n";
    any_undecided = true;
    out += wrapped(format_diagnostic(d), "    ");
  }
  if (any_undecided) out += "\n";

  if (paths.empty()) out += "No action in any mode.\n";

  // A column fits its cells and its mode's name, split at '/' onto two
  // header lines; a path too long for what is left gets a line of its own.
  std::vector<std::pair<std::string, std::string>> heads;
  for (const std::string& n : names) {
    const std::size_t slash = n.find('/');
    heads.emplace_back(n.substr(0, slash),
                       slash == std::string::npos ? std::string() : n.substr(slash + 1));
  }
  std::vector<std::size_t> columns;
  for (const auto& [top, bottom] : heads)
    columns.push_back(std::max<std::size_t>(9, std::max(top.size(), bottom.size())) + 2);
  std::size_t cells_width = 0;
  for (std::size_t c : columns)
    cells_width += c;
  std::size_t longest = 4;
  for (const std::string& p : paths)
    longest = std::max(longest, p.size());
  const std::size_t room = kTextWidth > cells_width + 2 ? kTextWidth - cells_width - 2 : 20;
  const std::size_t width = std::min(longest, std::max<std::size_t>(room, 20));
  if (!paths.empty()) {
    std::string top = fmt::format("{:<{}}", "PATH", width + 2);
    std::string bottom = fmt::format("{:<{}}", "", width + 2);
    bool two_lines = false;
    for (std::size_t m = 0; m < heads.size(); ++m) {
      top += fmt::format("{:<{}}", heads[m].first, columns[m]);
      bottom += fmt::format("{:<{}}", heads[m].second, columns[m]);
      two_lines = two_lines || !heads[m].second.empty();
    }
    out += top + "\n";
    if (two_lines) out += bottom + "\n";
  }

  // Variant letters per path, for writes and links whose result differs.
  struct Differing {
    std::string path;
    std::vector<std::pair<const Action*, std::vector<std::string>>> variants;  // shown, modes
  };
  std::vector<Differing> differing;
  bool marked = false;
  for (const std::string& path : paths) {
    const std::vector<Cell>& row = cells[path];
    std::map<std::string, char> letters;
    std::vector<std::pair<const Action*, std::vector<std::string>>> variants;
    for (std::size_t m = 0; m < row.size(); ++m) {
      const Cell& c = row[m];
      if (c.last == nullptr) continue;
      const Action& a = c.last->action;
      if (a.kind != ActionKind::write && a.kind != ActionKind::symlink) continue;
      auto [it, inserted] =
          letters.try_emplace(variant_key(a), static_cast<char>('A' + letters.size()));
      if (inserted) variants.push_back({&a, {}});
      variants[static_cast<std::size_t>(it->second - 'A')].second.emplace_back(
          plan_label(plans[m]));
    }
    if (path.size() > width) {
      out += path + "\n" + std::string(width + 2, ' ');
    } else {
      out += fmt::format("{:<{}}", path, width + 2);
    }
    for (std::size_t m = 0; m < row.size(); ++m) {
      const Cell& c = row[m];
      std::string text = "-";
      if (c.last != nullptr) {
        text = std::string(action_kind_name(c.last->action.kind));
        if (letters.size() > 1 && (c.last->action.kind == ActionKind::write ||
                                   c.last->action.kind == ActionKind::symlink)) {
          text += fmt::format(" {}", letters[variant_key(c.last->action)]);
        }
        if (c.writes > 1) text += "*";
        if (c.last->undecided) text += "?";
        marked = marked || c.writes > 1 || c.last->undecided;
      }
      out += fmt::format("{:<{}}", text, columns[m]);
    }
    out += "\n";
    if (variants.size() > 1 || plans.size() == 1) differing.push_back({path, variants});
  }
  if (marked) {
    out += "\n(* written more than once in that mode; ? depends on an undecided condition)\n";
  }
  if (hidden > 0) {
    if (!marked) out += "\n";
    out += fmt::format(
        "({} parent director{} made only for what is below {} not shown; -v "
        "shows {})\n",
        hidden, hidden == 1 ? "y" : "ies", hidden == 1 ? "it is" : "them are",
        hidden == 1 ? "it" : "them");
  }

  if (!differing.empty()) {
    out += plans.size() == 1 ? "\nContents:\n" : "\nContents that differ between modes:\n";
    for (const Differing& d : differing) {
      if (d.variants.empty()) continue;
      out += wrapped(d.path, "  ");
      const std::vector<std::string> first = shown_lines(*d.variants[0].first);
      for (std::size_t v = 0; v < d.variants.size(); ++v) {
        const std::string head = fmt::format("  {} ({})", static_cast<char>('A' + v),
                                             fmt::join(d.variants[v].second, ", "));
        const std::vector<std::string> lines = shown_lines(*d.variants[v].first);
        const std::vector<std::string> diff =
            v == 0 ? std::vector<std::string>{} : line_diff(first, lines);
        // Another variant is shown as its difference from A when that is
        // the shorter read.
        if (v > 0 && diff.size() < lines.size()) {
          out += wrapped(head + ": as A, except:", "    ");
          out += shown_text(diff, "    ");
        } else {
          out += wrapped(head + ":", "    ");
          out += shown_text(lines, "    ");
        }
      }
    }
  }

  bool any_skipped = false;
  for (const ModePlan& plan : plans) {
    for (const StepRun& s : plan.steps) {
      if (s.ran) continue;
      if (!any_skipped) out += "\nSkipped steps:\n";
      any_skipped = true;
      out += wrapped(fmt::format("  {}: '{}' [{}]: {}", plan_label(plan), s.label,
                                 s.where.file_line(), s.reason),
                     "    ");
    }
  }
  bool any_shown = false;
  for (const Diagnostic& d : diagnostics) {
    if (d.rule == "condition-undecided") continue;
    if (!any_shown) out += "\nDiagnostics:\n";
    any_shown = true;
    out += wrapped(format_diagnostic(d), "    ");
  }
  return trimmed_lines(out);
}

}  // namespace bootassess
