#include "load/yip_integer.h"

#include <cmath>
#include <cstdlib>
#include <regex>
#include <string>

namespace bootassess {
namespace {

// Go's strconv.ParseUint(s, 0, 64) after the sign was taken off.
std::optional<std::uint64_t> parse_go_base0(std::string_view s, bool& octal_prefix) {
  if (s.empty()) return std::nullopt;
  unsigned base = 10;
  if (s.size() > 1 && s[0] == '0') {
    const char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x') {
      base = 16;
      s.remove_prefix(2);
    } else if (p == 'o') {
      base = 8;
      s.remove_prefix(2);
      octal_prefix = true;
    } else if (p == 'b') {
      base = 2;
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
      octal_prefix = true;
    }
    if (s.empty()) return std::nullopt;
  }
  std::uint64_t value = 0;
  for (char c : s) {
    unsigned digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<unsigned>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    if (digit >= base) return std::nullopt;
    if (value > (UINT64_MAX - digit) / base) return std::nullopt;
    value = value * base + digit;
  }
  return value;
}

}  // namespace

std::optional<YipInteger> parse_yip_unsigned(std::string_view text, std::uint64_t max) {
  std::string plain;
  for (char c : text) {
    if (c != '_') plain += c;
  }
  std::string_view digits = plain;
  bool negative = false;
  if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  YipInteger result;
  bool octal_prefix = false;
  if (std::optional<std::uint64_t> v = parse_go_base0(digits, octal_prefix)) {
    if (negative && *v != 0) return std::nullopt;
    if (*v > max) return std::nullopt;
    result.value = *v;
    result.octal_prefix = octal_prefix;
    result.decimal = !octal_prefix && digits.find_first_not_of("0123456789") == std::string::npos;
    return result;
  }
  // yaml.v3 then tries its float syntax; a float lands in an unsigned field
  // truncated toward zero when it is not negative and fits.
  static const std::regex kYamlFloat(R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)");
  if (!std::regex_match(plain, kYamlFloat)) return std::nullopt;
  const double f = std::strtod(plain.c_str(), nullptr);
  if (!(f >= 0) || f > static_cast<double>(max)) return std::nullopt;
  result.value = static_cast<std::uint64_t>(std::trunc(f));
  result.from_float = true;
  return result;
}

std::optional<std::uint32_t> parse_quoted_octal(std::string_view text) {
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'o' || text[1] == 'O')) {
    text.remove_prefix(2);
  }
  if (text.empty() || text.size() > 11) return std::nullopt;
  std::uint32_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '7') return std::nullopt;
    value = value * 8 + static_cast<std::uint32_t>(c - '0');
  }
  return value;
}

}  // namespace bootassess
