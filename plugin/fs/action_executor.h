// The one interface through which the planner's actions reach the root: the
// applier's adapter performs them (`apply`), a dry one only accepts them
// (`plan`, `--dry-run`, `validate`).
#pragma once

#include "fs/action.h"

namespace bootassess {

// Performs an action, or pretends to.
class ActionExecutor {
 public:
  virtual ~ActionExecutor() = default;
  virtual ActionResult execute(const Action& action) = 0;
  // Make every action so far visible on disk (a shell is about to look).
  virtual bool publish() { return true; }
  // Whether the actions are done on the root the planner reads, so that
  // after publish() the root itself holds every one of them.
  virtual bool writes_root() const { return false; }
  // Something besides the plan (a shell condition) may have changed the
  // root since publish(): what the executor knew of the entries it made no
  // longer holds.
  virtual void outside_change() {}
  // Called once after the last action: make everything durable.
  virtual bool finish() { return true; }
};

}  // namespace bootassess
