// What the commands' option registrations share: the value checks that name
// the closest choice, the boot mode choices, the help of the options more
// than one command has, and the `-s` check. Each command registers its own
// options on its CLI11 subcommand (`add_*_command` in its *_command.cc);
// main.cc keeps the shared options and the dispatch.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace bootassess {

// Runs a parsed command: returns its exit status.
using RunCommand = std::function<int()>;

inline constexpr const char* kNoShellHelp =
    "Run no shell: a condition that needs one is an error at its position";

// The boot mode names, with "auto" first when `with_auto`.
std::vector<std::string> mode_choices(bool with_auto);

// ": did you mean 'X'?" when `value` is close to one of `choices`, else "".
std::string did_you_mean(const std::string& value, const std::vector<std::string>& choices);

// A value check that names the closest choice.
CLI::Validator one_of(const std::string& what, std::vector<std::string> choices);

// A `-s` name that is not a known stage but close to one is a misspelling:
// that stage would run nothing, silently. Any other name is taken as given.
// False (with a message on standard error) for a misspelling.
bool stages_are_plausible(const char* command, const std::vector<std::string>& stages);

}  // namespace bootassess
