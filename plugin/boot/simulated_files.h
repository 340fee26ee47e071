// A view of the root in which a few files are made to exist or not, for a
// simulated boot: the boot-mode sentinel under /run/cos, the boot-counting
// EFI variable. A shown file exists with the given content, and the
// directories above it exist (the root's own where it has them); a hidden
// file does not exist; everything else is the base view's.
#pragma once

#include <map>
#include <set>
#include <string>

#include "root/root_view.h"

namespace bootassess {

class SimulatedFiles : public RootView {
 public:
  explicit SimulatedFiles(const RootView& base) : base_(base) {}

  // `path` is canonical; shown files are regular, owned by root.
  void show(const std::string& path, std::string content, std::uint32_t mode);
  void hide(const std::string& path);

  std::optional<FileInfo> lstat(const std::string& path) const override;
  std::optional<std::string> read_link(const std::string& path) const override;
  std::optional<std::string> read_file(const std::string& path) const override;
  std::optional<std::vector<std::string>> list_dir(const std::string& path) const override;
  bool access(const std::string& path, int mode) const override;

 private:
  enum class Kind { base, shown, hidden, directory };
  Kind classify(const std::string& path) const;
  FileInfo shown_info(const std::string& path) const;

  const RootView& base_;
  std::map<std::string, std::pair<std::string, std::uint32_t>> shown_;  // content, mode
  std::set<std::string> hidden_;
  std::set<std::string> directories_;  // above a shown file, "/" excluded
};

}  // namespace bootassess
