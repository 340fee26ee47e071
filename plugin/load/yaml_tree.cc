#include "load/yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <limits>
#include <map>
#include <sstream>

namespace bootassess::yaml {

YAML::NodeType::value Node::Type() const {
  if (tree_ == nullptr) return YAML::NodeType::Undefined;
  return static_cast<YAML::NodeType::value>(tree_->nodes_[index_].type);
}

std::string Node::Scalar() const {
  if (!IsScalar()) return {};
  const Tree::Data& d = tree_->nodes_[index_];
  return tree_->text_.substr(d.first, d.count);
}

const std::string& Node::Tag() const {
  static const std::string kNone;
  if (tree_ == nullptr) return kNone;
  return tree_->tags_[tree_->nodes_[index_].tag];
}

YAML::Mark Node::Mark() const {
  YAML::Mark mark = YAML::Mark::null_mark();
  if (tree_ == nullptr) return mark;
  const Tree::Data& d = tree_->nodes_[index_];
  mark.pos = d.pos;
  mark.line = static_cast<int>(d.line);
  mark.column = static_cast<int>(d.column);
  return mark;
}

std::size_t Node::size() const {
  if (!IsSequence() && !IsMap()) return 0;
  return tree_->nodes_[index_].count;
}

Node Node::operator[](std::size_t i) const {
  if (!IsSequence() || i >= size()) return {};
  return Node(tree_, tree_->children_[tree_->nodes_[index_].first + i]);
}

Node::iterator Node::begin() const {
  return iterator(*this, 0);
}

Node::iterator Node::end() const {
  return iterator(*this, size());
}

void Node::iterator::load() {
  if (at_ >= node_.size()) return;
  const Tree* tree = node_.tree_;
  const std::uint32_t first = tree->nodes_[node_.index_].first;
  if (node_.IsSequence()) {
    static_cast<Node&>(current_) = Node(tree, tree->children_[first + at_]);
    return;
  }
  current_.first = Node(tree, tree->children_[first + 2 * at_]);
  current_.second = Node(tree, tree->children_[first + 2 * at_ + 1]);
}

// Builds a Tree from parser events. A collection's children are collected on
// a stack and stored contiguously when it ends; an alias refers to the node of
// its anchor, so a document shares nodes exactly as its anchors say.
class TreeBuilder final : public YAML::EventHandler {
 public:
  explicit TreeBuilder(Tree& tree) : tree_(tree) { tree_.tags_.emplace_back(); }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    add(make(mark, YAML::NodeType::Null, {}), anchor);
  }
  void OnAlias(const YAML::Mark&, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    // The parser refuses an unknown anchor before this point.
    child(it == anchors_.end() ? make(YAML::Mark(), YAML::NodeType::Null, {}) : it->second);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    const std::uint32_t index = make(mark, YAML::NodeType::Scalar, tag);
    Tree::Data& d = tree_.nodes_[index];
    d.first = checked(tree_.text_.size());
    d.count = checked(value.size());
    tree_.text_ += value;
    add(index, anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(make(mark, YAML::NodeType::Sequence, tag), anchor);
  }
  void OnSequenceEnd() override { close(1); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(make(mark, YAML::NodeType::Map, tag), anchor);
  }
  void OnMapEnd() override { close(2); }

  bool empty() const { return tree_.nodes_.empty(); }

 private:
  static std::uint32_t checked(std::size_t n) {
    if (n > std::numeric_limits<std::uint32_t>::max()) {
      throw YAML::Exception(YAML::Mark::null_mark(), "document too large");
    }
    return static_cast<std::uint32_t>(n);
  }

  std::uint32_t make(const YAML::Mark& mark, YAML::NodeType::value type, const std::string& tag) {
    Tree::Data d;
    d.type = static_cast<std::uint8_t>(type);
    d.tag = intern(tag);
    d.line = static_cast<std::uint32_t>(mark.line);
    d.column = static_cast<std::uint32_t>(mark.column);
    d.pos = mark.pos;
    const std::uint32_t index = checked(tree_.nodes_.size());
    tree_.nodes_.push_back(d);
    return index;
  }

  std::uint8_t intern(const std::string& tag) {
    for (std::size_t i = 0; i < tree_.tags_.size(); ++i) {
      if (tree_.tags_[i] == tag) return static_cast<std::uint8_t>(i);
    }
    if (tree_.tags_.size() > std::numeric_limits<std::uint8_t>::max()) {
      throw YAML::Exception(YAML::Mark::null_mark(), "too many different tags");
    }
    tree_.tags_.push_back(tag);
    return static_cast<std::uint8_t>(tree_.tags_.size() - 1);
  }

  void add(std::uint32_t index, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = index;
    child(index);
  }

  void child(std::uint32_t index) {
    if (!open_.empty()) pending_.push_back(index);
  }

  void open(std::uint32_t index, YAML::anchor_t anchor) {
    add(index, anchor);  // an alias inside may name the collection itself
    open_.push_back({index, pending_.size()});
  }

  void close(std::size_t per_entry) {
    const auto [index, start] = open_.back();
    open_.pop_back();
    Tree::Data& d = tree_.nodes_[index];
    d.first = checked(tree_.children_.size());
    d.count = checked((pending_.size() - start) / per_entry);
    tree_.children_.insert(tree_.children_.end(), pending_.begin() + static_cast<long>(start),
                           pending_.end());
    pending_.resize(start);
  }

  Tree& tree_;
  std::map<YAML::anchor_t, std::uint32_t> anchors_;
  std::vector<std::pair<std::uint32_t, std::size_t>> open_;  // collection, first pending child
  std::vector<std::uint32_t> pending_;
};

Tree Tree::parse(const std::string& text) {
  Tree tree;
  {
    std::istringstream in(text);
    YAML::Parser parser(in);
    TreeBuilder builder(tree);
    parser.HandleNextDocument(builder);
    if (builder.empty()) {
      Data null;
      null.type = YAML::NodeType::Null;
      tree.nodes_.push_back(null);
    }
  }
  tree.nodes_.shrink_to_fit();
  tree.children_.shrink_to_fit();
  tree.text_.shrink_to_fit();
  return tree;
}

}  // namespace bootassess::yaml
