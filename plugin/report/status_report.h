// `status` output: a few lines for a person, or JSON for a script.
#pragma once

#include <string>

#include "status/boot_status.h"

namespace bootassess {

// At most 100 columns: the verdict, the mode, the entry, counting,
// boot-complete.target, systemd-bless-boot.service, then one line per gated
// unit (two when its name is long).
std::string status_text(const status::BootStatus& status);

// One JSON object, with null for what is not known:
// {"verdict": "good"|"failed"|"pending"|"unknown"|"no-gate", "summary": "...",
//  "mode": "active"|null, "mode_flags": {"uki_boot_mode": bool, ...},
//  "entry": "..."|null, "entry_error": "..."|null,
//  "counting": {"counted": bool, "left": N|null, "done": N|null, "path": "..."|null,
//               "entry": "..."|null, "error": "..."|null},
//  "boot_complete": "reached"|"failed"|"pending"|"not-in-boot"|null,
//  "units": [{"name", "outcome", "active_state", "sub_state", "result", "exit_status",
//             "reboots", "detail"}],
//  "blessed": true|false|null, "bless": "blessed"|...|null,
//  "states_unknown_because": "..."|null, "exit_status": N}
std::string status_json(const status::BootStatus& status);

}  // namespace bootassess
