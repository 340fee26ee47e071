#include "plan/file_actions.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "root/path.h"
#include "root/resolve.h"

namespace bootassess {
namespace {

std::string walk_error(const std::string& path, const Resolved& r) {
  switch (r.error) {
    case ENOTDIR:
      return fmt::format("cannot use {}: {} is not a directory", path, r.path);
    case ELOOP:
      return fmt::format("cannot use {}: too many levels of symbolic links", path);
    default:
      return fmt::format("cannot use {}: {}", path, std::strerror(r.error));
  }
}

// What yip reports as "mkdir ...: file exists" (or ENOENT when the link is
// the file itself): a directory to create is a symlink whose target is missing.
std::string through_symlink_error(const std::string& path) {
  return fmt::format(
      "cannot create {}: a symbolic link on the way points to a directory that does not "
      "exist; yip fails here too and nothing is created (create the link's target first)",
      path);
}

// mkdir actions for every missing directory below `r.existing`, down to and
// excluding the last `keep_last` missing names.
void add_missing_directories(const Resolved& r, std::size_t keep_last, std::uint32_t mode,
                             std::uint32_t uid, std::uint32_t gid, const Position& origin,
                             std::vector<Action>& out) {
  std::string dir = r.existing;
  for (std::size_t i = 0; i + keep_last < r.missing.size(); ++i) {
    dir = path::join(dir, r.missing[i]);
    Action a;
    a.kind = ActionKind::mkdir;
    a.path = dir;
    a.creates = true;
    a.mode = mode;
    a.uid = uid;
    a.gid = gid;
    a.origin = origin;
    out.push_back(std::move(a));
  }
}

}  // namespace

std::uint32_t yip_parent_mode(std::uint32_t permissions) {
  return (permissions < 0700 ? permissions + 0100 : permissions) & 0777;
}

ItemPlan plan_file(const RootView& view, const FileRequest& request, const std::string& cwd) {
  ItemPlan plan;
  if (request.path.empty()) {
    plan.error = "the file has no `path`";
    return plan;
  }
  Resolved r = resolve(view, request.path, cwd, true);
  if (r.error != 0 && r.error != ENOENT) {
    plan.error = walk_error(request.path, r);
    return plan;
  }
  if (r.missing_from_symlink && r.missing.size() > 1) {
    plan.error = through_symlink_error(request.path);
    return plan;
  }
  if (r.dotdot_after_missing) {
    // yip creates the parents of the lexically cleaned path (Go's
    // filepath.Dir), then opens the path as written: the kernel stops at the
    // missing name before the "..".
    const std::string cleaned =
        path::clean(request.path.front() == '/' ? request.path : path::join(cwd, request.path));
    const Resolved parent = resolve(view, path::dirname(cleaned), "/", true);
    if ((parent.error == 0 || parent.error == ENOENT) && !parent.missing_from_symlink &&
        (!parent.info || parent.info->type == FileType::directory)) {
      add_missing_directories(parent, 0, request.parent_mode, request.parent_uid,
                              request.parent_gid, request.origin, plan.actions);
    }
    plan.error = fmt::format(
        "cannot write {}: \"..\" follows a directory that does not exist, and the kernel does "
        "not walk through it (yip fails here too, after creating {})",
        request.path, path::dirname(cleaned));
    plan.error_after_actions = true;
    return plan;
  }
  if (r.info && r.info->type == FileType::directory) {
    plan.error = fmt::format("cannot write {}: it is a directory", request.path);
    return plan;
  }
  if (r.path == "/") {
    plan.error = fmt::format("cannot write {}: it is the root", request.path);
    return plan;
  }
  add_missing_directories(r, 1, request.parent_mode, request.parent_uid, request.parent_gid,
                          request.origin, plan.actions);
  Action a;
  a.kind = ActionKind::write;
  a.path = r.path;
  a.content = request.content;
  a.mode = request.mode & 0777;
  a.uid = request.uid;
  a.gid = request.gid;
  if (request.keep_owner && r.info) {
    a.uid = r.info->uid;
    a.gid = r.info->gid;
  }
  if (request.keep_mode && r.info) a.mode = r.info->mode & 0777;
  a.origin = request.origin;
  if (r.info && r.info->type == FileType::regular && r.info->mode == a.mode &&
      r.info->uid == a.uid && r.info->gid == a.gid && r.info->size == a.content.size()) {
    std::optional<std::string> old = view.read_file(r.path);
    a.unchanged = old && *old == a.content;
  }
  plan.actions.push_back(std::move(a));
  return plan;
}

ItemPlan plan_directory(const RootView& view, const DirectoryRequest& request,
                        const std::string& cwd) {
  ItemPlan plan;
  if (request.path.empty()) {
    plan.error = "the directory has no `path`";
    return plan;
  }
  Resolved r = resolve(view, request.path, cwd, true);
  if (r.error != 0 && r.error != ENOENT) {
    plan.error = walk_error(request.path, r);
    return plan;
  }
  if (r.missing_from_symlink) {
    plan.error = through_symlink_error(request.path);
    return plan;
  }
  if (r.info && r.info->type != FileType::directory) {
    plan.error = fmt::format("{} already exists and is not a directory", request.path);
    return plan;
  }
  if (r.path == "/") {
    plan.error = fmt::format("refusing to change the mode of the root ({})", request.path);
    return plan;
  }
  // yip creates missing ancestors with the same mode and owner as the leaf,
  // and sets an existing directory's mode and owner exactly.
  add_missing_directories(r, 0, request.create_mode & 0777, request.uid, request.gid,
                          request.origin, plan.actions);
  if (r.info) {
    Action a;
    a.kind = ActionKind::mkdir;
    a.path = r.path;
    a.mode = request.mode & 0777;
    a.uid = request.uid;
    a.gid = request.gid;
    a.origin = request.origin;
    a.unchanged = r.info->mode == a.mode && r.info->uid == a.uid && r.info->gid == a.gid;
    plan.actions.push_back(std::move(a));
  }
  return plan;
}

}  // namespace bootassess
