#include "root/resolve.h"

#include <cerrno>
#include <deque>

#include "root/path.h"

namespace bootassess {
namespace {

constexpr int kMaxSymlinks = 40;  // the kernel's limit

// The names still to walk when a directory on the way is missing; "." and
// ".." are applied lexically since there is nothing on disk to follow.
std::vector<std::string> lexical_rest(std::string first, const std::deque<std::string>& rest,
                                      bool& dotdot) {
  std::vector<std::string> out{std::move(first)};
  for (const std::string& c : rest) {
    if (c == ".") continue;
    if (c == "..") {
      dotdot = true;
      if (!out.empty()) out.pop_back();
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

Resolved resolve(const RootView& view, std::string_view p, std::string_view cwd, bool follow_last) {
  Resolved r;
  if (p.empty()) {
    r.error = ENOENT;
    return r;
  }
  const bool trailing_slash = p.size() > 1 && p.back() == '/';
  std::string cur = p.front() == '/' ? std::string("/") : std::string(cwd);
  std::deque<std::string> pending;
  std::deque<bool> from_link;  // parallel to `pending`: the name came from a symlink's target
  for (std::string& c : path::components(p)) {
    pending.push_back(std::move(c));
    from_link.push_back(false);
  }
  int links = 0;

  while (!pending.empty()) {
    std::string comp = std::move(pending.front());
    pending.pop_front();
    const bool linked = from_link.front();
    from_link.pop_front();
    const bool last = pending.empty();
    if (comp == ".") continue;
    if (comp == "..") {
      cur = path::dirname(cur);
      continue;
    }
    std::string candidate = path::join(cur, comp);
    std::optional<FileInfo> info = view.lstat(candidate);
    if (!info) {
      r.existing = cur;
      r.missing_from_symlink = linked;
      r.missing = lexical_rest(comp, pending, r.dotdot_after_missing);
      r.path = cur;
      for (const std::string& m : r.missing)
        r.path = path::join(r.path, m);
      if (!last) r.error = ENOENT;
      return r;
    }
    if (info->type == FileType::symlink && (!last || follow_last || trailing_slash)) {
      if (++links > kMaxSymlinks) {
        r.error = ELOOP;
        r.path = candidate;
        return r;
      }
      std::optional<std::string> target = view.read_link(candidate);
      if (!target || target->empty()) {
        r.error = ENOENT;
        r.path = candidate;
        return r;
      }
      std::vector<std::string> target_components = path::components(*target);
      pending.insert(pending.begin(), target_components.begin(), target_components.end());
      from_link.insert(from_link.begin(), target_components.size(), true);
      if (target->front() == '/') cur.assign(1, '/');  // absolute: restart at the root
      continue;
    }
    if (last) {
      r.path = std::move(candidate);
      r.info = info;
      r.existing = cur;
      if (trailing_slash && info->type != FileType::directory) r.error = ENOTDIR;
      return r;
    }
    if (info->type != FileType::directory) {
      r.error = ENOTDIR;
      r.path = std::move(candidate);
      return r;
    }
    cur = std::move(candidate);
  }
  // The walk ended on "/", ".", ".." or a followed symlink to a directory.
  r.path = cur;
  r.info = view.lstat(cur);
  r.existing = path::dirname(cur);
  if (!r.info) {
    r.error = ENOENT;
  } else if (trailing_slash && r.info->type != FileType::directory) {
    r.error = ENOTDIR;
  }
  return r;
}

}  // namespace bootassess
