#include "report/json.h"

#include <fmt/format.h>

namespace bootassess::json {
namespace {

// The length of the valid UTF-8 sequence at `s[i]`, or 0.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  }
  return n;
}

}  // namespace

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\r':
        out += "\\r";
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04x}", c);
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (std::size_t n = utf8_length(text, i); n > 0) {
      out.append(text.substr(i, n));
      i += n - 1;
    } else {
      out += fmt::format("\\u{:04x}", c);
    }
  }
  out += '"';
  return out;
}

std::string position_number(int n) {
  return n > 0 ? std::to_string(n) : std::string("null");
}

std::string diagnostic(const Diagnostic& d) {
  // Without a line (or a column) the position is unknown: null, not 0.
  std::string out = fmt::format(
      R"({{"file": {}, "line": {}, "column": {}, "severity": {}, "rule": {}, "message": {})",
      quote(d.where.file.str()), position_number(d.where.line),
      position_number(d.where.line > 0 ? d.where.column : 0), quote(severity_name(d.severity)),
      quote(d.rule), quote(d.message));
  if (!d.fix.empty()) out += fmt::format(R"(, "fix": {})", quote(d.fix));
  out += "}";
  return out;
}

}  // namespace bootassess::json
