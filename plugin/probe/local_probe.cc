#include "probe/local_probe.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>

#include "diag/diagnostic.h"
#include "probe/address.h"
#include "root/fd.h"
#include "root/path.h"
#include "root/subprocess.h"
#include "status/systemctl_query.h"

namespace bootassess::probe {
namespace {

constexpr const char* kMountInfo = "/proc/self/mountinfo";

// The process group of the command attempt that runs, or 0.
volatile std::sig_atomic_t g_command_group = 0;

void kill_command_and_die(int sig) {
  const pid_t group = g_command_group;
  if (group > 0) {
    ::kill(-group, SIGKILL);
    ::kill(group, SIGKILL);
  }
  // The default action, once this handler returns and unblocks the signal.
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}
constexpr std::size_t kMaxMountInfo = 64 << 20;

bool is_octal(char c) {
  return c >= '0' && c <= '7';
}

// A mountinfo field with \NNN (three octal digits) decoded.
std::string unescape(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() && is_octal(field[i + 1]) &&
        is_octal(field[i + 2]) && is_octal(field[i + 3])) {
      out += static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 +
                               (field[i + 3] - '0'));
      i += 3;
    } else {
      out += field[i];
    }
  }
  return out;
}

std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> out;
  while (!line.empty()) {
    const std::size_t space = line.find(' ');
    if (space != 0) out.push_back(line.substr(0, space));
    if (space == std::string_view::npos) break;
    line.remove_prefix(space + 1);
  }
  return out;
}

std::string_view type_name(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return "file";
    case S_IFDIR:
      return "directory";
    case S_IFLNK:
      return "symlink";
    case S_IFSOCK:
      return "socket";
    case S_IFIFO:
      return "fifo";
    case S_IFBLK:
      return "block";
    case S_IFCHR:
      return "char";
    default:
      return "unknown";
  }
}

// A/an and the kind of file, as a sentence says it.
std::string a_type(std::string_view type) {
  if (type == "file") return "a regular file";
  if (type == "block") return "a block device";
  if (type == "char") return "a character device";
  if (type == "symlink") return "a symbolic link";
  if (type == "fifo") return "a FIFO";
  if (type == "unknown") return "a file of an unknown type";
  return fmt::format("a {}", type);
}

Attempt result(bool passed, std::string detail) {
  Attempt a;
  a.passed = passed;
  a.detail = std::move(detail);
  return a;
}

// The last non-empty line of `text`.
std::string last_line(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.remove_suffix(1);
  const std::size_t newline = text.rfind('\n');
  return std::string(newline == std::string_view::npos ? text : text.substr(newline + 1));
}

}  // namespace

std::vector<MountInfo> parse_mountinfo(std::string_view mountinfo) {
  std::vector<MountInfo> mounts;
  while (!mountinfo.empty()) {
    const std::size_t newline = mountinfo.find('\n');
    const std::string_view line = mountinfo.substr(0, newline);
    mountinfo =
        newline == std::string_view::npos ? std::string_view() : mountinfo.substr(newline + 1);
    // ID PARENT MAJ:MIN ROOT MOUNT-POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER-OPTIONS
    const std::vector<std::string_view> fields = fields_of(line);
    std::size_t dash = 6;
    while (dash < fields.size() && fields[dash] != "-")
      ++dash;
    if (fields.size() < 6 || dash + 1 >= fields.size()) continue;
    MountInfo m;
    m.mount_point = unescape(fields[4]);
    m.fstype = unescape(fields[dash + 1]);
    m.source = dash + 2 < fields.size() ? unescape(fields[dash + 2]) : std::string();
    mounts.push_back(std::move(m));
  }
  return mounts;
}

Attempt mount_attempt(const std::string& path, const std::optional<std::string>& fstype,
                      std::string_view mountinfo) {
  const std::string wanted = path::clean(path);
  const std::string shown = printable(wanted);
  const std::vector<MountInfo> mounts = parse_mountinfo(mountinfo);
  const MountInfo* top = nullptr;
  for (const MountInfo& m : mounts) {
    if (m.mount_point == wanted) top = &m;
  }
  if (top == nullptr) return result(false, fmt::format("{} is not a mount point", shown));
  const std::string what =
      fmt::format("{} from {}", printable(top->fstype), printable(top->source));
  if (fstype && top->fstype != *fstype) {
    return result(
        false, fmt::format("{} is a mount point of {}, not {}", shown, what, printable(*fstype)));
  }
  return result(true, fmt::format("{} is a mount point ({})", shown, what));
}

Attempt mount_attempt(const std::string& path, const std::optional<std::string>& fstype) {
  const Fd fd(::open(kMountInfo, O_RDONLY | O_CLOEXEC));
  std::string text;
  const ReadResult read = fd.ok() ? read_to_end(fd.get(), text, kMaxMountInfo) : ReadResult::error;
  if (read == ReadResult::too_large) {
    return result(false, fmt::format("{} is larger than {} MiB", kMountInfo, kMaxMountInfo >> 20));
  }
  if (read != ReadResult::ok) {
    return result(false, fmt::format("cannot read {}: {}", kMountInfo, error_text(errno)));
  }
  return mount_attempt(path, fstype, text);
}

Attempt path_attempt(const std::string& path, const std::optional<std::string>& type) {
  const std::string shown = printable(path);
  struct stat link {};
  if (::lstat(path.c_str(), &link) != 0) {
    return result(false, errno == ENOENT ? fmt::format("{} does not exist", shown)
                                         : fmt::format("{}: {}", shown, error_text(errno)));
  }
  if (type && *type == "symlink") {
    if (!S_ISLNK(link.st_mode)) {
      return result(false, fmt::format("{} is {}, not a symbolic link", shown,
                                       a_type(type_name(link.st_mode))));
    }
    return result(true, fmt::format("{} is a symbolic link", shown));
  }
  struct stat target {};
  if (::stat(path.c_str(), &target) != 0) {
    return result(false, errno == ENOENT ? fmt::format("{} is a dangling symbolic link", shown)
                                         : fmt::format("{}: {}", shown, error_text(errno)));
  }
  const std::string_view seen = type_name(target.st_mode);
  if (type && seen != *type) {
    return result(false, fmt::format("{} is {}, not {}", shown, a_type(seen), a_type(*type)));
  }
  return result(true, fmt::format("{} exists ({})", shown, a_type(seen)));
}

Attempt command_attempt(const std::vector<std::string>& argv, const Deadline& deadline) {
  SubprocessRequest request;
  request.argv = argv;
  request.env =
      std::vector<std::string>(std::begin(kCommandEnvironment), std::end(kCommandEnvironment));
  request.merge_stderr = true;
  request.max_output = kCommandOutputTail;
  request.keep_tail = true;
  request.timeout = deadline.left();
  request.started = [](int pid) { g_command_group = pid; };
  const SubprocessResult run = run_subprocess(request);
  g_command_group = 0;
  const std::string program = printable(argv.empty() ? std::string() : argv.front());
  if (!run.started) return result(false, printable(run.problem));
  const std::string said = last_line(run.out);
  const std::string quoted =
      said.empty() ? std::string() : fmt::format(": {}", abbreviated(printable(said), 200));
  if (run.timed_out) {
    Attempt a = result(
        false, fmt::format("{} timed out (its process group was killed){}", program, quoted));
    a.timed_out = true;
    return a;
  }
  return result(run.wait_status == 0,
                fmt::format("{} {}{}", program, describe_wait_status(run.wait_status), quoted));
}

void kill_command_on_signal() {
  struct sigaction action {};
  action.sa_handler = kill_command_and_die;
  sigemptyset(&action.sa_mask);
  for (const int sig : {SIGTERM, SIGINT, SIGHUP}) {
    // A signal the caller chose to ignore stays ignored.
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    ::sigaction(sig, &action, nullptr);
  }
}

TimedUnitQuery systemctl_unit_query() {
  const std::optional<std::string> systemctl = status::find_systemctl(std::getenv("PATH"));
  if (!systemctl) {
    return [](const std::vector<std::string>&, std::chrono::milliseconds) {
      status::UnitStates states;
      states.unknown_because = "systemctl is not installed (not in /usr/bin, /bin or PATH)";
      return states;
    };
  }
  return [systemctl = *systemctl](const std::vector<std::string>& units,
                                  std::chrono::milliseconds timeout) {
    return status::query_systemctl(systemctl, units, timeout);
  };
}

Attempt unit_attempt(const std::string& unit, const status::UnitStates& states) {
  const std::string shown = printable(unit);
  if (!states.unknown_because.empty()) {
    return result(false, fmt::format("{}: state unknown: {}", shown, states.unknown_because));
  }
  const auto found = states.units.find(unit);
  if (found == states.units.end()) {
    return result(false, fmt::format("{}: systemd said nothing of it", shown));
  }
  const status::UnitState& s = found->second;
  if (s.load_state == "not-found" || s.load_state == "masked" || s.load_state == "error" ||
      s.load_state == "bad-setting") {
    return result(false, fmt::format("{} is {} ({})", shown, printable(s.active_state),
                                     printable(s.load_state)));
  }
  const std::string state =
      fmt::format("{} ({})", printable(s.active_state), printable(s.sub_state));
  return result(s.active_state == "active", fmt::format("{} is {}", shown, state));
}

Attempt unit_attempt(const std::string& unit, const TimedUnitQuery& query, const Deadline& deadline,
                     std::string& last_seen) {
  const status::UnitStates states = query({unit}, deadline.left());
  Attempt a = unit_attempt(unit, states);
  if (states.unknown_because.empty()) {
    last_seen = a.detail;
  } else if (!last_seen.empty()) {
    a.detail = fmt::format("{} when last seen; then {}", last_seen, states.unknown_because);
  }
  return a;
}

}  // namespace bootassess::probe
