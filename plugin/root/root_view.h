// A read-only view of the root directory that bootassess works on.
//
// Every path handed to a RootView is absolute, lexically clean ("/a/b") and
// canonical: none of its directory components is a symlink. `resolve()` in
// root/resolve.h turns any user path into such a path while keeping it inside
// the root, so a view never has to think about escaping it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bootassess {

enum class FileType { regular, directory, symlink, other };

struct FileInfo {
  FileType type = FileType::other;
  std::uint32_t mode = 0;  // permission bits (07777)
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::uint64_t size = 0;
};

class RootView {
 public:
  virtual ~RootView() = default;

  // Information about `path` itself (a symlink is not followed); nullopt when
  // it does not exist or cannot be looked at.
  virtual std::optional<FileInfo> lstat(const std::string& path) const = 0;
  // The target of the symlink at `path`.
  virtual std::optional<std::string> read_link(const std::string& path) const = 0;
  // The content of the regular file at `path`; nullopt for one over 64 MiB.
  virtual std::optional<std::string> read_file(const std::string& path) const = 0;
  // The names in the directory at `path`, sorted byte-wise.
  virtual std::optional<std::vector<std::string>> list_dir(const std::string& path) const = 0;
  // Whether the calling user may access `path` (R_OK, W_OK, X_OK) as the
  // shell's `test -r/-w/-x` decides it: effective ids, root reads and writes
  // anything and executes what has an execute bit.
  virtual bool access(const std::string& path, int mode) const = 0;

  // Something outside the view's own knowledge changed `path` (created,
  // replaced or removed it, and what was below it): a view that remembers
  // lookups looks again. "/" stands for anything. (Const: remembering is not
  // part of what a view shows.)
  virtual void changed(const std::string& path) const { (void)path; }
};

// Why a read of a view that had cleared errno gave nothing: a want of
// descriptors or memory when errno says so, which a message must not call
// anything else; otherwise EIO (the file changed or could not be read).
int unread_errno();

// The answer `test -r/-w/-x` gives for a file that is not on disk yet.
bool access_by_mode(const FileInfo& info, int mode);

}  // namespace bootassess
