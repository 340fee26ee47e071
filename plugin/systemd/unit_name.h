// Unit names as systemd's install logic sees them: which strings are unit
// names, of which class (plain "foo.service", template "foo@.service",
// instance "foo@bar.service") and type, and how systemctl turns what a user
// typed into a unit name before it looks for it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace bootassess::systemd {

// systemd refuses names of this length or longer.
inline constexpr std::size_t kUnitNameMax = 256;

enum class UnitType {
  service,
  socket,
  target,
  device,
  mount,
  automount,
  swap,
  timer,
  path,
  slice,
  scope
};

enum class NameClass { invalid, plain, template_name, instance };

// "service" -> UnitType::service; the suffix is case-sensitive.
std::optional<UnitType> unit_type_from_string(std::string_view suffix);
std::string_view unit_type_name(UnitType type);

NameClass classify_unit_name(std::string_view name);
inline bool is_valid_unit_name(std::string_view name) {
  return classify_unit_name(name) != NameClass::invalid;
}
// The type of a valid unit name; nullopt for anything else.
std::optional<UnitType> unit_type_of(std::string_view name);

// Unit types whose units may have Alias= names, and may be templates.
bool unit_type_may_alias(UnitType type);
bool unit_type_may_template(UnitType type);

// What may stand between '@' and the suffix: the name characters plus '@'.
bool is_valid_instance(std::string_view instance);

// "foo@bar.service" and "foo@.service" -> "foo@.service"; nullopt for a plain
// or invalid name.
std::optional<std::string> template_of(std::string_view name);
// "foo@bar.service" -> "bar", "foo@.service" -> "" ; nullopt for a plain or
// invalid name.
std::optional<std::string> instance_of(std::string_view name);
// ("foo@.service", "bar") -> "foo@bar.service"; nullopt when `name` is not a
// template or instance, `instance` is not valid, or the result is too long.
std::optional<std::string> replace_instance(std::string_view name, std::string_view instance);
// "foo@bar.service" -> "foo", "a-b.socket" -> "a-b" (the %p specifier).
std::string unit_prefix(std::string_view name);
// "foo@bar.service" -> "foo@bar", "foo@.service" -> "foo@" (%N without a
// default instance).
std::string strip_unit_suffix(std::string_view name);

// What systemctl does to a name argument before enable, disable or mask:
// a valid name is kept; otherwise characters that cannot appear in a name are
// escaped as \xNN and ".service" is appended when no valid type suffix
// remains. A name that still is not valid after that is refused.
struct MangledName {
  std::string name;
  bool escaped = false;  // characters were replaced ("maybe you should use systemd-escape?")
  bool glob = false;     // the input looked like a glob pattern, which these verbs do not expand
};
std::optional<MangledName> mangle_unit_name(std::string_view input);

}  // namespace bootassess::systemd
