// The RootView of a real directory on disk. Every lookup is made relative to
// a descriptor of the root directory: the directory holding the path is
// opened beneath the root (root/beneath.h), so that whatever replaces a
// directory on the way meanwhile, nothing outside the root is looked at,
// opened or read; the last name is never followed (the caller has already
// resolved the path with resolve()). A file is opened for reading only once
// it is known to be a regular file.
//
// After remember_lookups(), lookups are remembered for the life of the view:
// what lstat() found, what list_dir() listed, and, for a directory in which
// two names were looked up in vain, the directory's names, read once, which
// answer every later lookup of a missing name without a system call (the unit
// search directories are asked about every candidate name of every unit).
// Whoever changes the root while such a view is open says so with changed();
// apply does for its own writes and after each shell condition. A change is
// looked at when it is next asked about, not when it is reported.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "root/beneath.h"
#include "root/fd.h"
#include "root/root_view.h"

namespace bootassess {

class DiskRoot final : public RootView {
 public:
  // Opens `root_dir`; nullptr (with `error` set to a message, and `*err` to
  // the errno when `err` is given) when it is not a directory that can be
  // opened.
  static std::unique_ptr<DiskRoot> open(const std::string& root_dir, std::string& error,
                                        int* err = nullptr);
  ~DiskRoot() override;
  DiskRoot(const DiskRoot&) = delete;
  DiskRoot& operator=(const DiskRoot&) = delete;

  const std::string& root_dir() const { return root_dir_; }
  int fd() const { return fd_; }
  // From now on, remember lookups (see above).
  void remember_lookups() { remember_ = true; }
  // Resolves with the walk rather than the kernel's openat2 (tests).
  void resolve_by_walking() { resolution_ = Resolution::walk; }
  // The first read that failed for want of a resource (descriptors, memory)
  // or an I/O error rather than for what the root holds: its answer (nothing
  // there) was not the root's. Empty when there was none.
  const std::string& read_failure() const { return failure_; }

  std::optional<FileInfo> lstat(const std::string& path) const override;
  std::optional<std::string> read_link(const std::string& path) const override;
  std::optional<std::string> read_file(const std::string& path) const override;
  std::optional<std::vector<std::string>> list_dir(const std::string& path) const override;
  bool access(const std::string& path, int mode) const override;
  void changed(const std::string& path) const override;
  // changed(), when the caller knows what is at `path` now (`info`, nullopt
  // for nothing): whether its directory holds the name is settled without a
  // look at the disk; with `new_directory`, it is a directory just created,
  // empty. `info` itself is not kept: whoever reports it (the planned root)
  // answers for the path from then on.
  void changed(const std::string& path, const std::optional<FileInfo>& info,
               bool new_directory) const;

 private:
  DiskRoot(std::string root_dir, int fd) : root_dir_(std::move(root_dir)), fd_(fd) {}
  std::optional<FileInfo> stat_uncached(const std::string& path) const;
  // A directory opened beneath the root: owned by the caller, or by the
  // view's cache of them.
  struct DirRef {
    int fd = -1;
    Fd owned;
    int get() const { return fd; }
    bool ok() const { return fd >= 0; }
  };
  // The directory holding `path` (not "/"), opened beneath the root, and the
  // last name of `path`; invalid with errno set on failure. While lookups are
  // remembered, the directories opened are kept (as many as kMaxDirs) until
  // they are reported changed: a descriptor stays with the directory it
  // opened, whatever is renamed or swapped on the way to it later, so it
  // never leads outside the root either.
  DirRef parent_dir(const std::string& path, std::string& name) const;
  // Keeps the first failure that is not an answer about the root.
  void note_failure(const std::string& path, int err) const;
  // Forgets what was known at and below `path` and about its ancestors that
  // were not directories; false when `path` is "/" and everything is forgotten.
  bool forget(const std::string& path) const;
  std::optional<std::vector<std::string>> list_uncached(const std::string& path) const;

  struct Listing {
    std::optional<std::vector<std::string>> names;  // sorted; nullopt: not a directory
    // Names changed since they were read, whose presence is not known: a
    // lookup of one of them asks the disk.
    std::vector<std::string> unsure;
  };
  // The listing of the directory holding `path`, when it was read and held
  // names; a remembered non-directory there is forgotten.
  Listing* parent_listing(const std::string& path) const;
  // The listing of `dir` when it was read, else null.
  Listing* listing(std::string_view dir) const;
  // Brings the unsure `name` of `list` in line with `info`.
  static void settle(Listing& list, std::string_view name, const std::optional<FileInfo>& info);

  std::string root_dir_;
  int fd_;
  mutable std::map<std::string, std::optional<FileInfo>, std::less<>> stats_;
  mutable std::map<std::string, Listing, std::less<>> listings_;
  mutable std::map<std::string, int, std::less<>> misses_;  // vain lookups by directory
  static constexpr std::size_t kMaxDirs = 16;
  mutable std::map<std::string, Fd, std::less<>> dirs_;  // directories opened, by path
  bool remember_ = false;
  Resolution resolution_ = Resolution::automatic;
  mutable std::string failure_;
};

// "/a/b" -> "a/b", "/" -> "." : the form *at() calls take relative to a root fd.
std::string relative_to_root(const std::string& path);

}  // namespace bootassess
