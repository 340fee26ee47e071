#include "boot/boot_mode.h"

#include <algorithm>
#include <array>

#include "root/path.h"

namespace bootassess {
namespace {

constexpr std::array kAllModes{BootMode::active,    BootMode::passive, BootMode::recovery,
                               BootMode::autoreset, BootMode::live,    BootMode::unknown};
constexpr std::array kPlannedModes{BootMode::active, BootMode::passive, BootMode::recovery,
                                   BootMode::autoreset, BootMode::live};

constexpr std::string_view kSentinelDir = "/run/cos";

std::string_view sentinel_name(BootMode mode) {
  switch (mode) {
    case BootMode::active:
      return "active_mode";
    case BootMode::passive:
      return "passive_mode";
    case BootMode::recovery:
      return "recovery_mode";
    case BootMode::autoreset:
      return "autoreset_mode";
    case BootMode::live:
      return "live_mode";
    case BootMode::unknown:
      return "unknown";
  }
  return "unknown";
}

// Kairos writes the sentinel with os.ModePerm under the initramfs umask.
constexpr std::uint32_t kSentinelMode = 0755;

}  // namespace

std::string_view mode_name(BootMode mode) {
  switch (mode) {
    case BootMode::active:
      return "active";
    case BootMode::passive:
      return "passive";
    case BootMode::recovery:
      return "recovery";
    case BootMode::autoreset:
      return "autoreset";
    case BootMode::live:
      return "live";
    case BootMode::unknown:
      return "unknown";
  }
  return "unknown";
}

std::optional<BootMode> parse_mode(std::string_view name) {
  for (BootMode mode : kAllModes) {
    if (mode_name(mode) == name) return mode;
  }
  return std::nullopt;
}

std::string sentinel_path(BootMode mode) {
  return path::join(kSentinelDir, sentinel_name(mode));
}

std::span<const BootMode> all_modes() {
  return kAllModes;
}
std::span<const BootMode> planned_modes() {
  return kPlannedModes;
}

std::optional<BootMode> detect_mode(const RootView& view) {
  for (BootMode mode : kAllModes) {
    if (view.lstat(sentinel_path(mode))) return mode;
  }
  return std::nullopt;
}

void simulate_mode(SimulatedFiles& view, BootMode mode) {
  for (BootMode m : kAllModes) {
    if (m != mode) view.hide(sentinel_path(m));
  }
  view.show(sentinel_path(mode), "1", kSentinelMode);
}

SimulatedModeRoot::SimulatedModeRoot(const RootView& base, BootMode mode) : SimulatedFiles(base) {
  simulate_mode(*this, mode);
}

}  // namespace bootassess
