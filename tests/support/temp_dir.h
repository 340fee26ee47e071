// A directory under $TMPDIR that is removed with everything in it at the end
// of the test, and small helpers to build and read trees on disk.
#pragma once

#include <string>

namespace bootassess::testing {

class TempDir {
 public:
  TempDir();
  explicit TempDir(const std::string& base);  // under `base` instead of $TMPDIR
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  void create(const std::string& base);
  std::string path_;
};

// Writes `content` to `file`, creating parent directories (0755).
void write_text(const std::string& file, const std::string& content, unsigned mode = 0644);
void make_dirs(const std::string& dir);
std::string read_text(const std::string& file);

// `s` as one /bin/sh word: single-quoted, with embedded quotes escaped.
std::string shell_quote(const std::string& s);

// Runs `command` with /bin/sh; returns its exit status and fills `output`
// with what it printed on stdout and stderr.
int run_command(const std::string& command, std::string* output = nullptr);

}  // namespace bootassess::testing
