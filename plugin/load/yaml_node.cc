#include "load/yaml_node.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <utility>

#include "load/codec.h"

namespace bootassess {

Position ReadContext::at(const yaml::Node& node) const {
  return at(node.Mark());
}

Position ReadContext::at(const yaml::Mark& mark) const {
  if (mark.is_null()) return {file, 0, 0};
  return {file, mark.line + 1, mark.column + 1};
}

void ReadContext::type_error(const yaml::Node& node, const std::string& message) {
  if (lenient) {
    diagnostics.warning(at(node), "type-error",
                        message +
                            "; in a #cloud-config file yip then ignores every stage of the file "
                            "without a word, and so does bootassess");
    dropped_stages = true;
    return;
  }
  diagnostics.error(at(node), "type-error", message);
  failed = true;
}

std::string_view ReadContext::undecodable() const {
  return lenient ? "ignores every stage of the #cloud-config file" : "skips the whole file";
}

bool ReadContext::spend(const yaml::Node& node, std::size_t nodes, std::size_t bytes) {
  if (exhausted) return false;  // already reported
  if (nodes > nodes_left || bytes > bytes_left) {
    exhausted = true;
    diagnostics.error(at(node), "source-too-large",
                      fmt::format("the document holds more than {} values or {} MiB of text, "
                                  "counting what aliases and merge keys repeat (yip refuses "
                                  "excessive aliasing); bootassess reads none of it",
                                  kMaxValues, kMaxTextBytes >> 20));
    failed = true;
    return false;
  }
  nodes_left -= nodes;
  bytes_left -= bytes;
  return true;
}

namespace {

std::string node_kind(const yaml::Node& node) {
  switch (node.Type()) {
    case yaml::NodeType::Null:
      return "null";
    case yaml::NodeType::Scalar:
      return fmt::format("the scalar '{}'", node.Scalar());
    case yaml::NodeType::Sequence:
      return "a list";
    case yaml::NodeType::Map:
      return "a mapping";
    case yaml::NodeType::Undefined:
      break;
  }
  return "nothing";
}

bool is_merge_key(const yaml::Node& key) {
  return key.IsScalar() && key.Scalar() == "<<" && !is_quoted(key);
}

// Adds the entries of a mapping merged in with `<<`: keys already present
// (explicit ones, or from an earlier mapping of the list) win, as YAML's
// merge key says. The merged mapping's own `<<` keys count too.
void merge_entries(ReadContext& ctx, const yaml::Node& source, std::vector<MapEntry>& out,
                   std::map<std::string_view, yaml::Mark>& seen, int depth);

void merge_key_value(ReadContext& ctx, const yaml::Node& value, std::vector<MapEntry>& out,
                     std::map<std::string_view, yaml::Mark>& seen, int depth) {
  if (value.IsSequence()) {
    for (std::size_t i = 0; i < value.size(); ++i)
      merge_entries(ctx, value[i], out, seen, depth);
  } else {
    merge_entries(ctx, value, out, seen, depth);
  }
}

void merge_entries(ReadContext& ctx, const yaml::Node& source, std::vector<MapEntry>& out,
                   std::map<std::string_view, yaml::Mark>& seen, int depth) {
  // Anchors can make a mapping merge itself; yaml.v3 refuses that too.
  constexpr int kMaxMergeDepth = 32;
  if (!source.IsMap()) {
    ctx.type_error(source, "a `<<` merge key needs a mapping or a list of mappings");
    return;
  }
  if (depth > kMaxMergeDepth) {
    ctx.type_error(source, "`<<` merge keys nest too deep (a mapping that merges itself?)");
    return;
  }
  std::vector<yaml::Node> nested;
  for (auto it = source.begin(); it != source.end(); ++it) {
    const yaml::Node key = it->first;  // the iterator hands out temporaries
    const yaml::Node value = it->second;
    if (!key.IsScalar()) continue;
    // What merges copy counts against the document's budget: anchors must
    // not multiply a mapping without bound.
    if (!ctx.spend(key, 1, 0)) return;
    if (is_merge_key(key)) {
      nested.push_back(value);
      continue;
    }
    if (seen.emplace(key.Scalar(), key.Mark()).second)
      out.push_back({std::string(key.Scalar()), key, value});
  }
  for (const yaml::Node& value : nested)
    merge_key_value(ctx, value, out, seen, depth + 1);
}

// Reports each key written again after its first entry, in document order,
// and leaves only the first. By sorting positions rather than with a map of
// names: a mapping of many keys costs four bytes more per key, not a node.
void drop_duplicate_keys(ReadContext& ctx, std::vector<MapEntry>& entries) {
  std::vector<std::uint32_t> order(entries.size());
  for (std::uint32_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return entries[a].key < entries[b].key;
  });
  // (a later entry, the first one of its key)
  std::vector<std::pair<std::uint32_t, std::uint32_t>> again;
  for (std::size_t i = 1; i < order.size(); ++i) {
    std::size_t first = i - 1;
    while (i < order.size() && entries[order[i]].key == entries[order[first]].key) {
      again.emplace_back(order[i], order[first]);
      ++i;
    }
  }
  if (again.empty()) return;
  std::sort(again.begin(), again.end());
  for (const auto& [later, first] : again) {
    ctx.diagnostics.error(ctx.at(entries[later].key_node), "duplicate-key",
                          fmt::format("key '{}' is already defined at line {}", entries[later].key,
                                      entries[first].key_node.Mark().line + 1));
    entries[later].key_node = yaml::Node();  // marked: dropped below
  }
  ctx.failed = true;
  std::erase_if(entries, [](const MapEntry& e) { return !e.key_node.IsDefined(); });
}

}  // namespace

std::vector<MapEntry> map_entries(ReadContext& ctx, const yaml::Node& node,
                                  const std::string& what) {
  std::vector<MapEntry> out;
  if (node.IsNull()) return out;
  if (!node.IsMap()) {
    ctx.type_error(node, fmt::format("{} must be a mapping, not {}", what, node_kind(node)));
    return out;
  }
  // Exactly once: a vector that doubles holds up to twice the entries while
  // it grows, and a mapping may hold hundreds of thousands.
  out.reserve(node.size());
  bool merges = false;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const yaml::Node key = it->first;  // the iterator hands out a temporary
    if (is_merge_key(key)) {
      merges = true;
      continue;
    }
    if (!key.IsScalar()) {
      ctx.type_error(key,
                     fmt::format("a key in {} must be a plain name, not {}", what, node_kind(key)));
      continue;
    }
    out.push_back({std::string(key.Scalar()), key, it->second});
  }
  drop_duplicate_keys(ctx, out);
  if (!merges) return out;
  std::map<std::string_view, yaml::Mark> seen;
  for (const MapEntry& e : out)
    seen.emplace(e.key_node.Scalar(), e.key_node.Mark());
  for (auto it = node.begin(); it != node.end(); ++it) {
    // Copies: `it->second` lives in a temporary the iterator hands out, and a
    // reference to it (as a range-for would take) dangles.
    const yaml::Node key = it->first;
    const yaml::Node value = it->second;
    if (is_merge_key(key)) merge_key_value(ctx, value, out, seen, 0);
  }
  return out;
}

std::vector<yaml::Node> sequence_items(ReadContext& ctx, const yaml::Node& node,
                                       const std::string& what) {
  std::vector<yaml::Node> out;
  if (node.IsNull()) return out;
  if (!node.IsSequence()) {
    ctx.type_error(node, fmt::format("{} must be a list, not {}", what, node_kind(node)));
    return out;
  }
  for (const yaml::Node& item : node)
    out.push_back(item);
  return out;
}

std::string string_value(ReadContext& ctx, const yaml::Node& node, const std::string& what) {
  if (node.IsNull()) return {};
  if (!node.IsScalar()) {
    ctx.type_error(node, fmt::format("{} must be a string, not {}", what, node_kind(node)));
    return {};
  }
  if (!ctx.spend(node, 1, node.Scalar().size())) return {};
  if (node.Tag() == "tag:yaml.org,2002:binary") {
    std::string decoded;
    std::string error;
    if (!decode_base64(node.Scalar(), decoded, error)) {
      ctx.type_error(node, fmt::format("{}: invalid !!binary value: {}", what, error));
      return {};
    }
    return decoded;
  }
  return std::string(node.Scalar());
}

// Quoted, or tagged !!str: either way yaml.v3 will not read it as a number.
bool is_quoted(const yaml::Node& node) {
  return node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str";
}

bool is_block_scalar(const yaml::Node& node) {
  return node.IsScalar() &&
         (node.Style() == yaml::ScalarStyle::Literal || node.Style() == yaml::ScalarStyle::Folded);
}

std::optional<bool> bool_value(ReadContext& ctx, const yaml::Node& node, const std::string& what) {
  static const std::array<std::string_view, 11> kTrue{"true", "True", "TRUE", "yes", "Yes", "YES",
                                                      "on",   "On",   "ON",   "y",   "Y"};
  static const std::array<std::string_view, 11> kFalse{"false", "False", "FALSE", "no", "No", "NO",
                                                       "off",   "Off",   "OFF",   "n",  "N"};
  if (node.IsNull()) return false;
  if (node.IsScalar() && !is_quoted(node)) {
    for (std::string_view t : kTrue) {
      if (node.Scalar() == t) return true;
    }
    for (std::string_view f : kFalse) {
      if (node.Scalar() == f) return false;
    }
  }
  ctx.type_error(node, fmt::format("{} must be true or false, not {}", what, node_kind(node)));
  return std::nullopt;
}

}  // namespace bootassess
