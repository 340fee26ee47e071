#include "diag/diagnostic.h"

#include <gtest/gtest.h>

namespace bootassess {
namespace {

// Built member by member: a braced temporary Diagnostic trips GCC 12's
// -Wmaybe-uninitialized at -O3.
Diagnostic diagnostic(const Position& where, Severity severity, std::string rule,
                      std::string message, std::string fix) {
  Diagnostic d;
  d.where = where;
  d.severity = severity;
  d.rule = std::move(rule);
  d.message = std::move(message);
  d.fix = std::move(fix);
  return d;
}

TEST(DiagnosticTest, CompilerConvention) {
  EXPECT_EQ(format_diagnostic(diagnostic({"a.yaml", 3, 7}, Severity::warning, "unknown-key",
                                         "unknown key 'x'", "did you mean `y`?")),
            "a.yaml:3:7: warning: unknown key 'x' (did you mean `y`?) [unknown-key]");
  EXPECT_EQ(format_diagnostic(
                diagnostic({"a.yaml", 0, 0}, Severity::error, "source-skipped", "skipped", "")),
            "a.yaml: error: skipped [source-skipped]");
  EXPECT_EQ(format_diagnostic(diagnostic({}, Severity::note, "r", "m", "")),
            "bootassess: note: m [r]");
}

TEST(DiagnosticTest, OneLineWhateverTheInput) {
  const std::string line =
      format_diagnostic(diagnostic({"a.yaml", 1, 1}, Severity::error, "item-failed",
                                   "cannot write /etc/x\nforged: line\t\x01", ""));
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line, "a.yaml:1:1: error: cannot write /etc/x\\nforged: line\\t\\x01 [item-failed]");
}

}  // namespace
}  // namespace bootassess
