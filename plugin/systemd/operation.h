// What one enablement request works with: a scratch overlay of the root that
// collects its own actions, the install context, the report, and the name
// the request is really about once systemctl's argument rules are applied.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "fs/overlay_root.h"
#include "systemd/enablement.h"
#include "systemd/install_context.h"
#include "systemd/install_report.h"
#include "systemd/link_planner.h"

namespace bootassess::systemd {

struct Installer::State {
  State(const RootView& root, const HostFacts& facts)
      : view(root), search(SearchPath::for_root(root)), specifiers(root, facts) {}

  const RootView& view;
  SearchPath search;
  LookupCache cache;
  SpecifierExpander specifiers;
};

enum class Verb { enable, disable, mask, add_wants };

std::string_view verb_name(Verb verb);

class Operation {
 public:
  Operation(Installer::State& state, const UnitRequest& request, Verb verb, Scope scope);
  ~Operation();
  Operation(const Operation&) = delete;
  Operation& operator=(const Operation&) = delete;

  // Applies systemctl's rules for name arguments to the request: a name is
  // mangled (".service" appended, invalid characters escaped); a path is
  // kept for enable, reduced to its name for disable, refused for mask.
  // False (with the reason reported) when nothing can be done.
  bool normalize_name();

  // systemctl's SysV compatibility step looks every "*.service" name up
  // before enable and disable, and stops at a lookup error other than
  // "linked", "masked" or "generated" (a dangling alias, a symlink that is
  // not a valid alias, a directory). False (with the reason reported) then.
  // (SysV init scripts themselves are not run: bootassess never spawns.)
  bool lookup_precheck();

  // The outcome, with diagnostics worded for the verdict.
  Outcome finish(bool failed);

  Installer::State& state;
  const UnitRequest& request;
  const Verb verb;
  const Scope scope;
  std::string unit;  // the unit name asked about, after normalize_name()
  std::string path;  // for enable by path: the path given
  OverlayRoot scratch;
  InstallReport report;
  Outcome outcome;
  LinkPlanner links;
  InstallContext context;
};

Outcome run_enable(Operation& op);
Outcome run_disable(Operation& op);
Outcome run_mask(Operation& op);
Outcome run_add_wants(Operation& op, std::string_view target);

}  // namespace bootassess::systemd
