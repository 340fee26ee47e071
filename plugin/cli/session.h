// What every subcommand does first: load the sources and open the root.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "apply/applier.h"
#include "apply/interrupt.h"
#include "boot/boot_mode.h"
#include "diag/diagnostic.h"
#include "load/model.h"
#include "plan/planner.h"
#include "root/disk_root.h"

namespace bootassess {

// Loads every SOURCE in order.
std::vector<Source> load_sources(const std::vector<std::string>& arguments,
                                 Diagnostics& diagnostics);

bool any_failed(const std::vector<Source>& sources);

// The exit status when the root cannot be opened (errno `err`): a usage
// error for a root that is not there or not a directory, the caller's
// mistake; a failure (1) for a want of descriptors or memory, which is not.
int root_error_status(int err);

// An error when a read of `root` failed for want of descriptors or memory
// (its answer, "not there", was not the root's: what was decided or planned
// on it may be wrong).
std::optional<Diagnostic> root_read_failure(const DiskRoot& root);

// The umask of this process, which yip's mkdir calls would be subject to.
std::uint32_t process_umask();

// `--counting`: "auto" (nullopt: read the root's EFI variable), "counted"
// or "uncounted" (simulated).
std::optional<bool> parse_counting(const std::string& value);

// The options of a planner run over `root` for one boot mode: a simulated
// mode, or (nullopt) the mode the root's sentinels show; likewise counting.
// A variable that cannot be read is reported into `diagnostics`.
PlanOptions plan_options(const DiskRoot& root, const std::vector<std::string>& stages,
                         std::optional<BootMode> simulated, std::optional<bool> simulated_counting,
                         bool allow_shell, bool runtime, Diagnostics& diagnostics);

// Accepts actions without performing them: `plan` and `--dry-run`.
class RecordOnlyExecutor final : public ActionExecutor {
 public:
  ActionResult execute(const Action&) override { return {true, true, {}}; }
};

// Performs actions on the root. With `umask`, the process's umask, which
// stays so for the run. A signal caught by catch_interruptions() stops the
// run at the next action: the files not yet in place are abandoned.
class DiskExecutor final : public ActionExecutor {
 public:
  explicit DiskExecutor(const DiskRoot& root, std::optional<std::uint32_t> umask = {})
      : root_(root), applier_(root.fd()) {
    applier_.defer_renames();
    if (umask) applier_.assume_umask(static_cast<mode_t>(*umask));
  }
  ActionResult execute(const Action& action) override {
    stop_if_interrupted();
    ActionResult result = applier_.apply(action);
    if (result.known) {
      root_.changed(action.path, result.known->info, result.known->new_directory);
    } else {
      root_.changed(action.path);
    }
    return result;
  }
  bool publish() override {
    stop_if_interrupted();
    const bool ok = applier_.publish();
    if (published_) published_();
    return ok;
  }
  bool writes_root() const override { return true; }
  void outside_change() override { applier_.outside_change(); }
  bool finish() override {
    stop_if_interrupted();
    const bool ok = applier_.flush();
    if (published_) published_();
    return ok;
  }

  // Whether the file written to `path` is not in place yet.
  bool waiting(const std::string& path) const { return applier_.waiting(path); }
  // What could not be put in place since the last call.
  std::vector<PutFailure> take_failures() { return applier_.take_failures(); }
  // Called after each publish() and finish(): the files written before are
  // in place now, or in take_failures().
  void on_published(std::function<void()> f) { published_ = std::move(f); }

 private:
  void stop_if_interrupted() {
    if (const int sig = interruption()) {
      applier_.abandon();
      die_of(sig);
    }
  }

  const DiskRoot& root_;
  Applier applier_;
  std::function<void()> published_;
};

}  // namespace bootassess
