// What one enablement operation has to say, in the order it happened, turned
// into diagnostics once the verdict is known: systemctl prints some errors
// and still exits 0 (a bad RequiredBy= after a good WantedBy=, anything
// disable could not find), so an error is only reported as an error when the
// operation fails, and as a warning otherwise.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "diag/diagnostic.h"

namespace bootassess::systemd {

class InstallReport {
 public:
  // An error systemd records for `path` (and `source`), as an errno value:
  // ENOENT, ERFKILL, EADDRNOTAVAIL, ELOOP, EEXIST, EXDEV, EUCLEAN, EIDRM,
  // EBADSLT, EUNATCH have their own messages, anything else names the errno.
  // `written_at` ("FILE:LINE" of the [Install] value at fault), when given,
  // is added to the message.
  void error(int code, std::string path, std::string source = {}, std::string_view written_at = {});
  // An error in words of its own (a name that cannot be used at all).
  void error(std::string_view rule, std::string message);
  void warning(std::string_view rule, std::string message);
  void note(std::string_view rule, std::string message);
  bool has_errors() const;

  // `verb` is "enable", "disable" or "mask"; `unit` the name asked for.
  Diagnostics finish(const Position& origin, std::string_view verb, std::string_view unit,
                     bool failed) const;

 private:
  struct Entry {
    bool is_error = false;
    Severity severity = Severity::note;
    std::string rule;
    std::string message;
  };
  std::vector<Entry> entries_;
};

}  // namespace bootassess::systemd
