#include "cli/validate_command.h"

#include <fmt/format.h>

#include <memory>

#include "cli/session.h"
#include "lint/validate.h"
#include "report/json.h"

namespace bootassess {

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

// Raised when a field of the JSON output changes meaning or goes away.
constexpr int kValidateJsonFormatVersion = 1;

int run_validate(const ValidateOptions& options) {
  // --root: the image the configuration is for, read only.
  std::unique_ptr<DiskRoot> root;
  if (!options.root.empty()) {
    std::string error;
    int err = 0;
    root = DiskRoot::open(options.root, error, &err);
    if (!root) {
      fmt::print(stderr, "bootassess: error: {}\n", error);
      return root_error_status(err);
    }
  }
  Diagnostics loaded;
  std::vector<Source> sources = load_sources(options.sources, loaded);
  std::vector<Diagnostic> diagnostics =
      validate_sources(sources, loaded, options.no_shell, root.get());
  if (root) {
    if (std::optional<Diagnostic> unread = root_read_failure(*root)) diagnostics.push_back(*unread);
  }

  std::size_t errors = 0, warnings = 0, notes = 0;
  for (const Diagnostic& d : diagnostics) {
    if (d.severity == Severity::error) errors += weight(d);
    if (d.severity == Severity::warning) warnings += weight(d);
    if (d.severity == Severity::note) notes += weight(d);
  }
  if (options.format == "json") {
    std::string out =
        fmt::format("{{\"format_version\": {}, \"diagnostics\": [", kValidateJsonFormatVersion);
    for (std::size_t i = 0; i < diagnostics.size(); ++i) {
      if (i > 0) out += ", ";
      out += json::diagnostic(diagnostics[i]);
    }
    out += fmt::format("], \"errors\": {}, \"warnings\": {}, \"notes\": {}}}\n", errors, warnings,
                       notes);
    std::fwrite(out.data(), 1, out.size(), stdout);
  } else {
    for (const Diagnostic& d : diagnostics)
      fmt::print("{}\n", format_diagnostic(d));
    fmt::print("{} error{}, {} warning{}, {} note{}\n", errors, errors == 1 ? "" : "s", warnings,
               warnings == 1 ? "" : "s", notes, notes == 1 ? "" : "s");
  }
  const bool failed = errors > 0 || (options.strict && warnings > 0);
  return failed ? kExitFailed : kExitOk;
}

RunCommand add_validate_command(CLI::App& app) {
  auto validate = std::make_shared<ValidateOptions>();
  CLI::App* cmd =
      app.add_subcommand("validate", "Check configurations for errors and traps; touch nothing");
  cmd->footer(kValidateFooter);
  cmd->add_option("--root", validate->root,
                  "Image root to check against: a gated or enabled unit it lacks is an error");
  cmd->add_flag("--strict", validate->strict, "Count warnings as errors");
  cmd->add_flag("--no-shell", validate->no_shell, kNoShellHelp);
  cmd->add_option("--format", validate->format, "Output format")
      ->check(one_of("format", {"text", "json"}))
      ->capture_default_str();
  cmd->add_option("SOURCE", validate->sources, "File, directory or - for standard input")
      ->required();
  return [validate] { return run_validate(*validate); };
}

}  // namespace bootassess
