#include "systemd/link_planner.h"

#include <cerrno>

#include "root/path.h"
#include "root/resolve.h"

namespace bootassess::systemd {
namespace {

constexpr std::uint32_t kDirectoryMode = 0755;

bool is_absolute(std::string_view p) {
  return !p.empty() && p.front() == '/';
}

// The last component naming something ("." components skipped).
std::string_view last_name(std::string_view p) {
  while (!p.empty()) {
    while (!p.empty() && p.back() == '/')
      p.remove_suffix(1);
    const std::size_t slash = p.rfind('/');
    const std::string_view name = slash == std::string_view::npos ? p : p.substr(slash + 1);
    if (name != ".") return name;
    p = slash == std::string_view::npos ? std::string_view{} : p.substr(0, slash);
  }
  return {};
}

// Links in these directories are dependencies, never unit files.
bool is_dependency_directory(std::string_view dir) {
  for (std::string_view suffix : {".wants", ".requires", ".upholds"}) {
    if (dir.size() >= suffix.size() && dir.substr(dir.size() - suffix.size()) == suffix) {
      return true;
    }
  }
  return false;
}

}  // namespace

const std::optional<std::string>& LookupCache::canonical(const RootView& view,
                                                         const std::string& dir) {
  auto it = canonical_dirs_.find(dir);
  if (it == canonical_dirs_.end()) {
    const Resolved r = resolve(view, dir, "/", true);
    std::optional<std::string> found;
    if (r.exists() && r.info->type == FileType::directory) found = r.path;
    it = canonical_dirs_.emplace(dir, std::move(found)).first;
  }
  return it->second;
}

std::optional<int> LookupCache::unit_lookup(const std::string& name) const {
  const auto it = units_.find(name);
  if (it == units_.end()) return std::nullopt;
  return it->second;
}

void LookupCache::remember_unit_lookup(const std::string& name, int result) {
  units_[name] = result;
}

void LinkPlanner::plan(Action action) {
  action.origin = origin_;
  if (!action.unchanged) {
    scratch_.record(action);
    if (action.kind == ActionKind::mkdir) {
      // A directory appeared: cached answers about directories are stale.
      changed_directories_ = true;
      cache_.clear();
    } else if (!is_dependency_directory(path::dirname(action.path))) {
      // A link where units are looked up (an alias, a mask).
      cache_.forget_units();
    }
  }
  actions_.push_back(std::move(action));
}

std::optional<std::string> LinkPlanner::make_directory(std::string_view dir, int& error) {
  if (const auto& known = cache_.canonical(scratch_, std::string(dir))) return *known;
  // Walk the path as mkdir -p does: what exists must be a directory (a
  // symlink to one is followed, inside the root), what is missing is made.
  std::string current = "/";
  for (const std::string& name : path::components(dir)) {
    const std::string candidate = path::join(current, name);
    const std::optional<FileInfo> info = scratch_.lstat(candidate);
    if (!info) {
      Action mkdir;
      mkdir.kind = ActionKind::mkdir;
      mkdir.path = candidate;
      mkdir.mode = kDirectoryMode;
      plan(std::move(mkdir));
      current = candidate;
      continue;
    }
    if (info->type == FileType::directory) {
      current = candidate;
      continue;
    }
    if (info->type == FileType::symlink) {
      const Resolved r = resolve(scratch_, candidate, "/", true);
      if (r.exists() && r.info->type == FileType::directory) {
        current = r.path;
        continue;
      }
      error = r.exists() ? ENOTDIR : ENOENT;
      return std::nullopt;
    }
    error = ENOTDIR;
    return std::nullopt;
  }
  return current;
}

bool LinkPlanner::equivalent(std::string_view link, std::string_view existing,
                             std::string_view target) const {
  const std::string directory = path::dirname(link);
  const std::string a =
      is_absolute(existing) ? std::string(existing) : directory + "/" + std::string(existing);
  const std::string b =
      is_absolute(target) ? std::string(target) : directory + "/" + std::string(target);
  if (same_path(a, b)) return true;
  const Resolved ra = resolve(scratch_, a, "/", true);
  if (ra.exists()) {
    const Resolved rb = resolve(scratch_, b, "/", true);
    if (rb.exists() && ra.path == rb.path) return true;
  }
  return last_name(a) == last_name(b) && search_.contains_below(a) && search_.contains_below(b);
}

int LinkPlanner::create(std::string_view target, std::string_view config_dir,
                        std::string_view relative, bool force, std::string& existing_target) {
  const std::string link_path = std::string(config_dir) + "/" + std::string(relative);
  const std::string directory_path = path::dirname(link_path);
  int error = 0;
  const std::optional<std::string> directory = make_directory(directory_path, error);
  if (!directory) return -error;
  const std::string link = path::join(*directory, path::basename(link_path));

  Action symlink;
  symlink.kind = ActionKind::symlink;
  symlink.path = link;
  symlink.mode = 0777;
  symlink.target = std::string(target);

  const std::optional<FileInfo> info = scratch_.lstat(link);
  if (!info) {
    plan(std::move(symlink));
    return 1;
  }
  if (info->type != FileType::symlink) return -EEXIST;
  const std::string existing = scratch_.read_link(link).value_or(std::string());
  if (existing == target || equivalent(link_path, existing, target)) {
    symlink.target = existing;
    symlink.unchanged = true;
    plan(std::move(symlink));
    return 1;
  }
  if (!force) {
    existing_target = existing;
    return -EEXIST;
  }
  plan(std::move(symlink));
  return 1;
}

void LinkPlanner::remove(const std::string& link, std::string_view stop) {
  Action removal;
  removal.kind = ActionKind::remove;
  removal.path = link;
  plan(std::move(removal));
  for (std::string dir = path::dirname(link); path::is_within(dir, stop) && dir != stop;
       dir = path::dirname(dir)) {
    const auto names = scratch_.list_dir(dir);
    if (!names || !names->empty()) break;
    Action rmdir;
    rmdir.kind = ActionKind::remove;
    rmdir.path = dir;
    plan(std::move(rmdir));
    changed_directories_ = true;
    cache_.clear();
  }
}

}  // namespace bootassess::systemd
