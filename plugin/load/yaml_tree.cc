#include "load/yaml_tree.h"

#include <fmt/format.h>
#include <yaml.h>

#include <algorithm>
#include <limits>
#include <unordered_map>

namespace bootassess::yaml {

namespace {

constexpr std::uint8_t kNoTag = 0;      // null
constexpr std::uint8_t kPlainTag = 1;   // "?"
constexpr std::uint8_t kQuotedTag = 2;  // "!"

}  // namespace

NodeType Node::Type() const {
  if (tree_ == nullptr) return NodeType::Undefined;
  return tree_->nodes_[index_].type;
}

std::string_view Node::Scalar() const {
  if (!IsScalar()) return {};
  const Tree::Data& d = tree_->nodes_[index_];
  return std::string_view(tree_->text_).substr(d.first, d.count);
}

ScalarStyle Node::Style() const {
  if (tree_ == nullptr) return ScalarStyle::Plain;
  return tree_->nodes_[index_].style;
}

int Node::BlockTextColumn() const {
  if (tree_ == nullptr) return 0;
  const auto& columns = tree_->block_columns_;
  const auto it =
      std::lower_bound(columns.begin(), columns.end(), index_,
                       [](const auto& entry, std::uint32_t i) { return entry.first < i; });
  return it != columns.end() && it->first == index_ ? it->second : 0;
}

const std::string& Node::Tag() const {
  static const std::string kNone;
  if (tree_ == nullptr) return kNone;
  return tree_->tags_[tree_->nodes_[index_].tag];
}

Mark Node::Mark() const {
  if (tree_ == nullptr) return {};
  const Tree::Data& d = tree_->nodes_[index_];
  return {d.pos, static_cast<int>(d.line), static_cast<int>(d.column)};
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

namespace {

// The column (1-based) of the first non-empty line after the one holding
// byte `pos` (a block scalar's indicator); 0 when there is none.
int block_text_column(std::string_view text, std::size_t pos) {
  std::size_t at = text.find('\n', pos);
  while (at != std::string_view::npos && at + 1 < text.size()) {
    const std::size_t start = at + 1;
    const std::size_t first = text.find_first_not_of(' ', start);
    if (first == std::string_view::npos) return 0;
    if (text[first] != '\n') return static_cast<int>(first - start) + 1;
    at = first;
  }
  return 0;
}

}  // namespace

// libyaml's marks count characters; the builder also needs byte offsets (to
// read a block scalar's indentation from the text). Events come in document
// order, so one cursor moving forward (rarely back) converts them all.
class ByteOffsets {
 public:
  explicit ByteOffsets(std::string_view text) : text_(text) {
    if (text.starts_with("\xEF\xBB\xBF")) {
      bytes_ = 3;  // libyaml does not count the byte order mark
    } else if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
      usable_ = false;  // UTF-16: offsets into libyaml's conversion only
    }
  }

  std::int32_t at(std::size_t index) {
    if (!usable_) return -1;
    while (chars_ < index && bytes_ < text_.size()) {
      bytes_ += width(static_cast<unsigned char>(text_[bytes_]));
      ++chars_;
    }
    while (chars_ > index && bytes_ > 0) {
      --bytes_;
      while (bytes_ > 0 && (static_cast<unsigned char>(text_[bytes_]) & 0xC0) == 0x80)
        --bytes_;
      --chars_;
    }
    return static_cast<std::int32_t>(std::min(bytes_, text_.size()));
  }

 private:
  static std::size_t width(unsigned char c) {
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) return 2;
    if ((c & 0xF0) == 0xE0) return 3;
    if ((c & 0xF8) == 0xF0) return 4;
    return 1;
  }

  std::string_view text_;
  std::size_t chars_ = 0;
  std::size_t bytes_ = 0;
  bool usable_ = true;
};

// Builds a Tree from parser events. A collection's children are collected on
// a stack and stored contiguously when it ends; an alias refers to the node of
// its anchor, so a document shares nodes exactly as its anchors say. Nothing
// recurses: nesting costs heap, never stack.
class TreeBuilder {
 public:
  TreeBuilder(Tree& tree, std::string_view text) : tree_(tree), text_(text), offsets_(text) {
    tree_.tags_ = {"", "?", "!"};
    // Enough for a typical document, so that nothing regrows (the scalars
    // never hold more text than the source). Pages reserved and never
    // written cost address space only; shrinking would copy.
    tree_.text_.reserve(text.size());
    tree_.nodes_.reserve(text.size() / 16);
    tree_.children_.reserve(text.size() / 16);
  }

  // Handles one event; false (and `error_` set) when the document is refused.
  bool on(const yaml_event_t& e);

  bool empty() const { return tree_.nodes_.empty(); }
  const ParseError& error() const { return error_; }

 private:
  bool fail(const yaml_mark_t& at, std::string message) {
    error_.mark = mark(at);
    error_.message = std::move(message);
    return false;
  }

  Mark mark(const yaml_mark_t& m) {
    return {offsets_.at(m.index), static_cast<int>(m.line), static_cast<int>(m.column)};
  }

  bool checked(std::size_t n, const yaml_mark_t& at, std::uint32_t& out) {
    if (n > std::numeric_limits<std::uint32_t>::max()) return fail(at, "document too large");
    out = static_cast<std::uint32_t>(n);
    return true;
  }

  bool tag_index(const yaml_char_t* tag, std::uint8_t untagged, const yaml_mark_t& at,
                 std::uint8_t& out) {
    if (tag == nullptr) {
      out = untagged;
      return true;
    }
    const std::string_view name(reinterpret_cast<const char*>(tag));
    for (std::size_t i = 1; i < tree_.tags_.size(); ++i) {
      if (tree_.tags_[i] == name) {
        out = static_cast<std::uint8_t>(i);
        return true;
      }
    }
    if (tree_.tags_.size() > std::numeric_limits<std::uint8_t>::max()) {
      return fail(at, "too many different tags");
    }
    tree_.tags_.emplace_back(name);
    out = static_cast<std::uint8_t>(tree_.tags_.size() - 1);
    return true;
  }

  bool make(const yaml_event_t& e, NodeType type, std::uint8_t tag, std::uint32_t& index) {
    Tree::Data d;
    d.type = type;
    d.tag = tag;
    d.line = static_cast<std::uint32_t>(e.start_mark.line);
    d.column = static_cast<std::uint32_t>(e.start_mark.column);
    d.pos = offsets_.at(e.start_mark.index);
    if (!checked(tree_.nodes_.size(), e.start_mark, index)) return false;
    tree_.nodes_.push_back(d);
    return true;
  }

  void add(std::uint32_t index, const yaml_char_t* anchor) {
    if (anchor != nullptr) anchors_[reinterpret_cast<const char*>(anchor)] = index;
    child(index);
  }

  void child(std::uint32_t index) {
    if (!open_.empty()) pending_.push_back(index);
  }

  bool scalar(const yaml_event_t& e);
  bool open(const yaml_event_t& e, NodeType type, const yaml_char_t* tag, const yaml_char_t* anchor,
            bool flow);
  bool close(const yaml_event_t& e, std::size_t per_entry);

  Tree& tree_;
  std::string_view text_;
  ByteOffsets offsets_;
  ParseError error_;
  std::unordered_map<std::string, std::uint32_t> anchors_;
  struct Open {
    std::uint32_t index;  // the collection
    std::size_t start;    // its first child in pending_
    bool flow;
    int* depth;  // the nesting it counts in, if any
  };
  std::vector<Open> open_;
  std::vector<std::uint32_t> pending_;
  int flow_depth_ = 0;
  int block_depth_ = 0;
};

bool TreeBuilder::scalar(const yaml_event_t& e) {
  const auto& s = e.data.scalar;
  const std::string_view value(reinterpret_cast<const char*>(s.value), s.length);
  std::uint32_t index = 0;
  // yaml.v3's null: an untagged plain scalar that is empty, ~ or null.
  if (s.tag == nullptr && s.style == YAML_PLAIN_SCALAR_STYLE &&
      (value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL")) {
    if (!make(e, NodeType::Null, kNoTag, index)) return false;
    add(index, s.anchor);
    return true;
  }
  std::uint8_t tag = 0;
  if (!tag_index(s.tag, s.style == YAML_PLAIN_SCALAR_STYLE ? kPlainTag : kQuotedTag, e.start_mark,
                 tag) ||
      !make(e, NodeType::Scalar, tag, index)) {
    return false;
  }
  Tree::Data& d = tree_.nodes_[index];
  switch (s.style) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE:
      d.style = ScalarStyle::SingleQuoted;
      break;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
      d.style = ScalarStyle::DoubleQuoted;
      break;
    case YAML_LITERAL_SCALAR_STYLE:
      d.style = ScalarStyle::Literal;
      break;
    case YAML_FOLDED_SCALAR_STYLE:
      d.style = ScalarStyle::Folded;
      break;
    default:
      d.style = ScalarStyle::Plain;
      break;
  }
  if (!checked(tree_.text_.size(), e.start_mark, d.first) ||
      !checked(value.size(), e.start_mark, d.count)) {
    return false;
  }
  tree_.text_.append(value);
  if ((d.style == ScalarStyle::Literal || d.style == ScalarStyle::Folded) && d.pos >= 0) {
    // Kept apart from the source: the tree outlives it.
    if (const int column = block_text_column(text_, static_cast<std::size_t>(d.pos)); column > 0)
      tree_.block_columns_.emplace_back(index, column);
  }
  add(index, s.anchor);
  return true;
}

bool TreeBuilder::open(const yaml_event_t& e, NodeType type, const yaml_char_t* tag,
                       const yaml_char_t* anchor, bool flow) {
  // yaml.v3 counts flow levels, and apart from them block indentation levels:
  // a block sequence at its mapping's own indentation (`key:\n- item`) opens
  // none.
  const bool indentless = !flow && type == NodeType::Sequence && !open_.empty() &&
                          !open_.back().flow &&
                          tree_.nodes_[open_.back().index].type == NodeType::Map &&
                          tree_.nodes_[open_.back().index].column == e.start_mark.column;
  int* depth = indentless ? nullptr : flow ? &flow_depth_ : &block_depth_;
  if (depth != nullptr && ++*depth > Tree::kMaxDepth) {
    return fail(e.start_mark, fmt::format("exceeded max depth of {}", Tree::kMaxDepth));
  }
  std::uint8_t tag_at = 0;
  std::uint32_t index = 0;
  if (!tag_index(tag, kPlainTag, e.start_mark, tag_at) || !make(e, type, tag_at, index)) {
    return false;
  }
  add(index, anchor);  // an alias inside may name the collection itself
  open_.push_back({index, pending_.size(), flow, depth});
  return true;
}

bool TreeBuilder::close(const yaml_event_t& e, std::size_t per_entry) {
  const Open o = open_.back();
  open_.pop_back();
  if (o.depth != nullptr) --*o.depth;
  Tree::Data& d = tree_.nodes_[o.index];
  if (!checked(tree_.children_.size(), e.start_mark, d.first) ||
      !checked((pending_.size() - o.start) / per_entry, e.start_mark, d.count)) {
    return false;
  }
  tree_.children_.insert(tree_.children_.end(), pending_.begin() + static_cast<long>(o.start),
                         pending_.end());
  pending_.resize(o.start);
  return true;
}

bool TreeBuilder::on(const yaml_event_t& e) {
  switch (e.type) {
    case YAML_SCALAR_EVENT:
      return scalar(e);
    case YAML_ALIAS_EVENT: {
      const char* name = reinterpret_cast<const char*>(e.data.alias.anchor);
      auto it = anchors_.find(name);
      if (it == anchors_.end()) {
        return fail(e.start_mark, fmt::format("unknown anchor '{}' referenced", name));
      }
      child(it->second);
      return true;
    }
    case YAML_SEQUENCE_START_EVENT:
      return open(e, NodeType::Sequence, e.data.sequence_start.tag, e.data.sequence_start.anchor,
                  e.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE);
    case YAML_MAPPING_START_EVENT:
      return open(e, NodeType::Map, e.data.mapping_start.tag, e.data.mapping_start.anchor,
                  e.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE);
    case YAML_SEQUENCE_END_EVENT:
      return close(e, 1);
    case YAML_MAPPING_END_EVENT:
      return close(e, 2);
    default:
      return true;
  }
}

namespace {

// libyaml's message, with its context ("while parsing a flow sequence")
// and where that context starts.
ParseError syntax_error(const yaml_parser_t& parser, std::string_view text) {
  ParseError error;
  const yaml_mark_t* where = &parser.problem_mark;
  std::string problem = parser.problem != nullptr ? parser.problem : "unknown problem";
  switch (parser.error) {
    case YAML_MEMORY_ERROR:
      return {{}, "out of memory", true};
    case YAML_READER_ERROR: {
      // The reader reports a byte offset into the input.
      Mark mark{static_cast<int>(parser.problem_offset), 0, 0};
      const std::size_t end = std::min(parser.problem_offset, text.size());
      for (std::size_t i = 0; i < end; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
          ++mark.line;
          mark.column = 0;
        } else if ((c & 0xC0) != 0x80) {
          ++mark.column;
        }
      }
      if (parser.problem_value != -1) problem += fmt::format(" (#x{:X})", parser.problem_value);
      return {mark, problem};
    }
    case YAML_SCANNER_ERROR:
      // The end of the input inside a token (a quoted string never closed):
      // where the token starts says more than where the input ends.
      if (parser.context != nullptr && problem == "found unexpected end of stream") {
        where = &parser.context_mark;
      }
      break;
    default:
      break;
  }
  error.mark = {-1, static_cast<int>(where->line), static_cast<int>(where->column)};
  error.message = problem;
  if (parser.context != nullptr) {
    error.message += fmt::format(" ({} at line {}, column {})", parser.context,
                                 parser.context_mark.line + 1, parser.context_mark.column + 1);
  }
  return error;
}

}  // namespace

std::optional<Tree> Tree::parse(std::string_view text, ParseError& error) {
  yaml_parser_t parser;
  if (yaml_parser_initialize(&parser) == 0) {
    error = {{}, "out of memory", true};
    return std::nullopt;
  }
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  Tree tree;
  bool ok = true;
  {
    TreeBuilder builder(tree, text);
    for (bool done = false; !done && ok;) {
      yaml_event_t event;
      if (yaml_parser_parse(&parser, &event) == 0) {
        error = syntax_error(parser, text);
        ok = false;
        break;
      }
      // The first document only: what follows is never parsed.
      done = event.type == YAML_DOCUMENT_END_EVENT || event.type == YAML_STREAM_END_EVENT;
      if (!builder.on(event)) {
        error = builder.error();
        ok = false;
      }
      yaml_event_delete(&event);
    }
    if (ok && builder.empty()) tree.nodes_.emplace_back();  // a null root
  }
  yaml_parser_delete(&parser);
  if (!ok) return std::nullopt;
  return tree;
}

}  // namespace bootassess::yaml
