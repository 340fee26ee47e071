#include "cli/command_line.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iostream>
#include <string_view>

#include "boot/boot_mode.h"
#include "load/keys.h"
#include "load/stage_names.h"

namespace bootassess {

std::vector<std::string> mode_choices(bool with_auto) {
  std::vector<std::string> out;
  if (with_auto) out.emplace_back("auto");
  for (BootMode m : all_modes())
    out.emplace_back(mode_name(m));
  return out;
}

std::string did_you_mean(const std::string& value, const std::vector<std::string>& choices) {
  const std::vector<std::string_view> views(choices.begin(), choices.end());
  const std::string suggestion = keys::suggest(value, views);
  return suggestion.empty() ? std::string() : fmt::format(": did you mean '{}'?", suggestion);
}

CLI::Validator one_of(const std::string& what, std::vector<std::string> choices) {
  const std::string description = fmt::format("{{{}}}", fmt::join(choices, ","));
  return CLI::Validator(
      [what, choices](std::string& value) -> std::string {
        if (std::find(choices.begin(), choices.end(), value) != choices.end()) return {};
        return fmt::format("'{}' is not a {}{} (one of {})", value, what,
                           did_you_mean(value, choices), fmt::join(choices, ", "));
      },
      description);
}

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

}  // namespace bootassess
