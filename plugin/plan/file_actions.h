// The actions that put a file or a directory in place, computed against the
// planned view of the root. Pure: nothing here touches the disk.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fs/action.h"
#include "root/root_view.h"

namespace bootassess {

// The result of planning one configuration item.
struct ItemPlan {
  std::vector<Action> actions;
  // Non-empty: the item fails and none of its actions happen, unless
  // `error_after_actions`: then the actions happen and the item fails after
  // them (yip creates a file's parent directories before the write fails).
  std::string error;
  bool error_after_actions = false;
};

struct FileRequest {
  std::string path;  // as written in the configuration
  std::string content;
  std::uint32_t mode = 0644;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  // An existing file keeps its owner, or its mode, and a new one gets
  // uid/gid and mode: where yip's chown fails (an unknown `ownerstring`), and
  // where yip writes without chmod or chown (os.WriteFile of an override).
  bool keep_owner = false;
  bool keep_mode = false;
  // Missing parent directories are created with this mode and owner.
  std::uint32_t parent_mode = 0755;
  std::uint32_t parent_uid = 0;
  std::uint32_t parent_gid = 0;
  Position origin;
};

struct DirectoryRequest {
  std::string path;
  std::uint32_t mode = 0755;  // set exactly on a directory that exists
  // Given to the directories that must be created: yip creates them with
  // mkdir(2), so the process umask applies.
  std::uint32_t create_mode = 0755;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  Position origin;
};

// `cwd` is where a relative path starts (a canonical path inside the root).
// A symlink at the path is followed, inside the root.
ItemPlan plan_file(const RootView& view, const FileRequest& request, const std::string& cwd);
ItemPlan plan_directory(const RootView& view, const DirectoryRequest& request,
                        const std::string& cwd);

// yip's mode for the parent directories it creates for a file: the file's
// `permissions` as decoded, plus 0100 when that value is below 0700, then
// masked to 0777. The comparison is on the whole value: decimal 644 (01204)
// gives 0204, 04644 gives 0644, 01600 gives 0600.
std::uint32_t yip_parent_mode(std::uint32_t permissions);

}  // namespace bootassess
