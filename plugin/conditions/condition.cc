#include "conditions/condition.h"

#include <fmt/format.h>
#include <unistd.h>

#include "conditions/native_condition.h"
#include "conditions/shell_runner.h"

namespace bootassess {
namespace {

using conditions::NativeCondition;
using conditions::ParsedCondition;

// The cwd relative paths start from: as given, else the process's own on the
// live system and the root's top elsewhere.
std::string effective_cwd(const ConditionContext& ctx, const std::string& root_dir) {
  if (!ctx.cwd.empty()) return ctx.cwd;
  if (root_dir != "/") return "/";
  std::string buf(4096, '\0');
  if (::getcwd(buf.data(), buf.size()) == nullptr) return "/";
  buf.resize(std::char_traits<char>::length(buf.c_str()));
  return buf;
}

ConditionOutcome outcome_of(int status) {
  return status == 0 ? ConditionOutcome::holds : ConditionOutcome::fails;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  return text;
}

// "30 s", "1.5 s", "200 ms".
std::string describe_duration(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return fmt::format("{} s", d.count() / 1000);
  if (d.count() > 1000) return fmt::format("{:g} s", static_cast<double>(d.count()) / 1000.0);
  return fmt::format("{} ms", d.count());
}

}  // namespace

std::string_view outcome_name(ConditionOutcome outcome) {
  switch (outcome) {
    case ConditionOutcome::holds:
      return "holds";
    case ConditionOutcome::fails:
      return "fails";
    case ConditionOutcome::undecided:
      return "undecided";
    case ConditionOutcome::refused:
      return "refused";
    case ConditionOutcome::timed_out:
      return "timed-out";
  }
  return "undecided";
}

ConditionResult evaluate_condition(std::string_view text, const ConditionContext& ctx) {
  const std::string root_dir = ctx.root_dir.empty() ? std::string("/") : ctx.root_dir;
  const std::string cwd = effective_cwd(ctx, root_dir);
  ParsedCondition parsed = conditions::parse_native_condition(text);
  std::string why_not = std::move(parsed.unsupported);
  if (parsed.condition && ctx.view == nullptr) {
    parsed.condition.reset();
    why_not = "no view of the root to evaluate it against";
  }
  if (parsed.condition) {
    const int status = conditions::run_native_condition(*parsed.condition, *ctx.view, cwd);
    return ConditionResult{outcome_of(status), status, true, {}};
  }

  if (!ctx.allow_shell) {
    return ConditionResult{ConditionOutcome::undecided, 0, false,
                           fmt::format("needs the shell ({}); not run here", why_not)};
  }
  // sh would only see the text up to the first NUL; yip's exec refuses it.
  if (text.find('\0') != std::string_view::npos) {
    return ConditionResult{ConditionOutcome::refused, 0, false,
                           "the condition contains a NUL byte; it cannot be passed to /bin/sh"};
  }
  conditions::ShellRequest request;
  request.text = text;
  request.root_dir = root_dir;
  request.cwd = cwd;
  request.simulated_mode = ctx.simulated_mode;
  request.timeout = ctx.shell_timeout;
  if (ctx.before_shell) ctx.before_shell();
  conditions::ShellRun run = conditions::run_shell(request);
  if (!run.started) {
    return ConditionResult{ConditionOutcome::refused, 0, false,
                           fmt::format("needs the shell ({}); refused: {}", why_not, run.problem)};
  }
  std::string detail =
      run.timed_out
          ? fmt::format("ran /bin/sh -c ({}) and killed it, with its process group, after {}",
                        why_not, describe_duration(ctx.shell_timeout))
          : fmt::format("ran /bin/sh -c ({}): exit status {}", why_not, run.status);
  if (!run.note.empty()) detail += "; " + run.note;
  std::string output = trimmed(std::move(run.output));
  if (!output.empty()) detail += "; output: " + output;
  const ConditionOutcome outcome =
      run.timed_out ? ConditionOutcome::timed_out : outcome_of(run.status);
  return ConditionResult{outcome, run.status, false, std::move(detail)};
}

}  // namespace bootassess
