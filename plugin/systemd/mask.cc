// `systemctl mask UNIT`: a link UNIT -> /dev/null in the configuration
// directory. The unit need not exist; a link that already points to
// /dev/null is fine; anything else in the way (a unit file, another link)
// is an error and is left alone.
#include "systemd/operation.h"

namespace bootassess::systemd {

Outcome run_mask(Operation& op) {
  if (!op.normalize_name()) return op.finish(true);
  const std::string_view config = config_dir(op.scope);
  std::string existing;
  const int r = op.links.create("/dev/null", config, op.unit, false, existing);
  if (r < 0) op.report.error(-r, std::string(config) + "/" + op.unit, existing);
  return op.finish(r < 0);
}

}  // namespace bootassess::systemd
