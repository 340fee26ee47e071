#include "fs/overlay_root.h"

#include <algorithm>

namespace bootassess {
namespace {

// The directory part of a clean absolute path, as a view into it ("/a/b" ->
// "/a", "/a" -> "/"); empty for "/".
std::string_view parent_of(std::string_view p) {
  if (p.size() <= 1) return {};
  const std::size_t slash = p.rfind('/');
  if (slash == std::string_view::npos) return {};
  return slash == 0 ? p.substr(0, 1) : p.substr(0, slash);
}

}  // namespace

void OverlayRoot::record(const Action& action) {
  Node node;
  switch (action.kind) {
    case ActionKind::write:
      node.info = {FileType::regular, action.mode, action.uid, action.gid, action.content.size()};
      node.data = action.content;
      break;
    case ActionKind::mkdir:
      node.info = {FileType::directory, action.mode, action.uid, action.gid, 0};
      break;
    case ActionKind::symlink:
      node.info = {FileType::symlink, 0777, 0, 0, action.target.size()};
      node.data = action.target;
      break;
    case ActionKind::remove:
      node.removed = true;
      break;
  }
  auto [it, inserted] = nodes_.try_emplace(action.path);
  if (action.kind == ActionKind::mkdir) {
    // Fixing the mode of a directory the plan created keeps it fresh.
    node.fresh = action.creates || (!inserted && (it->second.fresh || it->second.removed));
  }
  if (node.hides()) ++hiding_;
  if (inserted) {
    const std::string_view parent = parent_of(action.path);
    if (!parent.empty()) {
      auto dir = children_.find(parent);
      if (dir == children_.end()) dir = children_.try_emplace(std::string(parent)).first;
      dir->second.push_back(
          std::string_view(it->first).substr(parent.size() == 1 ? 1 : parent.size() + 1));
    }
  } else if (it->second.hides()) {
    --hiding_;
  }
  it->second = std::move(node);
}

void OverlayRoot::outside_change() {
  for (auto& [path, node] : nodes_) {
    if (!node.fresh) continue;
    const bool hid = node.hides();
    node.fresh = false;
    if (hid && !node.hides()) --hiding_;
  }
}

void OverlayRoot::forget() {
  nodes_.clear();
  children_.clear();
  hiding_ = 0;
}

const OverlayRoot::Node* OverlayRoot::decisive(const std::string& path, bool& own) const {
  own = false;
  if (nodes_.empty()) return nullptr;
  if (auto it = nodes_.find(path); it != nodes_.end()) {
    own = true;
    return &it->second;
  }
  if (hiding_ == 0) return nullptr;
  for (std::string_view dir = parent_of(path); !dir.empty(); dir = parent_of(dir)) {
    auto it = nodes_.find(dir);
    if (it != nodes_.end() && it->second.hides()) return &it->second;
  }
  return nullptr;
}

std::optional<FileInfo> OverlayRoot::lstat(const std::string& path) const {
  bool own = false;
  const Node* node = decisive(path, own);
  if (node == nullptr) return base_.lstat(path);
  if (node->removed || !own) return std::nullopt;
  return node->info;
}

std::optional<std::string> OverlayRoot::read_link(const std::string& path) const {
  bool own = false;
  const Node* node = decisive(path, own);
  if (node == nullptr) return base_.read_link(path);
  if (!own || node->removed || node->info.type != FileType::symlink) return std::nullopt;
  return node->data;
}

std::optional<std::string> OverlayRoot::read_file(const std::string& path) const {
  bool own = false;
  const Node* node = decisive(path, own);
  if (node == nullptr) return base_.read_file(path);
  if (!own || node->removed || node->info.type != FileType::regular) return std::nullopt;
  return node->data;
}

std::optional<std::vector<std::string>> OverlayRoot::list_dir(const std::string& path) const {
  std::optional<std::vector<std::string>> names;
  bool own = false;
  const Node* node = decisive(path, own);
  if (node == nullptr) {
    names = base_.list_dir(path);
  } else if (!own || node->removed || node->info.type != FileType::directory) {
    return std::nullopt;
  } else if (node->fresh) {
    // A directory the plan created: only what the plan put there.
    names.emplace();
  } else {
    // A directory the plan only changed the mode of.
    names = base_.list_dir(path);
    if (!names) names.emplace();
  }
  if (!names) return names;
  const auto recorded = children_.find(path);
  if (recorded == children_.end()) return names;
  std::string child = path == "/" ? "/" : path + "/";
  const std::size_t prefix = child.size();
  for (const std::string_view name : recorded->second) {
    child.resize(prefix);
    child += name;
    const bool removed = nodes_.find(child)->second.removed;
    auto pos = std::lower_bound(names->begin(), names->end(), name);
    const bool listed = pos != names->end() && *pos == name;
    if (removed) {
      if (listed) names->erase(pos);
    } else if (!listed) {
      names->insert(pos, std::string(name));
    }
  }
  return names;
}

bool OverlayRoot::access(const std::string& path, int mode) const {
  bool own = false;
  const Node* node = decisive(path, own);
  if (node == nullptr) return base_.access(path, mode);
  std::optional<FileInfo> info = lstat(path);
  return info && access_by_mode(*info, mode);
}

}  // namespace bootassess
