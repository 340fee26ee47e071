#include "conditions/native_condition.h"

#include "conditions/shell_lexer.h"

namespace bootassess::conditions {
namespace {

bool is_word(const Token& token) {
  return token.kind == TokenKind::word;
}

bool is_bang(const Token& token) {
  return is_word(token) && !token.quoted && token.text == "!";
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  ParsedCondition parse() {
    NativeCondition condition;
    if (tokens_.empty()) return ParsedCondition{condition, {}};
    NativeStep::Joiner joiner = NativeStep::Joiner::first;
    for (;;) {
      NativeStep step;
      step.joiner = joiner;
      if (!command(step.command)) return ParsedCondition{std::nullopt, std::move(unsupported_)};
      condition.steps.push_back(std::move(step));
      if (pos_ == tokens_.size()) break;
      // command() stops only at an operator or the end.
      joiner = tokens_[pos_].kind == TokenKind::and_if ? NativeStep::Joiner::and_if
                                                       : NativeStep::Joiner::or_if;
      ++pos_;
    }
    return ParsedCondition{std::move(condition), {}};
  }

 private:
  bool fail(std::string why) {
    unsupported_ = std::move(why);
    return false;
  }

  // [!] NAME WORD... up to the next operator or the end.
  bool command(NativeCommand& out) {
    if (pos_ < tokens_.size() && is_bang(tokens_[pos_])) {
      out.negated = true;
      ++pos_;
    }
    if (pos_ >= tokens_.size() || !is_word(tokens_[pos_])) {
      return fail("syntax error: a command is missing");
    }
    // dash rejects `! !`.
    if (is_bang(tokens_[pos_])) return fail("syntax error: repeated `!`");
    const std::size_t name_at = pos_;
    std::vector<std::string> args;
    for (++pos_; pos_ < tokens_.size() && is_word(tokens_[pos_]); ++pos_) {
      args.push_back(tokens_[pos_].text);
    }
    // Builtins are found whether or not their name was quoted; only reserved
    // words (`!`, `{`, `if`, ...) need to be unquoted, and those are not native.
    const std::string& name = tokens_[name_at].text;
    if (name == "true") {
      out.kind = NativeCommand::Kind::always_true;
      return true;
    }
    if (name == "false") {
      out.kind = NativeCommand::Kind::always_false;
      return true;
    }
    if (name == "[" || name == "test") {
      CompiledTest compiled = compile_test(args, name == "[");
      if (!compiled.expression) return fail(std::move(compiled.unsupported));
      out.kind = NativeCommand::Kind::test;
      out.test = std::move(*compiled.expression);
      return true;
    }
    return fail("command `" + name + "` is left to the shell");
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  std::string unsupported_;
};

int command_status(const NativeCommand& command, const RootView& view, std::string_view cwd) {
  int status = 0;
  switch (command.kind) {
    case NativeCommand::Kind::always_true:
      status = 0;
      break;
    case NativeCommand::Kind::always_false:
      status = 1;
      break;
    case NativeCommand::Kind::test:
      status = run_test(command.test, view, cwd);
      break;
  }
  if (command.negated) status = status == 0 ? 1 : 0;
  return status;
}

}  // namespace

ParsedCondition parse_native_condition(std::string_view text) {
  LexResult lexed = lex_condition(text);
  if (!lexed.ok()) return ParsedCondition{std::nullopt, std::move(lexed.unsupported)};
  return Parser(std::move(lexed.tokens)).parse();
}

int run_native_condition(const NativeCondition& condition, const RootView& view,
                         std::string_view cwd) {
  int status = 0;
  for (const NativeStep& step : condition.steps) {
    if (step.joiner == NativeStep::Joiner::and_if && status != 0) continue;
    if (step.joiner == NativeStep::Joiner::or_if && status == 0) continue;
    status = command_status(step.command, view, cwd);
  }
  return status;
}

}  // namespace bootassess::conditions
