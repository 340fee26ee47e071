// The `node-breaking` rules: operations yip performs without a word that can
// leave a node unable to boot or to log anyone in.
//   node-breaking-mask         (error)   masking a unit the boot cannot do
//                                        without (default.target, sysinit.target,
//                                        basic.target, systemd-journald, dbus, ...)
//   node-breaking-permissions  (error)   a `directories` mode that takes read or
//                                        search access to /etc or a unit
//                                        directory away from other users
//   node-breaking-fstab        (warning) writing an /etc/fstab with no entry
//   node-breaking-accounts     (warning) writing /etc/passwd or /etc/shadow
#pragma once

#include <vector>

#include "diag/diagnostic.h"
#include "load/model.h"
#include "plan/mode_plans.h"

namespace bootassess::lint {

void check_node_breaking(const std::vector<Source>& sources, const std::vector<ModePlan>& plans,
                         Diagnostics& out);

}  // namespace bootassess::lint
