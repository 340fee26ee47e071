// The RootView of a real directory on disk. Every lookup is made relative to
// a descriptor of the root directory and never follows a symlink itself; the
// caller has already resolved the path with resolve().
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

#include "root/root_view.h"

namespace bootassess {

class DiskRoot final : public RootView {
 public:
  // Opens `root_dir`; nullptr (with `error` set to a message) when it is not a
  // directory that can be opened.
  static std::unique_ptr<DiskRoot> open(const std::string& root_dir, std::string& error);
  ~DiskRoot() override;
  DiskRoot(const DiskRoot&) = delete;
  DiskRoot& operator=(const DiskRoot&) = delete;

  const std::string& root_dir() const { return root_dir_; }
  int fd() const { return fd_; }
  // From now on, remember lookups (see above).
  void remember_lookups() { remember_ = true; }

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
  bool remember_ = false;
};

// "/a/b" -> "a/b", "/" -> "." : the form *at() calls take relative to a root fd.
std::string relative_to_root(const std::string& path);

}  // namespace bootassess
