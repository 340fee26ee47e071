// SIGTERM, SIGINT and SIGHUP during `apply`: the run stops between two
// actions rather than in the middle of one, removes the temporary files it
// has not put in place yet, and then dies of the signal, as it would have
// without a handler (so its exit status still says which signal it was).
// SIGXFSZ is ignored: a write over the file-size limit fails with EFBIG, and
// the item fails alone, at its position.
#pragma once

namespace bootassess {

// Installs the handlers (once per process).
void catch_interruptions();

// The signal received since, or 0.
int interruption();

// Restores the default action of `sig` and raises it: does not return.
[[noreturn]] void die_of(int sig);

}  // namespace bootassess
