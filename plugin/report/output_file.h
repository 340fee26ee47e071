// Writing a report where another program reads it at any moment (the
// node_exporter textfile collector, pam_motd): old or new content, never a
// torn file.
#pragma once

#include <string>
#include <string_view>

namespace bootassess {

// Writes `content` to the file `name` in the directory open as `dir_fd`: a
// temporary file in that directory (mode 0644), written, fsynced, renamed
// over `name`, then the directory fsynced. false with `error` set when any
// step fails; the temporary file is then removed and `name` left as it was.
bool write_file_atomically_at(int dir_fd, const std::string& name, std::string_view content,
                              std::string& error);

// The same for a path (relative to the working directory or absolute).
bool write_file_atomically(const std::string& path, std::string_view content, std::string& error);

// Opens the directory `dir` (an absolute path below the directory open as
// `root_fd`) without following any symlink on the way, creating its missing
// components with mode 0755 when `create`. -1 with `error` set when it fails.
int open_directory_below(int root_fd, std::string_view dir, bool create, std::string& error);

}  // namespace bootassess
