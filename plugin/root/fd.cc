#include "root/fd.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace bootassess {

void Fd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

ReadResult read_to_end(int fd, std::string& out, std::size_t max_bytes) {
  const std::size_t start = out.size();
  char small[4096];
  for (;;) {
    // Straight into the room the caller reserved (a file's size), else
    // through a small buffer: no large stack buffer is touched, nothing copied.
    const std::size_t used = out.size();
    const std::size_t room = out.capacity() - used;
    const bool direct = room >= sizeof small;
    if (direct) out.resize(out.capacity());
    char* into = direct ? out.data() + used : small;
    const ssize_t n = ::read(fd, into, direct ? room : sizeof small);
    if (direct) out.resize(used + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ReadResult::error;
    }
    if (n == 0) return ReadResult::ok;
    if (used - start + static_cast<std::size_t>(n) > max_bytes) return ReadResult::too_large;
    if (!direct) out.append(small, static_cast<std::size_t>(n));
  }
}

}  // namespace bootassess
