#include "conditions/test_command.h"

#include <unistd.h>

#include <array>

#include "root/resolve.h"

namespace bootassess::conditions {
namespace {

// How dash's `test` classifies a word that spells an operator.
enum class WordClass { unary, binary, negation, conjunction, disjunction, open_paren, close_paren };

struct OperatorSpelling {
  std::string_view text;
  WordClass word_class;
  std::optional<TestOperator> native;  // nullopt: dash knows it, we leave it to dash
};

// Every operator dash 0.5.12 recognises: even those evaluated by the shell
// only decide how the words around them are read.
constexpr std::array<OperatorSpelling, 39> kOperators{{
    {"-r", WordClass::unary, TestOperator::readable},
    {"-w", WordClass::unary, TestOperator::writable},
    {"-x", WordClass::unary, TestOperator::executable},
    {"-e", WordClass::unary, TestOperator::exists},
    {"-f", WordClass::unary, TestOperator::regular_file},
    {"-d", WordClass::unary, TestOperator::directory},
    {"-c", WordClass::unary, std::nullopt},
    {"-b", WordClass::unary, std::nullopt},
    {"-p", WordClass::unary, std::nullopt},
    {"-u", WordClass::unary, std::nullopt},
    {"-g", WordClass::unary, std::nullopt},
    {"-k", WordClass::unary, std::nullopt},
    {"-s", WordClass::unary, TestOperator::non_empty_file},
    {"-t", WordClass::unary, std::nullopt},
    {"-z", WordClass::unary, TestOperator::empty_string},
    {"-n", WordClass::unary, TestOperator::non_empty_string},
    {"-h", WordClass::unary, TestOperator::symlink},
    {"-O", WordClass::unary, std::nullopt},
    {"-G", WordClass::unary, std::nullopt},
    {"-L", WordClass::unary, TestOperator::symlink},
    {"-S", WordClass::unary, std::nullopt},
    {"=", WordClass::binary, TestOperator::equal},
    {"!=", WordClass::binary, TestOperator::not_equal},
    {"<", WordClass::binary, std::nullopt},
    {">", WordClass::binary, std::nullopt},
    {"-eq", WordClass::binary, std::nullopt},
    {"-ne", WordClass::binary, std::nullopt},
    {"-ge", WordClass::binary, std::nullopt},
    {"-gt", WordClass::binary, std::nullopt},
    {"-le", WordClass::binary, std::nullopt},
    {"-lt", WordClass::binary, std::nullopt},
    {"-nt", WordClass::binary, std::nullopt},
    {"-ot", WordClass::binary, std::nullopt},
    {"-ef", WordClass::binary, std::nullopt},
    {"!", WordClass::negation, std::nullopt},
    {"-a", WordClass::conjunction, std::nullopt},
    {"-o", WordClass::disjunction, std::nullopt},
    {"(", WordClass::open_paren, std::nullopt},
    {")", WordClass::close_paren, std::nullopt},
}};

const OperatorSpelling* find_operator(std::string_view word) {
  for (const OperatorSpelling& op : kOperators) {
    if (op.text == word) return &op;
  }
  return nullptr;
}

bool is_binary_operator(std::string_view word) {
  const OperatorSpelling* op = find_operator(word);
  return op != nullptr && op->word_class == WordClass::binary;
}

// Longer operands make the kernel answer ENAMETOOLONG where a walk through
// the view might still find something.
constexpr std::size_t kMaxOperandLength = 4095;

// What a word at a position means to dash's parser.
enum class Token { end, operand, unary, binary, negation, other };

class Compiler {
 public:
  explicit Compiler(std::span<const std::string> words) : words_(words) {}

  CompiledTest compile() {
    for (const std::string& w : words_) {
      const OperatorSpelling* op = find_operator(w);
      if (op != nullptr && op->word_class != WordClass::unary &&
          op->word_class != WordClass::binary && op->word_class != WordClass::negation) {
        return decline("`" + w + "` in a test (parentheses, -a and -o are left to the shell)");
      }
      if (w.size() > kMaxOperandLength) return decline("over-long test operand");
    }
    // The POSIX rules by argument count, as dash applies them.
    std::size_t start = 0;
    bool first_is_operand = false;
    for (;;) {
      const std::size_t count = words_.size() - start;
      if (count == 0) return CompiledTest{expression_, {}};  // `[ ]`: false
      if (count == 3 && is_binary_operator(words_[start + 1])) {
        first_is_operand = true;
        break;
      }
      if ((count == 3 || count == 4) && words_[start] == "!") {
        expression_.inverted_status = true;
        ++start;
        continue;
      }
      break;
    }
    pos_ = start;
    Token token = first_is_operand ? Token::operand : classify(pos_);
    // `!`s, then one primary (-a, -o and parentheses were declined above).
    while (token == Token::negation) {
      ++expression_.nots;
      const Token next = classify(pos_ + 1);
      if (next != Token::end) ++pos_;
      token = next;
    }
    if (!primary(token)) return CompiledTest{std::nullopt, std::move(unsupported_)};
    if (pos_ + 1 < words_.size()) return decline("syntax error in test: unexpected operator");
    return CompiledTest{expression_, {}};
  }

 private:
  CompiledTest decline(std::string why) { return CompiledTest{std::nullopt, std::move(why)}; }

  bool fail(std::string why) {
    unsupported_ = std::move(why);
    return false;
  }

  // dash reads an operator-looking word as an operand when a unary operator
  // is last, or is followed by an operand and a binary operator; and "(" as
  // an operand when it is last.
  Token classify(std::size_t p) const {
    if (p >= words_.size()) return Token::end;
    const OperatorSpelling* op = find_operator(words_[p]);
    if (op == nullptr) return Token::operand;
    switch (op->word_class) {
      case WordClass::unary:
        if (p + 1 >= words_.size()) return Token::operand;
        if (p + 2 < words_.size() && is_binary_operator(words_[p + 1])) return Token::operand;
        return Token::unary;
      case WordClass::binary:
        return Token::binary;
      case WordClass::negation:
        return Token::negation;
      default:
        return Token::other;
    }
  }

  bool primary(Token token) {
    if (token == Token::end) {
      expression_.kind = TestExpression::Kind::always_false;
      return true;
    }
    if (token == Token::other) return fail("parenthesis or -a/-o in a test");
    if (token == Token::unary) {
      const OperatorSpelling* op = find_operator(words_[pos_]);
      if (pos_ + 1 >= words_.size()) return fail("syntax error in test: argument expected");
      if (!op->native) return fail("test operator `" + words_[pos_] + "` is left to the shell");
      ++pos_;
      expression_.kind = TestExpression::Kind::unary;
      expression_.op = *op->native;
      expression_.left = words_[pos_];
      return true;
    }
    if (classify(pos_ + 1) == Token::binary) {
      const OperatorSpelling* op = find_operator(words_[pos_ + 1]);
      if (pos_ + 2 >= words_.size()) return fail("syntax error in test: argument expected");
      if (!op->native) return fail("test operator `" + words_[pos_ + 1] + "` is left to the shell");
      expression_.kind = TestExpression::Kind::binary;
      expression_.op = *op->native;
      expression_.left = words_[pos_];
      expression_.right = words_[pos_ + 2];
      pos_ += 2;
      return true;
    }
    expression_.kind = TestExpression::Kind::non_empty;
    expression_.left = words_[pos_];
    return true;
  }

  std::span<const std::string> words_;
  std::size_t pos_ = 0;  // the word the parser stands on
  TestExpression expression_;
  std::string unsupported_;
};

bool file_test(TestOperator op, const std::string& operand, const RootView& view,
               std::string_view cwd) {
  // -L/-h look at the link itself (lstat); everything else follows it (stat,
  // faccessat).
  const Resolved r = resolve(view, operand, cwd, op != TestOperator::symlink);
  if (!r.exists()) return false;
  switch (op) {
    case TestOperator::exists:
      return true;
    case TestOperator::regular_file:
      return r.info->type == FileType::regular;
    case TestOperator::directory:
      return r.info->type == FileType::directory;
    case TestOperator::non_empty_file:
      return r.info->size > 0;
    case TestOperator::symlink:
      return r.info->type == FileType::symlink;
    case TestOperator::readable:
      return view.access(r.path, R_OK);
    case TestOperator::writable:
      return view.access(r.path, W_OK);
    case TestOperator::executable:
      return view.access(r.path, X_OK);
    default:
      return false;
  }
}

bool primary_truth(const TestExpression& e, const RootView& view, std::string_view cwd) {
  switch (e.kind) {
    case TestExpression::Kind::always_false:
      return false;
    case TestExpression::Kind::non_empty:
      return !e.left.empty();
    case TestExpression::Kind::binary:
      return (e.left == e.right) == (e.op == TestOperator::equal);
    case TestExpression::Kind::unary:
      break;
  }
  if (e.op == TestOperator::empty_string) return e.left.empty();
  if (e.op == TestOperator::non_empty_string) return !e.left.empty();
  return file_test(e.op, e.left, view, cwd);
}

}  // namespace

CompiledTest compile_test(std::span<const std::string> args, bool bracket) {
  if (bracket) {
    // dash only checks that the last word starts with `]`; anything but an
    // exact `]` is left to it.
    if (args.empty() || args.back() != "]") return CompiledTest{std::nullopt, "`[` without `]`"};
    args = args.first(args.size() - 1);
  }
  return Compiler(args).compile();
}

int run_test(const TestExpression& expression, const RootView& view, std::string_view cwd) {
  bool truth = primary_truth(expression, view, cwd);
  if (expression.nots % 2 != 0) truth = !truth;
  // dash starts from status 1 (0 after the POSIX `!` rule) and flips it when
  // the expression is true.
  const int base = expression.inverted_status ? 0 : 1;
  return truth ? 1 - base : base;
}

}  // namespace bootassess::conditions
