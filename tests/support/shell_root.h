// A root directory with /bin/sh (dash), cat, ls and a few more tools, and the
// libraries they load as `ldd` lists them: enough for a shell condition
// confined to it.
#pragma once

#include <string>

#include "support/temp_dir.h"

namespace bootassess::testing {

class ChrootedRoot {
 public:
  ChrootedRoot();
  const std::string& path() const { return dir_.path(); }
  std::string operator/(const std::string& rel) const { return dir_ / rel; }
  // What could not be copied; empty when the root is complete.
  const std::string& problem() const { return problem_; }
  // Adds a program and the libraries it loads.
  void add_tool(const std::string& tool) { copy_with_libraries(tool); }

 private:
  void copy_file(const std::string& from);
  void copy_with_libraries(const std::string& tool);

  TempDir dir_;
  std::string problem_;
};

}  // namespace bootassess::testing
