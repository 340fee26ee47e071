// `validate`: everything the loader reports, plus the lint rules, checked
// against plans of every boot mode made from an empty root (a configuration
// must make sense before any particular image exists); with an image's root
// (`validate --root`), also what that image lacks: a unit the configuration
// gates or enables that is in none of its unit directories.
#pragma once

#include <vector>

#include "diag/diagnostic.h"
#include "load/model.h"
#include "root/root_view.h"

namespace bootassess {

// The diagnostics of `sources` (whose loader diagnostics are `loaded`), each
// once, sorted by position. `no_shell`: a condition that needs a shell is an
// error (--no-shell). `image`: the root the configuration will be applied to
// (--root), planned in every mode as well, for the findings that depend on
// what it holds (kImageRules); nullptr: none.
std::vector<Diagnostic> validate_sources(const std::vector<Source>& sources,
                                         const Diagnostics& loaded, bool no_shell = false,
                                         const RootView* image = nullptr);

}  // namespace bootassess
