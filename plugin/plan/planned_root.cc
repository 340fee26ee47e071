#include "plan/planned_root.h"

#include <algorithm>

#include "root/path.h"

namespace bootassess {

void PlannedRoot::record(const Action& action) {
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
  nodes_[action.path] = std::move(node);
}

const PlannedRoot::Node* PlannedRoot::decisive(const std::string& path) const {
  if (nodes_.empty()) return nullptr;
  if (auto it = nodes_.find(path); it != nodes_.end()) return &it->second;
  for (std::string dir = path::dirname(path);; dir = path::dirname(dir)) {
    auto it = nodes_.find(dir);
    if (it != nodes_.end() && (it->second.removed || it->second.info.type != FileType::directory)) {
      return &it->second;
    }
    if (dir == "/") return nullptr;
  }
}

std::optional<FileInfo> PlannedRoot::lstat(const std::string& path) const {
  const Node* node = decisive(path);
  if (node == nullptr) return base_.lstat(path);
  if (node->removed || nodes_.find(path) == nodes_.end()) return std::nullopt;
  return node->info;
}

std::optional<std::string> PlannedRoot::read_link(const std::string& path) const {
  const Node* node = decisive(path);
  if (node == nullptr) return base_.read_link(path);
  auto it = nodes_.find(path);
  if (it == nodes_.end() || node->removed || node->info.type != FileType::symlink) {
    return std::nullopt;
  }
  return node->data;
}

std::optional<std::string> PlannedRoot::read_file(const std::string& path) const {
  const Node* node = decisive(path);
  if (node == nullptr) return base_.read_file(path);
  auto it = nodes_.find(path);
  if (it == nodes_.end() || node->removed || node->info.type != FileType::regular) {
    return std::nullopt;
  }
  return node->data;
}

std::optional<std::vector<std::string>> PlannedRoot::list_dir(const std::string& path) const {
  std::optional<std::vector<std::string>> names;
  const Node* node = decisive(path);
  if (node == nullptr) {
    names = base_.list_dir(path);
  } else if (nodes_.count(path) == 0 || node->removed || node->info.type != FileType::directory) {
    return std::nullopt;
  } else {
    // A directory the plan created, or one it only changed the mode of.
    names = base_.list_dir(path);
    if (!names) names.emplace();
  }
  if (!names) return names;
  const std::string prefix = path == "/" ? "/" : path + "/";
  for (auto it = nodes_.lower_bound(prefix); it != nodes_.end(); ++it) {
    const std::string& key = it->first;
    if (key.compare(0, prefix.size(), prefix) != 0) break;
    std::string_view rest = std::string_view(key).substr(prefix.size());
    if (rest.empty() || rest.find('/') != std::string_view::npos) continue;
    auto pos = std::lower_bound(names->begin(), names->end(), rest);
    const bool listed = pos != names->end() && *pos == rest;
    if (it->second.removed) {
      if (listed) names->erase(pos);
    } else if (!listed) {
      names->insert(pos, std::string(rest));
    }
  }
  return names;
}

bool PlannedRoot::access(const std::string& path, int mode) const {
  const Node* node = decisive(path);
  if (node == nullptr) return base_.access(path, mode);
  std::optional<FileInfo> info = lstat(path);
  return info && access_by_mode(*info, mode);
}

}  // namespace bootassess
