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

}  // namespace

const std::optional<std::string>& LookupCache::canonical(const RootView& view,
                                                         const std::string& dir) {
  auto it = canonical_dirs_.find(dir);
  if (it == canonical_dirs_.end()) {
    Canonical entry;
    const Resolved r = resolve(RecordingView(view, entry.reads), dir, "/", true);
    if (r.exists() && r.info->type == FileType::directory) entry.path = r.path;
    index(entry.reads);
    it = canonical_dirs_.emplace(dir, std::move(entry)).first;
  }
  return it->second.path;
}

std::optional<int> LookupCache::unit_lookup(const std::string& name) const {
  const auto it = units_.find(name);
  if (it == units_.end()) return std::nullopt;
  return it->second.result;
}

void LookupCache::remember_unit_lookup(const std::string& name, int result,
                                       std::vector<Read> reads) {
  index(reads);
  units_[name] = Unit{result, std::move(reads)};
}

bool LookupCache::affects(std::string_view path, const std::vector<Read>& reads) {
  for (const Read& read : reads) {
    if (path::is_within(read.path, path) || (read.listing && path::is_within(path, read.path))) {
      return true;
    }
  }
  return false;
}

bool LookupCache::may_affect(std::string_view path) const {
  // A path looked at, at or below `path`...
  if (auto it = paths_.lower_bound(path); it != paths_.end() && path::is_within(*it, path)) {
    return true;
  }
  if (path == "/") return !paths_.empty() || !listed_.empty();
  if (auto it = paths_.lower_bound(std::string(path) + "/");
      it != paths_.end() && path::is_within(*it, path)) {
    return true;
  }
  // ... or a listed directory at or above it.
  for (std::string_view dir = path;;) {
    if (listed_.count(dir) != 0) return true;
    if (dir.size() <= 1) return false;
    const std::size_t slash = dir.rfind('/');
    if (slash == std::string_view::npos) return false;
    dir = slash == 0 ? dir.substr(0, 1) : dir.substr(0, slash);
  }
}

void LookupCache::index(const std::vector<Read>& reads) {
  for (const Read& read : reads)
    (read.listing ? listed_ : paths_).insert(read.path);
}

void LookupCache::reindex() {
  paths_.clear();
  listed_.clear();
  for (const auto& [dir, entry] : canonical_dirs_)
    index(entry.reads);
  for (const auto& [name, entry] : units_)
    index(entry.reads);
}

void LookupCache::invalidate(std::string_view path) {
  if (!may_affect(path)) return;
  bool dropped_canonical = false;
  for (auto it = canonical_dirs_.begin(); it != canonical_dirs_.end();) {
    if (affects(path, it->second.reads)) {
      it = canonical_dirs_.erase(it);
      dropped_canonical = true;
    } else {
      ++it;
    }
  }
  if (dropped_canonical) {
    units_.clear();
  } else {
    for (auto it = units_.begin(); it != units_.end();) {
      it = affects(path, it->second.reads) ? units_.erase(it) : std::next(it);
    }
  }
  reindex();
}

void LinkPlanner::plan(Action action) {
  action.origin = origin_;
  if (!action.unchanged) {
    scratch_.record(action);
    // Cached answers that looked at the path no longer hold.
    cache_.invalidate(action.path);
    planned_paths_.push_back(action.path);
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
      mkdir.creates = true;
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
  }
}

}  // namespace bootassess::systemd
