// Lexical path helpers. Nothing here touches the disk.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bootassess::path {

// The non-empty components of `p`, "." and ".." included as they are.
std::vector<std::string> components(std::string_view p);

// Lexical clean as Go's filepath.Clean does it: collapse "//", drop ".",
// resolve ".." against the previous name, never above "/".
std::string clean(std::string_view p);

// "/a/b" + "c" -> "/a/b/c"; "/" + "c" -> "/c".
std::string join(std::string_view dir, std::string_view name);

// The directory part of a clean absolute path ("/a/b" -> "/a", "/a" -> "/").
std::string dirname(std::string_view p);

// The last component of a clean path ("/a/b" -> "b", "/" -> "/").
std::string basename(std::string_view p);

// "/a/b" is below (or equal to) "/a"; "/ab" is not below "/a".
bool is_within(std::string_view p, std::string_view dir);

}  // namespace bootassess::path
