// The root as it will be once the planned actions are done: a RootView that
// layers recorded actions over another view. The planner reads through it, so
// a step sees what earlier steps (and earlier items of the same step) wrote,
// without anything touching the disk.
#pragma once

#include <map>
#include <string>

#include "plan/action.h"
#include "root/root_view.h"

namespace bootassess {

class PlannedRoot final : public RootView {
 public:
  explicit PlannedRoot(const RootView& base) : base_(base) {}

  void record(const Action& action);

  std::optional<FileInfo> lstat(const std::string& path) const override;
  std::optional<std::string> read_link(const std::string& path) const override;
  std::optional<std::string> read_file(const std::string& path) const override;
  std::optional<std::vector<std::string>> list_dir(const std::string& path) const override;
  bool access(const std::string& path, int mode) const override;
  void changed(const std::string& path) const override { base_.changed(path); }

 private:
  struct Node {
    bool removed = false;
    FileInfo info;
    std::string data;  // file content or symlink target
  };
  // The overlay node that decides `path`: its own, or a removed or
  // non-directory ancestor that hides it. nullptr when the base decides.
  const Node* decisive(const std::string& path) const;

  const RootView& base_;
  std::map<std::string, Node> nodes_;
};

}  // namespace bootassess
