// Path resolution confined to a root: the kernel's path walk, done against a
// RootView, with the root standing in for "/". ".." never climbs above the
// root and absolute symlink targets restart at the root, so whatever a path or
// a symlink says, the result names something inside the root.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "root/root_view.h"

namespace bootassess {

struct Resolved {
  // 0, or why the walk stopped: ENOENT (a directory on the way is missing),
  // ENOTDIR (a non-directory on the way, or a trailing "/" on a non-directory),
  // ELOOP (too many symlinks).
  int error = 0;
  // Canonical path of the final object, whether or not it exists.
  std::string path;
  // The final object (after following a last symlink when asked); nullopt when
  // it does not exist.
  std::optional<FileInfo> info;
  // The deepest existing directory on the way, and the names below it that do
  // not exist yet (the last one is the final component). Empty when it exists.
  std::string existing;
  std::vector<std::string> missing;
  // The first missing name came from a symlink's target: the symlink is
  // dangling. Creating a directory there means mkdir(2) on the symlink itself,
  // which fails with EEXIST (and open(2) of a file in a missing directory
  // with ENOENT); only a file that is itself the missing last name can be
  // created through it.
  bool missing_from_symlink = false;
  // A ".." follows a missing name: the kernel's walk stops at that name with
  // ENOENT, however `missing` was computed lexically.
  bool dotdot_after_missing = false;

  bool ok() const { return error == 0; }
  bool exists() const { return error == 0 && info.has_value(); }
};

// Resolves `p` inside the root seen through `view`. A relative `p` starts at
// `cwd` (a canonical path). With `follow_last`, a symlink in the last
// component is followed, as stat(2) does; without it, as lstat(2) does. A
// trailing "/" always follows and requires a directory.
Resolved resolve(const RootView& view, std::string_view p, std::string_view cwd, bool follow_last);

}  // namespace bootassess
