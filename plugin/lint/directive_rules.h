// Checks of the unit-file text a configuration writes: directives in the
// wrong section, misspelled directives, invalid FailureAction= values.
#pragma once

#include <vector>

#include "diag/diagnostic.h"
#include "lint/written_units.h"

namespace bootassess::lint {

void check_directives(const std::vector<Directive>& directives, const std::string& unit,
                      Diagnostics& out);

// FailureAction=/SuccessAction= values that restart the machine.
bool is_rebooting_action(std::string_view value);

}  // namespace bootassess::lint
