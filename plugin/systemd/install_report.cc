#include "systemd/install_report.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "systemd/enablement.h"

namespace bootassess::systemd {

void InstallReport::error(int code, std::string path, std::string source,
                          std::string_view written_at) {
  Entry entry;
  entry.is_error = true;
  entry.severity = Severity::error;
  switch (code) {
    case ENOENT:
      entry.rule = rules::kUnitMissing;
      entry.message = fmt::format("unit {} does not exist", path);
      break;
    case ERFKILL:
      entry.rule = rules::kUnitMasked;
      entry.message = fmt::format("unit {} is masked", path);
      break;
    case EADDRNOTAVAIL:
      entry.rule = rules::kUnitGenerated;
      entry.message = fmt::format("unit {} is transient or generated", path);
      break;
    case ELOOP:
      entry.rule = rules::kLinkedUnit;
      entry.message = fmt::format("refusing to operate on linked unit file {}", path);
      break;
    case EEXIST:
      entry.rule = rules::kLinkExists;
      entry.message =
          source.empty()
              ? fmt::format("file \"{}\" already exists", path)
              : fmt::format("file \"{}\" already exists and is a symlink to \"{}\"", path, source);
      break;
    case EXDEV:
      entry.rule = rules::kBadAlias;
      entry.message = source.empty() ? fmt::format("invalid unit reference \"{}\"", path)
                                     : fmt::format("cannot alias {} as {}", source, path);
      break;
    case EUCLEAN:
      entry.rule = rules::kInvalidUnitName;
      entry.message = fmt::format("\"{}\" is not a valid unit name", path);
      break;
    case EIDRM:
      entry.rule = rules::kTemplateTarget;
      entry.message = fmt::format(
          "the template {} has no DefaultInstance=, so it cannot be linked into the "
          "non-template unit {}",
          source, path);
      break;
    case EBADSLT:
      entry.rule = rules::kInvalidSpecifier;
      entry.message = fmt::format("invalid specifier in \"{}\"", path);
      break;
    case EUNATCH:
      entry.rule = rules::kUnresolvedSpecifier;
      entry.message = fmt::format("cannot resolve specifiers in \"{}\"", path);
      break;
    default:
      entry.rule = rules::kUnitFileError;
      entry.message = fmt::format("file \"{}\": {}", path, std::strerror(code));
      break;
  }
  if (!written_at.empty()) entry.message += fmt::format(" (written at {})", written_at);
  entries_.push_back(std::move(entry));
}

void InstallReport::error(std::string_view rule, std::string message) {
  entries_.push_back({true, Severity::error, std::string(rule), std::move(message)});
}

void InstallReport::warning(std::string_view rule, std::string message) {
  entries_.push_back({false, Severity::warning, std::string(rule), std::move(message)});
}

void InstallReport::note(std::string_view rule, std::string message) {
  entries_.push_back({false, Severity::note, std::string(rule), std::move(message)});
}

bool InstallReport::has_errors() const {
  for (const Entry& entry : entries_) {
    if (entry.is_error) return true;
  }
  return false;
}

Diagnostics InstallReport::finish(const Position& origin, std::string_view verb,
                                  std::string_view unit, bool failed) const {
  Diagnostics out;
  for (const Entry& entry : entries_) {
    if (!entry.is_error) {
      out.add({origin, entry.severity, entry.rule, entry.message, {}});
      continue;
    }
    if (failed) {
      out.error(origin, entry.rule, fmt::format("cannot {} {}: {}", verb, unit, entry.message));
    } else {
      // systemctl prints this as an error but still exits 0.
      out.warning(origin, entry.rule,
                  fmt::format("{} {}: {} (systemctl reports this and still succeeds)", verb, unit,
                              entry.message));
    }
  }
  return out;
}

}  // namespace bootassess::systemd
