// One filesystem effect the planner decided on, and what came of performing
// it. `plan` prints actions, `apply` performs them; nothing else changes the
// disk.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "diag/diagnostic.h"
#include "root/root_view.h"

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

// What is at an action's path after it, as lstat would show it, when the
// applier knows it without looking (a directory's size is given as 0).
struct KnownEntry {
  std::optional<FileInfo> info;
  bool new_directory = false;  // a directory the action created: it is empty
};

struct ActionResult {
  ActionResult() = default;
  ActionResult(bool ok_, bool changed_, std::string error_, std::optional<KnownEntry> known_ = {})
      : ok(ok_), changed(changed_), error(std::move(error_)), known(known_) {}

  bool ok = true;
  bool changed = false;  // false: the root already held exactly this
  std::string error;     // why it failed, when !ok
  std::optional<KnownEntry> known;
  std::string note;  // how it was done, when that is worth saying (a hard link was split)
};

}  // namespace bootassess
