// `systemctl disable UNIT`: the unit's [Install] is not consulted. Its name
// (and the names of the units its Also= lists) are collected; then every
// symlink anywhere below the configuration directory whose name is a unit
// name is removed if its name, its name's template, the path it leads to or
// that path's last component is collected. Each removed link's own path is
// collected too and the walk repeats until nothing more goes, so links to
// removed links go as well. Directories the removals leave empty are
// removed, up to the configuration directory.
//
// A unit that cannot be found is reported but does not fail: its links are
// still removed. Only a link that cannot be followed fails the operation.
#include <fmt/format.h>

#include <cerrno>
#include <set>

#include "root/path.h"
#include "root/resolve.h"
#include "systemd/operation.h"
#include "systemd/unit_name.h"

namespace bootassess::systemd {
namespace {

class Disabler {
 public:
  explicit Disabler(Operation& op) : op_(op) {}

  Outcome run() {
    if (!op_.normalize_name() || !op_.lookup_precheck()) return op_.finish(true);
    int error = 0;
    UnitInfo* start = op_.context.add(op_.unit, {}, false, error);
    if (start == nullptr) {
      op_.report.error(EUCLEAN, op_.unit);
      return op_.finish(true);
    }
    collect_names();
    if (op_.context.overflowed()) return op_.finish(true);
    const int r = remove_marked();
    return op_.finish(r < 0);
  }

 private:
  void collect_names() {
    for (std::size_t i = 0; i < op_.context.size(); ++i) {
      UnitInfo& unit = op_.context.at(i);
      const int r = op_.context.traverse(unit, {true, true}, nullptr);
      if (op_.context.overflowed()) return;
      const std::string& shown = unit.path.empty() ? unit.name : unit.path;
      if (r == -ENOLINK) {
        op_.report.note(rules::kUnitMissing,
                        fmt::format("unit {} is an alias to a unit that is not present", shown));
      } else if (r == -ENOENT) {
        if (!unit.auxiliary) op_.report.error(ENOENT, unit.name);
      } else if (r < 0) {
        op_.report.error(-r, shown);
      } else if (unit.mode == InstallMode::masked) {
        op_.report.note(rules::kMaskedIgnored,
                        fmt::format("unit {} is masked, ignoring it", shown));
        continue;
      } else if (unit.mode != InstallMode::regular) {
        // An alias: the unit it names joined the context and is collected.
        continue;
      }
      marked_.insert(unit.name);
    }
  }

  int remove_marked() {
    if (marked_.empty()) return 0;
    const std::string config(config_dir(op_.scope));
    const std::optional<std::string> root = op_.state.cache.canonical(op_.scratch, config);
    if (!root) return 0;
    int result = 0;
    bool again = true;
    while (again) {
      again = false;
      walk(*root, *root, result, again);
    }
    return result;
  }

  bool marked(const std::string& key) const { return marked_.count(key) != 0; }

  void walk(const std::string& dir, const std::string& stop, int& result, bool& again) {
    const auto names = op_.scratch.list_dir(dir);
    if (!names) return;
    for (const std::string& name : *names) {
      if (is_hidden_or_backup(name)) continue;
      const std::string entry = path::join(dir, name);
      const std::optional<FileInfo> info = op_.scratch.lstat(entry);
      if (!info) continue;
      if (info->type == FileType::directory) {
        walk(entry, stop, result, again);
        continue;
      }
      if (info->type != FileType::symlink || !is_valid_unit_name(name)) continue;
      bool found = marked(name);
      if (!found) {
        const std::optional<std::string> tmpl = template_of(name);
        found = tmpl && marked(*tmpl);
      }
      if (!found) {
        const Resolved r = resolve(op_.scratch, entry, "/", true);
        if (!r.ok() && !(r.error == ENOENT && !r.path.empty())) {
          op_.report.error(r.error, entry);
          if (result == 0) result = -r.error;
          continue;
        }
        found = marked(r.path) || marked(path::basename(r.path));
      }
      if (!found) continue;
      op_.links.remove(entry, stop);
      // Links to this link go too, on the next walk.
      if (marked_.insert(entry).second) again = true;
    }
  }

  Operation& op_;
  std::set<std::string> marked_;
};

}  // namespace

Outcome run_disable(Operation& op) {
  return Disabler(op).run();
}

}  // namespace bootassess::systemd
