// A condition in the native subset, parsed: an and-or list of commands, each
// `true`, `false` or a test, optionally negated by one leading `!`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conditions/test_command.h"
#include "root/root_view.h"

namespace bootassess::conditions {

struct NativeCommand {
  enum class Kind { always_true, always_false, test };
  Kind kind = Kind::always_true;
  TestExpression test;   // for Kind::test
  bool negated = false;  // `! command`
};

struct NativeStep {
  // How the step joins the status so far: it runs after `&&` only when the
  // status is 0, after `||` only when it is not. The first step always runs.
  enum class Joiner { first, and_if, or_if };
  Joiner joiner = Joiner::first;
  NativeCommand command;
};

// An empty list (a blank text) has status 0, as `sh -c ""` does.
struct NativeCondition {
  std::vector<NativeStep> steps;
};

struct ParsedCondition {
  std::optional<NativeCondition> condition;
  std::string unsupported;  // why the text is not native, when condition is empty
};

ParsedCondition parse_native_condition(std::string_view text);

// The exit status `/bin/sh -c` would give, with paths resolved inside `view`
// and relative ones from `cwd`.
int run_native_condition(const NativeCondition& condition, const RootView& view,
                         std::string_view cwd);

}  // namespace bootassess::conditions
