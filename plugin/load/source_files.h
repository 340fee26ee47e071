// Which files a SOURCE argument names, and reading them safely: only regular
// files (a FIFO, a device or a directory behind a *.yaml name is refused
// rather than blocking or exhausting memory), and at most kMaxSourceBytes.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace bootassess {

inline constexpr std::size_t kMaxSourceBytes = std::size_t{16} << 20;
// What all the sources of one run may hold together: two sources of the
// largest size. Memory grows with the input, and a booting node's initramfs
// has little of it; real configurations are a few KiB.
inline constexpr std::size_t kMaxTotalInputBytes = std::size_t{32} << 20;

struct SourceFiles {
  std::vector<std::string> files;   // in yip's order
  std::vector<std::string> errors;  // what could not be listed
};

// A file argument is itself; a directory is walked as yip walks it:
// depth-first, entries in byte-wise order, symlinked directories not entered,
// every non-directory named *.yaml or *.yml taken.
SourceFiles list_source_files(const std::string& argument);

// The content of a regular file (a symlink is followed). false with `error`
// set for anything else, or when it is larger than kMaxSourceBytes (then
// `*too_large` is set too, when given).
bool read_source_file(const std::string& file, std::string& text, std::string& error,
                      bool* too_large = nullptr);

// All of standard input, at most kMaxSourceBytes.
bool read_standard_input(std::string& text, std::string& error, bool* too_large = nullptr);

}  // namespace bootassess
