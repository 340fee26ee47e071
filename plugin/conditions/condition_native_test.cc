// Unit tests of the native condition evaluator, against an in-memory root.
#include <gtest/gtest.h>
#include <unistd.h>

#include <map>

#include "conditions/condition.h"
#include "conditions/native_condition.h"
#include "conditions/shell_lexer.h"
#include "conditions/test_command.h"
#include "root/path.h"

namespace bootassess {
namespace {

using conditions::lex_condition;
using conditions::parse_native_condition;
using conditions::TokenKind;

// A root held in memory. access() answers from the owner's permission bits.
class FakeRoot final : public RootView {
 public:
  FakeRoot() { nodes_["/"] = Node{{FileType::directory, 0755, 0, 0, 0}, {}}; }

  void dir(const std::string& p, std::uint32_t mode = 0755) {
    nodes_[p] = Node{{FileType::directory, mode, 0, 0, 0}, {}};
  }
  void file(const std::string& p, const std::string& content = {}, std::uint32_t mode = 0644) {
    nodes_[p] = Node{{FileType::regular, mode, 0, 0, content.size()}, content};
  }
  void link(const std::string& p, const std::string& target) {
    nodes_[p] = Node{{FileType::symlink, 0777, 0, 0, target.size()}, target};
  }

  std::optional<FileInfo> lstat(const std::string& p) const override {
    auto it = nodes_.find(p);
    if (it == nodes_.end()) return std::nullopt;
    return it->second.info;
  }
  std::optional<std::string> read_link(const std::string& p) const override {
    auto it = nodes_.find(p);
    if (it == nodes_.end() || it->second.info.type != FileType::symlink) return std::nullopt;
    return it->second.data;
  }
  std::optional<std::string> read_file(const std::string& p) const override {
    auto it = nodes_.find(p);
    if (it == nodes_.end() || it->second.info.type != FileType::regular) return std::nullopt;
    return it->second.data;
  }
  std::optional<std::vector<std::string>> list_dir(const std::string& p) const override {
    std::vector<std::string> names;
    for (const auto& [name, node] : nodes_) {
      if (name != "/" && path::dirname(name) == p) names.push_back(path::basename(name));
    }
    return names;
  }
  bool access(const std::string& p, int mode) const override {
    auto it = nodes_.find(p);
    if (it == nodes_.end()) return false;
    std::uint32_t bits = 0;
    if (mode & R_OK) bits |= 0400;
    if (mode & W_OK) bits |= 0200;
    if (mode & X_OK) bits |= 0100;
    return (it->second.info.mode & bits) == bits;
  }

 private:
  struct Node {
    FileInfo info;
    std::string data;
  };
  std::map<std::string, Node> nodes_;
};

FakeRoot sample_root() {
  FakeRoot root;
  root.dir("/run");
  root.dir("/run/cos");
  root.file("/run/cos/active_mode", "1", 0755);
  root.file("/etc/empty");
  root.dir("/etc");
  root.file("/etc/empty");
  root.file("/etc/full", "data", 0600);
  root.file("/etc/locked", "x", 0000);
  root.file("/usr/bin/tool", "#!", 0755);
  root.dir("/usr");
  root.dir("/usr/bin");
  root.link("/etc/to-full", "full");
  root.link("/etc/to-dir", "/usr");
  root.link("/etc/dangling", "/nowhere");
  root.link("/etc/loop", "loop");
  root.link("/etc/escape", "../../../../usr/bin/tool");
  return root;
}

ConditionResult eval(const RootView& root, std::string_view text, std::string cwd = "/") {
  ConditionContext ctx;
  ctx.view = &root;
  ctx.root_dir = "/nonexistent-root-for-tests";
  ctx.cwd = std::move(cwd);
  ctx.allow_shell = false;
  return evaluate_condition(text, ctx);
}

// The status of a condition that must be native.
int status_of(const RootView& root, std::string_view text, std::string cwd = "/") {
  ConditionResult r = eval(root, text, std::move(cwd));
  EXPECT_TRUE(r.native) << text << ": " << r.detail;
  return r.native ? r.status : -1;
}

bool is_native(std::string_view text) {
  return parse_native_condition(text).condition.has_value();
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& t : lex_condition(text).tokens) {
    out.push_back(t.kind == TokenKind::word ? t.text : (t.kind == TokenKind::and_if ? "&&" : "||"));
  }
  return out;
}

TEST(ConditionLexer, RemovesQuotesAsShDoes) {
  using V = std::vector<std::string>;
  EXPECT_EQ(words("  [ -f '/a b' ]  "), (V{"[", "-f", "/a b", "]"}));
  EXPECT_EQ(words(R"(test "a\"b" "a\b" "\\" "\$")"), (V{"test", "a\"b", "a\\b", "\\", "$"}));
  EXPECT_EQ(words(R"(test \a\ b a"b"'c'd)"), (V{"test", "a b", "abcd"}));
  EXPECT_EQ(words("test \"\" ''"), (V{"test", "", ""}));
  EXPECT_EQ(words("true&&false||true"), (V{"true", "&&", "false", "||", "true"}));
  EXPECT_EQ(words("test\t'$x*'"), (V{"test", "$x*"}));
  EXPECT_EQ(words("test \\* \"?\" '[a]'"), (V{"test", "*", "?", "[a]"}));
}

TEST(ConditionLexer, DeclinesWhatOnlyTheShellKnows) {
  for (std::string_view text :
       {"[ -f $HOME ]",  "[ -f \"$x\" ]",    "test `true`",      "true; true",    "true | true",
        "true &",        "true > /dev/null", "( true )",         "[ -f /etc/* ]", "[ -f /etc/? ]",
        "[ -f /e[t]c ]", "[ -f ~/x ]",       "true # c",         "true\ntrue",    "[ -f 'x ]",
        "[ -f \"x ]",    "true \\",          "[ -f /\xc3\xa9 ]", "{ true; }",     "test \"`x`\""}) {
    EXPECT_FALSE(lex_condition(text).ok()) << text;
  }
}

TEST(ConditionLexer, TheBracketWordIsNotAGlob) {
  EXPECT_TRUE(lex_condition("[ [ = [ ]").ok());
  EXPECT_FALSE(lex_condition("[ a[ = b ]").ok());
}

TEST(ConditionTest, ArgumentCountRules) {
  FakeRoot root;
  EXPECT_EQ(status_of(root, "[ ]"), 1);
  EXPECT_EQ(status_of(root, "test"), 1);
  EXPECT_EQ(status_of(root, "[ x ]"), 0);
  EXPECT_EQ(status_of(root, "[ '' ]"), 1);
  EXPECT_EQ(status_of(root, "[ -f ]"), 0);  // one argument: a non-empty string
  EXPECT_EQ(status_of(root, "[ ! ]"), 0);
  EXPECT_EQ(status_of(root, "[ = ]"), 0);
  EXPECT_EQ(status_of(root, "[ ! '' ]"), 0);
  EXPECT_EQ(status_of(root, "[ ! x ]"), 1);
  EXPECT_EQ(status_of(root, "[ ! -n ]"), 1);
  EXPECT_EQ(status_of(root, "[ -n '' ]"), 1);
  EXPECT_EQ(status_of(root, "[ -z '' ]"), 0);
  EXPECT_EQ(status_of(root, "[ -z -z ]"), 1);
  EXPECT_EQ(status_of(root, "[ = = = ]"), 0);
  EXPECT_EQ(status_of(root, "[ ! = ! ]"), 0);
  EXPECT_EQ(status_of(root, "[ -f = -f ]"), 0);
  EXPECT_EQ(status_of(root, "[ ! -f = -f ]"), 1);
  EXPECT_EQ(status_of(root, "[ ! -f != -f ]"), 0);
  EXPECT_EQ(status_of(root, "test a != b"), 0);
  EXPECT_EQ(status_of(root, "test a = b"), 1);
}

TEST(ConditionTest, DashNegationQuirks) {
  FakeRoot root = sample_root();
  // POSIX's 3/4-argument `!` rule sets the inversion rather than toggling it.
  EXPECT_EQ(status_of(root, "[ ! ! -e /etc ]"), 1);
  EXPECT_EQ(status_of(root, "[ ! ! -e /nope ]"), 0);
  EXPECT_EQ(status_of(root, "[ ! ! x ]"), 0);
  // From five words on, the expression parser counts every `!`.
  EXPECT_EQ(status_of(root, "[ ! ! ! -e /etc ]"), 1);
  EXPECT_EQ(status_of(root, "[ ! ! ! ! -e /etc ]"), 0);
  EXPECT_EQ(status_of(root, "[ ! ! ! x = y ]"), 0);
  EXPECT_EQ(status_of(root, "[ ! ! ! ]"), 0);
}

TEST(ConditionTest, DeclinesOperatorsAndErrors) {
  for (std::string_view text :
       {"[ -f x", "[ -f x ]]", "[ x y ]", "[ x -e ]", "[ -a ]", "[ x -o y ]", "[ '(' x ')' ]",
        "[ 1 -eq 1 ]", "[ -c /dev/null ]", "[ -t 0 ]", "[ a '<' b ]", "[ -f x y ]", "[ x = y z ]",
        "[ -f -f = ]", "test -f x ]"}) {
    EXPECT_FALSE(is_native(text)) << text;
  }
  EXPECT_TRUE(is_native("[ -n -eq ]"));  // an operator spelling read as an operand
  EXPECT_TRUE(is_native("[ -eq ]"));
}

TEST(ConditionTest, FileOperators) {
  FakeRoot root = sample_root();
  EXPECT_EQ(status_of(root, "[ -e /etc ]"), 0);
  EXPECT_EQ(status_of(root, "[ -e /missing ]"), 1);
  EXPECT_EQ(status_of(root, "[ -e '' ]"), 1);
  EXPECT_EQ(status_of(root, "[ -d /etc ]"), 0);
  EXPECT_EQ(status_of(root, "[ -f /etc ]"), 1);
  EXPECT_EQ(status_of(root, "[ -f /etc/empty ]"), 0);
  EXPECT_EQ(status_of(root, "[ -s /etc/empty ]"), 1);
  EXPECT_EQ(status_of(root, "[ -s /etc/full ]"), 0);
  EXPECT_EQ(status_of(root, "[ -f /etc/full/ ]"), 1);  // trailing slash needs a directory
  EXPECT_EQ(status_of(root, "[ -d /etc/ ]"), 0);
  EXPECT_EQ(status_of(root, "[ -e /etc/full/.. ]"), 1);
  EXPECT_EQ(status_of(root, "[ -d /usr/bin/.. ]"), 0);
  EXPECT_EQ(status_of(root, "[ -r /etc/locked ]"), 1);
  EXPECT_EQ(status_of(root, "[ -w /etc/full ]"), 0);
  EXPECT_EQ(status_of(root, "[ -x /etc/full ]"), 1);
  EXPECT_EQ(status_of(root, "[ -x /usr/bin/tool ]"), 0);
  EXPECT_EQ(status_of(root, "[ -r /missing ]"), 1);
}

TEST(ConditionTest, Symlinks) {
  FakeRoot root = sample_root();
  EXPECT_EQ(status_of(root, "[ -f /etc/to-full ]"), 0);
  EXPECT_EQ(status_of(root, "[ -s /etc/to-full ]"), 0);
  EXPECT_EQ(status_of(root, "[ -L /etc/to-full ]"), 0);
  EXPECT_EQ(status_of(root, "[ -h /etc/to-full ]"), 0);
  EXPECT_EQ(status_of(root, "[ -L /etc/full ]"), 1);
  EXPECT_EQ(status_of(root, "[ -d /etc/to-dir ]"), 0);
  EXPECT_EQ(status_of(root, "[ -L /etc/to-dir/ ]"), 1);  // the slash follows the link
  EXPECT_EQ(status_of(root, "[ -x /etc/to-dir/bin/tool ]"), 0);
  EXPECT_EQ(status_of(root, "[ -e /etc/dangling ]"), 1);
  EXPECT_EQ(status_of(root, "[ -L /etc/dangling ]"), 0);
  EXPECT_EQ(status_of(root, "[ -e /etc/loop ]"), 1);
  EXPECT_EQ(status_of(root, "[ -L /etc/loop ]"), 0);
  // ".." never climbs out of the root.
  EXPECT_EQ(status_of(root, "[ -f /etc/escape ]"), 0);
  EXPECT_EQ(status_of(root, "[ -d /../../etc ]"), 0);
}

TEST(ConditionTest, RelativePathsStartAtTheCwd) {
  FakeRoot root = sample_root();
  EXPECT_EQ(status_of(root, "[ -f full ]", "/etc"), 0);
  EXPECT_EQ(status_of(root, "[ -f full ]", "/"), 1);
  EXPECT_EQ(status_of(root, "[ -x ../usr/bin/tool ]", "/etc"), 0);
  EXPECT_EQ(status_of(root, "[ -d . ]", "/etc"), 0);
}

TEST(ConditionTest, SeesTheSimulatedMode) {
  FakeRoot root = sample_root();
  SimulatedModeRoot passive(root, BootMode::passive);
  EXPECT_EQ(status_of(passive, "[ -f /run/cos/passive_mode ]"), 0);
  EXPECT_EQ(status_of(passive, "[ -f /run/cos/active_mode ]"), 1);
  // The documentation's trap: this guard holds on passive boots.
  EXPECT_EQ(status_of(passive, "[ ! -f \"/run/cos/active_mode\" ]"), 0);
}

TEST(ConditionList, AndOrAreLeftAssociative) {
  FakeRoot root;
  EXPECT_EQ(status_of(root, ""), 0);
  EXPECT_EQ(status_of(root, "  \t "), 0);
  EXPECT_EQ(status_of(root, "true"), 0);
  EXPECT_EQ(status_of(root, "false"), 1);
  EXPECT_EQ(status_of(root, "true x y"), 0);
  EXPECT_EQ(status_of(root, "'false' -x"), 1);
  EXPECT_EQ(status_of(root, "! true"), 1);
  EXPECT_EQ(status_of(root, "! false"), 0);
  EXPECT_EQ(status_of(root, "false || true && false"), 1);
  EXPECT_EQ(status_of(root, "true || false && false"), 1);
  EXPECT_EQ(status_of(root, "true && false || true"), 0);
  EXPECT_EQ(status_of(root, "! true || ! false"), 0);
  EXPECT_EQ(status_of(root, "false && ! false"), 1);
  EXPECT_EQ(status_of(root, "[ -z x ] || test x"), 0);
  EXPECT_EQ(status_of(root, "\"[\" x ]"), 0);
}

TEST(ConditionList, DeclinesOtherShellSyntax) {
  for (std::string_view text :
       {"! ! true", "!", "true &&", "&& true", "true && || false", "'!' true", "!true", "ls /",
        "x=1 true", "if true; then true; fi", "[[ -f x ]]", "echo", "exit 0"}) {
    EXPECT_FALSE(is_native(text)) << text;
  }
}

TEST(ConditionEvaluate, UndecidedWithoutTheShell) {
  FakeRoot root;
  ConditionResult r = eval(root, "[ -f \"$HOME/x\" ]");
  EXPECT_EQ(r.outcome, ConditionOutcome::undecided);
  EXPECT_FALSE(r.native);
  EXPECT_NE(r.detail.find("expansion"), std::string::npos) << r.detail;
}

TEST(ConditionEvaluate, NativeResultCarriesTheStatus) {
  FakeRoot root = sample_root();
  ConditionResult r = eval(root, "[ -f /etc/full ]");
  EXPECT_EQ(r.outcome, ConditionOutcome::holds);
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(r.native);
  r = eval(root, "[ -f /etc/none ]");
  EXPECT_EQ(r.outcome, ConditionOutcome::fails);
  EXPECT_EQ(r.status, 1);
}

TEST(ConditionEvaluate, WithoutAViewNothingIsNative) {
  ConditionContext ctx;
  ctx.allow_shell = false;
  ConditionResult r = evaluate_condition("true", ctx);
  EXPECT_EQ(r.outcome, ConditionOutcome::undecided);
}

}  // namespace
}  // namespace bootassess
