// The log `apply` writes to standard error: one line per action (written,
// unchanged, failed), per skipped step (with its position and reason) and per
// diagnostic, filtered by verbosity, then a one-line summary.
#pragma once

#include <cstdio>
#include <string>

#include "plan/planner.h"

namespace bootassess {

enum class Verbosity { quiet, normal, verbose };

class ApplyLog {
 public:
  ApplyLog(Verbosity verbosity, bool dry_run, std::FILE* out = stderr)
      : verbosity_(verbosity), dry_run_(dry_run), out_(out) {}

  void event(const PlanEvent& event);
  void diagnostic(const Diagnostic& diagnostic);
  // "mode active: 2 written, 1 unchanged, 1 skipped, 0 failed"
  void summary(const std::string& mode_description);

 private:
  void action(const PlanEvent& event);

  Verbosity verbosity_;
  bool dry_run_;
  std::FILE* out_;
  int changed_ = 0;
  int unchanged_ = 0;
  int skipped_ = 0;
  int failed_ = 0;
};

}  // namespace bootassess
