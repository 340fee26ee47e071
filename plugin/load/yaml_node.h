// Reading YAML nodes the way yip's decoder reads them, with positions and
// errors as diagnostics instead of exceptions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "diag/diagnostic.h"
#include "load/yaml_tree.h"

namespace bootassess {

// Shared state while one document is read: where diagnostics go, and whether a
// type error has made the document unusable (yip then drops the whole source).
struct ReadContext {
  FileName file;
  Diagnostics& diagnostics;
  bool failed = false;
  // A #cloud-config file: yip decodes its stages "optimistically" and, when
  // one value cannot be decoded, silently ignores every stage of the file
  // (the source itself still loads). A type error there is a warning, and
  // `dropped_stages` tells the reader to leave out all the stages.
  bool lenient = false;
  bool dropped_stages = false;
  // What the document may expand to through aliases: yaml.v3 refuses
  // excessive aliasing, and a few lines of anchors must not make a booting
  // node read gigabytes.
  static constexpr std::size_t kMaxValues = 1'000'000;
  static constexpr std::size_t kMaxTextBytes = std::size_t{64} << 20;
  std::size_t nodes_left = kMaxValues;
  std::size_t bytes_left = kMaxTextBytes;
  bool exhausted = false;  // a budget ran out: the document is not used

  Position at(const yaml::Node& node) const;
  Position at(const yaml::Mark& mark) const;
  // Records a decode error: yip fails the source for it, or, in a
  // #cloud-config file, ignores every stage of the file.
  void type_error(const yaml::Node& node, const std::string& message);
  // What yip does with a value it cannot decode here, for messages.
  std::string_view undecodable() const;
  // Counts `nodes` and `bytes` read; false (and an error, once) when the
  // document expands beyond its budget.
  bool spend(const yaml::Node& node, std::size_t nodes, std::size_t bytes);
};

struct MapEntry {
  std::string key;
  yaml::Node key_node;
  yaml::Node value;
};

// The entries of a mapping in document order, with `<<` merge keys expanded
// as yaml.v3 expands them. A key defined twice is an error, as in yaml.v3. A non-mapping is a type
// error naming `what`.
std::vector<MapEntry> map_entries(ReadContext& ctx, const yaml::Node& node,
                                  const std::string& what);

// The items of a sequence; null is an empty list; anything else a type error.
std::vector<yaml::Node> sequence_items(ReadContext& ctx, const yaml::Node& node,
                                       const std::string& what);

// A string field: the scalar's text as written, "" for null; a type error
// for a mapping or sequence. `!!binary` scalars are base64-decoded, as yaml.v3
// does for string fields.
std::string string_value(ReadContext& ctx, const yaml::Node& node, const std::string& what);

// True when the scalar was written quoted or as a block (not plain).
bool is_quoted(const yaml::Node& node);
// True for a `|` or `>` block scalar.
bool is_block_scalar(const yaml::Node& node);

// A bool field as yaml.v3 decodes one (true/false, yes/no, on/off, y/n).
std::optional<bool> bool_value(ReadContext& ctx, const yaml::Node& node, const std::string& what);

}  // namespace bootassess
