// Native conditions against dash. Each input is an `if:` text; when the
// native evaluator takes it, its status must be exactly the status
// `/bin/sh -c TEXT` gives. Both look at the same scratch root, made once: the
// native evaluator through a view of it, dash chrooted into it (the root holds
// a copy of dash and the two libraries it loads), so absolute paths, `..` and
// symlinks mean the same thing to both. One fork per native input.
//
// Needs root for chroot; without it every input is only parsed and evaluated
// natively (a note says so once).
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "conditions/native_condition.h"
#include "fuzz/fuzz_support.h"
#include "root/disk_root.h"

namespace {

using namespace bootassess;
namespace fs = std::filesystem;

// Conditions are short; dash and the native reader both handle long words,
// but a fork per input must stay cheap.
constexpr std::size_t kMaxInput = 512;

void put(const std::string& path, const std::string& content, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || ::write(fd, content.data(), content.size()) != static_cast<ssize_t>(content.size()))
    fuzz::broken("cannot write " + path);
  ::close(fd);
  ::chmod(path.c_str(), mode);
}

// Files of every kind the native subset tells apart: empty and not, every
// permission pattern, directories that cannot be searched, symlinks that
// dangle, loop, climb and point at directories, names that look like test
// operators.
std::string make_scratch_root() {
  char templ[] = "/tmp/bootassess-condition-fuzz-XXXXXX";
  if (::mkdtemp(templ) == nullptr) fuzz::broken("mkdtemp failed");
  const std::string top = std::string(templ) + "/root";
  fs::create_directories(top + "/bin");
  fs::create_directories(top + "/lib/x86_64-linux-gnu");
  fs::create_directories(top + "/lib64");
  fs::copy_file("/bin/dash", top + "/bin/sh");
  fs::copy_file("/lib/x86_64-linux-gnu/libc.so.6", top + "/lib/x86_64-linux-gnu/libc.so.6");
  fs::copy_file("/lib64/ld-linux-x86-64.so.2", top + "/lib64/ld-linux-x86-64.so.2");
  ::chmod((top + "/bin/sh").c_str(), 0755);
  put(top + "/a", "data\n", 0644);
  put(top + "/e", "", 0600);
  put(top + "/-f", "x", 0000);
  put(top + "/x", "#!/bin/sh\n", 0755);
  put(top + "/w", "x", 0222);
  put(top + "/=", "", 0111);
  fs::create_directories(top + "/c d");
  put(top + "/c d/x.y", "x", 0111);
  fs::create_directories(top + "/sub");
  put(top + "/sub/b", "b", 0444);
  fs::create_directories(top + "/d0");
  put(top + "/d0/in", "in", 0644);
  ::chmod((top + "/d0").c_str(), 0000);
  ::chmod((top + "/sub").c_str(), 0700);
  ::symlink("a", (top + "/!").c_str());
  ::symlink("nowhere", (top + "/dangling").c_str());
  ::symlink("loop", (top + "/loop").c_str());
  ::symlink("..", (top + "/up").c_str());
  ::symlink("/sub", (top + "/abs").c_str());
  ::symlink("sub/", (top + "/dirlink").c_str());
  ::symlink("../../../a", (top + "/sub/climb").c_str());
  return top;
}

struct Scratch {
  std::string top;
  std::unique_ptr<DiskRoot> view;
  int null_fd = -1;
  bool can_chroot = false;
};

Scratch& scratch() {
  static Scratch s = [] {
    Scratch made;
    made.top = make_scratch_root();
    std::string error;
    made.view = DiskRoot::open(made.top, error);
    if (!made.view) fuzz::broken("cannot open the scratch root: " + error);
    made.null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    made.can_chroot = ::geteuid() == 0;
    // Removed at exit (not after a crash, which leaves it to look at).
    static const std::string* const parent =
        new std::string(fs::path(made.top).parent_path().string());
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(*parent, ec);
    });
    if (!made.can_chroot)
      std::fprintf(stderr, "condition_fuzzer: not root, so dash is not run (no chroot)\n");
    return made;
  }();
  return s;
}

// The status of `/bin/sh -c text` chrooted into the scratch root.
int dash_status(const Scratch& s, const std::string& text) {
  const pid_t pid = ::fork();
  if (pid < 0) fuzz::broken("fork failed");
  if (pid == 0) {
    ::dup2(s.null_fd, 0);
    ::dup2(s.null_fd, 1);
    ::dup2(s.null_fd, 2);
    if (::chroot(s.top.c_str()) != 0 || ::chdir("/") != 0) ::_exit(126);
    ::execl("/bin/sh", "sh", "-c", text.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return -1;
  Scratch& s = scratch();
  const std::string text(reinterpret_cast<const char*>(data), size);
  const conditions::ParsedCondition parsed = conditions::parse_native_condition(text);
  if (!parsed.condition) return 0;
  const int native = conditions::run_native_condition(*parsed.condition, *s.view, "/");
  if (!s.can_chroot) return 0;
  // exec cuts the text at a NUL, as it would for yip's shell: a native
  // reading of a text holding one must agree with the shell's reading too.
  const int shell = dash_status(s, text);
  if (native != shell) {
    fuzz::broken("condition \"" + fuzz::shown(text) + "\": native status " +
                 std::to_string(native) + ", dash " + std::to_string(shell));
  }
  return 0;
}
