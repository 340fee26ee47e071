// Splits a condition's text into words and the `&&` / `||` operators, for the
// small part of the sh language that is evaluated natively. Quotes are
// removed as sh removes them. Anything whose meaning would depend on the
// shell's state or the filesystem (expansions, globs, tilde, redirections,
// other operators, comments, newlines, non-ASCII bytes, unterminated quotes)
// is reported as unsupported: the caller then hands the text to /bin/sh.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bootassess::conditions {

enum class TokenKind { word, and_if, or_if };

struct Token {
  TokenKind kind = TokenKind::word;
  std::string text;     // the word after quote removal
  bool quoted = false;  // part of it was quoted or escaped, so it is never a reserved word
};

struct LexResult {
  std::vector<Token> tokens;
  std::string unsupported;  // empty when lexed; otherwise why the text is not native
  bool ok() const { return unsupported.empty(); }
};

LexResult lex_condition(std::string_view text);

}  // namespace bootassess::conditions
