// Sources -> typed model. Reads files, directories and standard input the way
// yip does, and decodes each document into the model with positions, reporting
// every problem as a diagnostic. A document that yip could not decode (bad
// syntax, a wrong type, a duplicate key) fails its whole source, as in yip;
// everything else (unknown keys, traps) is a warning and the item is kept.
#pragma once

#include <optional>
#include <string>

#include "diag/diagnostic.h"
#include "load/model.h"
#include "load/source_files.h"

namespace bootassess {

// Decodes one document. nullopt when it cannot be used. `text` is freed as
// soon as it is parsed.
std::optional<Document> load_document(const std::string& file, std::string text,
                                      Diagnostics& diagnostics);

// What the sources of one run may still read, in bytes.
struct InputBudget {
  std::size_t left = kMaxTotalInputBytes;
};

// Loads a SOURCE argument: a file, a directory (walked recursively in
// byte-wise name order, `*.yaml`/`*.yml` only) or "-" for standard input.
// Its files count against `budget`: a source that does not fit is skipped
// whole, with an error.
Source load_source(const std::string& argument, Diagnostics& diagnostics, InputBudget& budget);
// The same with a budget of its own.
Source load_source(const std::string& argument, Diagnostics& diagnostics);

}  // namespace bootassess
