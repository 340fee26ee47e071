// The `test` / `[` command as dash 0.5.12 runs it, for the native subset.
//
// dash decides how to read the arguments from their number and from which
// of them look like operators (the POSIX rules for 0-4 arguments, then a
// recursive-descent parser whose reading of a unary operator depends on the
// two words after it). That reading depends only on the words, never on the
// filesystem, so it is done once here ("compiling") and the result is a
// small expression: a number of `!`s applied to one primary.
//
// Declined (left to the shell): `(`, `)`, `-a`, `-o` anywhere; operators
// other than -e -f -d -s -L -h -r -w -x -z -n = != where dash would apply
// them; every form dash rejects as a syntax error (it exits 2 and prints a
// message); a `[` whose last word is not exactly `]`; over-long operands.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "root/root_view.h"

namespace bootassess::conditions {

enum class TestOperator {
  exists,            // -e
  regular_file,      // -f
  directory,         // -d
  non_empty_file,    // -s
  symlink,           // -L, -h
  readable,          // -r
  writable,          // -w
  executable,        // -x
  empty_string,      // -z
  non_empty_string,  // -n
  equal,             // =
  not_equal,         // !=
};

struct TestExpression {
  enum class Kind {
    always_false,  // no argument at all, or a `!` with nothing after it
    non_empty,     // a lone operand: true when it is not ""
    unary,         // op left
    binary,        // left op right
  };
  Kind kind = Kind::always_false;
  TestOperator op = TestOperator::exists;
  std::string left;
  std::string right;
  // `!`s applied to the primary by dash's expression parser.
  int nots = 0;
  // The POSIX rule for 3 and 4 arguments starting with `!`: the rest is
  // evaluated and the status inverted. dash sets (does not toggle) this, so
  // `[ ! ! -e x ]` is a single negation.
  bool inverted_status = false;
};

struct CompiledTest {
  std::optional<TestExpression> expression;
  std::string unsupported;  // why not, when expression is empty
};

// `args` are the words after the command name; `bracket` is true for `[`
// (whose last word must then be `]`).
CompiledTest compile_test(std::span<const std::string> args, bool bracket);

// The exit status (0 or 1) of the test, with paths resolved inside `view`,
// relative ones from `cwd` (canonical).
int run_test(const TestExpression& expression, const RootView& view, std::string_view cwd);

}  // namespace bootassess::conditions
