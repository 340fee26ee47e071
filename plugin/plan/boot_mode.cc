#include "plan/boot_mode.h"

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
const FileInfo kSentinelInfo{FileType::regular, 0755, 0, 0, 1};
const FileInfo kDirectoryInfo{FileType::directory, 0755, 0, 0, 0};

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

SimulatedModeRoot::SimulatedModeRoot(const RootView& base, BootMode mode)
    : base_(base), mode_(mode) {}

SimulatedModeRoot::Kind SimulatedModeRoot::classify(const std::string& path) const {
  if (path == "/run" || path == kSentinelDir) return Kind::directory;
  if (path::dirname(path) != kSentinelDir) return Kind::base;
  const std::string name = path::basename(path);
  for (BootMode mode : kAllModes) {
    if (sentinel_name(mode) == name) return mode == mode_ ? Kind::sentinel : Kind::hidden;
  }
  return Kind::base;
}

std::optional<FileInfo> SimulatedModeRoot::lstat(const std::string& path) const {
  switch (classify(path)) {
    case Kind::sentinel:
      return kSentinelInfo;
    case Kind::hidden:
      return std::nullopt;
    case Kind::directory: {
      std::optional<FileInfo> info = base_.lstat(path);
      return info ? info : kDirectoryInfo;
    }
    case Kind::base:
      break;
  }
  return base_.lstat(path);
}

std::optional<std::string> SimulatedModeRoot::read_link(const std::string& path) const {
  if (classify(path) != Kind::base) return base_.lstat(path) ? base_.read_link(path) : std::nullopt;
  return base_.read_link(path);
}

std::optional<std::string> SimulatedModeRoot::read_file(const std::string& path) const {
  switch (classify(path)) {
    case Kind::sentinel:
      return std::string("1");
    case Kind::hidden:
    case Kind::directory:
      return std::nullopt;
    case Kind::base:
      break;
  }
  return base_.read_file(path);
}

std::optional<std::vector<std::string>> SimulatedModeRoot::list_dir(const std::string& path) const {
  std::optional<std::vector<std::string>> names = base_.list_dir(path);
  if (classify(path) != Kind::directory) return names;
  if (!names) names.emplace();
  const std::string wanted = path == "/run" ? "cos" : std::string(sentinel_name(mode_));
  if (path == kSentinelDir) {
    std::erase_if(*names, [&](const std::string& n) {
      return classify(path::join(kSentinelDir, n)) == Kind::hidden;
    });
  }
  auto pos = std::lower_bound(names->begin(), names->end(), wanted);
  if (pos == names->end() || *pos != wanted) names->insert(pos, wanted);
  return names;
}

bool SimulatedModeRoot::access(const std::string& path, int mode) const {
  switch (classify(path)) {
    case Kind::sentinel:
      return access_by_mode(kSentinelInfo, mode);
    case Kind::hidden:
      return false;
    case Kind::directory:
      if (!base_.lstat(path)) return access_by_mode(kDirectoryInfo, mode);
      break;
    case Kind::base:
      break;
  }
  return base_.access(path, mode);
}

}  // namespace bootassess
