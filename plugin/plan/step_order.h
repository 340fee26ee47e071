// The order in which yip runs the steps of one stage of one SOURCE, `after:`
// included, reproduced from how yip v1.23 builds its graph (pkg/executor,
// with github.com/spectrocloud-labs/herd v0.4.2 over kendru/darwin's
// depgraph):
//
// - A step is an operation named `<root>.<name>`. `<root>` is the document's
//   top-level `name:` when set (never for a #cloud-config file), otherwise the
//   file as yip names it (Document::yip_file). `<name>` is the step's `name:`;
//   when two steps of the stage share a name (two unnamed ones do), every step
//   is `<name>.<index>` instead; an empty name is the step's 0-based index.
//   Names still equal across the source get `.1` (yip's counter is per new
//   name, so a third copy gets `.1` too and replaces the second).
// - A step without `after:` waits for the step before it in its file; every
//   step waits for each step of the previous file that has no `after:`. A file
//   with no step in the stage breaks that chain: the next file's steps wait
//   for nothing. `after:` names replace the wait for the previous step.
// - yip runs the operations in layers (the longest chain of waits before
//   each); operations of one layer run concurrently. bootassess runs a layer
//   in file order.
// - An `after:` that names no operation of this stage and source, names its
//   own step, or closes a cycle makes yip crash on the source (a nil pointer in
//   herd): such a configuration is refused here, with the entry's position.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "diag/diagnostic.h"
#include "load/model.h"

namespace bootassess {

struct OrderedStep {
  const Document* document = nullptr;
  const Step* step = nullptr;
  std::size_t index = 0;  // in the document's list for the stage
};

struct StepOrder {
  std::vector<OrderedStep> steps;  // as yip runs them
  Diagnostics diagnostics;
  // yip would crash on this source (or drop a step for a broken `after:`):
  // nothing of the run may be applied.
  bool refused = false;
};

// The yip operation name prefix of `doc`'s steps (without the dot).
std::string yip_root_name(const Document& doc);

StepOrder yip_step_order(const Source& source, const std::string& stage);

}  // namespace bootassess
