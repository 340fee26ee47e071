// Kairos boot modes and the sentinel files that signal them in /run/cos.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "boot/simulated_files.h"
#include "root/root_view.h"

namespace bootassess {

enum class BootMode { active, passive, recovery, autoreset, live, unknown };

// "active", "passive", ...
std::string_view mode_name(BootMode mode);
std::optional<BootMode> parse_mode(std::string_view name);
// The sentinel's path: "/run/cos/active_mode", ..., "/run/cos/unknown".
std::string sentinel_path(BootMode mode);
// Every mode, in the order above.
std::span<const BootMode> all_modes();
// The modes `plan --all-modes` shows: every mode but `unknown`.
std::span<const BootMode> planned_modes();

// The mode whose sentinel exists under the view's /run/cos (the first one, in
// the order above, if several do); nullopt when none does.
std::optional<BootMode> detect_mode(const RootView& view);

// The view a simulated boot in `mode` presents: exactly that one mode
// sentinel exists under /run/cos (with /run and /run/cos as directories if
// the root has none), no other mode sentinel does, and everything else
// is the base view's.
class SimulatedModeRoot final : public SimulatedFiles {
 public:
  SimulatedModeRoot(const RootView& base, BootMode mode);
};

// Makes `view` show the simulated `mode`'s sentinel and hide the others.
void simulate_mode(SimulatedFiles& view, BootMode mode);

}  // namespace bootassess
