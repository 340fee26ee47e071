#include "systemd/alias.h"

#include <optional>

#include "systemd/unit_name.h"

namespace bootassess::systemd {
namespace {

// The name NAME in a legacy "DIR.wants/NAME" alias may stand for `unit`.
bool legacy_name_fits(std::string_view name, std::string_view unit, bool template_directory) {
  const NameClass name_class = classify_unit_name(name);
  if (name == unit && (name_class == NameClass::plain || name_class == NameClass::instance)) {
    return true;
  }
  const std::optional<std::string> name_template = template_of(name);
  if (!name_template) return false;
  const NameClass unit_class = classify_unit_name(unit);
  if (unit_class != NameClass::template_name || *name_template != unit) return false;
  return name_class == NameClass::instance ||
         (template_directory && name_class == NameClass::template_name);
}

}  // namespace

AliasVerdict check_alias_symlink(std::string_view alias, std::string_view unit) {
  const NameClass alias_class = classify_unit_name(alias);
  if (alias_class == NameClass::invalid) return AliasVerdict::cannot_alias;
  const UnitType alias_type = *unit_type_of(alias);
  if (!unit_type_may_alias(alias_type)) return AliasVerdict::cannot_alias;
  if (alias_class != NameClass::plain && !unit_type_may_template(alias_type)) {
    return AliasVerdict::cannot_alias;
  }
  if (alias == unit) return AliasVerdict::self;
  const NameClass unit_class = classify_unit_name(unit);
  const bool class_fits = unit_class == alias_class || (alias_class == NameClass::instance &&
                                                        unit_class == NameClass::template_name);
  if (!class_fits) return AliasVerdict::cannot_alias;
  if (unit_class == NameClass::instance && instance_of(alias) != instance_of(unit)) {
    return AliasVerdict::cannot_alias;
  }
  if (unit_type_of(unit) != alias_type) return AliasVerdict::cannot_alias;
  return AliasVerdict::ok;
}

AliasCheck verify_alias(std::string_view unit_name, std::string_view alias) {
  AliasCheck out;
  out.link = std::string(alias);
  const std::size_t slash = alias.rfind('/');
  if (slash != std::string_view::npos) {
    std::string_view directory = alias.substr(0, slash);
    const std::string_view name = alias.substr(slash + 1);
    if (directory.ends_with(".wants")) {
      directory.remove_suffix(6);
    } else if (directory.ends_with(".requires")) {
      directory.remove_suffix(9);
    } else {
      out.verdict = AliasVerdict::invalid_reference;
      return out;
    }
    const NameClass directory_class = classify_unit_name(directory);
    if (directory_class == NameClass::invalid) {
      out.verdict = AliasVerdict::invalid_reference;
      return out;
    }
    if (!legacy_name_fits(name, unit_name, directory_class == NameClass::template_name)) {
      out.verdict = AliasVerdict::cannot_alias;
    }
    return out;
  }

  if (classify_unit_name(alias) == NameClass::template_name &&
      classify_unit_name(unit_name) == NameClass::instance) {
    std::optional<std::string> propagated = replace_instance(alias, *instance_of(unit_name));
    if (!propagated) {
      out.verdict = AliasVerdict::cannot_alias;
      return out;
    }
    out.link = std::move(*propagated);
    out.propagated = true;
  }
  out.verdict = check_alias_symlink(out.link, unit_name);
  return out;
}

}  // namespace bootassess::systemd
