// Diagnostics are values: every problem carries the position it is about, a
// severity and a stable rule id, so that `validate`, `plan` and `apply` can all
// report it in the compiler convention `FILE:LINE:COL: severity: message [rule]`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "diag/file_name.h"

namespace bootassess {

// A place in an input file. Line and column are 1-based; 0 means unknown.
struct Position {
  FileName file;
  int line = 0;
  int column = 0;

  // "FILE:LINE" (or just FILE when the line is unknown).
  std::string file_line() const;
  // "FILE:LINE:COL", dropping the parts that are unknown.
  std::string str() const;

  bool operator==(const Position&) const = default;
};

enum class Severity { note, warning, error };

std::string_view severity_name(Severity severity);

struct Diagnostic {
  Position where;
  Severity severity = Severity::error;
  std::string rule;     // stable id, e.g. "unknown-key"
  std::string message;  // one line, no trailing period needed
  std::string fix;      // optional suggestion, e.g. "replace with `enable`"
};

// "FILE:LINE:COL: severity: message (fix) [rule]", on one line: control
// characters (a newline in a path, say) are shown escaped, so that no input
// can forge or split a line of the log.
std::string format_diagnostic(const Diagnostic& diagnostic);

// `text` with control characters escaped as \n, \t or \xNN.
std::string printable(std::string_view text);

// An ordered collection of diagnostics.
class Diagnostics {
 public:
  void add(Diagnostic diagnostic) { items_.push_back(std::move(diagnostic)); }
  void error(const Position& where, std::string rule, std::string message, std::string fix = {});
  void warning(const Position& where, std::string rule, std::string message, std::string fix = {});
  void note(const Position& where, std::string rule, std::string message, std::string fix = {});
  void append(const Diagnostics& other);

  const std::vector<Diagnostic>& items() const { return items_; }
  Diagnostic& at(std::size_t i) { return items_.at(i); }
  bool empty() const { return items_.empty(); }
  std::size_t count(Severity severity) const;
  bool has_errors() const { return count(Severity::error) > 0; }

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace bootassess
