// A compact, read-only YAML document tree built from libyaml's parser events.
// A node takes 24 bytes and every scalar lives in one shared text buffer, so
// memory stays a small multiple of the input. libyaml is the C scanner and
// parser that go-yaml (yaml.v3, which yip reads stages with) is a port of:
// what it accepts and rejects is close to what yip does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bootassess::yaml {

enum class NodeType : std::uint8_t { Undefined, Null, Scalar, Sequence, Map };

// How a scalar was written.
enum class ScalarStyle : std::uint8_t { Plain, SingleQuoted, DoubleQuoted, Literal, Folded };

// Where a node or an error starts: byte offset in the text, line and column
// (in characters), all 0-based; -1 when unknown.
struct Mark {
  int pos = -1;
  int line = -1;
  int column = -1;
  bool is_null() const { return line < 0; }
};

// A syntax error (or a document the tree cannot hold), with where it is.
struct ParseError {
  Mark mark;
  std::string message;
  bool out_of_memory = false;  // libyaml could not allocate: not the text's fault
};

class Tree;

class Node {
 public:
  Node() = default;  // undefined
  Node(const Tree* tree, std::uint32_t index) : tree_(tree), index_(index) {}

  NodeType Type() const;
  bool IsDefined() const { return tree_ != nullptr; }
  bool IsNull() const { return Type() == NodeType::Null; }
  bool IsScalar() const { return Type() == NodeType::Scalar; }
  bool IsSequence() const { return Type() == NodeType::Sequence; }
  bool IsMap() const { return Type() == NodeType::Map; }
  // The text of a scalar; empty for anything else. Valid as long as the tree.
  std::string_view Scalar() const;
  ScalarStyle Style() const;
  // Where the text of a `|` or `>` block scalar starts: the column (1-based)
  // of its first non-empty line. 0 when unknown or not a block scalar.
  int BlockTextColumn() const;
  // "?" for a plain scalar or a collection without a tag, "!" for a quoted
  // or block one, else the resolved tag (tag:yaml.org,2002:str for `!!str`);
  // "" for null.
  const std::string& Tag() const;
  yaml::Mark Mark() const;
  // Items of a sequence, pairs of a mapping, 0 otherwise.
  std::size_t size() const;
  // The item `i` of a sequence.
  Node operator[](std::size_t i) const;

  // Iterating a sequence gives its items; a mapping, entries whose `first`
  // and `second` are the key and the value.
  struct Entry;
  class iterator;
  iterator begin() const;
  iterator end() const;

 private:
  const Tree* tree_ = nullptr;
  std::uint32_t index_ = 0;
};

struct Node::Entry : Node {
  Node first;
  Node second;
};

class Node::iterator {
 public:
  iterator(const Node& node, std::size_t at) : node_(node), at_(at) { load(); }
  const Entry& operator*() const { return current_; }
  const Entry* operator->() const { return &current_; }
  iterator& operator++() {
    ++at_;
    load();
    return *this;
  }
  bool operator==(const iterator& other) const { return at_ == other.at_; }
  bool operator!=(const iterator& other) const { return at_ != other.at_; }

 private:
  void load();
  Node node_;
  std::size_t at_;
  Entry current_;
};

class Tree {
 public:
  // yaml.v3 refuses collections nested deeper than this (flow and block
  // nesting counted apart), and so does the parser here.
  static constexpr int kMaxDepth = 10000;

  // Parses the first document of `text`, as yaml.v3's Unmarshal does: what
  // follows it is not read. An empty document is a null root.
  static std::optional<Tree> parse(std::string_view text, ParseError& error);

  Node root() const { return Node(this, 0); }

 private:
  friend class Node;
  friend class TreeBuilder;
  struct Data {
    NodeType type = NodeType::Null;
    std::uint8_t tag = 0;  // index into tags_
    ScalarStyle style = ScalarStyle::Plain;
    std::uint32_t line = 0;    // of the mark, 0-based
    std::uint32_t column = 0;  // 0-based, in characters
    std::int32_t pos = -1;     // byte offset of the mark
    std::uint32_t first = 0;   // scalar: offset in text_; collection: in children_
    std::uint32_t count = 0;   // scalar: length; sequence: items; map: pairs
  };
  std::vector<Data> nodes_;
  std::vector<std::uint32_t> children_;
  std::string text_;  // every scalar, one after the other
  // (node, BlockTextColumn) of the block scalars, by node.
  std::vector<std::pair<std::uint32_t, int>> block_columns_;
  std::vector<std::string> tags_;
};

}  // namespace bootassess::yaml
