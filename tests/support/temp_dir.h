// A directory under $TMPDIR that is removed with everything in it at the end
// of the test, and small helpers to build and read trees on disk.
#pragma once

#include <string>

namespace bootassess::testing {

// A build with AddressSanitizer (tests/sanitize.sh): its binaries load shared
// libraries and reserve terabytes of address space, so a test that runs the
// binary under a descriptor or address-space limit measures the sanitizer,
// not bootassess. Such tests run in the normal build only.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif
#else
inline constexpr bool kAddressSanitizer = false;
#endif

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
