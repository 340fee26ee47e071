#include <fmt/format.h>

#include "systemd/enablement.h"
#include "systemd/unit_name.h"

namespace bootassess::systemd {

OverridePath override_dropin_path(std::string_view unit, std::string_view name, Scope scope) {
  OverridePath out;
  if (unit.empty()) {
    out.error = "the override names no unit";
    return out;
  }
  std::string unit_name;
  if (is_valid_unit_name(unit)) {
    unit_name = std::string(unit);
  } else {
    // A bare name gets ".service", as systemctl gives it; characters that
    // need escaping are refused rather than escaped, since the drop-in would
    // then belong to a unit the user did not name.
    const std::optional<MangledName> mangled = mangle_unit_name(unit);
    if (!mangled || mangled->escaped || mangled->glob) {
      out.error = fmt::format("\"{}\" is not a valid unit name", unit);
      return out;
    }
    unit_name = mangled->name;
  }

  std::string file(name.empty() ? kDefaultOverrideName : name);
  if (file.find('/') != std::string::npos) {
    out.error = fmt::format("the override name \"{}\" must be a file name, not a path", file);
    return out;
  }
  // yip appends ".conf" unless the name's extension already is ".conf".
  const std::size_t dot = file.rfind('.');
  if (dot == std::string::npos || file.substr(dot) != ".conf") file += ".conf";
  if (file.front() == '.') {
    out.error = fmt::format("systemd ignores drop-ins whose name starts with '.': \"{}\"", file);
    return out;
  }
  out.path = fmt::format("{}/{}.d/{}", config_dir(scope), unit_name, file);
  return out;
}

}  // namespace bootassess::systemd
