// Performs planned actions on the real root, confined and atomic:
// - every path is walked from the root descriptor one component at a time,
//   refusing symlinks, so nothing outside the root is ever touched even if the
//   tree changes under us;
// - a file or symlink is replaced by writing a temporary in the same
//   directory, fsyncing it and renaming it over the old one: a reader (or a
//   boot after a crash) sees the old or the new content, never a torn one;
// - the directories whose entries changed are fsynced once, by flush(), so
//   that a thousand links cost one fsync per directory rather than one each;
// - what already matches is left alone.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "plan/action.h"

namespace bootassess {

struct ApplyResult {
  bool ok = true;
  bool changed = false;  // false: the root already held exactly this
  std::string error;     // why it failed, when !ok
};

// The names of the temporary files and directories the applier makes next to
// a target (".#NAME.<16 hex digits>"). A kill can leave one behind; the next
// run that changes something in that directory removes them.
bool is_temporary_name(std::string_view name);

class Applier {
 public:
  // `root_fd` is a descriptor of the root directory (O_PATH is enough); it
  // stays owned by the caller.
  explicit Applier(int root_fd) : root_fd_(root_fd) {}
  ~Applier();
  Applier(const Applier&) = delete;
  Applier& operator=(const Applier&) = delete;

  ApplyResult apply(const Action& action);
  // Makes the changed directory entries durable. Returns false when a
  // directory that still exists could not be synced.
  bool flush();

 private:
  // A descriptor of the directory `dir` (canonical), opened one component at
  // a time from the nearest directory already open, never following a
  // symlink. Owned by the cache; -1 with `err` set on failure.
  int directory(const std::string& dir, int& err);
  void forget_directories();
  // Removes the temporaries a killed run left in `dir` (only names of the
  // form above). True when something was removed.
  bool remove_temporaries(int dir);

  int root_fd_;
  std::map<std::string, int> open_dirs_;  // canonical path -> descriptor
  std::set<std::string> dirty_;           // directories whose entries changed
  std::set<std::string> swept_;           // directories cleared of temporaries
};

}  // namespace bootassess
