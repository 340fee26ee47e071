#include "apply/applier.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <limits.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>
#include <utility>
#include <vector>

#include "diag/diagnostic.h"
#include "root/dir_reader.h"
#include "root/fd.h"
#include "root/path.h"

namespace bootassess {
namespace {

ActionResult failure(const std::string& what, const std::string& path, int err) {
  return {false, false, fmt::format("{} {}: {}", what, path, std::strerror(err)), {}};
}

ActionResult failure(const std::string& message) {
  return {false, false, message, {}};
}

bool write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

constexpr std::size_t kTemporarySuffix = 17;  // "." and 16 hex digits

std::string temporary_name(const std::string& name) {
  static std::mt19937_64 rng{std::random_device{}()};
  return fmt::format(".#{}.{:016x}", name.substr(0, 200), rng());
}

}  // namespace

bool is_temporary_name(std::string_view name) {
  if (name.size() < 3 + kTemporarySuffix || name.substr(0, 2) != ".#") return false;
  const std::string_view suffix = name.substr(name.size() - kTemporarySuffix);
  if (suffix.front() != '.') return false;
  for (char c : suffix.substr(1)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

namespace {

// A name the kernel reads as written, naming an entry of its directory.
bool is_plain_name(std::string_view name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find_first_of(std::string_view("/\0", 2)) == std::string_view::npos;
}

bool same_metadata(const struct stat& st, const Action& a) {
  return (st.st_mode & 07777) == a.mode && st.st_uid == a.uid && st.st_gid == a.gid;
}

// chown before chmod: chown clears set-id bits.
bool set_metadata(int fd, const Action& a) {
  return ::fchown(fd, a.uid, a.gid) == 0 && ::fchmod(fd, a.mode) == 0;
}

// With `deferred` non-null, the temporary is left in place unsynced and its
// name stored there: the caller makes it durable and renames it later. With
// `fresh`, nothing is at `name` (the directory is this run's and it did not
// put it there). With `exact`, a file created with a.mode is as `a` asks.
ActionResult write_file(int dir, const std::string& name, const Action& a, std::string* deferred,
                        bool fresh, bool exact) {
  struct stat st {};
  std::uint64_t linked = 0;  // the old file's hard links, when it has others
  if (fresh) {
    // Nothing to compare with.
  } else if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISDIR(st.st_mode)) return failure(fmt::format("cannot write {}: is a directory", a.path));
    if (S_ISREG(st.st_mode) && static_cast<std::size_t>(st.st_size) == a.content.size()) {
      Fd old(::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
      std::string content;
      if (old.ok() && read_to_end(old.get(), content, a.content.size()) == ReadResult::ok &&
          content == a.content) {
        if (same_metadata(st, a)) return {true, false, {}, {}};
        // A file with other hard links is never changed in place: a link
        // outside the root (after `cp -al`, or in an OSTree checkout) would
        // change too. It is replaced, as a file whose content differs is.
        if (st.st_nlink > 1) {
          linked = static_cast<std::uint64_t>(st.st_nlink);
        } else if (!set_metadata(old.get(), a)) {
          return failure("cannot set mode and owner of", a.path, errno);
        } else {
          return {true, true, {}, {}};
        }
      }
    }
  } else if (errno != ENOENT) {
    return failure("cannot inspect", a.path, errno);
  }

  const std::string tmp = temporary_name(name);
  Fd out(::openat(dir, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  exact ? a.mode : 0600));
  if (!out.ok()) return failure("cannot create a temporary file for", a.path, errno);
  int err = 0;
  if (!write_all(out.get(), a.content) || (!exact && !set_metadata(out.get(), a)) ||
      (deferred == nullptr && ::fsync(out.get()) != 0)) {
    err = errno;
  }
  out = Fd();
  std::string note;
  if (linked != 0) {
    note = fmt::format(
        "{} had {} hard links: it was replaced by a new file, not changed in "
        "place, so that its other links keep their content, mode and owner",
        a.path, linked);
  }
  if (err == 0 && deferred != nullptr) {
    *deferred = tmp;
    ActionResult r{true, true, {}, {}};
    // Until it is published, what was there stays.
    if (fresh) r.known = KnownEntry{};
    r.note = std::move(note);
    return r;
  }
  if (err == 0 && ::renameat(dir, tmp.c_str(), dir, name.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlinkat(dir, tmp.c_str(), 0);
    return failure("cannot write", a.path, err);
  }
  ActionResult r{true, true, {}, {}};
  r.note = std::move(note);
  return r;
}

// Creates the directory under a temporary name, gives it its mode and owner,
// and only then renames it into place: a kill at any point leaves either no
// directory or one that is exactly as planned (and maybe a temporary that the
// next run removes), never a directory at the wrong mode that a rerun would
// take as already there.
ActionResult create_directory(int dir, const std::string& name, const Action& a, bool& exists) {
  const std::string tmp = temporary_name(name);
  if (::mkdirat(dir, tmp.c_str(), 0700) != 0) {
    return failure("cannot create directory", a.path, errno);
  }
  int err = 0;
  {
    Fd d(::openat(dir, tmp.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!d.ok() || !set_metadata(d.get(), a)) err = errno;
  }
  if (err == 0 && ::renameat2(dir, tmp.c_str(), dir, name.c_str(), RENAME_NOREPLACE) != 0) {
    err = errno;
    if (err == EINVAL || err == ENOSYS) {
      // A file system without RENAME_NOREPLACE: the name was free a moment
      // ago, and a plain rename never replaces a directory that has entries.
      err = ::renameat(dir, tmp.c_str(), dir, name.c_str()) == 0 ? 0 : errno;
    }
  }
  if (err == 0) return {true, true, {}, {}};
  ::unlinkat(dir, tmp.c_str(), AT_REMOVEDIR);
  if (err == EEXIST || err == ENOTEMPTY) {
    exists = true;  // made meanwhile: treat it as an existing one
    return {true, false, {}, {}};
  }
  return failure("cannot create directory", a.path, err);
}

// Gives the directory that exists at `name` the mode and owner `a` asks.
ActionResult fix_directory(int dir, const std::string& name, const Action& a) {
  struct stat st {};
  Fd d(::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!d.ok()) {
    if (errno == ENOTDIR || errno == ELOOP) {
      return failure(
          fmt::format("cannot create directory {}: it exists and is not a directory", a.path));
    }
    return failure("cannot open directory", a.path, errno);
  }
  if (::fstat(d.get(), &st) != 0) return failure("cannot inspect", a.path, errno);
  if (same_metadata(st, a)) return {true, false, {}, {}};
  if (!set_metadata(d.get(), a)) return failure("cannot set mode and owner of", a.path, errno);
  return {true, true, {}, {}};
}

// With `owner` set, a new link in `dir` gets that owner (the directory is
// plain).
ActionResult make_symlink(int dir, const std::string& name, const Action& a,
                          std::optional<std::pair<uid_t, gid_t>> owner) {
  // Nothing there: creating the link is atomic by itself, and says so.
  if (::symlinkat(a.target.c_str(), dir, name.c_str()) == 0) {
    ActionResult r{true, true, {}, {}};
    if (owner) {
      r.known = KnownEntry{
          FileInfo{FileType::symlink, 0777, owner->first, owner->second, a.target.size()}, false};
    }
    return r;
  }
  if (errno != EEXIST) return failure("cannot create symlink", a.path, errno);
  struct stat st {};
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISDIR(st.st_mode)) {
      return failure(fmt::format("cannot create symlink {}: a directory is in the way", a.path));
    }
    if (S_ISLNK(st.st_mode)) {
      std::string target(static_cast<std::size_t>(st.st_size) + 1, '\0');
      ssize_t n = ::readlinkat(dir, name.c_str(), target.data(), target.size());
      if (n >= 0 && static_cast<std::size_t>(n) == a.target.size() &&
          target.compare(0, a.target.size(), a.target) == 0) {
        return {true, false, {}, {}};
      }
    }
  } else if (errno != ENOENT) {
    return failure("cannot inspect", a.path, errno);
  }
  // Something is in the way: replace it in one rename.
  const std::string tmp = temporary_name(name);
  if (::symlinkat(a.target.c_str(), dir, tmp.c_str()) != 0) {
    return failure("cannot create symlink", a.path, errno);
  }
  if (::renameat(dir, tmp.c_str(), dir, name.c_str()) != 0) {
    int err = errno;
    ::unlinkat(dir, tmp.c_str(), 0);
    return failure("cannot create symlink", a.path, err);
  }
  return {true, true, {}, {}};
}

ActionResult remove_entry(int dir, const std::string& name, const Action& a) {
  struct stat st {};
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return {true, false, {}, KnownEntry{}};
    return failure("cannot inspect", a.path, errno);
  }
  if (::unlinkat(dir, name.c_str(), S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) != 0) {
    return failure("cannot remove", a.path, errno);
  }
  return {true, true, {}, KnownEntry{}};
}

}  // namespace

ActionResult Applier::apply(const Action& action) {
  if (action.path.empty() || action.path.front() != '/' || action.path == "/") {
    return failure(fmt::format("refusing to change the root itself or a relative path: '{}'",
                               printable(action.path)));
  }
  // The planner never asks for these; the check here does not rely on it.
  for (const std::string& c : path::components(action.path)) {
    if (!is_plain_name(c)) {
      return failure(fmt::format("refusing a path with the component '{}': '{}'", printable(c),
                                 printable(action.path)));
    }
  }
  if (action.target.find('\0') != std::string::npos) {
    return failure(
        fmt::format("refusing a link target holding a NUL byte: '{}'", printable(action.target)));
  }
  if (path::clean(action.path) != action.path) {
    return failure(
        fmt::format("refusing a path that is not canonical: '{}'", printable(action.path)));
  }
  // The kernel would refuse these at the rename that puts a file in place,
  // after its temporary (with a name cut short) was written: refused here,
  // the item fails alone and says why.
  for (const std::string& c : path::components(action.path)) {
    if (c.size() > NAME_MAX) {
      return failure(
          fmt::format("cannot create {}: its name '{}...' is {} bytes long, over the "
                      "{} bytes a file name may have: {}",
                      printable(action.path), printable(c.substr(0, 32)), c.size(), NAME_MAX,
                      std::strerror(ENAMETOOLONG)));
    }
  }
  if (action.path.size() >= PATH_MAX) {
    return failure(
        fmt::format("cannot create {}...: the path is {} bytes long, over the {} a "
                    "path may have: {}",
                    printable(action.path.substr(0, 64)), action.path.size(), PATH_MAX - 1,
                    std::strerror(ENAMETOOLONG)));
  }
  int err = 0;
  // A deferred file is in the way of what comes next for its path (or of
  // removing a directory above it): put every file in place first.
  if (!pending_.empty() &&
      (action.kind == ActionKind::remove || pending_paths_.count(action.path) != 0) && !publish()) {
    return failure(fmt::format("cannot put the files written before {} in place", action.path));
  }
  const std::string parent = path::dirname(action.path);
  Dir* dir = directory(parent, err);
  if (dir == nullptr) return failure("cannot open the directory of", action.path, err);
  // A directory this run created holds no leftovers of an earlier one.
  if (!dir->created && swept_.insert(parent).second && remove_temporaries(dir->fd)) {
    mark_dirty(parent, *dir);
  }
  const std::string name = path::basename(action.path);
  ActionResult result = failure("unknown action");
  switch (action.kind) {
    case ActionKind::write: {
      std::string tmp;
      const bool fresh = dir->created && dir->made.count(name) == 0;
      result = write_file(dir->fd, name, action, defer_ ? &tmp : nullptr, fresh,
                          creates_exactly(*dir, action));
      if (result.ok && dir->created) dir->made.insert(name);
      if (!tmp.empty()) {
        pending_.push_back({parent, std::move(tmp), name});
        pending_paths_.insert(action.path);
        if (inspect(*dir)) {
          filesystems_.try_emplace(dir->dev, parent);
        } else {
          sync_failed_ = true;
        }
      }
      break;
    }
    case ActionKind::mkdir:
      result = make_directory(*dir, parent, name, action);
      break;
    case ActionKind::symlink: {
      std::optional<std::pair<uid_t, gid_t>> owner;
      if (inspect(*dir) && dir->plain) owner.emplace(euid_, egid_);
      result = make_symlink(dir->fd, name, action, owner);
      if (result.ok && dir->created) dir->made.insert(name);
      break;
    }
    case ActionKind::remove:
      result = remove_entry(dir->fd, name, action);
      // A removed directory must not be reached through the cache again.
      if (result.changed) forget_directories(action.path);
      break;
  }
  if (result.changed) mark_dirty(parent, *dir);
  return result;
}

bool Applier::inspect(Dir& d) {
  if (d.inspected) return true;
  struct stat st {};
  if (::fstat(d.fd, &st) != 0) return false;
  d.dev = st.st_dev;
  // A default ACL would take the umask's place; a set-group-id bit (or a
  // file system mounted with grpid) would give new entries the directory's
  // group, which is the process's only when the directory's is.
  d.plain = (st.st_mode & S_ISGID) == 0 && st.st_gid == egid_;
  if (d.plain && ::fgetxattr(d.fd, "system.posix_acl_default", nullptr, 0) >= 0) d.plain = false;
  if (d.plain && errno != ENODATA && errno != ENOTSUP) d.plain = false;
  d.inspected = true;
  return true;
}

bool Applier::creates_exactly(Dir& d, const Action& a) {
  return umask_ && (a.mode & ~0777u) == 0 && (a.mode & *umask_) == 0 && a.uid == euid_ &&
         a.gid == egid_ && inspect(d) && d.plain;
}

ActionResult Applier::make_directory(Dir& d, const std::string& parent, const std::string& name,
                                     const Action& a) {
  if (creates_exactly(d, a)) {
    // The directory appears at once as planned: a kill leaves it or nothing.
    if (::mkdirat(d.fd, name.c_str(), a.mode) == 0) {
      created_[path::join(parent, name)] = Created{d.dev, true};
      if (d.created) d.made.insert(name);
      return {
          true, true, {}, KnownEntry{FileInfo{FileType::directory, a.mode, a.uid, a.gid, 0}, true}};
    }
    if (errno != EEXIST) return failure("cannot create directory", a.path, errno);
    return fix_directory(d.fd, name, a);
  }
  struct stat st {};
  if (::fstatat(d.fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno != ENOENT) return failure("cannot inspect", a.path, errno);
    bool exists = false;
    ActionResult created = create_directory(d.fd, name, a, exists);
    if (!exists) return created;
  }
  return fix_directory(d.fd, name, a);
}

Applier::Applier(int root_fd) : root_fd_(root_fd), euid_(::geteuid()), egid_(::getegid()) {}

Applier::~Applier() {
  forget_directories();
}

void Applier::forget_directories() {
  for (const auto& [path, d] : open_dirs_)
    ::close(d.fd);
  open_dirs_.clear();
}

void Applier::forget_directories(const std::string& top) {
  const std::string prefix = top + "/";
  for (auto it = open_dirs_.lower_bound(top);
       it != open_dirs_.end() && (it->first == top || it->first.starts_with(prefix));) {
    ::close(it->second.fd);
    it = open_dirs_.erase(it);
  }
  for (auto it = created_.lower_bound(top);
       it != created_.end() && (it->first == top || it->first.starts_with(prefix));) {
    it = created_.erase(it);
  }
}

void Applier::close_directories() {
  // The files waiting in the directories about to be closed are put in place
  // first, so that their directories need not be opened again.
  if (!publishing_ && !pending_.empty() && !publish()) publish_failed_ = true;
  forget_directories();
}

Applier::Dir* Applier::directory(const std::string& dir, int& err) {
  if (auto it = open_dirs_.find(dir); it != open_dirs_.end()) return &it->second;
  if (!limit_read_) {
    // As many as the descriptor limit leaves room for, beside what the rest
    // of the process may open (a file being written, a directory being
    // listed, the standard streams...).
    limit_read_ = true;
    struct rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
      const rlim_t n = std::min<rlim_t>(limit.rlim_cur, 1 << 16);
      max_open_ = n > 128 ? n - 64 : n > 17 ? n - 16 : 1;
    }
  }
  if (open_dirs_.size() >= max_open_) close_directories();
  // Start from the nearest ancestor already open, or the root.
  std::string start = dir;
  Dir* d = nullptr;
  while (d == nullptr) {
    start = path::dirname(start);
    if (auto it = open_dirs_.find(start); it != open_dirs_.end()) d = &it->second;
    if (start == "/" && d == nullptr) break;
  }
  if (d == nullptr) {
    const int fd = ::openat(root_fd_, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      err = errno;
      return nullptr;
    }
    d = &open_dirs_["/"];
    d->fd = fd;
    start.assign(1, '/');
  }
  if (dir == "/") return d;
  const std::string rest = start == "/" ? dir : dir.substr(start.size());
  const std::vector<std::string> names = path::components(rest);
  std::string current = start;
  int at = d->fd;
  // A directory on the way that the cache has no room for: open only until
  // the next one is.
  Fd passing;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string& c = names[i];
    if (!is_plain_name(c)) {
      err = EINVAL;
      return nullptr;
    }
    const int next = ::openat(at, c.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0) {
      err = errno == ELOOP ? ENOTDIR : errno;
      if (err == EMFILE && !retrying_ && open_dirs_.size() > 1) {
        // Out of descriptors: begin again, once, with the cache closed.
        passing = Fd();
        retrying_ = true;
        close_directories();
        Dir* again = directory(dir, err);
        retrying_ = false;
        return again;
      }
      return nullptr;
    }
    current = path::join(current, c);
    at = next;
    // The last is kept, and those on the way while the cache has room for
    // them and the rest.
    if (i + 1 < names.size() && open_dirs_.size() + (names.size() - i) > max_open_) {
      passing = Fd(next);
      continue;
    }
    passing = Fd();
    Dir& opened = open_dirs_[current];
    opened.fd = next;
    // A directory this run made (and nothing removed since) is on its
    // parent's file system and holds what the run put there.
    if (auto made = created_.find(current); made != created_.end()) {
      opened.inspected = true;
      opened.dev = made->second.dev;
      opened.plain = made->second.plain;
      opened.created = true;
      created_.erase(made);
    }
    d = &opened;
  }
  return d;
}

bool Applier::remove_temporaries(int dir) {
  // Read through a descriptor of its own, from the start.
  const Fd copy(::openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!copy.ok()) return false;
  std::vector<std::string> found;
  DirReader reader(copy.get());
  while (std::optional<std::string_view> name = reader.next()) {
    if (is_temporary_name(*name)) found.emplace_back(*name);
  }
  bool removed = false;
  for (const std::string& name : found) {
    struct stat st {};
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    // A temporary directory is renamed into place before anything is put in
    // it: one with entries is not ours, and rmdir leaves it alone.
    if (::unlinkat(dir, name.c_str(), S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) == 0) removed = true;
  }
  return removed;
}

void Applier::outside_change() {
  for (const auto& [path, d] : open_dirs_) {
    // Made by this run: it still holds no leftovers of an earlier one.
    if (d.created) swept_.insert(path);
  }
  for (const auto& made : created_)
    swept_.insert(made.first);
  created_.clear();
  // The directories open may have been removed, moved or replaced since:
  // each is opened again by its path when next needed.
  forget_directories();
}

bool Applier::publish() {
  // A publish made on the way (to close directories) that failed is reported
  // by the next one.
  if (pending_.empty()) return !std::exchange(publish_failed_, false);
  publishing_ = true;
  // Data first: one syncfs per file system that holds a temporary, so that
  // no rename below can become durable before the content it names.
  bool synced = !sync_failed_;
  for (const auto& [dev, dir] : filesystems_) {
    int err = 0;
    const Dir* d = directory(dir, err);
    if (d == nullptr || ::syncfs(d->fd) != 0) synced = false;  // each file is synced below
  }
  filesystems_.clear();
  sync_failed_ = false;
  bool ok = true;
  for (const Pending& p : pending_) {
    const std::string target = path::join(p.dir, p.name);
    auto fail = [&](std::string_view what, int err) {
      failures_.push_back({target, fmt::format("cannot put {} in place ({}): {}", target, what,
                                               std::strerror(err))});
      ok = false;
    };
    int err = 0;
    const Dir* d = directory(p.dir, err);
    if (d == nullptr) {
      fail(fmt::format("opening {}", p.dir), err);
      continue;
    }
    const int fd = d->fd;
    if (!synced) {
      // The file system could not be synced as a whole: this file alone.
      Fd tmp(::openat(fd, p.tmp.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
      if (!tmp.ok() || ::fsync(tmp.get()) != 0) {
        err = errno;
        ::unlinkat(fd, p.tmp.c_str(), 0);
        fail("syncing its content", err);
        continue;
      }
    }
    if (::renameat(fd, p.tmp.c_str(), fd, p.name.c_str()) != 0) {
      err = errno;
      ::unlinkat(fd, p.tmp.c_str(), 0);
      fail("renaming its temporary", err);
    }
  }
  pending_.clear();
  pending_paths_.clear();
  publishing_ = false;
  return !std::exchange(publish_failed_, false) && ok;
}

void Applier::abandon() {
  for (const Pending& p : pending_) {
    int err = 0;
    if (const Dir* d = directory(p.dir, err)) ::unlinkat(d->fd, p.tmp.c_str(), 0);
  }
  pending_.clear();
  pending_paths_.clear();
  filesystems_.clear();
}

void Applier::mark_dirty(const std::string& path, Dir& dir) {
  if (!dirty_.insert(path).second || !defer_) return;
  if (inspect(dir)) {
    dirty_filesystems_.try_emplace(dir.dev, path);
  } else {
    dirty_unknown_ = true;
  }
}

bool Applier::flush() {
  bool ok = publish();
  // In a batch: one syncfs per file system makes every changed entry durable,
  // as an fsync of each directory would. Should a file system's chosen
  // directory be gone, each directory is synced instead.
  bool synced = defer_ && !dirty_unknown_;
  for (const auto& [dev, dir] : synced ? dirty_filesystems_ : decltype(dirty_filesystems_){}) {
    int err = 0;
    const Dir* d = directory(dir, err);
    if (d == nullptr || ::syncfs(d->fd) != 0) synced = false;
  }
  dirty_filesystems_.clear();
  dirty_unknown_ = false;
  if (synced) {
    dirty_.clear();
    return ok;
  }
  for (const std::string& dir : dirty_) {
    int err = 0;
    const Dir* d = directory(dir, err);
    // A directory removed later in the run needs no sync.
    if ((d == nullptr && err != ENOENT) || (d != nullptr && ::fsync(d->fd) != 0)) {
      if (d != nullptr) err = errno;
      failures_.push_back(
          {dir, fmt::format("cannot sync directory {} to disk: {}", dir, std::strerror(err))});
      ok = false;
    }
  }
  dirty_.clear();
  return ok;
}

}  // namespace bootassess
