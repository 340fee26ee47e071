#include "root/fd.h"

#include <unistd.h>

#include <cerrno>

namespace bootassess {

void Fd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

ReadResult read_to_end(int fd, std::string& out, std::size_t max_bytes) {
  char buf[65536];
  std::size_t total = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ReadResult::error;
    }
    if (n == 0) return ReadResult::ok;
    total += static_cast<std::size_t>(n);
    if (total > max_bytes) return ReadResult::too_large;
    out.append(buf, static_cast<std::size_t>(n));
  }
}

}  // namespace bootassess
