#include "support/shell_root.h"

#include <sys/stat.h>

#include <filesystem>
#include <sstream>

namespace bootassess::testing {

namespace fs = std::filesystem;

ChrootedRoot::ChrootedRoot() {
  for (const char* tool : {"/bin/dash", "/bin/cat", "/bin/ls", "/bin/ln", "/bin/chmod",
                           "/bin/chown", "/bin/rm", "/bin/mv"})
    copy_with_libraries(tool);
  fs::copy_file(dir_ / "bin/dash", dir_ / "bin/sh");
}

void ChrootedRoot::copy_file(const std::string& from) {
  const std::string to = dir_ / from.substr(1);
  if (fs::exists(to)) return;
  std::error_code ec;
  fs::create_directories(fs::path(to).parent_path(), ec);
  if (!fs::copy_file(from, to, ec)) problem_ += "cannot copy " + from + ": " + ec.message() + "\n";
  ::chmod(to.c_str(), 0755);
}

void ChrootedRoot::copy_with_libraries(const std::string& tool) {
  if (!fs::exists(tool)) {
    problem_ += tool + " is missing\n";
    return;
  }
  copy_file(tool);
  std::string listing;
  run_command("ldd " + tool, &listing);
  std::istringstream lines(listing);
  std::string word;
  while (lines >> word) {
    if (word.starts_with('/') && fs::exists(word)) copy_file(word);
  }
}

}  // namespace bootassess::testing
