// The RootView of a real directory on disk. Every lookup is made relative to
// a descriptor of the root directory and never follows a symlink itself; the
// caller has already resolved the path with resolve().
#pragma once

#include <memory>
#include <string>

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

  std::optional<FileInfo> lstat(const std::string& path) const override;
  std::optional<std::string> read_link(const std::string& path) const override;
  std::optional<std::string> read_file(const std::string& path) const override;
  std::optional<std::vector<std::string>> list_dir(const std::string& path) const override;
  bool access(const std::string& path, int mode) const override;

 private:
  DiskRoot(std::string root_dir, int fd) : root_dir_(std::move(root_dir)), fd_(fd) {}
  std::string root_dir_;
  int fd_;
};

// "/a/b" -> "a/b", "/" -> "." : the form *at() calls take relative to a root fd.
std::string relative_to_root(const std::string& path);

}  // namespace bootassess
