#pragma once

#include <string_view>

#include "cli/command_line.h"
#include "cli/options.h"

namespace bootassess {

// Where `status --notice` writes the login notice, inside the root: a
// directory pam_motd shows after every login (see doc/boot-health.md, "The notice").
inline constexpr std::string_view kNoticeDirectory = "/run/motd.d";
inline constexpr std::string_view kNoticeName = "bootassess";

// Adds `bootassess status` and its options to `app`; what it returns runs it
// once parsed.
RunCommand add_status_command(CLI::App& app);

// `bootassess status`: returns the exit status (0 good or nothing gated,
// 1 failed or fallback, 3 pending, unknown, or a report not written,
// 2 usage).
int run_status(const StatusOptions& options);

}  // namespace bootassess
