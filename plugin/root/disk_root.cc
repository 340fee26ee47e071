#include "root/disk_root.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

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

std::unique_ptr<DiskRoot> DiskRoot::open(const std::string& root_dir, std::string& error) {
  int fd = ::open(root_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
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
  const std::string prefix = path + "/";
  auto it = map.lower_bound(prefix);
  while (it != map.end() && it->first.compare(0, prefix.size(), prefix) == 0)
    it = map.erase(it);
}

}  // namespace

const std::vector<std::string>* DiskRoot::listing(const std::string& dir) const {
  auto it = listings_.find(dir);
  if (it == listings_.end() || !it->second) return nullptr;
  return &*it->second;
}

std::optional<FileInfo> DiskRoot::lstat(const std::string& path) const {
  if (!remember_) return stat_uncached(path);
  if (auto it = stats_.find(path); it != stats_.end()) return it->second;
  if (path != "/") {
    const std::string dir = path::dirname(path);
    if (const std::vector<std::string>* names = listing(dir)) {
      const std::string name = path::basename(path);
      if (!std::binary_search(names->begin(), names->end(), name)) {
        stats_.emplace(path, std::nullopt);
        return std::nullopt;
      }
    }
    std::optional<FileInfo> info = stat_uncached(path);
    const bool missing = !info && errno == ENOENT;
    stats_.emplace(path, info);
    if (missing && ++misses_[dir] == kMissesBeforeListing && listings_.count(dir) == 0) {
      listings_.emplace(dir, list_uncached(dir));
    }
    return info;
  }
  std::optional<FileInfo> info = stat_uncached(path);
  stats_.emplace(path, info);
  return info;
}

void DiskRoot::changed(const std::string& path) const {
  if (!remember_) return;
  forget(path, path == "/" ? std::nullopt : stat_uncached(path));
}

void DiskRoot::changed(const std::string& path, const std::optional<FileInfo>& info,
                       bool new_directory) const {
  if (!remember_) return;
  forget(path, info);
  if (new_directory && path != "/") listings_[path].emplace();
}

void DiskRoot::forget(const std::string& path, const std::optional<FileInfo>& now) const {
  erase_below(stats_, path);
  erase_below(listings_, path);
  if (path == "/") {
    stats_.clear();
    listings_.clear();
    misses_.clear();
    return;
  }
  // Ancestors that were missing (or not directories) may exist now; so may
  // their names in their parents.
  for (std::string dir = path::dirname(path); dir != "/"; dir = path::dirname(dir)) {
    auto it = stats_.find(dir);
    if (it == stats_.end() || (it->second && it->second->type == FileType::directory)) continue;
    stats_.erase(it);
    listings_.erase(dir);
    listings_.erase(path::dirname(dir));
  }
  listings_.erase(path);
  const std::optional<FileInfo>& info = now;
  stats_[path] = info;
  auto parent = listings_.find(path::dirname(path));
  if (parent != listings_.end() && parent->second) {
    std::vector<std::string>& names = *parent->second;
    const std::string name = path::basename(path);
    auto pos = std::lower_bound(names.begin(), names.end(), name);
    const bool listed = pos != names.end() && *pos == name;
    if (info && !listed) names.insert(pos, name);
    if (!info && listed) names.erase(pos);
  }
}

std::optional<FileInfo> DiskRoot::stat_uncached(const std::string& path) const {
  struct stat st {};
  std::string rel = relative_to_root(path);
  if (::fstatat(fd_, rel.c_str(), &st, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) != 0) {
    return std::nullopt;
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
  std::string rel = relative_to_root(path);
  std::string buf(256, '\0');
  for (;;) {
    ssize_t n = ::readlinkat(fd_, rel.c_str(), buf.data(), buf.size());
    if (n < 0) return std::nullopt;
    if (static_cast<std::size_t>(n) < buf.size()) {
      buf.resize(static_cast<std::size_t>(n));
      return buf;
    }
    buf.resize(buf.size() * 2);
  }
}

std::optional<std::string> DiskRoot::read_file(const std::string& path) const {
  std::string rel = relative_to_root(path);
  int fd = ::openat(fd_, rel.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return std::nullopt;
  }
  // Whatever sits in the root, a read is bounded (as systemd's
  // READ_FULL_BYTES_MAX bounds read_full_file()): callers that need less
  // check the size first.
  constexpr std::size_t kMaxRead = (std::size_t{64} << 20) - 1;
  if (static_cast<std::uint64_t>(st.st_size) > kMaxRead) {
    ::close(fd);
    return std::nullopt;
  }
  std::string content;
  content.reserve(static_cast<std::size_t>(st.st_size));
  const ReadResult read = read_to_end(fd, content, kMaxRead);
  ::close(fd);
  if (read != ReadResult::ok) return std::nullopt;
  return content;
}

std::optional<std::vector<std::string>> DiskRoot::list_dir(const std::string& path) const {
  if (!remember_) return list_uncached(path);
  auto it = listings_.find(path);
  if (it == listings_.end()) it = listings_.emplace(path, list_uncached(path)).first;
  return it->second;
}

std::optional<std::vector<std::string>> DiskRoot::list_uncached(const std::string& path) const {
  std::string rel = relative_to_root(path);
  int fd = ::openat(fd_, rel.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return std::nullopt;
  }
  std::vector<std::string> names;
  while (struct dirent* entry = ::readdir(dir)) {
    std::string_view name(entry->d_name);
    if (name == "." || name == "..") continue;
    names.emplace_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

bool DiskRoot::access(const std::string& path, int mode) const {
  std::string rel = relative_to_root(path);
  return ::faccessat(fd_, rel.c_str(), mode, AT_EACCESS) == 0;
}

}  // namespace bootassess
