// A file descriptor that closes itself, and reading one to the end: what
// every module that touches files needs, in one place.
#pragma once

#include <cstddef>
#include <string>
#include <utility>

namespace bootassess {

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }
  bool ok() const { return fd_ >= 0; }
  void reset();

 private:
  int fd_ = -1;
};

enum class ReadResult { ok, error, too_large };

// Appends what `fd` holds, up to its end, to `out`; stops with too_large once
// more than `max_bytes` would be read (errno is kept on error).
ReadResult read_to_end(int fd, std::string& out, std::size_t max_bytes);

}  // namespace bootassess
