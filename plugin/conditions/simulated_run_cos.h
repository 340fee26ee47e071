// What a shell condition must find under /run/cos when a boot mode is
// simulated: a tmpfs, mounted over the root's /run/cos (or over /run when the
// root has no /run/cos), holding that mode's sentinel and copies of the
// root's other regular files in /run/cos. Only the plan is made here, from a
// view of the root; the shell runner mounts it inside its own namespace.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "boot/boot_mode.h"
#include "root/root_view.h"

namespace bootassess::conditions {

struct TmpfsFile {
  std::string path;  // canonical, inside the root
  std::string content;
  std::uint32_t mode = 0644;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
};

struct RunCosTmpfs {
  std::string mount_point;  // canonical, inside the root: ".../cos" or its parent
  std::uint32_t mount_mode = 0755;
  std::string directory;  // to create in the tmpfs first (empty when mounted on cos itself)
  std::vector<TmpfsFile> files;
};

struct RunCosTmpfsPlan {
  std::optional<RunCosTmpfs> tmpfs;
  std::string problem;  // why it cannot be done, when tmpfs is empty
};

RunCosTmpfsPlan plan_run_cos_tmpfs(const RootView& root, BootMode mode);

}  // namespace bootassess::conditions
