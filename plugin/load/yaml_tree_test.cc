#include "load/yaml_tree.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bootassess::yaml {
namespace {

// The tree of `text`, which must parse.
Tree parsed(std::string_view text) {
  ParseError error;
  std::optional<Tree> tree = Tree::parse(text, error);
  EXPECT_TRUE(tree) << error.message;
  if (!tree) return *Tree::parse("", error);
  return std::move(*tree);
}

// The error of `text`, which must not parse.
ParseError refused(std::string_view text) {
  ParseError error;
  EXPECT_FALSE(Tree::parse(text, error)) << text;
  return error;
}

std::string where(const Mark& m) {
  return std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

TEST(YamlTreeTest, BlockTextColumnIsWhereTheFirstTextLineStarts) {
  std::string text = "a: |\n\n   x\n   y\nb:\n - >-\n     z\nc: 'q'\nd: |\n";
  ParseError error;
  const std::optional<Tree> tree = Tree::parse(text, error);
  ASSERT_TRUE(tree) << error.message;
  text.assign(text.size(), '#');  // the tree needs no more of the source
  const Node root = tree->root();
  std::vector<int> columns;
  for (const auto& e : root) {
    columns.push_back(e.second.IsSequence() ? e.second[0].BlockTextColumn()
                                            : e.second.BlockTextColumn());
  }
  EXPECT_EQ(columns, (std::vector<int>{4, 6, 0, 0}));
  EXPECT_EQ(root.BlockTextColumn(), 0);
  EXPECT_EQ(Node().BlockTextColumn(), 0);
}

TEST(YamlTreeTest, TypesAndTags) {
  const Tree tree = parsed(R"(plain: x
single: 'x'
double: "x"
literal: |
  x
folded: >
  x
str: !!str 1
custom: !thing y
nulls: [~, null, Null, NULL, 'null', !!null null]
null_item:
  -

empty:
seq: [a]
map: {a: b}
)");
  const Node root = tree.root();
  ASSERT_TRUE(root.IsMap());
  EXPECT_EQ(root.Tag(), "?");
  std::vector<std::pair<std::string, Node>> values;
  for (const auto& entry : root)
    values.emplace_back(std::string(entry.first.Scalar()), entry.second);
  ASSERT_EQ(values.size(), 12u);
  auto value = [&](const std::string& key) {
    for (const auto& [k, v] : values) {
      if (k == key) return v;
    }
    ADD_FAILURE() << key;
    return Node();
  };
  EXPECT_EQ(value("plain").Tag(), "?");
  EXPECT_EQ(value("plain").Style(), ScalarStyle::Plain);
  EXPECT_EQ(value("single").Tag(), "!");
  EXPECT_EQ(value("single").Style(), ScalarStyle::SingleQuoted);
  EXPECT_EQ(value("double").Tag(), "!");
  EXPECT_EQ(value("double").Style(), ScalarStyle::DoubleQuoted);
  EXPECT_EQ(value("literal").Tag(), "!");
  EXPECT_EQ(value("literal").Style(), ScalarStyle::Literal);
  EXPECT_EQ(value("literal").Scalar(), "x\n");
  EXPECT_EQ(value("folded").Style(), ScalarStyle::Folded);
  EXPECT_EQ(value("str").Tag(), "tag:yaml.org,2002:str");
  EXPECT_EQ(value("str").Scalar(), "1");
  EXPECT_EQ(value("custom").Tag(), "!thing");
  EXPECT_TRUE(value("empty").IsNull());
  EXPECT_EQ(value("empty").Tag(), "");
  const Node nulls = value("nulls");
  ASSERT_EQ(nulls.size(), 6u);
  for (std::size_t i = 0; i < 4; ++i)
    EXPECT_TRUE(nulls[i].IsNull()) << i;
  EXPECT_TRUE(nulls[4].IsScalar());  // quoted: a string
  EXPECT_EQ(nulls[4].Scalar(), "null");
  EXPECT_TRUE(nulls[5].IsScalar());  // tagged: kept with its tag
  EXPECT_EQ(nulls[5].Tag(), "tag:yaml.org,2002:null");
  ASSERT_EQ(value("null_item").size(), 1u);
  EXPECT_TRUE(value("null_item")[0].IsNull());
  EXPECT_TRUE(value("seq").IsSequence());
  EXPECT_EQ(value("seq").Tag(), "?");
  EXPECT_TRUE(value("map").IsMap());
  EXPECT_EQ(value("map").size(), 1u);
}

// Marks are 0-based lines and columns in characters, and byte offsets into
// the text (which the loader reads block scalars' indentation from).
TEST(YamlTreeTest, MarksCountCharactersAndBytes) {
  const std::string text = "# h\xC3\xA9\nk\xC3\xA9y: &a \"v\xE2\x82\xAC\" \n\xC3\xA9: x\n";
  const Tree tree = parsed(text);
  const Node root = tree.root();
  ASSERT_EQ(root.size(), 2u);
  auto it = root.begin();
  EXPECT_EQ(where(it->first.Mark()), "2:1");
  EXPECT_EQ(it->first.Mark().pos, 6);
  EXPECT_EQ(where(it->second.Mark()), "2:6");  // at the anchor
  EXPECT_EQ(it->second.Mark().pos, 12);
  EXPECT_EQ(it->second.Scalar(), "v\xE2\x82\xAC");
  ++it;
  EXPECT_EQ(where(it->second.Mark()), "3:4");
  EXPECT_EQ(text.substr(static_cast<std::size_t>(it->second.Mark().pos), 1), "x");
  // A byte order mark is not counted by the parser, and is by the offsets.
  const Tree bom = parsed(
      "\xEF\xBB\xBF"
      "a: b\n");
  EXPECT_EQ(bom.root().begin()->second.Mark().pos, 6);
  EXPECT_EQ(where(bom.root().begin()->second.Mark()), "1:4");
}

TEST(YamlTreeTest, AliasesShareTheirAnchorsNode) {
  const Tree tree = parsed("a: &x [1, 2]\nb: *x\nc: &x 3\nd: *x\ne: &s [*s]\n");
  std::vector<Node> values;
  for (const auto& entry : tree.root())
    values.push_back(entry.second);
  ASSERT_EQ(values.size(), 5u);
  EXPECT_EQ(values[1].Mark().pos, values[0].Mark().pos);
  EXPECT_EQ(values[1].size(), 2u);
  EXPECT_EQ(values[3].Scalar(), "3");  // the latest anchor of that name
  ASSERT_EQ(values[4].size(), 1u);     // a sequence holding itself
  EXPECT_EQ(values[4][0].Mark().pos, values[4].Mark().pos);

  const ParseError unknown = refused("a: 1\nb: [*nope]\n");
  EXPECT_EQ(unknown.message, "unknown anchor 'nope' referenced");
  EXPECT_EQ(where(unknown.mark), "2:5");
}

// Only the first document is parsed, as yaml.v3's Unmarshal does (yip then
// loads a file whose second document is broken).
TEST(YamlTreeTest, FirstDocumentOnly) {
  const Tree tree = parsed("a: 1\n---\n[\n");
  EXPECT_EQ(tree.root().size(), 1u);
  EXPECT_TRUE(parsed("# only a comment\n").root().IsNull());
  EXPECT_TRUE(parsed("").root().IsNull());
}

TEST(YamlTreeTest, SyntaxErrorsNameWhereAndWhat) {
  ParseError e = refused("a:\n\tb: c\n");
  EXPECT_EQ(where(e.mark), "2:1");
  EXPECT_NE(e.message.find("found character that cannot start any token"), std::string::npos)
      << e.message;

  // Never closed: the error points at the opening quote.
  e = refused("a:\n  b: \"open\n  c: d\n");
  EXPECT_EQ(where(e.mark), "2:6");
  EXPECT_NE(e.message.find("found unexpected end of stream"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("quoted scalar"), std::string::npos) << e.message;
  e = refused("a: 'it''s\n");
  EXPECT_EQ(where(e.mark), "1:4");

  e = refused("a: [b, c\n");
  EXPECT_NE(e.message.find("flow sequence at line 1, column 4"), std::string::npos) << e.message;

  // The reader's errors (bytes that are not UTF-8, control characters) are
  // placed too.
  e = refused("a: b\nc: \xFF\n");
  EXPECT_EQ(where(e.mark), "2:4");
  EXPECT_NE(e.message.find("invalid leading UTF-8 octet"), std::string::npos) << e.message;
  e = refused(std::string("a: b\nc: d\x01\n"));
  EXPECT_EQ(where(e.mark), "2:5");
  EXPECT_NE(e.message.find("control characters are not allowed"), std::string::npos) << e.message;
}

// yaml.v3 refuses flow or block nesting deeper than 10,000 levels; the
// builder never recurses, so depth costs no stack.
TEST(YamlTreeTest, NestingIsBoundedAsInYamlV3) {
  auto flow = [](int depth) {
    return "x: " + std::string(static_cast<std::size_t>(depth), '[') +
           std::string(static_cast<std::size_t>(depth), ']') + "\n";
  };
  const Tree deepest = parsed(flow(Tree::kMaxDepth));
  Node n = deepest.root().begin()->second;
  int depth = 0;
  while (n.IsSequence() && n.size() == 1) {
    n = n[0];
    ++depth;
  }
  EXPECT_EQ(depth + 1, Tree::kMaxDepth);
  const ParseError e = refused(flow(Tree::kMaxDepth + 1));
  EXPECT_EQ(e.message, "exceeded max depth of 10000");
  EXPECT_EQ(where(e.mark), "1:10004");

  // Block nesting: the mapping and the sequences nested in its value; the
  // first sequence is at the mapping's own indentation and adds no level.
  auto block = [](int levels) {
    std::string text = "x:\n";
    for (int i = 0; i < levels; ++i)
      text += "- ";
    return text + "y\n";
  };
  parsed(block(Tree::kMaxDepth));
  EXPECT_EQ(refused(block(Tree::kMaxDepth + 1)).message, "exceeded max depth of 10000");
}

}  // namespace
}  // namespace bootassess::yaml
