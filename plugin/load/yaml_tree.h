// A compact, read-only YAML document tree built from yaml-cpp's parser
// events. yaml-cpp's own node tree costs several hundred bytes per node (a
// 16 MiB source took over a gigabyte); this one keeps a node in 28 bytes and
// every scalar in one shared text buffer, so memory stays a small multiple of
// the input. It offers the part of YAML::Node's interface the loader uses.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <vector>

namespace bootassess::yaml {

class Tree;

class Node {
 public:
  Node() = default;  // undefined
  Node(const Tree* tree, std::uint32_t index) : tree_(tree), index_(index) {}

  YAML::NodeType::value Type() const;
  bool IsDefined() const { return tree_ != nullptr; }
  bool IsNull() const { return Type() == YAML::NodeType::Null; }
  bool IsScalar() const { return Type() == YAML::NodeType::Scalar; }
  bool IsSequence() const { return Type() == YAML::NodeType::Sequence; }
  bool IsMap() const { return Type() == YAML::NodeType::Map; }
  // The text of a scalar; empty for anything else.
  std::string Scalar() const;
  // As yaml-cpp reports it: "?" for a plain scalar or a collection without a
  // tag, "!" for a quoted or block one, else the resolved tag.
  const std::string& Tag() const;
  YAML::Mark Mark() const;
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
  // Parses the first document of `text` (as YAML::Load does); throws
  // YAML::Exception on a syntax error.
  static Tree parse(const std::string& text);

  Node root() const { return Node(this, 0); }

 private:
  friend class Node;
  friend class TreeBuilder;
  struct Data {
    std::uint8_t type = YAML::NodeType::Null;
    std::uint8_t tag = 0;      // index into tags_
    std::uint32_t line = 0;    // of the mark, 0-based
    std::uint32_t column = 0;  // 0-based
    std::int32_t pos = 0;      // byte offset of the mark
    std::uint32_t first = 0;   // scalar: offset in text_; collection: in children_
    std::uint32_t count = 0;   // scalar: length; sequence: items; map: pairs
  };
  std::vector<Data> nodes_;
  std::vector<std::uint32_t> children_;
  std::string text_;  // every scalar, one after the other
  std::vector<std::string> tags_;
};

}  // namespace bootassess::yaml
