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

std::string format_diagnostic(const Diagnostic& d) {
  std::string where = d.where.str();
  std::string text = where.empty() ? std::string("bootassess") : where;
  text += fmt::format(": {}: {}", severity_name(d.severity), d.message);
  if (!d.fix.empty()) text += fmt::format(" ({})", d.fix);
  if (!d.rule.empty()) text += fmt::format(" [{}]", d.rule);
  return printable(text);
}

void Diagnostics::error(const Position& where, std::string rule, std::string message,
                        std::string fix) {
  items_.push_back({where, Severity::error, std::move(rule), std::move(message), std::move(fix)});
}

void Diagnostics::warning(const Position& where, std::string rule, std::string message,
                          std::string fix) {
  items_.push_back({where, Severity::warning, std::move(rule), std::move(message), std::move(fix)});
}

void Diagnostics::note(const Position& where, std::string rule, std::string message,
                       std::string fix) {
  items_.push_back({where, Severity::note, std::move(rule), std::move(message), std::move(fix)});
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

std::size_t Diagnostics::count(Severity severity) const {
  return static_cast<std::size_t>(std::count_if(
      items_.begin(), items_.end(), [&](const Diagnostic& d) { return d.severity == severity; }));
}

}  // namespace bootassess
