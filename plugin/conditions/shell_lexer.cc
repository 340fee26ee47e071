#include "conditions/shell_lexer.h"

namespace bootassess::conditions {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// Bytes that would need thought about the shell's input handling or locale;
// they are rare in conditions, so such texts simply go to the shell.
bool is_unusual_byte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return (byte < 0x20 && c != '\t') || byte >= 0x7f;
}

// Why an unquoted character is outside the native subset; nullptr when it is
// an ordinary word character there.
const char* unquoted_meaning(char c) {
  switch (c) {
    case '$':
      return "`$` expansion";
    case '`':
      return "command substitution";
    case ';':
      return "`;` command list";
    case '<':
    case '>':
      return "redirection";
    case '(':
    case ')':
      return "subshell or parenthesis";
    case '*':
    case '?':
      return "glob pattern";
    case '~':
      return "tilde";
    case '#':
      return "comment";
    case '{':
    case '}':
      return "brace group";
    default:
      return nullptr;
  }
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  LexResult run() {
    lex();
    if (!result_.ok()) result_.tokens.clear();
    return std::move(result_);
  }

 private:
  bool lex() {
    for (char c : text_) {
      if (c == '\n') return fail("newline");
      if (is_unusual_byte(c)) return fail("control or non-ASCII character");
    }
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (is_blank(c)) {
        if (!finish_word()) return false;
        ++pos_;
      } else if (c == '&' || c == '|') {
        if (!finish_word()) return false;
        if (pos_ + 1 >= text_.size() || text_[pos_ + 1] != c) {
          return fail(c == '&' ? "`&` background job" : "`|` pipeline");
        }
        result_.tokens.push_back({c == '&' ? TokenKind::and_if : TokenKind::or_if, {}, false});
        pos_ += 2;
      } else if (!word_char(c)) {
        return false;
      }
    }
    return finish_word();
  }

  bool fail(std::string why) {
    result_.unsupported = std::move(why);
    return false;
  }

  void start_word() {
    if (in_word_) return;
    in_word_ = true;
    word_ = Token{};
    word_start_ = pos_;
    bracket_ = false;
  }

  // Ends the current word, if any. An unquoted `[` is a glob character unless
  // it is the whole word (the `[` command, or an operand that is just "["):
  // without a closing `]` it stays literal, but longer words are left to sh.
  bool finish_word() {
    if (!in_word_) return true;
    in_word_ = false;
    if (bracket_ && text_.substr(word_start_, pos_ - word_start_) != "[") {
      return fail("glob pattern");
    }
    result_.tokens.push_back(std::move(word_));
    return true;
  }

  // Consumes one piece of a word starting at text_[pos_]; false on failure.
  bool word_char(char c) {
    start_word();
    if (c == '\\') return backslash();
    if (c == '\'') return single_quoted();
    if (c == '"') return double_quoted();
    if (const char* meaning = unquoted_meaning(c)) return fail(meaning);
    if (c == '[') bracket_ = true;
    word_.text.push_back(c);
    ++pos_;
    return true;
  }

  bool backslash() {
    if (pos_ + 1 >= text_.size()) return fail("trailing backslash");
    word_.text.push_back(text_[pos_ + 1]);
    word_.quoted = true;
    pos_ += 2;
    return true;
  }

  bool single_quoted() {
    const std::size_t close = text_.find('\'', pos_ + 1);
    if (close == std::string_view::npos) return fail("unterminated quote");
    word_.text.append(text_.substr(pos_ + 1, close - pos_ - 1));
    word_.quoted = true;
    pos_ = close + 1;
    return true;
  }

  // Inside double quotes a backslash only escapes $ ` " and \ ; before any
  // other character it is kept. `$` and "`" still expand there.
  bool double_quoted() {
    word_.quoted = true;
    std::size_t i = pos_ + 1;
    while (i < text_.size()) {
      const char c = text_[i];
      if (c == '"') {
        pos_ = i + 1;
        return true;
      }
      if (c == '$' || c == '`') return fail(c == '$' ? "`$` expansion" : "command substitution");
      if (c == '\\' && i + 1 < text_.size()) {
        const char next = text_[i + 1];
        if (next == '$' || next == '`' || next == '"' || next == '\\') {
          word_.text.push_back(next);
          i += 2;
          continue;
        }
      }
      word_.text.push_back(c);
      ++i;
    }
    return fail("unterminated quote");
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  LexResult result_;
  bool in_word_ = false;
  Token word_;
  std::size_t word_start_ = 0;
  bool bracket_ = false;
};

}  // namespace

LexResult lex_condition(std::string_view text) {
  return Lexer(text).run();
}

}  // namespace bootassess::conditions
