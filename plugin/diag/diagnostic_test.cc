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

TEST(DiagnosticTest, RepeatsOfOneRuleCollapseIntoACountedLine) {
  constexpr std::size_t kMany = 10 * Diagnostics::kShownPerRule;
  Diagnostics d;
  for (std::size_t i = 0; i < kMany; ++i) {
    d.warning({"a.yaml", static_cast<int>(i + 1), 1}, "unknown-key", "unknown key");
    d.error({"a.yaml", static_cast<int>(i + 1), 1}, "type-error", "bad");
  }
  d.note({"a.yaml", 1, 1}, "runner-key", "left alone");
  // Each rule's first lines, one "more like this" line each, the note.
  EXPECT_EQ(d.items().size(), 2 * Diagnostics::kShownPerRule + 2 + 1);
  EXPECT_EQ(d.count(Severity::warning), kMany);
  EXPECT_EQ(d.count(Severity::error), kMany);
  EXPECT_EQ(d.count(Severity::note), 1u);
  const Diagnostic& more = d.items()[2 * Diagnostics::kShownPerRule];
  EXPECT_EQ(weight(more), kMany - Diagnostics::kShownPerRule);
  EXPECT_EQ(format_diagnostic(more),
            "a.yaml:101:1: warning: 900 more warnings like this, from here on, not shown "
            "[unknown-key]");

  // Appending carries the counts over.
  Diagnostics all(true);
  all.append(d);
  all.append(d);  // the same lines again: held once
  EXPECT_EQ(all.count(Severity::warning), kMany);
  EXPECT_EQ(all.count(Severity::error), kMany);
}

TEST(DiagnosticTest, AbbreviatedKeepsShortTextAndCutsLongText) {
  EXPECT_EQ(abbreviated("short"), "short");
  EXPECT_EQ(abbreviated(std::string(100, 'k'), 4), "kkkk... (100 bytes)");
  // Never inside a UTF-8 character: "é" is two bytes.
  EXPECT_EQ(abbreviated("ab\u00e9cd", 3), "ab... (6 bytes)");
}

}  // namespace
}  // namespace bootassess
