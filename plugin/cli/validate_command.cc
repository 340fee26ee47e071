#include "cli/validate_command.h"

#include <fmt/format.h>

#include "cli/session.h"
#include "lint/validate.h"
#include "report/json.h"

namespace bootassess {

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

}  // namespace bootassess
