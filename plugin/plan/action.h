// One filesystem effect the planner decided on. `plan` prints actions, `apply`
// performs them; nothing else changes the disk.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "diag/diagnostic.h"

namespace bootassess {

enum class ActionKind {
  write,    // a regular file with exactly `content`, `mode`, `uid`:`gid`
  mkdir,    // a directory with exactly `mode`, `uid`:`gid` (created or fixed)
  symlink,  // a symlink to `target` (created or replacing what is there)
  remove,   // a symlink, file or empty directory removed
};

std::string_view action_kind_name(ActionKind kind);

struct Action {
  ActionKind kind = ActionKind::write;
  std::string path;  // canonical absolute path inside the root
  std::uint32_t mode = 0;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::string content;
  std::string target;
  bool unchanged = false;  // the root already holds exactly this
  bool creates = false;    // mkdir: nothing is at `path` before it (so it starts empty)
  Position origin;         // the configuration item that asked for it
};

}  // namespace bootassess
