// The probes of the local system: a mount point, a path, a command, a unit.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/deadline.h"
#include "status/boot_status.h"

namespace bootassess::probe {

// One line of /proc/self/mountinfo: the fields a check looks at, with the
// kernel's octal escapes (\040 for a space, ...) undone.
struct MountInfo {
  std::string mount_point;
  std::string fstype;
  std::string source;
};

// The mounts `mountinfo` lists, in its order; malformed lines are skipped.
std::vector<MountInfo> parse_mountinfo(std::string_view mountinfo);

// `path` (absolute, cleaned lexically) is a mount point in `mountinfo`, of
// type `fstype` when given. Of mounts stacked on one path, the last listed
// (the one on top) is the one seen.
Attempt mount_attempt(const std::string& path, const std::optional<std::string>& fstype,
                      std::string_view mountinfo);

// The same, reading /proc/self/mountinfo.
Attempt mount_attempt(const std::string& path, const std::optional<std::string>& fstype);

// The types `--type` names: file, directory, symlink, socket, fifo, block, char.
inline constexpr std::string_view kPathTypes[] = {"file", "directory", "symlink", "socket",
                                                  "fifo", "block",     "char"};

// `path` exists (the file it resolves to), and has type `type` when given
// (for "symlink": the path itself is a symbolic link).
Attempt path_attempt(const std::string& path, const std::optional<std::string>& type);

// The environment a command check runs in, and nothing else.
inline constexpr const char* kCommandEnvironment[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
                                                      "LANG=C.UTF-8"};
// How much of a command's output (stdout and stderr together) is kept: its end.
inline constexpr std::size_t kCommandOutputTail = 4096;

// Runs `argv` (argv[0] an absolute path) with stdin from /dev/null and the
// fixed environment; passes when it exits 0. On the deadline its process
// group is killed. The detail quotes the last line it printed.
Attempt command_attempt(const std::vector<std::string>& argv, const Deadline& deadline);

// SIGTERM, SIGINT or SIGHUP while a command attempt runs: its process group
// is killed, then this process dies of the signal as it would have. (The
// command runs in a process group of its own, which a terminal's Ctrl-C or a
// kill of this process alone does not reach.) Installed by the check verb.
void kill_command_on_signal();

// Asks systemd about units within a time; status::query_systemctl in the
// command, a fake in tests.
using TimedUnitQuery =
    std::function<status::UnitStates(const std::vector<std::string>&, std::chrono::milliseconds)>;

// The query of a running node: systemctl show, or why it cannot be asked.
TimedUnitQuery systemctl_unit_query();

// `unit` is active (ActiveState=active) in what `states` says.
Attempt unit_attempt(const std::string& unit, const status::UnitStates& states);

// The same, asking `query` with the time left. `last_seen` carries the last
// state systemd told from one attempt to the next: an attempt that gets no
// state (systemctl cut short by the deadline, say) still says it.
Attempt unit_attempt(const std::string& unit, const TimedUnitQuery& query, const Deadline& deadline,
                     std::string& last_seen);

}  // namespace bootassess::probe
