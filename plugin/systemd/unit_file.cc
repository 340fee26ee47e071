#include "systemd/unit_file.h"

#include <array>
#include <cstdint>
#include <optional>

namespace bootassess::systemd {
namespace {

constexpr std::string_view kWhitespace = " \t\n\r";
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

bool is_whitespace(char c) {
  return kWhitespace.find(c) != std::string_view::npos;
}

std::string_view strip(std::string_view s) {
  while (!s.empty() && is_whitespace(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_whitespace(s.back()))
    s.remove_suffix(1);
  return s;
}

// Splits like systemd's read_line(): each kind of end-of-line marker may
// appear once per line ending ("\r\n" and "\n\r" are one ending, "\n\n" two),
// and nothing continues a line after a NUL.
std::vector<std::string_view> split_lines(std::string_view content) {
  enum : unsigned { kNone = 0, kLf = 1, kCr = 2, kNul = 4 };
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos < content.size()) {
    const std::size_t start = pos;
    std::size_t end = pos;
    unsigned previous = kNone;
    while (pos < content.size()) {
      const char c = content[pos];
      const unsigned eol = c == '\n' ? kLf : c == '\r' ? kCr : c == '\0' ? kNul : kNone;
      if ((previous & kNul) != 0 || (eol == kNone && previous != kNone) ||
          (eol != kNone && (previous & eol) != 0)) {
        break;
      }
      ++pos;
      if (eol != kNone) {
        previous |= eol;
        continue;
      }
      end = pos;
    }
    lines.push_back(content.substr(start, end - start));
  }
  return lines;
}

// systemd's notion of valid UTF-8: shortest encodings of scalar values,
// without surrogates and the non-characters it rejects.
bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t value = 0;
    if ((lead & 0xe0) == 0xc0) {
      length = 2;
      value = lead & 0x1fu;
    } else if ((lead & 0xf0) == 0xe0) {
      length = 3;
      value = lead & 0x0fu;
    } else if ((lead & 0xf8) == 0xf0) {
      length = 4;
      value = lead & 0x07u;
    } else {
      return false;
    }
    if (i + length > s.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(s[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      value = (value << 6) | (next & 0x3fu);
    }
    const std::size_t shortest = value < 0x80 ? 1 : value < 0x800 ? 2 : value < 0x10000 ? 3 : 4;
    if (shortest != length) return false;
    if (value >= 0x110000 || (value & 0xfffff800u) == 0xd800 ||
        (value >= 0xfdd0 && value <= 0xfdef) || (value & 0xfffeu) == 0xfffe) {
      return false;
    }
    i += length;
  }
  return true;
}

// Section names may not hold control characters, quotes or backslashes.
bool is_safe_section_name(std::string_view s) {
  for (char c : s) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte > 0 && byte < ' ') || byte == 127 || c == '\\' || c == '"' || c == '\'') return false;
  }
  return true;
}

class Parser {
 public:
  explicit Parser(SectionPolicy policy) : policy_(policy) {}

  // One logical line; false once the file cannot be read any further.
  bool line(std::string_view text, int number) {
    text = strip(text);
    if (text.empty()) return true;
    if (!is_valid_utf8(text)) {
      return fatal(UnitFileItem::Kind::bad_encoding, number, "the line is not valid UTF-8");
    }
    if (text.front() == '[') {
      if (text.back() != ']') {
        return fatal(UnitFileItem::Kind::bad_section, number,
                     "invalid section header '" + std::string(text) + "'");
      }
      const std::string_view name = text.substr(1, text.size() - 2);
      if (!is_safe_section_name(name)) {
        return fatal(UnitFileItem::Kind::bad_section, number,
                     "bad characters in section header '" + std::string(text) + "'");
      }
      const bool extension = name.substr(0, 2) == "X-";
      const SectionUse use = extension ? SectionUse::skip_silently : policy_(name);
      if (use == SectionUse::read) {
        section_ = std::string(name);
        section_skipped_ = false;
      } else {
        if (use == SectionUse::skip_with_warning) {
          warn(number, "unknown section '" + std::string(name) + "', ignoring it");
        }
        section_.reset();
        section_skipped_ = true;
      }
      return true;
    }
    if (!section_) {
      if (!section_skipped_) warn(number, "assignment outside of a section, ignoring it");
      return true;
    }
    const std::size_t equals = text.find('=');
    if (equals == std::string_view::npos) {
      warn(number, "missing '=', ignoring the line");
      return true;
    }
    if (equals == 0) {
      warn(number, "missing key name before '=', ignoring the line");
      return true;
    }
    UnitFileItem item;
    item.line = number;
    item.section = *section_;
    item.key = std::string(strip(text.substr(0, equals)));
    item.value = std::string(strip(text.substr(equals + 1)));
    items_.push_back(std::move(item));
    return true;
  }

  std::vector<UnitFileItem> take() { return std::move(items_); }

 private:
  void warn(int number, std::string message) {
    UnitFileItem item;
    item.kind = UnitFileItem::Kind::warning;
    item.line = number;
    item.message = std::move(message);
    items_.push_back(std::move(item));
  }

  bool fatal(UnitFileItem::Kind kind, int number, std::string message) {
    UnitFileItem item;
    item.kind = kind;
    item.line = number;
    item.message = std::move(message);
    items_.push_back(std::move(item));
    return false;
  }

  SectionPolicy policy_;
  std::optional<std::string> section_;
  bool section_skipped_ = false;
  std::vector<UnitFileItem> items_;
};

}  // namespace

SectionUse install_section_policy(std::string_view section) {
  static constexpr std::array<std::string_view, 12> kUnitSections{
      "Unit",    "Automount", "Device", "Mount", "Path",   "Scope",
      "Service", "Slice",     "Socket", "Swap",  "Target", "Timer"};
  if (section == "Install") return SectionUse::read;
  for (std::string_view known : kUnitSections) {
    if (section == known) return SectionUse::skip_silently;
  }
  return SectionUse::skip_with_warning;
}

std::vector<UnitFileItem> parse_unit_file(std::string_view content, SectionPolicy policy) {
  Parser parser(policy);
  std::optional<std::string> continuation;
  bool bom_seen = false;
  int number = 0;
  for (std::string_view raw : split_lines(content)) {
    ++number;
    // Comments are recognised before anything else, so a comment line inside
    // a continuation is skipped without ending it.
    std::size_t first = 0;
    while (first < raw.size() && is_whitespace(raw[first]))
      ++first;
    if (first < raw.size() && (raw[first] == '#' || raw[first] == ';')) continue;

    std::string_view text = raw;
    if (!bom_seen && text.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
      text.remove_prefix(kByteOrderMark.size());
      bom_seen = true;
    }
    std::string logical = continuation ? *continuation + std::string(text) : std::string(text);
    bool escaped = false;
    for (char c : logical)
      escaped = escaped ? false : c == '\\';
    if (escaped) {
      logical.back() = ' ';
      continuation = std::move(logical);
      continue;
    }
    continuation.reset();
    if (!parser.line(logical, number)) return parser.take();
  }
  if (continuation) parser.line(*continuation, number + 1);
  return parser.take();
}

WordList split_unquoted_words(std::string_view value) {
  WordList out;
  std::size_t p = 0;
  for (;;) {
    while (p < value.size() && is_whitespace(value[p]))
      ++p;
    if (p == value.size()) return out;
    std::string word;
    char quote = 0;
    for (; p < value.size(); ++p) {
      const char c = value[p];
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word += c;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (is_whitespace(c)) {
        break;
      } else {
        word += c;
      }
    }
    if (quote != 0) {
      out.complete = false;
      return out;
    }
    out.words.push_back(std::move(word));
  }
}

WordList split_escaped_words(std::string_view value) {
  WordList out;
  std::size_t p = 0;
  for (;;) {
    while (p < value.size() && is_whitespace(value[p]))
      ++p;
    if (p == value.size()) return out;
    std::string word;
    for (; p < value.size(); ++p) {
      const char c = value[p];
      if (c == '\\') {
        if (p + 1 == value.size()) {
          out.complete = false;
          return out;
        }
        word += value[++p];
      } else if (is_whitespace(c)) {
        break;
      } else {
        word += c;
      }
    }
    out.words.push_back(std::move(word));
  }
}

}  // namespace bootassess::systemd
