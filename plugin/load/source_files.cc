#include "load/source_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "root/fd.h"

namespace bootassess {
namespace {

bool has_yaml_extension(std::string_view name) {
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return false;
  const std::string_view ext = name.substr(dot);
  return ext == ".yaml" || ext == ".yml";
}

void walk(const std::string& dir, SourceFiles& out) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    out.errors.push_back(fmt::format("cannot read directory {}: {}", dir, std::strerror(errno)));
    return;
  }
  std::vector<std::string> names;
  while (struct dirent* entry = ::readdir(d)) {
    std::string_view name(entry->d_name);
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    const std::string full = dir.back() == '/' ? dir + name : dir + "/" + name;
    struct stat st {};
    if (::lstat(full.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      walk(full, out);
    } else if (has_yaml_extension(name)) {
      out.files.push_back(full);
    }
  }
}

// Reads what `fd` holds, up to the limit.
bool read_limited(int fd, const std::string& what, std::string& text, std::string& error,
                  bool* too_large) {
  text.clear();
  switch (read_to_end(fd, text, kMaxSourceBytes)) {
    case ReadResult::ok:
      return true;
    case ReadResult::too_large:
      error = fmt::format("{} is larger than {} MiB", what, kMaxSourceBytes >> 20);
      if (too_large != nullptr) *too_large = true;
      return false;
    case ReadResult::error:
      break;
  }
  error = fmt::format("cannot read {}: {}", what, std::strerror(errno));
  return false;
}

}  // namespace

SourceFiles list_source_files(const std::string& argument) {
  SourceFiles out;
  struct stat st {};
  if (::stat(argument.c_str(), &st) != 0) {
    out.errors.push_back(fmt::format("cannot read source {}: {}", argument, std::strerror(errno)));
  } else if (S_ISDIR(st.st_mode)) {
    walk(argument, out);
  } else {
    out.files.push_back(argument);
  }
  return out;
}

bool read_source_file(const std::string& file, std::string& text, std::string& error,
                      bool* too_large) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer.
  const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    error = fmt::format("cannot read {}: {}", file, std::strerror(errno));
    return false;
  }
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0;
  if (!ok) {
    error = fmt::format("cannot read {}: {}", file, std::strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    error = fmt::format("{} is not a regular file", file);
    ok = false;
  } else {
    // One allocation of the right size: a growing string holds up to twice
    // the text while it is the largest thing in memory.
    text.clear();
    text.reserve(static_cast<std::size_t>(std::min<off_t>(st.st_size, kMaxSourceBytes)));
    ok = read_limited(fd, file, text, error, too_large);
  }
  ::close(fd);
  return ok;
}

bool read_standard_input(std::string& text, std::string& error, bool* too_large) {
  return read_limited(STDIN_FILENO, "standard input", text, error, too_large);
}

}  // namespace bootassess
