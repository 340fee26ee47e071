#include "diag/diagnostic.h"

#include <fmt/format.h>

#include <algorithm>

namespace bootassess {

std::string Position::file_line() const {
  if (line <= 0) return file.str();
  return fmt::format("{}:{}", file.str(), line);
}

std::string Position::str() const {
  if (line <= 0) return file.str();
  if (column <= 0) return fmt::format("{}:{}", file.str(), line);
  return fmt::format("{}:{}:{}", file.str(), line, column);
}

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::note:
      return "note";
    case Severity::warning:
      return "warning";
    case Severity::error:
      return "error";
  }
  return "error";
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  return out;
}

std::string abbreviated(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return std::string(text);
  std::size_t cut = limit;
  // Not inside a UTF-8 sequence: back off its continuation bytes.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;
  return fmt::format("{}... ({} bytes)", text.substr(0, cut), text.size());
}

std::string format_diagnostic(const Diagnostic& d) {
  std::string where = d.where.str();
  std::string text = where.empty() ? std::string("bootassess") : where;
  text += fmt::format(": {}: {}", severity_name(d.severity), d.message);
  if (!d.fix.empty()) text += fmt::format(" ({})", d.fix);
  if (!d.rule.empty()) text += fmt::format(" [{}]", d.rule);
  return printable(text);
}

void Diagnostics::add(Diagnostic diagnostic) {
  if (unique_ && !seen_.insert(std::hash<std::string>{}(format_diagnostic(diagnostic))).second) {
    return;
  }
  RuleTally& tally = tallies_[{diagnostic.rule, diagnostic.severity}];
  if (diagnostic.collapsed == 0 && tally.shown < kShownPerRule) {
    ++tally.shown;
    items_.push_back(std::move(diagnostic));
    return;
  }
  const std::size_t more = weight(diagnostic);
  if (tally.collapsed_at == 0) {
    diagnostic.collapsed = 0;
    diagnostic.fix.clear();
    items_.push_back(std::move(diagnostic));
    tally.collapsed_at = items_.size();
  }
  Diagnostic& line = items_[tally.collapsed_at - 1];
  line.collapsed += more;
  line.message = fmt::format("{} more {}{} like this, from here on, not shown", line.collapsed,
                             severity_name(line.severity), line.collapsed == 1 ? "" : "s");
}

void Diagnostics::error(const Position& where, std::string rule, std::string message,
                        std::string fix) {
  add({where, Severity::error, std::move(rule), std::move(message), std::move(fix)});
}

void Diagnostics::warning(const Position& where, std::string rule, std::string message,
                          std::string fix) {
  add({where, Severity::warning, std::move(rule), std::move(message), std::move(fix)});
}

void Diagnostics::note(const Position& where, std::string rule, std::string message,
                       std::string fix) {
  add({where, Severity::note, std::move(rule), std::move(message), std::move(fix)});
}

void Diagnostics::append(const Diagnostics& other) {
  for (const Diagnostic& d : other.items_)
    add(d);
}

std::size_t Diagnostics::count(Severity severity) const {
  std::size_t n = 0;
  for (const Diagnostic& d : items_) {
    if (d.severity == severity) n += weight(d);
  }
  return n;
}

}  // namespace bootassess
