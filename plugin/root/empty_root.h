// A root that holds nothing but "/": what `validate` plans against, since a
// configuration must make sense before any particular image exists.
#pragma once

#include "root/root_view.h"

namespace bootassess {

class EmptyRoot final : public RootView {
 public:
  std::optional<FileInfo> lstat(const std::string& path) const override {
    if (path == "/") return FileInfo{FileType::directory, 0755, 0, 0, 0};
    return std::nullopt;
  }
  std::optional<std::string> read_link(const std::string&) const override { return std::nullopt; }
  std::optional<std::string> read_file(const std::string&) const override { return std::nullopt; }
  std::optional<std::vector<std::string>> list_dir(const std::string& path) const override {
    if (path == "/") return std::vector<std::string>{};
    return std::nullopt;
  }
  bool access(const std::string& path, int mode) const override {
    std::optional<FileInfo> info = lstat(path);
    return info && access_by_mode(*info, mode);
  }
};

}  // namespace bootassess
