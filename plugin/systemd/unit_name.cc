#include "systemd/unit_name.h"

#include <array>
#include <utility>

namespace bootassess::systemd {
namespace {

constexpr std::array<std::pair<UnitType, std::string_view>, 11> kTypeNames{{
    {UnitType::service, "service"},
    {UnitType::socket, "socket"},
    {UnitType::target, "target"},
    {UnitType::device, "device"},
    {UnitType::mount, "mount"},
    {UnitType::automount, "automount"},
    {UnitType::swap, "swap"},
    {UnitType::timer, "timer"},
    {UnitType::path, "path"},
    {UnitType::slice, "slice"},
    {UnitType::scope, "scope"},
}};

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
         c == '-' || c == '_' || c == '.' || c == '\\';
}

// Characters that make systemctl treat an argument as a glob pattern.
bool is_glob_char(char c) {
  return c == '*' || c == '?' || c == '[';
}

char hex_digit(unsigned value) {
  return "0123456789abcdef"[value & 0xf];
}

}  // namespace

std::optional<UnitType> unit_type_from_string(std::string_view suffix) {
  for (const auto& [type, name] : kTypeNames) {
    if (name == suffix) return type;
  }
  return std::nullopt;
}

std::string_view unit_type_name(UnitType type) {
  for (const auto& [t, name] : kTypeNames) {
    if (t == type) return name;
  }
  return "";
}

NameClass classify_unit_name(std::string_view name) {
  if (name.empty() || name.size() >= kUnitNameMax) return NameClass::invalid;
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return NameClass::invalid;
  if (!unit_type_from_string(name.substr(dot + 1))) return NameClass::invalid;
  std::size_t at = std::string_view::npos;
  for (std::size_t i = 0; i < dot; ++i) {
    const char c = name[i];
    if (c == '@') {
      if (at == std::string_view::npos) at = i;
      continue;
    }
    if (!is_name_char(c)) return NameClass::invalid;
  }
  if (at == 0) return NameClass::invalid;
  if (at == std::string_view::npos) return NameClass::plain;
  return at + 1 == dot ? NameClass::template_name : NameClass::instance;
}

std::optional<UnitType> unit_type_of(std::string_view name) {
  if (!is_valid_unit_name(name)) return std::nullopt;
  return unit_type_from_string(name.substr(name.rfind('.') + 1));
}

bool unit_type_may_alias(UnitType type) {
  switch (type) {
    case UnitType::service:
    case UnitType::socket:
    case UnitType::target:
    case UnitType::device:
    case UnitType::timer:
    case UnitType::path:
      return true;
    default:
      return false;
  }
}

bool unit_type_may_template(UnitType type) {
  switch (type) {
    case UnitType::service:
    case UnitType::socket:
    case UnitType::target:
    case UnitType::timer:
    case UnitType::path:
      return true;
    default:
      return false;
  }
}

bool is_valid_instance(std::string_view instance) {
  if (instance.empty()) return false;
  for (char c : instance) {
    if (c != '@' && !is_name_char(c)) return false;
  }
  return true;
}

std::optional<std::string> template_of(std::string_view name) {
  const NameClass cls = classify_unit_name(name);
  if (cls != NameClass::template_name && cls != NameClass::instance) return std::nullopt;
  const std::size_t at = name.find('@');
  const std::size_t dot = name.rfind('.');
  return std::string(name.substr(0, at + 1)) + std::string(name.substr(dot));
}

std::optional<std::string> instance_of(std::string_view name) {
  const NameClass cls = classify_unit_name(name);
  if (cls != NameClass::template_name && cls != NameClass::instance) return std::nullopt;
  const std::size_t at = name.find('@');
  const std::size_t dot = name.rfind('.');
  return std::string(name.substr(at + 1, dot - at - 1));
}

std::optional<std::string> replace_instance(std::string_view name, std::string_view instance) {
  const NameClass cls = classify_unit_name(name);
  if (cls != NameClass::template_name && cls != NameClass::instance) return std::nullopt;
  if (!is_valid_instance(instance)) return std::nullopt;
  const std::size_t at = name.find('@');
  const std::size_t dot = name.rfind('.');
  std::string out =
      std::string(name.substr(0, at + 1)) + std::string(instance) + std::string(name.substr(dot));
  if (classify_unit_name(out) != NameClass::instance) return std::nullopt;
  return out;
}

std::string unit_prefix(std::string_view name) {
  const std::size_t at = name.find('@');
  if (at != std::string_view::npos) return std::string(name.substr(0, at));
  const std::size_t dot = name.rfind('.');
  return std::string(name.substr(0, dot));
}

std::string strip_unit_suffix(std::string_view name) {
  return std::string(name.substr(0, name.rfind('.')));
}

std::optional<MangledName> mangle_unit_name(std::string_view input) {
  if (input.empty()) return std::nullopt;
  MangledName out;
  if (is_valid_unit_name(input)) {
    out.name = std::string(input);
    return out;
  }
  bool all_glob_chars = true;
  bool has_glob = false;
  for (char c : input) {
    if (is_glob_char(c)) has_glob = true;
    if (!(c == '@' || c == ']' || c == '!' || is_glob_char(c) || is_name_char(c))) {
      all_glob_chars = false;
    }
  }
  out.glob = has_glob && all_glob_chars;
  for (char c : input) {
    if (c == '/') {
      out.name += '-';
      out.escaped = true;
    } else if (c == '@' || is_name_char(c)) {
      out.name += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out.name += "\\x";
      out.name += hex_digit(byte >> 4);
      out.name += hex_digit(byte);
      out.escaped = true;
    }
  }
  if (!unit_type_of(out.name)) out.name += ".service";
  if (!is_valid_unit_name(out.name)) return std::nullopt;
  return out;
}

}  // namespace bootassess::systemd
