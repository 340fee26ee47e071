// The syntax of unit files and drop-ins, as systemd's configuration parser
// reads it for `systemctl enable`:
// - lines end at "\n", "\r", "\r\n", "\n\r" or NUL;
// - a line whose first non-blank character is '#' or ';' is a comment, also
//   in the middle of a continuation;
// - a line ending in an odd number of backslashes continues on the next line,
//   the backslash becoming a space;
// - "[Name]" starts a section; "key = value" is an assignment, both sides
//   trimmed; an assignment belongs to the section above it;
// - a line that is not valid UTF-8 and a malformed section header make the
//   whole file unreadable, from that line on.
// What the values mean (word lists, quoting, resets) is for the caller: see
// split_unquoted_words() and split_escaped_words().
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bootassess::systemd {

// What the reader of a file does with a section: the install logic reads
// [Install], skips the sections of the unit types silently and warns about
// any other one (except "X-" extensions).
enum class SectionUse { read, skip_silently, skip_with_warning };
using SectionPolicy = SectionUse (*)(std::string_view section);

// The sections `systemctl enable` reads: [Install], quietly ignoring the
// sections every unit type has.
SectionUse install_section_policy(std::string_view section);

struct UnitFileItem {
  enum class Kind {
    assignment,  // `key`=`value` in the read section `section`
    warning,     // a line systemd skips with a warning; `message` says why
    // The file cannot be read past this line; `message` says why.
    bad_encoding,  // the line is not valid UTF-8
    bad_section,   // a malformed section header
  };
  Kind kind = Kind::assignment;
  int line = 0;  // 1-based; for a continued line, the last physical line
  std::string section;
  std::string key;
  std::string value;
  std::string message;
};

// The items of `content` in file order. Assignments in skipped sections are
// left out. Nothing follows a bad_encoding or bad_section item.
std::vector<UnitFileItem> parse_unit_file(std::string_view content, SectionPolicy policy);

// The words of a list value (WantedBy=, RequiredBy=, Alias=): separated by
// whitespace; single and double quotes group (and are removed), backslashes
// are kept as they are. An unterminated quote ends the list: `complete` is
// false and the words before it are kept.
struct WordList {
  std::vector<std::string> words;
  bool complete = true;
};
WordList split_unquoted_words(std::string_view value);

// The words of an Also= value: separated by whitespace; a backslash takes the
// next character literally; quotes are ordinary characters. A trailing lone
// backslash makes the value invalid (`complete` false).
WordList split_escaped_words(std::string_view value);

}  // namespace bootassess::systemd
