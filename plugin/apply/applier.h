// Performs planned actions on the real root, confined and atomic:
// - every path is walked from the root descriptor one component at a time,
//   refusing symlinks, so nothing outside the root is ever touched even if the
//   tree changes under us;
// - a file or symlink is replaced by writing a temporary in the same
//   directory, fsyncing it and renaming it over the old one: a reader (or a
//   boot after a crash) sees the old or the new content, never a torn one;
// - the directories whose entries changed are fsynced once, by flush(), so
//   that a thousand links cost one fsync per directory rather than one each
//   (with defer_renames(), one syncfs per file system in all);
// - with defer_renames(), a run's files cost one flush in all: each new file
//   is written to its temporary and left there; publish() (or flush()) syncs
//   each file system holding one (syncfs) and only then renames them all
//   into place, so that no rename is durable before the data it names;
// - what already matches is left alone.
#pragma once

#include <sys/types.h>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

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

  // Files written from now on are put in place by publish() or flush(), all
  // at once. An action on a path still waiting (or a removal) publishes
  // first, so actions keep their order.
  void defer_renames() { defer_ = true; }

  ApplyResult apply(const Action& action);
  // Puts the files still waiting in place, their data durable first. False
  // when one could not be (it is then left as it was).
  bool publish();
  // publish(), then makes the changed directory entries durable. Returns
  // false when a file could not be put in place, or a directory that still
  // exists could not be synced.
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
  // Notes that the entries of `path` (open as `dir`) changed.
  void mark_dirty(const std::string& path, int dir);

  int root_fd_;
  std::map<std::string, int> open_dirs_;  // canonical path -> descriptor
  std::set<std::string> dirty_;           // directories whose entries changed
  std::set<std::string> swept_;           // directories cleared of temporaries

  struct Pending {
    std::string dir;   // canonical directory
    std::string tmp;   // the temporary written there
    std::string name;  // what it becomes
  };
  bool defer_ = false;
  std::vector<Pending> pending_;
  std::set<std::string> pending_paths_;
  std::map<dev_t, std::string> filesystems_;  // one directory per file system with a temporary
  bool sync_failed_ = false;                  // a file system could not be told apart
  std::map<dev_t, std::string> dirty_filesystems_;  // one changed directory per file system
  bool dirty_unknown_ = false;  // a changed directory's file system is not known
};

}  // namespace bootassess
