// bootassess: applies the systemd part of a cloud-config stage.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>

#include "cli/apply_command.h"
#include "cli/check_command.h"
#include "cli/command_line.h"
#include "cli/options.h"
#include "cli/plan_command.h"
#include "cli/status_command.h"
#include "cli/validate_command.h"
#include "source_commit.h"

namespace {

using namespace bootassess;

std::string version_text() {
  return fmt::format("bootassess {} (source commit {})", BOOTASSESS_VERSION,
                     BOOTASSESS_SOURCE_COMMIT);
}

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

// A first argument that is not a command, but close to one, is a misspelling.
bool command_is_known(int argc, char** argv, const std::vector<std::string>& commands) {
  if (argc < 2 || argv[1][0] == '-') return true;
  const std::string command = argv[1];
  if (std::find(commands.begin(), commands.end(), command) != commands.end()) return true;
  std::cerr << "bootassess: unknown command '" << command << "'" << did_you_mean(command, commands)
            << "\n(commands: " << fmt::format("{}", fmt::join(commands, ", "))
            << "; `bootassess help` explains them)\n";
  return false;
}

// The commands that run, in the order `help` lists them, each with the
// function that registers its options on its subcommand (cli/*_command.h).
// A new command is one line: {"NAME", add_NAME_command},
struct CommandEntry {
  const char* name;
  RunCommand (*add)(CLI::App& app);
};
constexpr CommandEntry kCommands[] = {
    {"apply", add_apply_command},       {"plan", add_plan_command},
    {"validate", add_validate_command}, {"status", add_status_command},
    {"check", add_check_command},
};

}  // namespace

static int run(int argc, char** argv) {
  CLI::App app{
      "Applies the systemd part of a cloud-config stage: per-boot-mode drop-ins and "
      "the enablement links `systemctl enable` makes.",
      "bootassess"};
  app.set_version_flag("-V,--version", version_text(), "Show the version and the source commit");
  app.require_subcommand(1);
  app.footer(kMainFooter);
  std::vector<std::string> commands;
  for (const CommandEntry& command : kCommands)
    commands.emplace_back(command.name);
  commands.insert(commands.end(), {"help", "version"});
  if (!command_is_known(argc, argv, commands)) return kExitUsage;

  // Only the command named first is built when it is one that runs: every
  // command's options cost allocations and page faults on each boot, and the
  // others are needed only for the overview and `help`.
  const std::string first = argc >= 2 ? argv[1] : "";
  const bool runs_one =
      first != "help" && std::find(commands.begin(), commands.end(), first) != commands.end();
  auto wanted = [&](const char* command) { return !runs_one || first == command; };

  // Each command that runs registers its own options; `help` lists them in
  // this order.
  std::map<std::string, CLI::App*> topics;
  std::vector<std::pair<CLI::App*, RunCommand>> runnable;
  for (const CommandEntry& command : kCommands) {
    if (!wanted(command.name)) continue;
    RunCommand run_command = command.add(app);
    CLI::App* added = app.get_subcommand(command.name);
    topics.emplace(command.name, added);
    runnable.emplace_back(added, std::move(run_command));
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
      // The overview itself: app.help() would show the parsed `help` command.
      std::cout << app.get_formatter()->make_help(&app, app.get_name(), CLI::AppFormatMode::Normal);
      return kExitOk;
    }
    topics.emplace("help", help_cmd);
    topics.emplace("version", version_cmd);
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
  for (const auto& [command, run_command] : runnable) {
    if (command->parsed()) return run_command();
  }
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
