// The name of an input file, as every position carries it. A configuration
// has few files and hundreds of thousands of positions, so each distinct name
// is stored once for the whole process and a FileName is one pointer to it:
// copying one allocates nothing, and two are equal exactly when they point at
// the same stored name.
#pragma once

#include <compare>
#include <iosfwd>
#include <string>
#include <string_view>

namespace bootassess {

class FileName {
 public:
  FileName() = default;  // no file: ""
  // Implicit, so that a position reads {"a.yaml", 3, 7}.
  FileName(std::string_view name);                                         // NOLINT
  FileName(const std::string& name) : FileName(std::string_view(name)) {}  // NOLINT
  FileName(const char* name) : FileName(std::string_view(name)) {}         // NOLINT

  const std::string& str() const;
  bool empty() const { return name_ == nullptr; }

  bool operator==(const FileName&) const = default;
  // By the names' text.
  std::strong_ordering operator<=>(const FileName& other) const { return str() <=> other.str(); }

 private:
  const std::string* name_ = nullptr;  // stored for the whole process; nullptr for ""
};

std::ostream& operator<<(std::ostream& out, const FileName& name);

}  // namespace bootassess
