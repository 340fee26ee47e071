#include "report/output_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "diag/diagnostic.h"
#include "root/fd.h"

namespace bootassess {
namespace {

std::string errno_text() {
  return std::strerror(errno);
}

bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

bool write_file_atomically_at(int dir_fd, const std::string& name, std::string_view content,
                              std::string& error) {
  std::random_device random;
  std::string temp;
  Fd fd;
  for (int attempt = 0; attempt < 16 && !fd.ok(); ++attempt) {
    temp = fmt::format(".{}.{:08x}.tmp", name, random());
    fd = Fd(
        ::openat(dir_fd, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644));
    if (!fd.ok() && errno != EEXIST) break;
  }
  if (!fd.ok()) {
    error =
        fmt::format("cannot create a temporary file beside {}: {}", printable(name), errno_text());
    return false;
  }
  // The mode is the file's, whatever the umask.
  const bool written =
      ::fchmod(fd.get(), 0644) == 0 && write_all(fd.get(), content) && ::fsync(fd.get()) == 0;
  const std::string why = errno_text();
  fd.reset();
  if (!written) {
    ::unlinkat(dir_fd, temp.c_str(), 0);
    error = fmt::format("cannot write {}: {}", printable(name), why);
    return false;
  }
  if (::renameat(dir_fd, temp.c_str(), dir_fd, name.c_str()) != 0) {
    error = fmt::format("cannot rename a temporary file to {}: {}", printable(name), errno_text());
    ::unlinkat(dir_fd, temp.c_str(), 0);
    return false;
  }
  if (::fsync(dir_fd) != 0) {
    error = fmt::format("cannot flush the directory of {}: {}", printable(name), errno_text());
    return false;
  }
  return true;
}

bool write_file_atomically(const std::string& path, std::string_view content, std::string& error) {
  const std::size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.empty() || name == "." || name == "..") {
    error = fmt::format("{}: not a file name", printable(path));
    return false;
  }
  Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd.ok()) {
    error = fmt::format("{}: cannot open its directory: {}", printable(path), errno_text());
    return false;
  }
  if (!write_file_atomically_at(dir_fd.get(), name, content, error)) {
    error = fmt::format("{}: {}", printable(path), error);
    return false;
  }
  return true;
}

int open_directory_below(int root_fd, std::string_view dir, bool create, std::string& error) {
  Fd current(::fcntl(root_fd, F_DUPFD_CLOEXEC, 0));
  while (!dir.empty()) {
    while (!dir.empty() && dir.front() == '/')
      dir.remove_prefix(1);
    const std::string name(dir.substr(0, dir.find('/')));
    dir.remove_prefix(name.size());
    if (name.empty()) break;
    if (name == "." || name == "..") {
      error = fmt::format("{}: not a plain path", printable(name));
      return -1;
    }
    Fd next(::openat(current.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next.ok() && errno == ENOENT && create) {
      if (::mkdirat(current.get(), name.c_str(), 0755) != 0 && errno != EEXIST) {
        error = fmt::format("cannot create {}: {}", printable(name), errno_text());
        return -1;
      }
      next = Fd(
          ::openat(current.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    }
    if (!next.ok()) {
      error = errno == ELOOP || errno == ENOTDIR
                  ? fmt::format("{} is not a directory (symbolic links are not followed)",
                                printable(name))
                  : fmt::format("cannot open {}: {}", printable(name), errno_text());
      return -1;
    }
    current = std::move(next);
  }
  // A descriptor of the caller's own; `current` closes this one.
  return ::fcntl(current.get(), F_DUPFD_CLOEXEC, 0);
}

}  // namespace bootassess
