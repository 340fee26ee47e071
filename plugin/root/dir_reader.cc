#include "root/dir_reader.h"

#include <dirent.h>
#include <sys/types.h>

#include <cerrno>

namespace bootassess {

std::optional<std::string_view> DirReader::next() {
  for (;;) {
    if (pos_ >= end_) {
      if (done_) return std::nullopt;
      const ssize_t n = ::getdents64(fd_, buf_, sizeof buf_);
      if (n <= 0) {
        // A directory removed while it is read ends like an empty one, as
        // readdir(3) has it.
        if (n < 0 && errno != ENOENT) error_ = errno;
        done_ = true;
        return std::nullopt;
      }
      pos_ = 0;
      end_ = static_cast<std::size_t>(n);
    }
    // d_reclen steps from entry to entry; d_name is NUL-terminated within it.
    const auto* entry = reinterpret_cast<const struct dirent64*>(buf_ + pos_);
    pos_ += entry->d_reclen;
    const std::string_view name(entry->d_name);
    if (name == "." || name == "..") continue;
    return name;
  }
}

}  // namespace bootassess
