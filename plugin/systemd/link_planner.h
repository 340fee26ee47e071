// Plans links and their removal the way systemd's enablement writes them:
// missing directories are created 0755 one level at a time, an existing link
// that systemd considers equivalent is left alone, a different one is
// replaced only where systemd forces it, and removing a link removes the
// directories above it that it leaves empty.
//
// Every planned action is also recorded into a scratch overlay, so that what
// an operation does next sees what it did before.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "plan/action.h"
#include "plan/planned_root.h"
#include "systemd/search_path.h"

namespace bootassess::systemd {

// What an Installer has learnt about the root and may reuse across requests:
// the canonical paths of directories (the search directories are asked about
// for every unit) and whether units exist (every WantedBy= target is looked
// up). Planned actions keep it true: a new or removed directory forgets
// everything, a link outside a .wants/, .requires/ or .upholds/ directory
// (an alias, a mask) forgets the units.
class LookupCache {
 public:
  // The canonical path of `dir` when it is a directory of the root.
  const std::optional<std::string>& canonical(const RootView& view, const std::string& dir);

  // A remembered unit lookup result (see InstallContext::probe).
  std::optional<int> unit_lookup(const std::string& name) const;
  void remember_unit_lookup(const std::string& name, int result);

  void clear() {
    canonical_dirs_.clear();
    units_.clear();
  }
  void forget_units() { units_.clear(); }

 private:
  std::unordered_map<std::string, std::optional<std::string>> canonical_dirs_;
  std::unordered_map<std::string, int> units_;
};

class LinkPlanner {
 public:
  LinkPlanner(PlannedRoot& scratch, const SearchPath& search, LookupCache& cache,
              std::vector<Action>& actions, const Position& origin)
      : scratch_(scratch), search_(search), cache_(cache), actions_(actions), origin_(origin) {}

  // Plans the link `config_dir`/`relative` -> `target` (an absolute path
  // inside the root). Returns 1 when the link is planned or already there,
  // or a negative errno: -EEXIST when something else is in the way (then
  // `existing_target` holds what the link in the way points to, if it is a
  // link), -ENOTDIR or -ENOENT when a directory of the link cannot be made.
  int create(std::string_view target, std::string_view config_dir, std::string_view relative,
             bool force, std::string& existing_target);

  // Plans the removal of the symlink at `link` (a canonical path below
  // `stop`), then of each directory above it, up to `stop` excluded, that
  // the removal leaves empty.
  void remove(const std::string& link, std::string_view stop);

  // Whether the planned actions made or removed a directory.
  bool changed_directories() const { return changed_directories_; }

 private:
  void plan(Action action);
  // The canonical path of the directory `config_dir`, made with mkdir
  // actions as far as it is missing; nullopt with `error` set when it cannot.
  std::optional<std::string> make_directory(std::string_view config_dir, int& error);
  bool equivalent(std::string_view link, std::string_view existing, std::string_view target) const;

  PlannedRoot& scratch_;
  const SearchPath& search_;
  LookupCache& cache_;
  std::vector<Action>& actions_;
  Position origin_;
  bool changed_directories_ = false;
};

}  // namespace bootassess::systemd
