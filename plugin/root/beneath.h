// Opening a directory of the root as though the root were "/", whatever the
// tree does meanwhile: ".." stops at the root, an absolute symlink starts
// again at it, and nothing outside it is ever reached, even when a directory
// on the way is swapped for a symlink between a lookup and the open that
// follows it (a chroot's view, without the chroot).
//
// The kernel does it in one call where it can: openat2(2) with
// RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS (Linux 5.6). Where it cannot (an
// older kernel, a seccomp filter that refuses the call), the same walk is
// made here one component at a time, each opened with O_PATH | O_NOFOLLOW
// from the directory before it, a symlink's target read and walked in its
// place. The walk cannot tell /proc's magic links from plain ones: it walks
// their text inside the root, where the kernel would refuse them.
#pragma once

#include <string_view>

#include "root/fd.h"

namespace bootassess {

enum class Resolution {
  automatic,  // openat2 when the kernel has it, else the walk
  walk,       // always the walk (tests of the fallback)
};

// The directory at `path` (absolute: taken from the root; any form, symlinks
// and ".." included) opened O_PATH | O_DIRECTORY beneath `root_fd`. An
// invalid Fd with errno set on failure: ENOENT, ENOTDIR, ELOOP (more than 40
// symlinks, or a magic link), or a resource error (EMFILE...).
Fd open_dir_beneath(int root_fd, std::string_view path, Resolution how = Resolution::automatic);

// Whether the kernel's openat2 resolution was found to be missing (after a
// first call), so that the walk is in use.
bool kernel_resolution_missing();

}  // namespace bootassess
