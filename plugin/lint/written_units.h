// The unit files and drop-ins a plan writes, read back with positions that
// point into the configuration: the assignment on line 3 of a `content: |`
// block is reported on the line of the YAML file where that text sits.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "load/model.h"
#include "plan/mode_plans.h"

namespace bootassess::lint {

// What a written path is to systemd: the unit file of `unit`, or a drop-in
// (<unit>.d/*.conf) for it, in the unit directory of priority `priority`
// (0 is the highest).
struct UnitPath {
  std::string unit;
  bool dropin = false;
  std::string basename;
  int priority = 0;
};
std::optional<UnitPath> unit_path_of(const std::string& path);

// One assignment of a written unit file or drop-in.
struct Directive {
  std::string section;  // empty before the first section header
  std::string key;
  std::string value;
  Position where;            // in the configuration
  const Action* written_by;  // the write that put it there
  // Non-empty for a line systemd skips (no '=', outside any section, ...):
  // why; the other fields are then empty.
  std::string skipped_because;
};

// Finds where the content of a written file came from.
class ContentLocator {
 public:
  explicit ContentLocator(const std::vector<Source>& sources);
  // The configuration position of line `line` (1-based) of what `action`
  // wrote.
  Position line_position(const Action& action, int line) const;
  // What `action` wrote comes from a `boot_assessment` step whose author
  // accepted the boot-loop risk (`accept_boot_loop_risk: true`).
  bool loop_risk_accepted(const Action& action) const;

 private:
  struct Content {
    Position pos;
    bool block = false;
    int column = 0;
  };
  std::map<std::string, Content> by_origin_;
  std::set<std::string> accepted_;  // origins of acknowledged gates
};

// Every assignment of a unit file or drop-in text, in order, all sections.
std::vector<Directive> parse_directives(const Action& write, const ContentLocator& locator);

// For each unit, the directives systemd would load from what this mode's plan
// writes: the unit file from the highest-priority directory, then the
// drop-ins by basename (a basename in a higher directory hiding the same one
// below). Only the final state of each path counts.
std::map<std::string, std::vector<Directive>> effective_unit_directives(
    const ModePlan& plan, const ContentLocator& locator);

// The unit name a `systemctl.enable` entry means (".service" added to a bare
// name).
std::string unit_name_for(const std::string& requested);

}  // namespace bootassess::lint
