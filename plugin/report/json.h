// The little JSON that `plan` and `validate` print: quoted strings with
// escapes. Bytes that are not valid UTF-8 are escaped as \u00XX.
#pragma once

#include <string>
#include <string_view>

#include "diag/diagnostic.h"

namespace bootassess::json {

std::string quote(std::string_view text);

// A line or column number: N, or null when unknown (0).
std::string position_number(int n);

// {"file": ..., "line": N, "column": N, "severity": ..., "rule": ..., "message": ...}
// plus "fix" when there is one; line and column are null when unknown.
std::string diagnostic(const Diagnostic& d);

}  // namespace bootassess::json
