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
  std::string out = fmt::format(R"({{"op": {}, "path": {})", json::quote(action_kind_name(a.kind)),
                                json::quote(a.path));
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
  std::string out = "{\"modes\": {";
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

std::string plan_text(const std::vector<ModePlan>& plans,
                      const std::vector<Diagnostic>& diagnostics) {
  // path -> per-mode cell, paths in first-seen order.
  std::vector<std::string> paths;
  std::map<std::string, std::vector<Cell>> cells;
  for (std::size_t m = 0; m < plans.size(); ++m) {
    for (const PlannedAction& p : plans[m].actions) {
      auto [it, inserted] = cells.try_emplace(p.action.path, plans.size());
      if (inserted) paths.push_back(p.action.path);
      Cell& cell = it->second[m];
      cell.last = &p;
      if (p.action.kind == ActionKind::write) ++cell.writes;
    }
  }

  std::string out;
  std::vector<std::string> names;
  for (const ModePlan& plan : plans)
    names.emplace_back(plan_label(plan));
  out += fmt::format("Plan for {} ({})\n\n", plans.size() == 1 ? "one boot mode" : "each boot mode",
                     fmt::join(names, ", "));
  if (paths.empty()) out += "No action in any mode.\n";

  std::size_t width = 4;
  for (const std::string& p : paths)
    width = std::max(width, p.size());
  // A column is as wide as its mode's name, and fits "symlink B*?".
  std::vector<std::size_t> columns;
  for (const std::string& n : names)
    columns.push_back(std::max<std::size_t>(11, n.size() + 2));
  if (!paths.empty()) {
    out += fmt::format("{:<{}}", "PATH", width + 2);
    for (std::size_t m = 0; m < names.size(); ++m)
      out += fmt::format("{:<{}}", names[m], columns[m]);
    out += "\n";
  }

  // Variant letters per path, for writes and links whose result differs.
  struct Differing {
    std::string path;
    std::vector<std::pair<std::string, std::vector<std::string>>> variants;  // text, modes
  };
  std::vector<Differing> differing;
  for (const std::string& path : paths) {
    const std::vector<Cell>& row = cells[path];
    std::map<std::string, char> letters;
    std::vector<std::pair<std::string, std::vector<std::string>>> variants;
    for (std::size_t m = 0; m < row.size(); ++m) {
      const Cell& c = row[m];
      if (c.last == nullptr) continue;
      const Action& a = c.last->action;
      if (a.kind != ActionKind::write && a.kind != ActionKind::symlink) continue;
      auto [it, inserted] =
          letters.try_emplace(variant_key(a), static_cast<char>('A' + letters.size()));
      if (inserted) {
        std::string text;
        if (a.kind == ActionKind::symlink) {
          text = fmt::format("    -> {}\n", a.target);
        } else {
          text = fmt::format("    mode {:04o}, owner {}:{}\n", a.mode, a.uid, a.gid);
          std::string_view content = a.content;
          while (!content.empty()) {
            std::size_t nl = content.find('\n');
            text += fmt::format("    | {}\n", content.substr(0, nl));
            content = nl == std::string_view::npos ? std::string_view() : content.substr(nl + 1);
          }
        }
        variants.push_back({text, {}});
      }
      variants[static_cast<std::size_t>(it->second - 'A')].second.emplace_back(
          plan_label(plans[m]));
    }
    out += fmt::format("{:<{}}", path, width + 2);
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
      }
      out += fmt::format("{:<{}}", text, columns[m]);
    }
    out += "\n";
    if (variants.size() > 1 || plans.size() == 1) differing.push_back({path, variants});
  }
  if (!paths.empty()) {
    out += "\n(* written more than once in that mode; ? depends on an undecided condition)\n";
  }

  if (!differing.empty()) {
    out += plans.size() == 1 ? "\nContents:\n" : "\nContents that differ between modes:\n";
    for (const Differing& d : differing) {
      if (d.variants.empty()) continue;
      out += fmt::format("{}\n", d.path);
      for (std::size_t v = 0; v < d.variants.size(); ++v) {
        out += fmt::format("  {} ({}):\n{}", static_cast<char>('A' + v),
                           fmt::join(d.variants[v].second, ", "), d.variants[v].first);
      }
    }
  }

  bool any_skipped = false;
  for (const ModePlan& plan : plans) {
    for (const StepRun& s : plan.steps) {
      if (s.ran) continue;
      if (!any_skipped) out += "\nSkipped steps:\n";
      any_skipped = true;
      out += fmt::format("  {}: '{}' [{}]: {}\n", plan_label(plan), s.label, s.where.file_line(),
                         s.reason);
    }
  }
  if (!diagnostics.empty()) {
    out += "\nDiagnostics:\n";
    for (const Diagnostic& d : diagnostics)
      out += format_diagnostic(d) + "\n";
  }
  return out;
}

}  // namespace bootassess
