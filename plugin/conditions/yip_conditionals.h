// yip's conditionals besides `if:`, evaluated as yip does, without a
// process: `node` (hostname), `only_os` (os-release PRETTY_NAME),
// `only_os_version` (VERSION_ID), `only_arch` (Go's architecture name) are
// unanchored RE2 patterns; `only_service_manager` (systemd or openrc) looks
// for systemctl/openrc in /sbin, /bin, /usr/sbin, /usr/bin; `if_files`
// tests paths (all/any/none, following symlinks). A failing one skips the
// step, as in yip.
//
// Facts yip takes from its own process (the hostname, the architecture) come
// from the running system; files (os-release, the service manager, if_files)
// are looked up inside the root. Patterns are matched with RE2, the engine and
// syntax of Go's regexp that yip uses; a pattern that does not compile skips
// the step, as in yip. Where yip's outcome depends on Go's random map order
// (an empty if_files list next to others), the lists are taken in document
// order.
#pragma once

#include <string>

#include "load/model.h"
#include "root/root_view.h"

namespace bootassess {

struct SystemFacts {
  std::string hostname;
  std::string goarch;  // amd64, arm64, 386, arm, riscv64, ...
  // The running system's, read only when a step first matches `node` or
  // `only_arch` against them: most runs have neither, and run on every boot.
  bool read_on_use = false;

  // The running system's, read now.
  static SystemFacts of_running_system();
  // The running system's, read on first use (once per process).
  static SystemFacts on_first_use() { return SystemFacts{{}, {}, true}; }
  // These facts, or the running system's for on_first_use().
  const SystemFacts& resolved() const;
};

struct YipConditionalResult {
  enum class Outcome { holds, fails };
  Outcome outcome = Outcome::holds;
  std::string detail;  // why it failed
  Position where;      // the conditional that decided
};

// `node`, which yip checks before `if:`.
YipConditionalResult evaluate_node(const YipConditionals& c, const SystemFacts& facts);
// The others, which yip checks after `if:`, in yip's order.
YipConditionalResult evaluate_after_if(const YipConditionals& c, const RootView& view,
                                       const SystemFacts& facts);

// Go's GOARCH for a uname(2) machine name ("x86_64" -> "amd64").
std::string goarch_for_machine(std::string_view machine);

}  // namespace bootassess
