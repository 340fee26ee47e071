// An in-memory RootView for tests of pure logic: a map from canonical path to
// entry. Parent directories are not implied: add them explicitly (add_dir).
#pragma once

#include <map>
#include <string>

#include "root/path.h"
#include "root/root_view.h"

namespace bootassess::testing {

class MemoryRoot final : public RootView {
 public:
  MemoryRoot() { add_dir("/"); }

  MemoryRoot& add_dir(const std::string& p, std::uint32_t mode = 0755) {
    entries_[p] = {{FileType::directory, mode, 0, 0, 0}, {}};
    return *this;
  }
  MemoryRoot& add_file(const std::string& p, const std::string& content = {},
                       std::uint32_t mode = 0644, std::uint32_t uid = 0, std::uint32_t gid = 0) {
    entries_[p] = {{FileType::regular, mode, uid, gid, content.size()}, content};
    return *this;
  }
  MemoryRoot& add_link(const std::string& p, const std::string& target) {
    entries_[p] = {{FileType::symlink, 0777, 0, 0, target.size()}, target};
    return *this;
  }

  std::optional<FileInfo> lstat(const std::string& p) const override {
    auto it = entries_.find(p);
    if (it == entries_.end()) return std::nullopt;
    return it->second.info;
  }
  std::optional<std::string> read_link(const std::string& p) const override {
    auto it = entries_.find(p);
    if (it == entries_.end() || it->second.info.type != FileType::symlink) return std::nullopt;
    return it->second.data;
  }
  std::optional<std::string> read_file(const std::string& p) const override {
    auto it = entries_.find(p);
    if (it == entries_.end() || it->second.info.type != FileType::regular) return std::nullopt;
    return it->second.data;
  }
  std::optional<std::vector<std::string>> list_dir(const std::string& p) const override {
    auto it = entries_.find(p);
    if (it == entries_.end() || it->second.info.type != FileType::directory) return std::nullopt;
    std::vector<std::string> names;
    for (const auto& [key, entry] : entries_) {
      if (key != p && path::dirname(key) == p) names.push_back(path::basename(key));
    }
    return names;
  }
  bool access(const std::string& p, int mode) const override {
    auto info = lstat(p);
    return info && access_by_mode(*info, mode);
  }

 private:
  struct Entry {
    FileInfo info;
    std::string data;
  };
  std::map<std::string, Entry> entries_;
};

}  // namespace bootassess::testing
