// The parsed command line of each subcommand.
#pragma once

#include <string>
#include <vector>

#include "conditions/condition.h"
#include "report/apply_log.h"

namespace bootassess {

// Exit statuses of the command-line contract.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
// `status` adds 3: pending or unknown (status/boot_status.h).

struct ApplyOptions {
  std::vector<std::string> stages;
  std::string root = "/";
  std::string mode = "auto";
  std::string counting = "auto";
  bool dry_run = false;
  bool runtime = false;
  bool no_shell = false;
  // Seconds a shell condition may run before its process group is killed.
  double condition_timeout = static_cast<double>(kDefaultConditionTimeout.count());
  Verbosity verbosity = Verbosity::normal;
  std::vector<std::string> sources;
};

struct PlanCommandOptions {
  std::vector<std::string> stages;
  std::string root = "/";
  std::string mode;
  std::string counting = "auto";
  bool all_modes = false;
  bool runtime = false;
  bool no_shell = false;
  bool verbose = false;
  std::string format = "text";
  std::vector<std::string> sources;
};

struct ValidateOptions {
  std::string root;  // --root: also check against this image root; empty: none
  bool strict = false;
  bool no_shell = false;
  std::string format = "text";
  std::vector<std::string> sources;
};

struct StatusOptions {
  std::string root = "/";
  std::string format = "text";
  std::string esp;     // empty: /efi, /boot or /boot/efi, whichever holds loader/entries
  std::string output;  // empty: standard output
  bool notice = false;
  std::vector<std::string> problems;  // --problem: the verdicts that exit 1
};

}  // namespace bootassess
