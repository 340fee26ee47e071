#include "root/disk_root.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "root/beneath.h"
#include "root/dir_reader.h"
#include "root/fd.h"
#include "root/path.h"

namespace bootassess {

std::string relative_to_root(const std::string& path) {
  std::size_t i = 0;
  while (i < path.size() && path[i] == '/')
    ++i;
  if (i == path.size()) return ".";
  return path.substr(i);
}

int unread_errno() {
  const int err = errno;
  return err == EMFILE || err == ENFILE || err == ENOMEM ? err : EIO;
}

bool access_by_mode(const FileInfo& info, int mode) {
  const uid_t euid = geteuid();
  if (euid == 0) {
    if ((mode & X_OK) == 0) return true;
    return info.type == FileType::directory || (info.mode & 0111) != 0;
  }
  std::uint32_t bits = 0;
  if (mode & R_OK) bits |= 4;
  if (mode & W_OK) bits |= 2;
  if (mode & X_OK) bits |= 1;
  std::uint32_t shift = 0;
  if (info.uid == euid) {
    shift = 6;
  } else if (info.gid == getegid()) {
    shift = 3;
  }
  return ((info.mode >> shift) & bits) == bits;
}

std::unique_ptr<DiskRoot> DiskRoot::open(const std::string& root_dir, std::string& error,
                                         int* err) {
  int fd = ::open(root_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (err != nullptr) *err = errno;
    error = fmt::format("cannot open root directory {}: {}", root_dir, std::strerror(errno));
    return nullptr;
  }
  // The canonical absolute name: what a chroot for a shell condition needs,
  // and what messages should show.
  char* canonical = ::realpath(root_dir.c_str(), nullptr);
  std::string name = canonical != nullptr ? std::string(canonical) : root_dir;
  std::free(canonical);
  return std::unique_ptr<DiskRoot>(new DiskRoot(std::move(name), fd));
}

DiskRoot::~DiskRoot() {
  ::close(fd_);
}

namespace {

// A directory is read whole after this many lookups of missing names in it.
constexpr int kMissesBeforeListing = 2;

// Erases the entries of `map` below `path` (not `path` itself).
template <typename Map>
void erase_below(Map& map, const std::string& path) {
  if (path == "/") {
    map.clear();
    return;
  }
  const std::string prefix = path + "/";  // (path itself is left alone)
  auto it = map.lower_bound(prefix);
  while (it != map.end() && it->first.compare(0, prefix.size(), prefix) == 0)
    it = map.erase(it);
}

}  // namespace

namespace {

// The directory part of a clean absolute path other than "/", and its last
// name, as views into it.
std::string_view parent_of(std::string_view p) {
  const std::size_t slash = p.rfind('/');
  return slash == 0 ? p.substr(0, 1) : p.substr(0, slash);
}
std::string_view name_of(std::string_view p) {
  return p.substr(p.rfind('/') + 1);
}

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

DiskRoot::Listing* DiskRoot::listing(std::string_view dir) const {
  auto it = listings_.find(dir);
  if (it == listings_.end() || !it->second.names) return nullptr;
  return &it->second;
}

void DiskRoot::settle(Listing& list, std::string_view name, const std::optional<FileInfo>& info) {
  auto unsure = std::find(list.unsure.begin(), list.unsure.end(), name);
  if (unsure == list.unsure.end()) return;
  list.unsure.erase(unsure);
  std::vector<std::string>& names = *list.names;
  auto pos = std::lower_bound(names.begin(), names.end(), name);
  const bool listed = pos != names.end() && *pos == name;
  if (info && !listed) names.emplace(pos, name);
  if (!info && listed) names.erase(pos);
}

std::optional<FileInfo> DiskRoot::lstat(const std::string& path) const {
  if (!remember_) return stat_uncached(path);
  if (auto it = stats_.find(path); it != stats_.end()) return it->second;
  if (path == "/") {
    std::optional<FileInfo> info = stat_uncached(path);
    stats_.emplace(path, info);
    return info;
  }
  const std::string_view dir = parent_of(path);
  const std::string_view name = name_of(path);
  Listing* list = listing(dir);
  if (list != nullptr && !std::binary_search(list->names->begin(), list->names->end(), name) &&
      !contains(list->unsure, name)) {
    stats_.emplace(path, std::nullopt);
    return std::nullopt;
  }
  std::optional<FileInfo> info = stat_uncached(path);
  const bool missing = !info && errno == ENOENT;
  stats_.emplace(path, info);
  if (list != nullptr) {
    settle(*list, name, info);
  } else if (missing) {
    auto miss = misses_.find(dir);
    if (miss == misses_.end()) miss = misses_.emplace(std::string(dir), 0).first;
    if (++miss->second == kMissesBeforeListing && listings_.count(dir) == 0) {
      listings_.emplace(std::string(dir), Listing{list_uncached(std::string(dir)), {}});
    }
  }
  return info;
}

void DiskRoot::changed(const std::string& path) const {
  if (!remember_ || !forget(path)) return;
  // Whether the name is in its directory now is looked at when asked.
  if (Listing* list = parent_listing(path)) {
    const std::string_view name = name_of(path);
    if (!contains(list->unsure, name)) list->unsure.emplace_back(name);
  }
}

void DiskRoot::changed(const std::string& path, const std::optional<FileInfo>& info,
                       bool new_directory) const {
  if (!remember_ || !forget(path)) return;
  if (new_directory && info) listings_.emplace(path, Listing{std::vector<std::string>{}, {}});
  if (Listing* list = parent_listing(path)) {
    const std::string_view name = name_of(path);
    if (!contains(list->unsure, name)) list->unsure.emplace_back(name);
    settle(*list, name, info);
  }
}

bool DiskRoot::forget(const std::string& path) const {
  if (path == "/") {
    stats_.clear();
    listings_.clear();
    misses_.clear();
    dirs_.clear();
    return false;
  }
  erase_below(stats_, path);
  erase_below(listings_, path);
  erase_below(dirs_, path);
  if (auto d = dirs_.find(path); d != dirs_.end()) dirs_.erase(d);
  // Ancestors that were missing (or not directories) may exist now; so may
  // their names in their parents.
  for (std::string_view dir = parent_of(path); dir != "/"; dir = parent_of(dir)) {
    auto it = stats_.find(dir);
    if (it == stats_.end() || (it->second && it->second->type == FileType::directory)) continue;
    stats_.erase(it);
    if (auto l = listings_.find(dir); l != listings_.end()) listings_.erase(l);
    if (auto l = listings_.find(parent_of(dir)); l != listings_.end()) listings_.erase(l);
  }
  if (auto l = listings_.find(path); l != listings_.end()) listings_.erase(l);
  if (auto s = stats_.find(path); s != stats_.end()) stats_.erase(s);
  return true;
}

DiskRoot::Listing* DiskRoot::parent_listing(const std::string& path) const {
  auto parent = listings_.find(parent_of(path));
  if (parent == listings_.end()) return nullptr;
  if (!parent->second.names) {
    listings_.erase(parent);  // the directory exists now
    return nullptr;
  }
  return &parent->second;
}

DiskRoot::DirRef DiskRoot::parent_dir(const std::string& path, std::string& name) const {
  const std::string_view dir = parent_of(path);
  name.assign(name_of(path));
  if (dir == "/") return DirRef{fd_, {}};
  if (auto it = dirs_.find(dir); it != dirs_.end()) return DirRef{it->second.get(), {}};
  Fd fd = open_dir_beneath(fd_, dir, resolution_);
  if (!fd.ok()) {
    note_failure(path, errno);
    return {};
  }
  if (!remember_) {
    const int raw = fd.get();
    return DirRef{raw, std::move(fd)};
  }
  if (dirs_.size() >= kMaxDirs) dirs_.clear();
  const int raw = fd.get();
  dirs_.emplace(std::string(dir), std::move(fd));
  return DirRef{raw, {}};
}

void DiskRoot::note_failure(const std::string& path, int err) const {
  // What a lookup answers (the file is not there, not a directory, a loop,
  // not permitted) is not a failure; running out of something is.
  switch (err) {
    case EMFILE:
    case ENFILE:
    case ENOMEM:
    case ENOBUFS:
    case EIO:
      break;
    default:
      return;
  }
  if (!failure_.empty()) return;
  failure_ = fmt::format("cannot read {}: {}", path, std::strerror(err));
  errno = err;
}

std::optional<FileInfo> DiskRoot::stat_uncached(const std::string& path) const {
  struct stat st {};
  if (path == "/") {
    if (::fstat(fd_, &st) != 0) return std::nullopt;
  } else {
    std::string name;
    const DirRef dir = parent_dir(path, name);
    if (!dir.ok()) return std::nullopt;
    if (::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      const int err = errno;
      note_failure(path, err);
      errno = err;
      return std::nullopt;
    }
  }
  FileInfo info;
  if (S_ISREG(st.st_mode)) {
    info.type = FileType::regular;
  } else if (S_ISDIR(st.st_mode)) {
    info.type = FileType::directory;
  } else if (S_ISLNK(st.st_mode)) {
    info.type = FileType::symlink;
  }
  info.mode = st.st_mode & 07777;
  info.uid = st.st_uid;
  info.gid = st.st_gid;
  info.size = static_cast<std::uint64_t>(st.st_size);
  return info;
}

std::optional<std::string> DiskRoot::read_link(const std::string& path) const {
  if (path == "/") return std::nullopt;
  std::string name;
  const DirRef dir = parent_dir(path, name);
  if (!dir.ok()) return std::nullopt;
  std::string buf(256, '\0');
  for (;;) {
    ssize_t n = ::readlinkat(dir.get(), name.c_str(), buf.data(), buf.size());
    if (n < 0) {
      note_failure(path, errno);
      return std::nullopt;
    }
    if (static_cast<std::size_t>(n) < buf.size()) {
      buf.resize(static_cast<std::size_t>(n));
      return buf;
    }
    buf.resize(buf.size() * 2);
  }
}

namespace {

// `file` (O_PATH, a regular file) opened for reading: through /proc, which
// opens that very inode, so that nothing put in its place meanwhile (a
// device node, whose open may act: a watchdog's arms it) is opened; without
// /proc, by its name again, checked to be the same file afterwards (a
// narrow window in which a swapped-in node would be opened).
Fd reopen_for_reading(int file, int dir, const std::string& name, const struct stat& seen) {
  // /proc/self/fd/N is the very file only on a real procfs (checked once).
  static const bool proc = [] {
    struct statfs fs {};
    return ::statfs("/proc/self/fd", &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC;
  }();
  if (proc) {
    Fd fd(::open(fmt::format("/proc/self/fd/{}", file).c_str(),
                 O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    // Out of descriptors or memory, the name would fail too.
    if (fd.ok() || errno == EMFILE || errno == ENFILE || errno == ENOMEM) return fd;
  }
  Fd fd(::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (!fd.ok()) return fd;
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || st.st_dev != seen.st_dev || st.st_ino != seen.st_ino ||
      !S_ISREG(st.st_mode)) {
    errno = ENOENT;
    return Fd();
  }
  return fd;
}

}  // namespace

std::optional<std::string> DiskRoot::read_file(const std::string& path) const {
  if (path == "/") return std::nullopt;
  std::string name;
  const DirRef dir = parent_dir(path, name);
  if (!dir.ok()) return std::nullopt;
  // Its type is looked at before it is opened for reading: a device node or
  // a FIFO is never opened.
  const Fd file(::openat(dir.get(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
  struct stat st {};
  if (!file.ok() || ::fstat(file.get(), &st) != 0) {
    note_failure(path, errno);
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) return std::nullopt;
  // Whatever sits in the root, a read is bounded (as systemd's
  // READ_FULL_BYTES_MAX bounds read_full_file()): callers that need less
  // check the size first.
  constexpr std::size_t kMaxRead = (std::size_t{64} << 20) - 1;
  if (static_cast<std::uint64_t>(st.st_size) > kMaxRead) return std::nullopt;
  const Fd fd = reopen_for_reading(file.get(), dir.get(), name, st);
  if (!fd.ok()) {
    note_failure(path, errno);
    return std::nullopt;
  }
  std::string content;
  content.reserve(static_cast<std::size_t>(st.st_size));
  const ReadResult read = read_to_end(fd.get(), content, kMaxRead);
  if (read == ReadResult::error) note_failure(path, errno);
  if (read != ReadResult::ok) return std::nullopt;
  return content;
}

std::optional<std::vector<std::string>> DiskRoot::list_dir(const std::string& path) const {
  if (!remember_) return list_uncached(path);
  auto it = listings_.find(path);
  if (it == listings_.end()) it = listings_.emplace(path, Listing{list_uncached(path), {}}).first;
  Listing& list = it->second;
  if (list.names) {
    const std::string prefix = path == "/" ? "/" : path + "/";
    const std::vector<std::string> unsure = list.unsure;
    for (const std::string& name : unsure)
      settle(list, name, lstat(prefix + name));
  }
  return list.names;
}

std::optional<std::vector<std::string>> DiskRoot::list_uncached(const std::string& path) const {
  Fd dir;
  if (path == "/") {
    dir = Fd(::openat(fd_, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  } else {
    std::string name;
    const DirRef parent = parent_dir(path, name);
    if (!parent.ok()) return std::nullopt;
    dir = Fd(::openat(parent.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  }
  if (!dir.ok()) {
    note_failure(path, errno);
    return std::nullopt;
  }
  std::vector<std::string> names;
  // A read that fails ends the listing with the names read so far.
  DirReader reader(dir.get());
  while (std::optional<std::string_view> name = reader.next())
    names.emplace_back(*name);
  if (reader.error() != 0) note_failure(path, reader.error());
  std::sort(names.begin(), names.end());
  return names;
}

bool DiskRoot::access(const std::string& path, int mode) const {
  if (path == "/") return ::faccessat(fd_, ".", mode, AT_EACCESS) == 0;
  std::string name;
  const DirRef dir = parent_dir(path, name);
  // The last name is not followed either: the caller resolved it.
  return dir.ok() &&
         ::faccessat(dir.get(), name.c_str(), mode, AT_EACCESS | AT_SYMLINK_NOFOLLOW) == 0;
}

}  // namespace bootassess
