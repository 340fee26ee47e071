// Diagnostics are values: every problem carries the position it is about, a
// severity and a stable rule id, so that `validate`, `plan` and `apply` can all
// report it in the compiler convention `FILE:LINE:COL: severity: message [rule]`.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
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
  // Non-zero: this line stands for that many more diagnostics of the same
  // rule and severity, not shown (see Diagnostics).
  std::size_t collapsed = 0;
};

// How many diagnostics `diagnostic` stands for: 1, or the number collapsed.
inline std::size_t weight(const Diagnostic& diagnostic) {
  return diagnostic.collapsed == 0 ? 1 : diagnostic.collapsed;
}

// "FILE:LINE:COL: severity: message (fix) [rule]", on one line: control
// characters (a newline in a path, say) are shown escaped, so that no input
// can forge or split a line of the log.
std::string format_diagnostic(const Diagnostic& diagnostic);

// `text` with control characters escaped as \n, \t or \xNN.
std::string printable(std::string_view text);

// `text` when it is at most `limit` bytes; else its first bytes (cut at a
// UTF-8 character boundary), an ellipsis and its length, so that a
// message quoting a value stays short however long the value is.
std::string abbreviated(std::string_view text, std::size_t limit = 80);

// An ordered collection of diagnostics. Past kShownPerRule diagnostics of
// one rule and severity, the others are only counted, in one line that says
// how many more there are ("N more like this"): however many a hostile input
// draws, the memory they take stays small. Counts include them.
class Diagnostics {
 public:
  static constexpr std::size_t kShownPerRule = 100;

  // `unique`: a diagnostic already held (the same text) is not added again.
  explicit Diagnostics(bool unique = false) : unique_(unique) {}

  void add(Diagnostic diagnostic);
  void error(const Position& where, std::string rule, std::string message, std::string fix = {});
  void warning(const Position& where, std::string rule, std::string message, std::string fix = {});
  void note(const Position& where, std::string rule, std::string message, std::string fix = {});
  void append(const Diagnostics& other);

  const std::vector<Diagnostic>& items() const { return items_; }
  Diagnostic& at(std::size_t i) { return items_.at(i); }
  bool empty() const { return items_.empty(); }
  // The number of diagnostics of `severity`, collapsed ones included.
  std::size_t count(Severity severity) const;
  bool has_errors() const { return count(Severity::error) > 0; }

 private:
  struct RuleTally {
    std::size_t shown = 0;
    std::size_t collapsed_at = 0;  // index + 1 of the "more like this" line; 0: none yet
  };
  bool unique_;
  std::vector<Diagnostic> items_;
  std::map<std::pair<std::string, Severity>, RuleTally> tallies_;
  std::unordered_set<std::size_t> seen_;  // hashes of the texts held, when unique_
};

}  // namespace bootassess
