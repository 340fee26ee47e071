// Model + boot mode + a view of the root -> filesystem actions, step by step.
// The base view is the root as it is; the planner layers its own planned
// actions over it, and, for a simulated mode, the mode's sentinel on top of
// that for conditions only (a sentinel directory that does not exist is never
// taken as a place to write into).
//
// The planner walks the requested stages over every source in order, and
// each stage of a source in yip's step order (`after:` included, see
// plan/step_order.h), as the stage runner would: a step's condition is
// evaluated when the step is reached, against the root as the earlier steps
// left it. An `after:` yip would crash on refuses the whole run. Every action goes
// through an ActionExecutor (which performs it for `apply`, or only accepts it
// for `plan` and `--dry-run`) and is then recorded in a OverlayRoot, so later
// steps see it either way.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "boot/boot_counting.h"
#include "boot/boot_mode.h"
#include "conditions/condition.h"
#include "conditions/yip_conditionals.h"
#include "fs/action_executor.h"
#include "fs/overlay_root.h"
#include "load/model.h"
#include "plan/file_actions.h"
#include "systemd/enablement.h"

namespace bootassess {

namespace systemd {
struct Outcome;
}  // namespace systemd

struct PlanOptions {
  std::vector<std::string> stages{"initramfs"};
  std::string root_dir = "/";
  std::string cwd = "/";  // where relative paths start
  std::optional<BootMode> simulated_mode;
  BootMode mode = BootMode::unknown;  // the mode the run is for (simulated or detected)
  bool mode_detected = false;         // false: no sentinel was found
  // Whether systemd-boot counts this boot (simulated, or read from the
  // root's EFI variable); conditions see a simulated one too.
  Counting counting;
  bool allow_shell = true;  // false: non-native conditions are undecided
  // --no-shell: a condition that needs a shell is an error at its position,
  // and its step is skipped (allow_shell is then false too).
  bool no_shell = false;
  // How long a shell condition may run before its process group is killed.
  std::chrono::milliseconds condition_timeout = kDefaultConditionTimeout;
  bool runtime = false;  // systemd changes under /run/systemd/system
  // The umask yip's mkdir calls would be subject to: directories created for
  // `directories`, for a file's parents and for overrides get mode & ~umask.
  std::uint32_t umask = 022;
  // The root is a stand-in (validate plans against an empty one): units the
  // configuration names are taken to exist, so what it would write shows.
  bool hypothetical_root = false;
};

// What the planner reports, in order, while it runs.
struct PlanEvent {
  // `started`: a step's condition held (or is undecided) and its items follow.
  enum class Kind { started, action, skipped, diagnostic };
  Kind kind = Kind::action;
  const Step* step_ref = nullptr;  // started, skipped
  // action
  Action action;
  ActionResult result;
  std::optional<Position> undecided;  // the action (or started step) depends on this condition
  // skipped
  std::string step;  // label of the step
  Position where;    // the step's position
  std::string reason;
  // diagnostic
  Diagnostic diagnostic;
};

using PlanEventSink = std::function<void(const PlanEvent&)>;

class Planner {
 public:
  Planner(const RootView& base, PlanOptions options, ActionExecutor& executor, PlanEventSink sink);
  Planner(const Planner&) = delete;
  Planner& operator=(const Planner&) = delete;

  void run(const std::vector<Source>& sources);

  // Some item failed (the exit status is then 1).
  bool failed() const { return failed_; }
  const OverlayRoot& planned() const { return view_; }

 private:
  void run_step(const Document& doc, const Step& step, std::size_t index);
  void plan_directories(const Step& step);
  void plan_files(const Step& step);
  void plan_systemctl(const Step& step);
  void plan_boot_assessment(const Step& step);
  void pull_in_boot_complete(const Position& origin);
  bool plan_checks(const BootAssessmentStep& gate, const std::string& label, bool reboots,
                   bool held_back);
  bool commit_with_links(ItemPlan plan, const Position& origin,
                         const std::function<systemd::Outcome(const RootView&)>& link);

  // The one entry point for a change to the root that the plan did not make
  // (a shell condition ran; `published`: the executor's actions were put on
  // the root first). Every store that remembers the root hears of it here:
  // the root view's looked-up names, the overlay of the plan, the executor
  // (the applier's open directories) and the installer's unit files. A new
  // store that remembers the root is told here, and nowhere else; a new way
  // for the outside world to change the root calls this. The plan's own
  // actions are told store by store as they are recorded (commit()).
  void root_changed_outside(bool published);
  // Executes and records an item's actions; reports the item's error if any.
  void commit(const ItemPlan& plan, const Position& origin);
  void report(Severity severity, const Position& where, std::string rule, std::string message,
              std::string fix = {});

  OverlayRoot view_;  // the root as planned so far: what writes are planned against
  std::optional<SimulatedFiles> simulated_;  // view_ with the simulated mode and counting
  const RootView& seen_;  // what conditions look at: simulated_ if any, else view_
  PlanOptions options_;
  ActionExecutor& executor_;
  PlanEventSink sink_;
  SystemFacts facts_;                  // what yip's node/only_arch match against
  std::optional<Position> undecided_;  // the current step's undecided condition
  // Plans the systemctl entries of every step, remembering lookups across
  // steps: commit() tells it of every recorded action.
  std::optional<systemd::Installer> installer_;
  bool failed_ = false;
};

}  // namespace bootassess
