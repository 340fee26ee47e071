#include "conditions/simulated_run_cos.h"

#include <utility>

#include "root/path.h"
#include "root/resolve.h"

namespace bootassess::conditions {
namespace {

// Kairos creates the sentinel with content "1" and mode 0755 (see
// plan/boot_mode.cc); SimulatedModeRoot shows the same to native conditions.
constexpr std::uint32_t kSentinelMode = 0755;
constexpr std::string_view kSentinelContent = "1";

bool is_mode_sentinel_name(const std::string& name) {
  for (BootMode mode : all_modes()) {
    if (path::basename(sentinel_path(mode)) == name) return true;
  }
  return false;
}

RunCosTmpfsPlan refuse(std::string problem) {
  return RunCosTmpfsPlan{std::nullopt, std::move(problem)};
}

}  // namespace

RunCosTmpfsPlan plan_run_cos_tmpfs(const RootView& root, BootMode mode) {
  const Resolved run = resolve(root, "/run", "/", true);
  if (!run.exists() || run.info->type != FileType::directory) {
    return refuse("the root has no /run directory to simulate the boot mode in");
  }
  const std::string cos_path = path::join(run.path, "cos");
  const std::string sentinel_name = path::basename(sentinel_path(mode));
  RunCosTmpfs tmpfs;
  const Resolved cos = resolve(root, cos_path, "/", true);
  if (cos.exists() && cos.info->type == FileType::directory) {
    tmpfs.mount_point = cos.path;
    tmpfs.mount_mode = cos.info->mode;
    std::optional<std::vector<std::string>> names = root.list_dir(cos.path);
    if (!names) return refuse("cannot list /run/cos in the root");
    for (const std::string& name : *names) {
      if (is_mode_sentinel_name(name)) continue;
      const std::string file = path::join(cos.path, name);
      const std::optional<FileInfo> info = root.lstat(file);
      if (!info || info->type != FileType::regular) continue;
      std::optional<std::string> content = root.read_file(file);
      if (!content) return refuse("cannot read " + file + " in the root to copy it");
      tmpfs.files.push_back({file, std::move(*content), info->mode, info->uid, info->gid});
    }
  } else if (!root.lstat(cos_path)) {
    // No /run/cos at all: cover /run and create cos in the tmpfs.
    tmpfs.mount_point = run.path;
    tmpfs.mount_mode = run.info->mode;
    tmpfs.directory = cos_path;
  } else {
    return refuse("/run/cos in the root is not a directory");
  }
  const std::string dir = tmpfs.directory.empty() ? tmpfs.mount_point : tmpfs.directory;
  tmpfs.files.push_back(
      {path::join(dir, sentinel_name), std::string(kSentinelContent), kSentinelMode, 0, 0});
  return RunCosTmpfsPlan{std::move(tmpfs), {}};
}

}  // namespace bootassess::conditions
