// The actions that put a file or a directory in place, computed against the
// planned view of the root. Pure: nothing here touches the disk.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "plan/action.h"
#include "root/root_view.h"

namespace bootassess {

// The result of planning one configuration item.
struct ItemPlan {
  std::vector<Action> actions;
  std::string error;  // non-empty: the item fails and none of its actions happen
};

struct FileRequest {
  std::string path;  // as written in the configuration
  std::string content;
  std::uint32_t mode = 0644;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
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
// mode, plus 0100 when it is below 0700.
std::uint32_t yip_parent_mode(std::uint32_t file_mode);

}  // namespace bootassess
