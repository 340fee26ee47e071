// The names in a directory, read with getdents64(2) into a buffer the reader
// holds (on the caller's stack): no DIR stream, whose fdopendir() costs an
// fstat and two fcntl calls and whose buffer is a 32 KiB heap allocation.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace bootassess {

class DirReader {
 public:
  // `fd`: a directory opened for reading (O_RDONLY | O_DIRECTORY), which the
  // reader reads from its current position and does not close.
  explicit DirReader(int fd) : fd_(fd) {}
  DirReader(const DirReader&) = delete;
  DirReader& operator=(const DirReader&) = delete;

  // The next name, "." and ".." left out, in the order the file system gives
  // them; valid until the next call. nullopt at the end or when a read failed
  // (then error() is the errno, and later calls keep returning nullopt).
  std::optional<std::string_view> next();
  int error() const { return error_; }

 private:
  int fd_;
  int error_ = 0;
  bool done_ = false;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  // Large enough for about two hundred entries a call; small enough for the stack.
  alignas(8) char buf_[8192];
};

}  // namespace bootassess
