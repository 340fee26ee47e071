// Whether an Alias= value (after specifier expansion) may name a unit, and
// which link it makes: systemd's rules for `systemctl enable`.
//
// A plain alias ("other.service") must have the unit's type, a type that may
// have aliases, and the unit's class: template for a template, instance or
// template for an instance, whose instance must then match. A template alias
// of an instance takes the instance ("alias@.service" for "foo@bar.service"
// links "alias@bar.service"). An alias equal to the unit's own name is
// ignored without a word.
//
// The legacy form "x.target.wants/NAME" or "x.target.requires/NAME" links
// NAME into that directory; NAME must be the unit's own name, or an instance
// of the template being enabled, or (in a template's directory) the template
// itself. Any other directory is an invalid reference (".upholds/" included).
#pragma once

#include <string>
#include <string_view>

namespace bootassess::systemd {

enum class AliasVerdict {
  ok,                 // link `link` (relative to the configuration directory)
  self,               // the unit's own name: nothing to do, no message
  cannot_alias,       // "cannot alias UNIT as ALIAS"
  invalid_reference,  // "invalid unit reference ALIAS"
};

struct AliasCheck {
  AliasVerdict verdict = AliasVerdict::ok;
  // The alias after instance propagation: where the link goes (relative to
  // the configuration directory) when ok, the name complained about if not.
  std::string link;
  bool propagated = false;  // the unit's instance was put into the alias
};

AliasCheck verify_alias(std::string_view unit_name, std::string_view alias);

// Whether a symlink named `link_name` in the search path may point to the
// unit file `target_name` (an alias symlink on disk): `self` for the same
// name, `cannot_alias` when the rules above are broken.
AliasVerdict check_alias_symlink(std::string_view link_name, std::string_view target_name);

}  // namespace bootassess::systemd
