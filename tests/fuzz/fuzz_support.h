// What the fuzz targets in this directory share: a populated in-memory root
// to plan against, and the path-safety invariant every planned action must
// keep. A broken invariant prints what broke and aborts, which libFuzzer
// reports as a crash and saves the input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fs/action.h"
#include "support/memory_root.h"

namespace bootassess::fuzz {

[[noreturn]] inline void broken(const std::string& what) {
  std::fprintf(stderr, "invariant broken: %s\n", what.c_str());
  std::abort();
}

// Printable, so that a NUL or a newline in a path shows in the report.
inline std::string shown(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '\\') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

// A planned path must be absolute and canonical inside the root: "/" or
// "/" followed by components, none of them empty, ".", ".." or holding a
// NUL (a '/' cannot be inside a component once the path is split at '/').
// The kernel would cut a path at a NUL, so "..\0" would reach it as "..".
inline void check_planned_path(std::string_view path, std::string_view what) {
  if (path.empty() || path.front() != '/') {
    broken(std::string(what) + " is not absolute: \"" + shown(path) + "\"");
  }
  if (path == "/") return;
  std::size_t at = 1;
  while (true) {
    const std::size_t end = path.find('/', at);
    const std::string_view name =
        path.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    if (name.empty() || name == "." || name == ".." || name.find('\0') != std::string_view::npos) {
      broken(std::string(what) + " has a bad component \"" + shown(name) + "\" in \"" +
             shown(path) + "\"");
    }
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
}

inline void check_action(const Action& action) {
  check_planned_path(action.path, "planned path");
  if (action.kind == ActionKind::symlink) {
    if (action.target.empty() || action.target.find('\0') != std::string::npos) {
      broken("symlink target \"" + shown(action.target) + "\" of \"" + shown(action.path) +
             "\" is empty or holds a NUL");
    }
  }
  if (action.mode > 07777) broken("mode above 07777 for \"" + shown(action.path) + "\"");
}

// A small image: the directories units live in, a few units with [Install]
// (one a template, one with Also=), a mode sentinel, and symlinks that try to
// lead out of the root (absolute, relative with "..", a loop), so that a
// configuration's paths meet them.
inline testing::MemoryRoot image_root() {
  testing::MemoryRoot root;
  root.add_dir("/etc")
      .add_dir("/etc/systemd")
      .add_dir("/etc/systemd/system")
      .add_dir("/etc/systemd/system/multi-user.target.wants")
      .add_link("/etc/systemd/system/multi-user.target.wants/a.service",
                "/usr/lib/systemd/system/a.service")
      .add_dir("/usr")
      .add_dir("/usr/lib")
      .add_dir("/usr/lib/systemd")
      .add_dir("/usr/lib/systemd/system")
      .add_file("/usr/lib/systemd/system/a.service",
                "[Unit]\nDescription=a\n[Service]\nExecStart=/bin/true\n"
                "[Install]\nWantedBy=multi-user.target\nAlias=alias-a.service\nAlso=b.service\n")
      .add_file("/usr/lib/systemd/system/b.service", "[Install]\nRequiredBy=boot-complete.target\n")
      .add_file("/usr/lib/systemd/system/t@.service",
                "[Install]\nWantedBy=multi-user.target\nDefaultInstance=one\n")
      .add_file("/usr/lib/systemd/system/multi-user.target", "[Unit]\nDescription=m\n")
      .add_file("/usr/lib/systemd/system/boot-complete.target", "[Unit]\nDescription=b\n")
      .add_dir("/run")
      .add_dir("/run/cos")
      .add_file("/run/cos/active_mode", "1")
      .add_dir("/oem")
      .add_link("/oem/abs", "/etc")
      .add_link("/oem/up", "../../../..")
      .add_link("/oem/loop", "loop")
      .add_link("/oem/away", "/../../tmp")
      .add_dir("/var")
      .add_link("/var/run", "../run")
      .add_file("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:\n")
      .add_file("/etc/group", "root:x:0:\nuser:x:1000:\n");
  return root;
}

}  // namespace bootassess::fuzz
