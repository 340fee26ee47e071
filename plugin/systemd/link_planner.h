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
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fs/action.h"
#include "fs/overlay_root.h"
#include "systemd/search_path.h"

namespace bootassess::systemd {

// What an Installer has learnt about the root and may reuse across requests:
// the canonical paths of directories (the search directories are asked about
// for every unit) and whether units exist (every WantedBy= target is looked
// up). Each answer keeps the paths it was computed from; invalidate() drops
// the answers a change at a path may alter, so the cache holds across
// requests and steps as long as every change to the view is reported.
class LookupCache {
 public:
  // A path an answer looked at; `listing`: its names were listed.
  struct Read {
    std::string path;
    bool listing = false;
  };

  // The canonical path of `dir` when it is a directory of the root.
  const std::optional<std::string>& canonical(const RootView& view, const std::string& dir);

  // A remembered unit lookup result (see InstallContext::probe).
  std::optional<int> unit_lookup(const std::string& name) const;
  // Remembers a unit lookup result and the paths it looked at (including
  // those of any canonical() answer it used, or not: a dropped canonical
  // answer drops every unit lookup).
  void remember_unit_lookup(const std::string& name, int result, std::vector<Read> reads);

  // Something at `path` was created, replaced or removed (with what lies
  // below it): drops every answer that looked at `path` or below it, or
  // listed the directory holding it.
  void invalidate(std::string_view path);

  void clear() {
    canonical_dirs_.clear();
    units_.clear();
    paths_.clear();
    listed_.clear();
  }

 private:
  struct Canonical {
    std::optional<std::string> path;
    std::vector<Read> reads;
  };
  struct Unit {
    int result = 0;
    std::vector<Read> reads;
  };
  // Whether a change at `path` may alter an answer (see invalidate()).
  static bool affects(std::string_view path, const std::vector<Read>& reads);
  bool may_affect(std::string_view path) const;
  void index(const std::vector<Read>& reads);
  void reindex();

  std::unordered_map<std::string, Canonical> canonical_dirs_;
  std::unordered_map<std::string, Unit> units_;
  // Every path the answers looked at, and the directories they listed: a
  // change elsewhere is ruled out without looking at each answer.
  std::set<std::string, std::less<>> paths_;
  std::set<std::string, std::less<>> listed_;
};

// A view that notes the paths it is asked about, for LookupCache.
class RecordingView final : public RootView {
 public:
  RecordingView(const RootView& base, std::vector<LookupCache::Read>& reads)
      : base_(base), reads_(reads) {}

  std::optional<FileInfo> lstat(const std::string& path) const override {
    reads_.push_back({path, false});
    return base_.lstat(path);
  }
  std::optional<std::string> read_link(const std::string& path) const override {
    reads_.push_back({path, false});
    return base_.read_link(path);
  }
  std::optional<std::string> read_file(const std::string& path) const override {
    reads_.push_back({path, false});
    return base_.read_file(path);
  }
  std::optional<std::vector<std::string>> list_dir(const std::string& path) const override {
    reads_.push_back({path, true});
    return base_.list_dir(path);
  }
  bool access(const std::string& path, int mode) const override {
    reads_.push_back({path, false});
    return base_.access(path, mode);
  }
  void changed(const std::string& path) const override { base_.changed(path); }

 private:
  const RootView& base_;
  std::vector<LookupCache::Read>& reads_;
};

class LinkPlanner {
 public:
  LinkPlanner(OverlayRoot& scratch, const SearchPath& search, LookupCache& cache,
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

  // The paths of every action planned so far, recorded or not.
  const std::vector<std::string>& planned_paths() const { return planned_paths_; }

 private:
  void plan(Action action);
  // The canonical path of the directory `config_dir`, made with mkdir
  // actions as far as it is missing; nullopt with `error` set when it cannot.
  std::optional<std::string> make_directory(std::string_view config_dir, int& error);
  bool equivalent(std::string_view link, std::string_view existing, std::string_view target) const;

  OverlayRoot& scratch_;
  const SearchPath& search_;
  LookupCache& cache_;
  std::vector<Action>& actions_;
  Position origin_;
  std::vector<std::string> planned_paths_;
};

}  // namespace bootassess::systemd
