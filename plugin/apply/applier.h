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
// - what already matches is left alone;
// - in a directory where a new entry is known to come out exactly as planned
//   (the process's own owner, no set-group-id bit or default ACL on the
//   directory, a mode the umask leaves whole), it is created with its mode
//   and nothing else; a directory this run created is known to hold only
//   what the run put there, so nothing in it is looked up or swept first.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fs/action.h"
#include "root/root_view.h"

namespace bootassess {

// A written file that could not be put in place, or a directory that could
// not be synced: the path, and a message naming it and the errno.
struct PutFailure {
  std::string path;
  std::string message;
};

// The names of the temporary files and directories the applier makes next to
// a target (".#NAME.<16 hex digits>"). A kill can leave one behind; the next
// run that changes something in that directory removes them.
bool is_temporary_name(std::string_view name);

class Applier {
 public:
  // `root_fd` is a descriptor of the root directory (O_PATH is enough); it
  // stays owned by the caller.
  explicit Applier(int root_fd);
  ~Applier();
  Applier(const Applier&) = delete;
  Applier& operator=(const Applier&) = delete;

  // Files written from now on are put in place by publish() or flush(), all
  // at once. An action on a path still waiting (or a removal) publishes
  // first, so actions keep their order.
  void defer_renames() { defer_ = true; }
  // The process umask stays `mask` while this applier works: an entry it
  // creates with a mode the umask leaves whole needs no chmod. Without this,
  // every new entry is given its mode explicitly.
  void assume_umask(mode_t mask) { umask_ = mask; }

  ActionResult apply(const Action& action);
  // Puts the files still waiting in place, their data durable first. False
  // when one could not be (it is then left as it was).
  bool publish();
  // publish(), then makes the changed directory entries durable. Returns
  // false when a file could not be put in place, or a directory that still
  // exists could not be synced.
  bool flush();
  // Whether the file written to `path` waits for publish().
  bool waiting(const std::string& path) const { return pending_paths_.count(path) != 0; }
  // The files that could not be put in place and the directories that could
  // not be synced since the last call, in order.
  std::vector<PutFailure> take_failures() { return std::exchange(failures_, {}); }
  // Removes the temporaries of the files still waiting, which are then never
  // put in place (the run is being stopped).
  void abandon();
  // Something besides the applier (a shell condition) may have changed the
  // root since publish(): the directories this run made may hold entries it
  // did not make, their owner or mode may have changed, and any directory
  // may have been removed, moved or replaced.
  void outside_change();

 private:
  // What the applier knows of a directory it has open.
  struct Dir {
    int fd = -1;
    bool inspected = false;  // dev and plain are set
    dev_t dev = 0;
    // A new entry gets the process's owner and exactly the mode it is
    // created with, less the umask.
    bool plain = false;
    // Made by this run: it holds only `made` (and temporaries of this run).
    bool created = false;
    std::set<std::string> made;
  };
  // What is known of a directory this run created, before it is opened.
  struct Created {
    dev_t dev = 0;
    bool plain = false;
  };
  // The directory `dir` (canonical), opened one component at a time from the
  // nearest directory already open, never following a symlink. Owned by the
  // cache; null with `err` set on failure.
  Dir* directory(const std::string& dir, int& err);
  void forget_directories();
  // Publishes what waits, then forgets every directory: the cache is full.
  void close_directories();
  // Closes `top` and the directories below it (it was removed).
  void forget_directories(const std::string& top);
  // Fills in d.dev and d.plain; false when the directory cannot be looked at.
  bool inspect(Dir& d);
  // Whether an entry created in `d` with `mode` comes out as `a` asks,
  // without chown or chmod.
  bool creates_exactly(Dir& d, const Action& a);
  ActionResult make_directory(Dir& d, const std::string& parent, const std::string& name,
                              const Action& a);
  // Removes the temporaries a killed run left in `dir` (only names of the
  // form above). True when something was removed.
  bool remove_temporaries(int dir);
  // Notes that the entries of `path` (open as `dir`) changed.
  void mark_dirty(const std::string& path, Dir& dir);

  int root_fd_;
  std::optional<mode_t> umask_;
  uid_t euid_;
  gid_t egid_;
  std::size_t max_open_ = 64;  // set from RLIMIT_NOFILE when the first directory is opened
  bool limit_read_ = false;
  bool publishing_ = false;
  bool retrying_ = false;        // directory() is trying again after running out of descriptors
  bool publish_failed_ = false;  // a publish() the applier made itself failed
  std::map<std::string, Dir> open_dirs_;    // canonical path -> directory
  std::map<std::string, Created> created_;  // directories this run created
  std::set<std::string> dirty_;             // directories whose entries changed
  std::set<std::string> swept_;             // directories cleared of temporaries

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
  std::vector<PutFailure> failures_;
};

}  // namespace bootassess
