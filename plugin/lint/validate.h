// `validate`: everything the loader reports, plus the lint rules, checked
// against plans of every boot mode made from an empty root (a configuration
// must make sense before any particular image exists).
#pragma once

#include <vector>

#include "diag/diagnostic.h"
#include "load/model.h"

namespace bootassess {

// The diagnostics of `sources` (whose loader diagnostics are `loaded`), each
// once, sorted by position. `no_shell`: a condition that needs a shell is an
// error (--no-shell).
std::vector<Diagnostic> validate_sources(const std::vector<Source>& sources,
                                         const Diagnostics& loaded, bool no_shell = false);

}  // namespace bootassess
