// The system unit search path of `systemctl --root=ROOT`, as paths inside the
// root (the root stands for "/"), and the directories enablement writes to.
//
// Highest priority first:
//   /etc/systemd/system.control    /run/systemd/system.control
//   /run/systemd/transient         /run/systemd/generator.early
//   /etc/systemd/system            /etc/systemd/system.attached
//   /run/systemd/system            /run/systemd/system.attached
//   /run/systemd/generator         /usr/local/lib/systemd/system
//   /lib/systemd/system            (only where ROOT/lib is a real directory)
//   /usr/lib/systemd/system        /run/systemd/generator.late
//
// /lib/systemd/system is what a split-usr build of systemd (Debian 12's 252)
// searches before /usr/lib; a merged-usr image has ROOT/lib -> usr/lib and an
// upstream build does not search /lib at all, so it is left out there. (A
// split-usr systemctl run on such an image would name links
// /lib/systemd/system/..., which the merged image resolves to the same file.)
// $SYSTEMD_UNIT_PATH is not consulted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "root/root_view.h"

namespace bootassess::systemd {

// Where links go: ROOT/etc/systemd/system, or ROOT/run/systemd/system as
// `systemctl --runtime` does (gone at the next boot).
enum class Scope { persistent, runtime };

inline constexpr std::string_view kPersistentConfigDir = "/etc/systemd/system";
inline constexpr std::string_view kRuntimeConfigDir = "/run/systemd/system";

std::string_view config_dir(Scope scope);

class SearchPath {
 public:
  // The search path for the root seen through `view` (which decides about
  // /lib).
  static SearchPath for_root(const RootView& view);
  // The search path with or without /lib/systemd/system.
  explicit SearchPath(bool with_split_usr_lib);

  const std::vector<std::string>& dirs() const { return dirs_; }

  // `path` lies below one of the search directories (at any depth).
  bool contains_below(std::string_view path) const;
  // The directory holding `path` is one of the search directories.
  bool holds_directly(std::string_view path) const;
  // The directory holding `path` is a generator or the transient directory:
  // such units are not for enablement.
  bool holds_generated(std::string_view path) const;
  // The directory holding `path` is /etc/systemd/system or
  // /run/systemd/system.
  bool holds_config(std::string_view path) const;

 private:
  std::vector<std::string> dirs_;
};

// Directory entries systemd never reads as configuration: hidden files,
// editor backups and package-manager leftovers.
bool is_hidden_or_backup(std::string_view name);

// Path comparison as systemd does it: component by component, ignoring
// repeated slashes and "." components; ".." is compared as a name.
bool same_path(std::string_view a, std::string_view b);
// `path` is `prefix` or lies below it, compared as same_path() does.
bool path_has_prefix(std::string_view path, std::string_view prefix);

}  // namespace bootassess::systemd
