// What every subcommand does first: load the sources and open the root.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

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
  ApplyResult execute(const Action&) override { return {true, true, {}}; }
};

// Performs actions on the root. With `umask`, the process's umask, which
// stays so for the run.
class DiskExecutor final : public ActionExecutor {
 public:
  explicit DiskExecutor(const DiskRoot& root, std::optional<std::uint32_t> umask = {})
      : root_(root), applier_(root.fd()) {
    applier_.defer_renames();
    if (umask) applier_.assume_umask(static_cast<mode_t>(*umask));
  }
  ApplyResult execute(const Action& action) override {
    ApplyResult result = applier_.apply(action);
    if (result.known) {
      root_.changed(action.path, result.known->info, result.known->new_directory);
    } else {
      root_.changed(action.path);
    }
    return result;
  }
  bool publish() override { return applier_.publish(); }
  bool writes_root() const override { return true; }
  void outside_change() override { applier_.outside_change(); }
  bool finish() override { return applier_.flush(); }

 private:
  const DiskRoot& root_;
  Applier applier_;
};

}  // namespace bootassess
