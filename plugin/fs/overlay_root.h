// A RootView that layers recorded actions over another view: the root as it
// will be once those actions are done. The planner reads the planned root
// through one, so a step sees what earlier steps (and earlier items of the
// same step) wrote, without anything touching the disk; systemd/ uses one as
// a scratch overlay to try out an operation's links before committing them.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fs/action.h"
#include "root/root_view.h"

namespace bootassess {

// Hashes a path held as std::string or std::string_view alike, so that a
// lookup by a part of a path needs no copy of it.
struct PathHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view p) const { return std::hash<std::string_view>{}(p); }
};

class OverlayRoot final : public RootView {
 public:
  explicit OverlayRoot(const RootView& base) : base_(base) {}
  OverlayRoot(const OverlayRoot&) = delete;  // children_ views nodes_' keys
  OverlayRoot& operator=(const OverlayRoot&) = delete;

  void record(const Action& action);
  // Something besides the plan (a shell condition) may have added entries
  // below the directories the plan created: from now on the base is asked
  // about what lies below them too.
  void outside_change();
  // The base now holds everything recorded (the actions are on disk): it
  // answers alone, so what something besides the plan removed is seen gone.
  void forget();

  std::optional<FileInfo> lstat(const std::string& path) const override;
  std::optional<std::string> read_link(const std::string& path) const override;
  std::optional<std::string> read_file(const std::string& path) const override;
  std::optional<std::vector<std::string>> list_dir(const std::string& path) const override;
  bool access(const std::string& path, int mode) const override;
  void changed(const std::string& path) const override { base_.changed(path); }

 private:
  struct Node {
    bool removed = false;
    // A directory created where nothing was: what is below it is all in the
    // overlay, the base is not asked.
    bool fresh = false;
    FileInfo info;
    std::string data;  // file content or symlink target
    // Whether the node decides what lies below it.
    bool hides() const { return removed || fresh || info.type != FileType::directory; }
  };
  // The overlay node that decides `path`: its own, or a removed, fresh or
  // non-directory ancestor that hides it (then `path` does not exist).
  // nullptr when the base decides. `own` tells which of the two it is.
  const Node* decisive(const std::string& path, bool& own) const;

  const RootView& base_;
  std::unordered_map<std::string, Node, PathHash, std::equal_to<>> nodes_;
  // The names recorded in each directory, in the order first recorded: views
  // into the keys of nodes_, which are never erased and never move.
  std::unordered_map<std::string, std::vector<std::string_view>, PathHash, std::equal_to<>>
      children_;
  // How many nodes decide what lies below them (see Node::hides).
  std::size_t hiding_ = 0;
};

}  // namespace bootassess
