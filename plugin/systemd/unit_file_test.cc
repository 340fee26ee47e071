#include "systemd/unit_file.h"

#include <gtest/gtest.h>

namespace bootassess::systemd {
namespace {

using Kind = UnitFileItem::Kind;

// "line:key=value" for assignments, "line:warning" / "line:bad_*" otherwise.
std::vector<std::string> summary(std::string_view content) {
  std::vector<std::string> out;
  for (const UnitFileItem& item : parse_unit_file(content, install_section_policy)) {
    std::string s = std::to_string(item.line) + ":";
    switch (item.kind) {
      case Kind::assignment:
        s += item.key + "=" + item.value;
        break;
      case Kind::warning:
        s += "warning";
        break;
      case Kind::bad_encoding:
        s += "bad_encoding";
        break;
      case Kind::bad_section:
        s += "bad_section";
        break;
    }
    out.push_back(s);
  }
  return out;
}

using Lines = std::vector<std::string>;

TEST(SystemdUnitFile, ReadsOnlyTheInstallSection) {
  EXPECT_EQ(summary("[Unit]\nDescription=x\n[Install]\nWantedBy=a.target\n[Service]\nX=1\n"),
            (Lines{"4:WantedBy=a.target"}));
}

TEST(SystemdUnitFile, TrimsKeyAndValue) {
  EXPECT_EQ(summary("[Install]\n  WantedBy \t=  a.target b.target  \n"),
            (Lines{"2:WantedBy=a.target b.target"}));
  EXPECT_EQ(summary("  [Install]  \nAlias=\n"), (Lines{"2:Alias="}));
}

TEST(SystemdUnitFile, Comments) {
  EXPECT_EQ(summary("# c\n; c\n[Install]\n   # indented\nWantedBy=a.target # not a comment\n"),
            (Lines{"5:WantedBy=a.target # not a comment"}));
}

TEST(SystemdUnitFile, Continuations) {
  // The backslash becomes a space; the line number is the last line's.
  EXPECT_EQ(summary("[Install]\nWantedBy=a.target \\\n  b.target\n"),
            (Lines{"3:WantedBy=a.target    b.target"}));
  // A comment line does not end a continuation.
  EXPECT_EQ(summary("[Install]\nWantedBy=a\\\n# note\n; note\nb\n"), (Lines{"5:WantedBy=a b"}));
  // An even number of backslashes escapes itself.
  EXPECT_EQ(summary("[Install]\nWantedBy=a\\\\\nRequiredBy=b\n"),
            (Lines{"2:WantedBy=a\\\\", "3:RequiredBy=b"}));
  // A continuation running into the end of the file is still read.
  EXPECT_EQ(summary("[Install]\nWantedBy=a\\"), (Lines{"3:WantedBy=a"}));
}

TEST(SystemdUnitFile, LineEndings) {
  EXPECT_EQ(summary("[Install]\r\nWantedBy=a\r\n\r\nRequiredBy=b\r"),
            (Lines{"2:WantedBy=a", "4:RequiredBy=b"}));
  EXPECT_EQ(summary("[Install]\n\rWantedBy=a\rRequiredBy=b"),
            (Lines{"2:WantedBy=a", "3:RequiredBy=b"}));
  EXPECT_EQ(summary(std::string("[Install]\nWantedBy=a") + '\0' + "RequiredBy=b\n"),
            (Lines{"2:WantedBy=a", "3:RequiredBy=b"}));
}

TEST(SystemdUnitFile, ByteOrderMark) {
  EXPECT_EQ(summary("\xEF\xBB\xBF[Install]\nWantedBy=a\n"), (Lines{"2:WantedBy=a"}));
  // Only the first mark is removed.
  EXPECT_EQ(summary("\xEF\xBB\xBF[Install]\n\xEF\xBB\xBFWantedBy=a\n"),
            (Lines{"2:\xEF\xBB\xBFWantedBy=a"}));
}

TEST(SystemdUnitFile, SkippedLinesWarn) {
  EXPECT_EQ(summary("A=1\n[Install]\nnothing here\n=v\n[Weird]\nB=2\n[X-Mine]\nC=3\n[Unit]\nD=4\n"),
            (Lines{"1:warning", "3:warning", "4:warning", "5:warning"}));
  // After a skipped section, assignments are dropped silently.
  EXPECT_EQ(summary("[Weird]\nA=1\nno equals\n"), (Lines{"1:warning"}));
}

TEST(SystemdUnitFile, FatalLinesStopReading) {
  EXPECT_EQ(summary("[Install]\nWantedBy=a\nDescription=\xff\nRequiredBy=b\n"),
            (Lines{"2:WantedBy=a", "3:bad_encoding"}));
  EXPECT_EQ(summary("[Install]\nWantedBy=a\n[Broken\nRequiredBy=b\n"),
            (Lines{"2:WantedBy=a", "3:bad_section"}));
  EXPECT_EQ(summary("[Bad\"Name]\n"), (Lines{"1:bad_section"}));
  // Overlong encodings and surrogates are not UTF-8.
  EXPECT_EQ(summary("[Install]\nA=\xc0\xaf\n"), (Lines{"2:bad_encoding"}));
  EXPECT_EQ(summary("[Install]\nA=\xed\xa0\x80\n"), (Lines{"2:bad_encoding"}));
  EXPECT_EQ(summary("[Install]\nA=caf\xc3\xa9 \xf0\x9f\x98\x80\n"),
            (Lines{"2:A=caf\xc3\xa9 \xf0\x9f\x98\x80"}));
}

TEST(SystemdUnitFile, SectionPolicy) {
  EXPECT_EQ(install_section_policy("Install"), SectionUse::read);
  EXPECT_EQ(install_section_policy("Service"), SectionUse::skip_silently);
  EXPECT_EQ(install_section_policy("Automount"), SectionUse::skip_silently);
  EXPECT_EQ(install_section_policy("install"), SectionUse::skip_with_warning);
}

TEST(SystemdUnitFile, UnquotedWords) {
  EXPECT_EQ(split_unquoted_words("a.target  b.target\tc.target").words,
            (Lines{"a.target", "b.target", "c.target"}));
  EXPECT_EQ(split_unquoted_words("\"q1 q2\" 'x'\"y\" z\"w\"").words, (Lines{"q1 q2", "xy", "zw"}));
  EXPECT_EQ(split_unquoted_words("\"\" a").words, (Lines{"", "a"}));
  // Backslashes are kept as they are.
  EXPECT_EQ(split_unquoted_words("c\\x2dd.target \"e\\\"").words, (Lines{"c\\x2dd.target", "e\\"}));
  const WordList broken = split_unquoted_words("a.target \"b.target");
  EXPECT_EQ(broken.words, (Lines{"a.target"}));
  EXPECT_FALSE(broken.complete);
  EXPECT_TRUE(split_unquoted_words("").words.empty());
}

TEST(SystemdUnitFile, EscapedWords) {
  EXPECT_EQ(split_escaped_words("a.service \\y.service c\\ d").words,
            (Lines{"a.service", "y.service", "c d"}));
  EXPECT_EQ(split_escaped_words("\"b.service\"").words, (Lines{"\"b.service\""}));
  const WordList broken = split_escaped_words("a.service b\\");
  EXPECT_FALSE(broken.complete);
}

}  // namespace
}  // namespace bootassess::systemd
