// Checks that need the per-mode plans: what each boot mode, counted or not,
// really gets, not what the text seems to say.
//   boot-loop-risk       a rebooting FailureAction=/SuccessAction= reaches a
//                        unit on passive, recovery or autoreset boots
//   mode-claim-mismatch  a step named for a mode does not run in that mode
//   gate-incomplete      RequiredBy=boot-complete.target without
//                        Before=boot-complete.target, or the reverse
//   gate-not-enabled     a gate whose unit nothing enables in that mode
//   reboot-uncounted     a rebooting FailureAction=/SuccessAction= on a boot
//                        systemd-boot does not count: an endless loop
//   gate-counted-only    a unit enabled only by RequiredBy=boot-complete.target,
//                        which starts only on counted boots
//   path-written-twice   one path written with different contents in a mode
//   persistent-per-mode  a mode-dependent unit file under /etc/systemd
#pragma once

#include <vector>

#include "diag/diagnostic.h"
#include "lint/written_units.h"
#include "plan/mode_plans.h"

namespace bootassess::lint {

void check_modes(const std::vector<ModePlan>& plans, const ContentLocator& locator,
                 Diagnostics& out);

}  // namespace bootassess::lint
