// bootassess: applies the systemd part of a cloud-config stage.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>

#include "boot/boot_mode.h"
#include "cli/apply_command.h"
#include "cli/options.h"
#include "cli/plan_command.h"
#include "cli/status_command.h"
#include "cli/validate_command.h"
#include "load/keys.h"
#include "load/stage_names.h"
#include "source_commit.h"

namespace {

using namespace bootassess;

std::vector<std::string> mode_choices(bool with_auto) {
  std::vector<std::string> out;
  if (with_auto) out.emplace_back("auto");
  for (BootMode m : all_modes())
    out.emplace_back(mode_name(m));
  return out;
}

std::string joined(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

// " (did you mean 'X'?)" when `value` is close to one of `choices`.
std::string did_you_mean(const std::string& value, const std::vector<std::string>& choices) {
  const std::vector<std::string_view> views(choices.begin(), choices.end());
  const std::string suggestion = keys::suggest(value, views);
  return suggestion.empty() ? std::string() : fmt::format(": did you mean '{}'?", suggestion);
}

// A value check that names the closest choice.
CLI::Validator one_of(const std::string& what, std::vector<std::string> choices) {
  const std::string description = "{" + joined(choices, ",") + "}";
  return CLI::Validator(
      [what, choices](std::string& value) -> std::string {
        if (std::find(choices.begin(), choices.end(), value) != choices.end()) return {};
        return fmt::format("'{}' is not a {}{} (one of {})", value, what,
                           did_you_mean(value, choices), joined(choices, ", "));
      },
      description);
}

std::string version_text() {
  return fmt::format("bootassess {} (source commit {})", BOOTASSESS_VERSION,
                     BOOTASSESS_SOURCE_COMMIT);
}

constexpr const char* kNoShellHelp =
    "Run no shell: a condition that needs one is an error at its position";

constexpr const char* kMainFooter =
    "Exit status:\n"
    "  0  success (skipped steps are success); validate: no errors\n"
    "  1  some item failed (every other item was still applied); validate: errors\n"
    "  2  usage error\n"
    "  3  status only: pending, or unit states unknown (status --help: every verdict)\n"
    "\n"
    "Examples:\n"
    "  bootassess validate /etc/bootassess/\n"
    "  bootassess plan --all-modes --root ./image-root /etc/bootassess/\n"
    "  bootassess apply /etc/bootassess/      (on the node, from an initramfs stage)\n"
    "\n"
    "`bootassess help COMMAND` shows a command's options.\n";

constexpr const char* kApplyFooter =
    "Exit status:\n"
    "  0  success (skipped steps are success)\n"
    "  1  some item failed; every other item was still applied, as yip does\n"
    "  2  usage error\n"
    "\n"
    "Examples:\n"
    "  bootassess apply /etc/bootassess/\n"
    "      on the node, from an initramfs stage: mode and counting read from the root\n"
    "  bootassess apply --dry-run --root ./image-root --mode passive boot.yaml\n"
    "      what a passive boot would write into an image root; touches nothing\n";

constexpr const char* kPlanFooter =
    "Exit status:\n"
    "  0  planned\n"
    "  1  some item would fail, or a source cannot be used\n"
    "  2  usage error\n"
    "\n"
    "Examples:\n"
    "  bootassess plan --all-modes --root ./image-root /etc/bootassess/\n"
    "      every boot mode, counted and not, against an image's root\n"
    "  bootassess plan --mode active --counting counted --format json boot.yaml\n"
    "      one counted active boot, as JSON\n";

constexpr const char* kValidateFooter =
    "Exit status:\n"
    "  0  no errors (with --strict: no warnings either)\n"
    "  1  errors (with --strict: errors or warnings)\n"
    "  2  usage error\n"
    "\n"
    "Examples:\n"
    "  bootassess validate --root / /etc/bootassess/\n"
    "      at image build time: also a gated or enabled unit the image lacks\n"
    "  bootassess validate --strict --format json boot.yaml\n";

constexpr const char* kStatusFooter =
    "Exit status:\n"
    "  0  good: boot-complete.target reached and every gated unit succeeded;\n"
    "     no-gate: nothing was gated on this boot (a recovery boot, say)\n"
    "  1  failed: a gated unit or boot-complete.target failed, or was never started;\n"
    "     fallback: this boot is passive, recovery or autoreset because an entry the\n"
    "     loader prefers is exhausted (+0-N), or GRUB left /run/cos/upgrade_failure\n"
    "  2  usage error\n"
    "  3  pending: a gated unit or boot-complete.target is still starting;\n"
    "     unknown: unit states unknown (--root is not /, no systemctl, or systemd is\n"
    "     not running); also when --output or --notice could not be written\n"
    "  The JSON field \"verdict\" is the word before the colon. node-problem-detector\n"
    "  reads 0 as ok, 1 as a problem, others as unknown; with --problem VERDICT, 1 is\n"
    "  given for those verdicts only, 3 for unknown, 0 for any other (on a fallback\n"
    "  boot, also for the verdict of its own gate).\n"
    "\n"
    "Examples:\n"
    "  bootassess status\n"
    "      on the node after a reboot\n"
    "  bootassess status --notice --format prometheus --output /run/bootassess/bootassess.prom\n"
    "      what bootassess-report.service runs: the login notice and the metrics file\n";

// A first argument that is not a command, but close to one, is a misspelling.
bool command_is_known(int argc, char** argv, const std::vector<std::string>& commands) {
  if (argc < 2 || argv[1][0] == '-') return true;
  const std::string command = argv[1];
  if (std::find(commands.begin(), commands.end(), command) != commands.end()) return true;
  std::cerr << "bootassess: unknown command '" << command << "'" << did_you_mean(command, commands)
            << "\n(commands: " << joined(commands, ", ") << "; `bootassess help` explains them)\n";
  return false;
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
  app.set_version_flag("-V,--version", version_text(), "Show the version and the source commit");
  app.require_subcommand(1);
  app.footer(kMainFooter);
  const std::vector<std::string> commands{"apply", "plan", "validate", "status", "help", "version"};
  if (!command_is_known(argc, argv, commands)) return kExitUsage;

  // Only the command named first is built when it is one that runs: every
  // command's options cost allocations and page faults on each boot, and the
  // others are needed only for the overview and `help`.
  const std::string first = argc >= 2 ? argv[1] : "";
  const bool runs_one =
      first != "help" && std::find(commands.begin(), commands.end(), first) != commands.end();
  auto wanted = [&](const char* command) { return !runs_one || first == command; };

  ApplyOptions apply;
  bool quiet = false;
  bool verbose = false;
  CLI::App* apply_cmd = nullptr;
  if (wanted("apply")) {
    apply_cmd = app.add_subcommand("apply", "Apply the stage's steps to the root");
    apply_cmd->footer(kApplyFooter);
    apply_cmd
        ->add_option("-s,--stage", apply.stages,
                     "Stage to run (repeatable, in order; default: initramfs)")
        ->allow_extra_args(false);
    apply_cmd->add_option("--root", apply.root, "Root directory to work on")->capture_default_str();
    apply_cmd
        ->add_option("--mode", apply.mode, "Boot mode: auto reads ROOT/run/cos, or simulate one")
        ->check(one_of("boot mode", mode_choices(true)))
        ->capture_default_str();
    apply_cmd
        ->add_option("--counting", apply.counting,
                     "Boot counting: auto reads ROOT's LoaderBootCountPath EFI variable, or "
                     "simulate a counted or uncounted boot")
        ->check(one_of("counting", {"auto", "counted", "uncounted"}))
        ->capture_default_str();
    apply_cmd->add_flag("--dry-run", apply.dry_run, "Show what would change; touch nothing");
    apply_cmd->add_flag("--runtime", apply.runtime,
                        "Write systemd links and overrides under /run/systemd/system");
    apply_cmd->add_flag("--no-shell", apply.no_shell, kNoShellHelp);
    apply_cmd
        ->add_option("--condition-timeout", apply.condition_timeout,
                     "Seconds a shell condition may run before it is killed with its process "
                     "group (an error at its position)")
        ->type_name("SECONDS")
        ->check(CLI::Range(0.001, 86400.0).description(""))
        ->capture_default_str();
    CLI::Option* q = apply_cmd->add_flag("-q,--quiet", quiet, "Report errors only");
    apply_cmd->add_flag("-v,--verbose", verbose, "Report notes too")->excludes(q);
    apply_cmd->add_option("SOURCE", apply.sources, "File, directory or - for standard input")
        ->required();
  }

  PlanCommandOptions plan;
  CLI::App* plan_cmd = nullptr;
  if (wanted("plan")) {
    plan_cmd = app.add_subcommand("plan", "Show what each boot mode would get; touch nothing");
    plan_cmd->footer(kPlanFooter);
    plan_cmd
        ->add_option("-s,--stage", plan.stages,
                     "Stage to plan (repeatable, in order; default: initramfs)")
        ->allow_extra_args(false);
    plan_cmd->add_option("--root", plan.root, "Root directory to read")->capture_default_str();
    CLI::Option* plan_mode =
        plan_cmd->add_option("--mode", plan.mode, "Boot mode to plan (auto reads ROOT/run/cos)")
            ->check(one_of("boot mode", mode_choices(true)));
    CLI::Option* plan_counting =
        plan_cmd
            ->add_option("--counting", plan.counting,
                         "Boot counting to plan: auto reads ROOT's LoaderBootCountPath EFI "
                         "variable, or counted or uncounted (--all-modes plans both)")
            ->check(one_of("counting", {"auto", "counted", "uncounted"}))
            ->capture_default_str();
    plan_cmd
        ->add_flag("--all-modes", plan.all_modes, "Plan active, passive, recovery, autoreset, live")
        ->excludes(plan_mode)
        ->excludes(plan_counting);
    plan_cmd->add_flag("--runtime", plan.runtime,
                       "Plan systemd links and overrides under /run/systemd/system");
    plan_cmd->add_flag("--no-shell", plan.no_shell, kNoShellHelp);
    plan_cmd->add_flag("-v,--verbose", plan.verbose,
                       "Also show the parent directories made only for what is below them");
    plan_cmd->add_option("--format", plan.format, "Output format")
        ->check(one_of("format", {"text", "json"}))
        ->capture_default_str();
    plan_cmd->add_option("SOURCE", plan.sources, "File, directory or - for standard input")
        ->required();
  }

  ValidateOptions validate;
  CLI::App* validate_cmd = nullptr;
  if (wanted("validate")) {
    validate_cmd =
        app.add_subcommand("validate", "Check configurations for errors and traps; touch nothing");
    validate_cmd->footer(kValidateFooter);
    validate_cmd->add_option("--root", validate.root,
                             "Image root to check against: a gated or enabled unit it lacks "
                             "is an error");
    validate_cmd->add_flag("--strict", validate.strict, "Count warnings as errors");
    validate_cmd->add_flag("--no-shell", validate.no_shell, kNoShellHelp);
    validate_cmd->add_option("--format", validate.format, "Output format")
        ->check(one_of("format", {"text", "json"}))
        ->capture_default_str();
    validate_cmd->add_option("SOURCE", validate.sources, "File, directory or - for standard input")
        ->required();
  }

  StatusOptions status;
  CLI::App* status_cmd = nullptr;
  if (wanted("status")) {
    status_cmd = app.add_subcommand(
        "status", "After a boot: the mode, the entry, counting and how the gated units fared");
    status_cmd
        ->add_option("--root", status.root,
                     "Root to read; systemd is asked for unit states only when it is /")
        ->capture_default_str();
    status_cmd
        ->add_option("--format", status.format,
                     "Output format (prometheus: node_exporter's textfile format)")
        ->check(one_of("format", {"text", "json", "prometheus"}))
        ->capture_default_str();
    status_cmd->add_option("--esp", status.esp,
                           "ESP mount point inside the root (default: /efi, /boot, /boot/efi)");
    status_cmd
        ->add_option("--output", status.output,
                     "Write the report to FILE atomically instead of standard output")
        ->check(CLI::Validator(
            [](std::string& value) -> std::string {
              return value.empty() ? "an empty name is no file" : std::string();
            },
            ""));
    status_cmd->add_flag(
        "--notice", status.notice,
        "Write ROOT/run/motd.d/bootassess when something is wrong, else remove it");
    status_cmd
        ->add_option("--problem", status.problems,
                     "Exit 1 only for these verdicts, 3 for unknown, 0 otherwise (repeatable)")
        ->check(one_of("verdict", {"good", "failed", "pending", "fallback", "no-gate", "unknown"}))
        ->allow_extra_args(false);
    status_cmd->footer(kStatusFooter);
  }

  std::string help_topic;
  CLI::App* help_cmd = nullptr;
  if (wanted("help")) {
    help_cmd = app.add_subcommand("help", "Show this help, or a command's");
    help_cmd->add_option("COMMAND", help_topic, "The command to explain");
  }
  CLI::App* version_cmd = nullptr;
  if (wanted("version")) {
    version_cmd = app.add_subcommand("version", "Show the version and the source commit");
  }

  // No command at all: the overview, on stderr, as a usage error.
  if (argc < 2) {
    std::cerr << app.help();
    return kExitUsage;
  }
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

  if (help_cmd != nullptr && help_cmd->parsed()) {
    if (help_topic.empty()) {
      std::cout << app.help();
      return kExitOk;
    }
    const std::map<std::string, CLI::App*> topics{
        {"apply", apply_cmd},   {"plan", plan_cmd}, {"validate", validate_cmd},
        {"status", status_cmd}, {"help", help_cmd}, {"version", version_cmd}};
    const auto topic = topics.find(help_topic);
    if (topic == topics.end()) {
      std::cerr << "bootassess help: unknown command '" << help_topic << "'"
                << did_you_mean(help_topic, commands) << "\n";
      return kExitUsage;
    }
    std::cout << topic->second->help();
    return kExitOk;
  }
  if (version_cmd != nullptr && version_cmd->parsed()) {
    std::cout << version_text() << "\n";
    return kExitOk;
  }
  if (apply_cmd != nullptr && apply_cmd->parsed()) {
    if (!stages_are_plausible("apply", apply.stages)) return kExitUsage;
    apply.verbosity = quiet ? Verbosity::quiet : verbose ? Verbosity::verbose : Verbosity::normal;
    return run_apply(apply);
  }
  if (plan_cmd != nullptr && plan_cmd->parsed()) {
    if (!stages_are_plausible("plan", plan.stages)) return kExitUsage;
    if (plan.mode.empty() && !plan.all_modes) {
      std::cerr << "bootassess plan: one of --mode or --all-modes is required\n";
      return kExitUsage;
    }
    return run_plan(plan);
  }
  if (validate_cmd != nullptr && validate_cmd->parsed()) return run_validate(validate);
  if (status_cmd != nullptr && status_cmd->parsed()) return run_status(status);
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
