// Trees on disk described as text, one entry per line, sorted:
//   d /etc 0755 0:0
//   f /etc/a.conf 0644 0:0 = first line\nsecond line\n
//   l /etc/link -> /usr/lib/target
// (content escapes: \n for a newline, \\ for a backslash, \xNN for another
// control character). Fixtures use it
// for the starting root and the exact expected result.
#pragma once

#include <string>

namespace bootassess::testing {

// The tree below `root`, in the format above.
std::string snapshot(const std::string& root);

// Creates the entries of `manifest` below `root`. Returns an error message,
// empty on success.
std::string build_tree(const std::string& root, const std::string& manifest);

}  // namespace bootassess::testing
