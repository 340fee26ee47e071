#include "plan/step_order.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <limits>
#include <set>
#include <unordered_map>

#include "root/path.h"

namespace bootassess {
namespace {

constexpr int kNone = -1;

// One yip operation: a step, or a step yip adds itself (a #cloud-config
// file's), which bootassess does not run.
struct Op {
  std::string name;  // after yip's uniqueNames
  const Document* doc = nullptr;
  const Step* step = nullptr;  // nullptr: added by yip
  std::size_t index = 0;
  std::string chain;       // the previous step of the file it waits for, or ""
  bool has_chain = false;  // (yip keeps the name from before uniqueNames)
  int group = kNone;       // the previous file's steps it waits for
  int node = kNone;
};

// The dependency graph as depgraph keeps it, plus one kind of node of its
// own: a group stands for "each step of the previous file without `after:`",
// which every step of a file waits for (yip adds those edges one by one; a
// group keeps them linear in the number of steps).
class Graph {
 public:
  struct Edge {
    int to;
    const Located<std::string>* after;  // the `after:` entry that asked for it, if any
  };

  int node(const std::string& name) {
    auto [it, inserted] = ids_.try_emplace(name, static_cast<int>(names_.size()));
    if (inserted) add_node(name, false);
    return it->second;
  }
  int group(const std::vector<int>& members) {
    const int g = static_cast<int>(names_.size());
    add_node({}, true);
    // Distinct new edges: no need to look for them among the group's.
    for (int m : members)
      link(g, m, nullptr, false);
    return g;
  }
  int find(const std::string& name) const {
    auto it = ids_.find(name);
    return it == ids_.end() ? kNone : it->second;
  }

  enum class Result { ok, self, cycle };
  // depgraph's DependOn: refuses a self edge and one whose parent already
  // depends on the child.
  Result depend_on(int child, int parent, const Located<std::string>* after) {
    if (child == parent) return Result::self;
    if (reaches(parent, child)) return Result::cycle;
    link(child, parent, after);
    return Result::ok;
  }

  // A path of edges from `from` to `to` (empty when there is none).
  std::vector<Edge> path(int from, int to) const {
    std::vector<int> came(names_.size(), kNone);
    std::vector<const Located<std::string>*> via(names_.size(), nullptr);
    std::deque<int> queue{from};
    came[static_cast<std::size_t>(from)] = from;
    while (!queue.empty()) {
      const int n = queue.front();
      queue.pop_front();
      if (n == to) break;
      for (const Edge& e : deps_[static_cast<std::size_t>(n)]) {
        if (came[static_cast<std::size_t>(e.to)] != kNone) continue;
        came[static_cast<std::size_t>(e.to)] = n;
        via[static_cast<std::size_t>(e.to)] = e.after;
        queue.push_back(e.to);
      }
    }
    std::vector<Edge> out;
    if (came[static_cast<std::size_t>(to)] == kNone) return out;
    for (int n = to; n != from; n = came[static_cast<std::size_t>(n)])
      out.push_back({n, via[static_cast<std::size_t>(n)]});
    std::reverse(out.begin(), out.end());
    return out;
  }

  bool has_dependents(int n) const { return !dependents_[static_cast<std::size_t>(n)].empty(); }
  bool in_graph(int n) const { return in_graph_[static_cast<std::size_t>(n)]; }
  bool is_group(int n) const { return group_[static_cast<std::size_t>(n)]; }
  const std::string& name(int n) const { return names_[static_cast<std::size_t>(n)]; }
  std::size_t size() const { return names_.size(); }

  // depgraph's TopoSortedLayers as a number per node: 1 for a node that
  // depends on nothing, else one more than its deepest dependency (a group
  // adds nothing of its own).
  std::vector<int> layers() const {
    const std::size_t n = names_.size();
    std::vector<int> layer(n, 0);
    std::vector<std::size_t> waiting(n);
    std::deque<int> ready;
    for (std::size_t i = 0; i < n; ++i) {
      waiting[i] = deps_[i].size();
      if (waiting[i] == 0) ready.push_back(static_cast<int>(i));
    }
    while (!ready.empty()) {
      const auto i = static_cast<std::size_t>(ready.front());
      ready.pop_front();
      int deepest = 0;
      for (const Edge& e : deps_[i])
        deepest = std::max(deepest, layer[static_cast<std::size_t>(e.to)]);
      layer[i] = group_[i] ? deepest : deepest + 1;
      for (int d : dependents_[i]) {
        if (--waiting[static_cast<std::size_t>(d)] == 0) ready.push_back(d);
      }
    }
    return layer;
  }

 private:
  void add_node(std::string name, bool is_group) {
    names_.push_back(std::move(name));
    deps_.emplace_back();
    dependents_.emplace_back();
    in_graph_.push_back(false);
    group_.push_back(is_group);
  }
  void link(int child, int parent, const Located<std::string>* after, bool check = true) {
    auto& deps = deps_[static_cast<std::size_t>(child)];
    if (check) {
      for (const Edge& e : deps) {
        if (e.to == parent) return;  // a set in depgraph
      }
    }
    deps.push_back({parent, after});
    dependents_[static_cast<std::size_t>(parent)].push_back(child);
    in_graph_[static_cast<std::size_t>(child)] = true;
    in_graph_[static_cast<std::size_t>(parent)] = true;
  }
  // Whether `to` is among the transitive dependencies of `from`. Only a node
  // something depends on can be one: most checks end there.
  bool reaches(int from, int to) const {
    if (!has_dependents(to)) return false;
    std::vector<bool> seen(names_.size(), false);
    std::vector<int> stack{from};
    while (!stack.empty()) {
      const int n = stack.back();
      stack.pop_back();
      for (const Edge& e : deps_[static_cast<std::size_t>(n)]) {
        if (e.to == to) return true;
        if (seen[static_cast<std::size_t>(e.to)]) continue;
        seen[static_cast<std::size_t>(e.to)] = true;
        stack.push_back(e.to);
      }
    }
    return false;
  }

  std::unordered_map<std::string, int> ids_;
  std::vector<std::string> names_;
  std::vector<std::vector<Edge>> deps_;
  std::vector<std::vector<int>> dependents_;
  std::vector<bool> in_graph_;
  std::vector<bool> group_;
};

// The steps yip adds to a #cloud-config file's stages before the file's own.
std::size_t added_steps(const Document& doc, const std::string& stage) {
  if (!doc.cloud_config) return 0;
  if (stage == "boot") return 1 + doc.growpart_devices;
  if (stage == "initramfs" || stage == "network") return 1;
  return 0;
}

// genOpFromSchema: the operations of one document, named and chained.
std::vector<Op> document_ops(const Document& doc, const std::string& stage) {
  static const std::vector<Step> kNoSteps;
  auto it = doc.stages.find(stage);
  const std::vector<Step>& steps = it == doc.stages.end() ? kNoSteps : it->second;
  const std::size_t added = added_steps(doc, stage);
  const std::size_t total = added + steps.size();
  auto step_name = [&](std::size_t i) -> const std::string& {
    static const std::string kUnnamed;
    return i < added ? kUnnamed : steps[i - added].name;
  };
  std::set<std::string_view> seen;
  bool duplicated = false;
  for (std::size_t i = 0; i < total && !duplicated; ++i)
    duplicated = !seen.insert(step_name(i)).second;

  const std::string root = yip_root_name(doc);
  std::vector<Op> ops;
  ops.reserve(total);
  std::string prev;
  for (std::size_t i = 0; i < total; ++i) {
    std::string name = step_name(i);
    if (duplicated) name = fmt::format("{}.{}", name, i);
    if (name.empty()) name = std::to_string(i);
    Op op;
    op.name = fmt::format("{}.{}", root, name);
    op.doc = &doc;
    if (i >= added) {
      op.step = &steps[i - added];
      op.index = i - added;
    }
    if (i != 0 && (op.step == nullptr || op.step->after.empty())) {
      op.chain = prev;
      op.has_chain = true;
    }
    prev = op.name;
    ops.push_back(std::move(op));
  }
  return ops;
}

bool waits_for_previous(const Op& op) {
  return op.step == nullptr || op.step->after.empty();
}

// yip's opList.uniqueNames, counter and all.
void unique_names(std::vector<Op>& ops) {
  std::unordered_map<std::string, int> names;
  for (Op& op : ops) {
    int& count = names[op.name];
    if (count > 0) {
      op.name = fmt::format("{}.{}", op.name, count);
      names[op.name] += 1;
    } else {
      count = 1;
    }
  }
}

std::string source_label(const Source& source) {
  return source.argument == "-" ? std::string("standard input") : source.argument;
}

// An operation name the author may have meant: one that ends with what was
// written (a file's base name instead of the path yip uses).
std::string meant(const std::vector<Op>& ops, const std::string& written) {
  if (written.empty()) return {};
  for (const Op& op : ops) {
    if (op.name.size() > written.size() &&
        op.name.compare(op.name.size() - written.size(), written.size(), written) == 0 &&
        op.name[op.name.size() - written.size() - 1] == '/') {
      return op.name;
    }
  }
  return {};
}

// Steps of one layer run concurrently in yip: two that write one path leave
// it to chance which is last. bootassess applies them in file order.
void warn_concurrent_writes(const std::vector<std::pair<int, std::size_t>>& order,
                            const std::vector<Op>& ops, Diagnostics& diagnostics) {
  std::size_t begin = 0;
  while (begin < order.size()) {
    std::size_t end = begin;
    while (end < order.size() && order[end].first == order[begin].first)
      ++end;
    std::unordered_map<std::string, const Op*> writer;
    for (std::size_t i = begin; end - begin > 1 && i < end; ++i) {
      const Op& op = ops[order[i].second];
      if (op.step == nullptr) continue;
      auto check = [&](const Located<std::string>& path, const Position& where) {
        auto [it, inserted] = writer.try_emplace(path::clean(path.value), &op);
        if (inserted || it->second == &op) return;
        diagnostics.warning(
            where, "after-concurrent",
            fmt::format("yip runs `{}` and `{}` at the same time (neither waits for the other), "
                        "and both write {}: which is last varies from run to run; bootassess "
                        "applies them in file order",
                        it->second->name, op.name, path.value),
            "make one of them wait for the other with `after:`");
      };
      for (const DirectoryEntry& d : op.step->directories)
        check(d.path, d.pos);
      for (const FileEntry& f : op.step->files)
        check(f.path, f.pos);
    }
    begin = end;
  }
}

}  // namespace

std::string yip_root_name(const Document& doc) {
  // yip does not carry a #cloud-config file's `name` over.
  if (!doc.cloud_config && !doc.name.empty()) return doc.name;
  return doc.yip_file.empty() ? doc.file : doc.yip_file;
}

StepOrder yip_step_order(const Source& source, const std::string& stage) {
  StepOrder out;
  if (source.failed) return out;

  // dirOps: each file's operations, waiting for the previous file's.
  std::vector<Op> ops;
  std::vector<std::vector<std::string>> groups;  // member names, as yip captured them
  std::size_t prev_begin = 0;
  std::size_t prev_end = 0;
  for (const Document& doc : source.documents) {
    std::vector<Op> doc_ops = document_ops(doc, stage);
    if (prev_end > prev_begin && !doc_ops.empty()) {
      std::vector<std::string> members;
      for (std::size_t i = prev_begin; i < prev_end; ++i) {
        if (waits_for_previous(ops[i])) members.push_back(ops[i].name);
      }
      if (!members.empty()) {
        groups.push_back(std::move(members));
        for (Op& op : doc_ops)
          op.group = static_cast<int>(groups.size()) - 1;
      }
    }
    prev_begin = ops.size();
    for (Op& op : doc_ops)
      ops.push_back(std::move(op));
    prev_end = ops.size();
  }
  if (ops.empty()) return out;
  unique_names(ops);

  // herd: Add each operation with its dependencies, `after:` first.
  Graph graph;
  const int init = graph.node("init");
  std::unordered_map<int, std::size_t> registered;  // node -> the op that runs there
  std::vector<int> group_nodes(groups.size(), kNone);
  std::set<std::string> all_names{"init"};
  for (const Op& op : ops)
    all_names.insert(op.name);
  auto refuse = [&](const Position& where, const std::string& rule, const std::string& message,
                    const std::string& fix = {}) {
    out.refused = true;
    out.diagnostics.error(where, rule, message, fix);
  };

  for (std::size_t k = 0; k < ops.size(); ++k) {
    Op& op = ops[k];
    op.node = graph.node(op.name);
    Graph::Result result = Graph::Result::ok;
    int failed_at = kNone;
    const Located<std::string>* failed_entry = nullptr;
    if (op.step != nullptr) {
      for (const Located<std::string>& entry : op.step->after) {
        const int target = graph.node(entry.value);
        result = graph.depend_on(op.node, target, &entry);
        if (result != Graph::Result::ok) {
          failed_at = target;
          failed_entry = &entry;
          break;
        }
      }
    }
    if (result == Graph::Result::ok && op.has_chain) {
      const int target = graph.node(op.chain);
      result = graph.depend_on(op.node, target, nullptr);
      if (result != Graph::Result::ok) failed_at = target;
    }
    if (result == Graph::Result::ok && op.group != kNone) {
      int& g = group_nodes[static_cast<std::size_t>(op.group)];
      if (g == kNone) {
        std::vector<int> members;
        for (const std::string& m : groups[static_cast<std::size_t>(op.group)])
          members.push_back(graph.node(m));
        g = graph.group(members);
      }
      result = graph.depend_on(op.node, g, nullptr);
      if (result != Graph::Result::ok) failed_at = g;
    }

    if (result != Graph::Result::ok) {
      const Position where = failed_entry != nullptr ? failed_entry->pos
                             : op.step != nullptr    ? op.step->pos
                                                     : Position{op.doc->file, 0, 0};
      if (result == Graph::Result::self) {
        refuse(where, "after-self",
               fmt::format("`after` names this step itself (`{}`): yip cannot add the step to "
                           "its graph and crashes on {} (or, when no step follows, silently skips "
                           "it); nothing is applied",
                           op.name, source_label(source)),
               "remove the entry");
        continue;
      }
      // The cycle: from the dependency back to this step. Point at an
      // `after:` entry on it when this edge is not one.
      std::vector<Graph::Edge> cycle = graph.path(failed_at, op.node);
      const Located<std::string>* culprit = failed_entry;
      for (const Graph::Edge& e : cycle) {
        if (culprit == nullptr && e.after != nullptr) culprit = e.after;
      }
      const std::string target = graph.is_group(failed_at)
                                     ? std::string("the previous file's steps")
                                     : fmt::format("`{}`", graph.name(failed_at));
      std::string chain = target;
      for (const Graph::Edge& e : cycle) {
        if (!graph.is_group(e.to)) chain += fmt::format(" -> `{}`", graph.name(e.to));
      }
      refuse(culprit != nullptr ? culprit->pos : where, "after-cycle",
             fmt::format("`{}` cannot wait for {}, which already waits for it ({}): yip cannot "
                         "add the step to its graph and crashes on {}; nothing is applied",
                         op.name, target, chain, source_label(source)),
             "a step without `after` waits for the step before it, and every step for the "
             "previous file's: name only steps that run earlier");
      continue;
    }
    if (auto [it, inserted] = registered.try_emplace(op.node, k); !inserted) {
      const Op& replaced = ops[it->second];
      if (replaced.step != nullptr) {
        out.diagnostics.warning(
            replaced.step->pos, "step-name-clash",
            fmt::format("yip names this step `{}`, as it names the step at {}: it runs only the "
                        "later one, and so does bootassess",
                        op.name, op.step != nullptr ? op.step->pos.str() : op.doc->file),
            "give the files distinct top-level `name`s or the steps distinct names");
      }
      it->second = k;
    }
    if (!graph.has_dependents(op.node)) graph.depend_on(op.node, init, nullptr);
  }

  // herd dereferences the state of every node in the graph: one that no
  // operation was added for crashes yip before it runs anything.
  for (const Op& op : ops) {
    if (op.step == nullptr) continue;
    for (const Located<std::string>& entry : op.step->after) {
      if (all_names.count(entry.value) != 0) continue;
      const std::string guess = meant(ops, entry.value);
      refuse(entry.pos, "after-unknown",
             fmt::format("`after` names `{}`, which is no step of stage `{}` in {}: yip crashes "
                         "on this source; nothing is applied",
                         entry.value, stage, source_label(source)),
             guess.empty()
                 ? fmt::format("yip names a step `<top-level name or file path>.<step name>`; "
                               "this one is `{}`",
                               op.name)
                 : fmt::format("did you mean `{}`?", guess));
    }
  }
  if (!out.refused) {
    for (std::size_t n = 0; n < graph.size(); ++n) {
      const int id = static_cast<int>(n);
      if (!graph.in_graph(id) || graph.is_group(id) || id == init || registered.count(id) != 0)
        continue;
      // A name yip's renaming left without an operation.
      refuse(Position{source.argument, 0, 0}, "after-unknown",
             fmt::format("yip's graph for stage `{}` holds `{}`, which no step is added as: yip "
                         "crashes on {}; nothing is applied",
                         stage, graph.name(id), source_label(source)),
             "give the steps distinct names");
    }
  }
  if (out.refused) return out;

  const std::vector<int> layer = graph.layers();
  std::vector<std::pair<int, std::size_t>> order;
  for (const auto& [node, k] : registered) {
    if (ops[k].step != nullptr) order.emplace_back(layer[static_cast<std::size_t>(node)], k);
  }
  std::sort(order.begin(), order.end());
  warn_concurrent_writes(order, ops, out.diagnostics);
  out.steps.reserve(order.size());
  for (const auto& [l, k] : order)
    out.steps.push_back({ops[k].doc, ops[k].step, ops[k].index});
  return out;
}

}  // namespace bootassess
