// The heart of enablement: finding units on the search path, following
// aliases and linked unit files, and reading [Install] from a unit file and
// its drop-ins, with systemd's rules and error values (negative errno
// numbers, as systemd's install logic uses them; InstallReport words them).
//
// One InstallContext serves one operation (enable, disable, mask of one
// requested unit). Units named along the way (alias targets, Also= units)
// join it in the order systemd would process them.
#pragma once

#include <cerrno>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fs/overlay_root.h"
#include "systemd/install_report.h"
#include "systemd/link_planner.h"
#include "systemd/search_path.h"
#include "systemd/specifiers.h"

namespace bootassess::systemd {

enum class InstallMode {
  unknown,  // not looked for yet
  regular,  // a unit file
  linked,   // a symlink to a file outside the search path
  alias,    // a symlink to another name inside the search path
  masked,   // empty, or a symlink to /dev/null
};

// One value of an [Install] list, with where it was written.
struct InstallValue {
  std::string text;
  std::string file;
  int line = 0;
};

struct UnitInfo {
  std::string name;
  // The file found, as systemd names it: search directory + name, a symlink
  // target, or the path given to enable. Link targets are made of it.
  std::string path;
  // The same file as a canonical path of the root, for reading it.
  std::string real_path;
  InstallMode mode = InstallMode::unknown;
  std::string symlink_target;  // where an alias or linked file points
  bool auxiliary = false;      // only named by Also=
  int depth = 0;               // Also= steps from the unit asked about
  std::vector<InstallValue> aliases;
  std::vector<InstallValue> wanted_by;
  std::vector<InstallValue> required_by;
  std::vector<InstallValue> upheld_by;
  std::vector<std::string> also;
  std::optional<std::string> default_instance;
};

// How much of a unit to read while looking for it.
struct SearchFlags {
  bool load = false;                    // parse [Install] (else only find the file)
  bool follow_config_symlinks = false;  // follow symlinks in /etc and /run/systemd/system
};

// The error systemd's install logic gives for a failed expansion.
int specifier_errno(SpecifierError error);

class InstallContext {
 public:
  InstallContext(const RootView& view, const SearchPath& search, LookupCache& cache,
                 SpecifierExpander& specifiers, InstallReport& report);

  const RootView& view() const { return view_; }
  const SearchPath& search() const { return search_; }

  // Adds a unit by name, or by absolute path (`path` non-empty, its basename
  // the name). Returns the unit (an existing one when the name is known) or
  // nullptr with `error` = -EINVAL when the name is not a unit name.
  // More units than kMaxUnits, or an Also= chain deeper than kMaxAlsoDepth,
  // is refused with -E2BIG (reported once, and overflowed() is true).
  UnitInfo* add(std::string_view name, std::string_view path, bool auxiliary, int& error,
                int depth = 0);

  // An Also= closure is a handful of units in practice; templates whose Also=
  // names longer instances of themselves grow it without end (systemctl
  // itself never finishes on them). Bounded here, per request.
  static constexpr std::size_t kMaxUnits = 512;
  static constexpr int kMaxAlsoDepth = 32;
  // Whether a bound was hit: the request must fail, with nothing written.
  bool overflowed() const { return overflowed_; }

  // Looks for `unit` on the search path (or at its path) without following
  // what it finds. 0 (or the number of [Install] rules read) or a negative
  // errno.
  int search(UnitInfo& unit, SearchFlags flags) { return search_unit(unit, flags); }

  // Finds `start` and follows aliases and linked files to the unit they
  // name; `found` is that unit. 0 or a negative errno.
  int traverse(UnitInfo& start, SearchFlags flags, UnitInfo** found);

  // The units, in processing order; grows while units are loaded.
  std::size_t size() const { return units_.size(); }
  UnitInfo& at(std::size_t i) { return units_[i]; }

  // Looks for `name` without reading any file, following aliases but not
  // symlinks in the configuration directories: 0 when found, -ENOENT when
  // not, another negative errno when what is found is unusable.
  int probe(std::string_view name);
  // Whether `name` would be found (the check behind "added as a dependency
  // to a non-existent unit").
  bool exists(std::string_view name) { return probe(name) != -ENOENT; }

  // The unit's path in the form link targets use.
  static std::string link_target(const UnitInfo& unit) { return unit.path; }

  // Specifier expansion for `unit`, reporting host-dependent specifiers.
  Expansion expand(const UnitInfo& unit, std::string_view text);

 private:
  int search_unit(UnitInfo& unit, SearchFlags flags);
  int load_or_readlink(UnitInfo& unit, const std::string& path, const std::string& real_path,
                       SearchFlags flags, bool dropin);
  int load(UnitInfo& unit, const std::string& path, const std::string& real_path, SearchFlags flags,
           bool dropin);
  // -EFBIG (and a warning) for a unit file or drop-in too large to read.
  int check_size(const std::string& path, std::uint64_t size);
  int read_symlink(UnitInfo& unit, const std::string& path, const std::string& real_path);
  int follow(UnitInfo& unit, SearchFlags flags, bool ignore_different_name);
  int parse_install(UnitInfo& unit, const std::string& file, std::string_view content);
  int assign(UnitInfo& unit, const std::string& file, int line, std::string_view key,
             std::string_view value);
  // Drop-in files for `unit`: (path as systemd names it, canonical path),
  // by basename, the highest directory winning for a basename.
  std::vector<std::pair<std::string, std::string>> dropins(const UnitInfo& unit,
                                                           const std::optional<std::string>& tmpl);

  const RootView& view_;
  const SearchPath& search_;
  LookupCache& cache_;
  SpecifierExpander& specifiers_;
  InstallReport& report_;
  std::deque<UnitInfo> units_;
  std::unordered_map<std::string, std::size_t> by_name_;
  bool overflowed_ = false;
};

}  // namespace bootassess::systemd
