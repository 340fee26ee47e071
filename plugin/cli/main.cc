// bootassess: applies the systemd part of a cloud-config stage.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "boot/boot_mode.h"
#include "cli/apply_command.h"
#include "cli/options.h"
#include "cli/plan_command.h"
#include "cli/status_command.h"
#include "cli/validate_command.h"
#include "load/stage_names.h"

namespace {

using namespace bootassess;

std::vector<std::string> mode_choices(bool with_auto) {
  std::vector<std::string> out;
  if (with_auto) out.emplace_back("auto");
  for (BootMode m : all_modes())
    out.emplace_back(mode_name(m));
  return out;
}

// A `-s` name that is not a known stage but close to one is a misspelling:
// that stage would run nothing, silently. Any other name is taken as given.
bool stages_are_plausible(const char* command, const std::vector<std::string>& stages) {
  for (const std::string& stage : stages) {
    const std::string suggestion = stage_names::suggest(stage);
    if (suggestion.empty()) continue;
    std::cerr << "bootassess " << command << ": unknown stage '" << stage << "': did you mean '"
              << suggestion << "'?\n";
    return false;
  }
  return true;
}

}  // namespace

static int run(int argc, char** argv) {
  CLI::App app{
      "Applies the systemd part of a cloud-config stage: per-boot-mode drop-ins and "
      "the enablement links `systemctl enable` makes.",
      "bootassess"};
  app.set_version_flag("--version", BOOTASSESS_VERSION);
  app.require_subcommand(1);

  ApplyOptions apply;
  CLI::App* apply_cmd = app.add_subcommand("apply", "Apply the stage's steps to the root");
  apply_cmd
      ->add_option("-s,--stage", apply.stages,
                   "Stage to run (repeatable, in order; default: initramfs)")
      ->allow_extra_args(false);
  apply_cmd->add_option("--root", apply.root, "Root directory to work on")->capture_default_str();
  apply_cmd->add_option("--mode", apply.mode, "Boot mode: auto reads ROOT/run/cos, or simulate one")
      ->check(CLI::IsMember(mode_choices(true)))
      ->capture_default_str();
  apply_cmd
      ->add_option("--counting", apply.counting,
                   "Boot counting: auto reads ROOT's LoaderBootCountPath EFI variable, or "
                   "simulate a counted or uncounted boot")
      ->check(CLI::IsMember({"auto", "counted", "uncounted"}))
      ->capture_default_str();
  apply_cmd->add_flag("--dry-run", apply.dry_run, "Show what would change; touch nothing");
  apply_cmd->add_flag("--runtime", apply.runtime,
                      "Write systemd links and overrides under /run/systemd/system");
  bool quiet = false;
  bool verbose = false;
  CLI::Option* q = apply_cmd->add_flag("-q,--quiet", quiet, "Report errors only");
  apply_cmd->add_flag("-v,--verbose", verbose, "Report notes too")->excludes(q);
  apply_cmd->add_option("SOURCE", apply.sources, "File, directory or - for standard input")
      ->required();

  PlanCommandOptions plan;
  CLI::App* plan_cmd =
      app.add_subcommand("plan", "Show what each boot mode would get; touch nothing");
  plan_cmd
      ->add_option("-s,--stage", plan.stages,
                   "Stage to plan (repeatable, in order; default: initramfs)")
      ->allow_extra_args(false);
  plan_cmd->add_option("--root", plan.root, "Root directory to read")->capture_default_str();
  CLI::Option* plan_mode =
      plan_cmd->add_option("--mode", plan.mode, "Boot mode to plan (auto reads ROOT/run/cos)")
          ->check(CLI::IsMember(mode_choices(true)));
  CLI::Option* plan_counting =
      plan_cmd
          ->add_option("--counting", plan.counting,
                       "Boot counting to plan: auto reads ROOT's LoaderBootCountPath EFI "
                       "variable, or counted or uncounted (--all-modes plans both)")
          ->check(CLI::IsMember({"auto", "counted", "uncounted"}))
          ->capture_default_str();
  plan_cmd
      ->add_flag("--all-modes", plan.all_modes, "Plan active, passive, recovery, autoreset, live")
      ->excludes(plan_mode)
      ->excludes(plan_counting);
  plan_cmd->add_flag("--runtime", plan.runtime,
                     "Plan systemd links and overrides under /run/systemd/system");
  plan_cmd->add_option("--format", plan.format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  plan_cmd->add_option("SOURCE", plan.sources, "File, directory or - for standard input")
      ->required();

  ValidateOptions validate;
  CLI::App* validate_cmd =
      app.add_subcommand("validate", "Check configurations for errors and traps; touch nothing");
  validate_cmd->add_flag("--strict", validate.strict, "Count warnings as errors");
  validate_cmd->add_option("--format", validate.format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  validate_cmd->add_option("SOURCE", validate.sources, "File, directory or - for standard input")
      ->required();

  StatusOptions status;
  CLI::App* status_cmd = app.add_subcommand(
      "status", "After a boot: the mode, the entry, counting and how the gated units fared");
  status_cmd
      ->add_option("--root", status.root,
                   "Root to read; systemd is asked for unit states only when it is /")
      ->capture_default_str();
  status_cmd->add_option("--format", status.format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  status_cmd->footer(
      "Exit status:\n"
      "  0  boot-complete.target reached and every gated unit succeeded, or nothing gated\n"
      "  1  a gated unit or boot-complete.target failed (or was never started)\n"
      "  2  usage error\n"
      "  3  pending, or unit states unknown (--root is not /, no systemctl, or systemd is not\n"
      "     running)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  if (apply_cmd->parsed()) {
    if (!stages_are_plausible("apply", apply.stages)) return kExitUsage;
    apply.verbosity = quiet ? Verbosity::quiet : verbose ? Verbosity::verbose : Verbosity::normal;
    return run_apply(apply);
  }
  if (plan_cmd->parsed()) {
    if (!stages_are_plausible("plan", plan.stages)) return kExitUsage;
    if (plan.mode.empty() && !plan.all_modes) {
      std::cerr << "bootassess plan: one of --mode or --all-modes is required\n";
      return kExitUsage;
    }
    return run_plan(plan);
  }
  if (validate_cmd->parsed()) return run_validate(validate);
  if (status_cmd->parsed()) return run_status(status);
  return kExitUsage;
}

int main(int argc, char** argv) {
  // Errors are values throughout; this is the last line of defence, so that a
  // booting node sees a message and a failure status rather than an abort.
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "bootassess: error: internal failure: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "bootassess: error: internal failure\n";
  }
  return kExitFailed;
}
