#include "lint/node_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "root/path.h"

namespace bootassess::lint {
namespace {

using namespace std::string_view_literals;

// Units whose mask stops a boot from reaching its default target, or an
// initrd from switching to the new root:
// - the targets every boot passes through (default.target and the two it
//   usually is, basic.target, sysinit.target, local-fs.target: a masked
//   target the default one requires fails the boot transaction);
// - the initrd's own targets and services that mount /sysroot and switch
//   root (what Kairos' initramfs stage runs in);
// - the services everything else needs at once: the journal (stdout of every
//   service goes to it), udev (no disk shows up without it), the D-Bus
//   system bus (logind, networkd, resolved and systemctl itself talk over it).
constexpr std::array kBootUnits{
    "default.target"sv,
    "sysinit.target"sv,
    "basic.target"sv,
    "local-fs.target"sv,
    "multi-user.target"sv,
    "graphical.target"sv,
    "initrd.target"sv,
    "initrd-root-fs.target"sv,
    "initrd-root-device.target"sv,
    "initrd-fs.target"sv,
    "initrd-switch-root.target"sv,
    "initrd-switch-root.service"sv,
    "initrd-cleanup.service"sv,
    "initrd-parse-etc.service"sv,
    "systemd-journald.service"sv,
    "systemd-journald.socket"sv,
    "systemd-journald-dev-log.socket"sv,
    "systemd-udevd.service"sv,
    "systemd-udevd-control.socket"sv,
    "systemd-udevd-kernel.socket"sv,
    "dbus.service"sv,
    "dbus.socket"sv,
    "dbus-broker.service"sv,
};

// Where a mask link or an empty unit file masks a unit.
constexpr std::array kMaskDirs{"/etc/systemd/system"sv, "/run/systemd/system"sv};

// Directories every user (services running as one included) must be able to
// read and search: /etc (passwd, group, nsswitch.conf, resolv.conf,
// ld.so.cache) and the unit directories with the directories above them
// (systemctl, user instances and generators read them without privileges).
constexpr std::array kSharedDirs{
    "/etc"sv,
    "/etc/systemd"sv,
    "/etc/systemd/system"sv,
    "/run"sv,
    "/run/systemd"sv,
    "/run/systemd/system"sv,
    "/usr"sv,
    "/usr/lib"sv,
    "/usr/lib/systemd"sv,
    "/usr/lib/systemd/system"sv,
    "/lib"sv,
    "/lib/systemd"sv,
    "/lib/systemd/system"sv,
    "/usr/local"sv,
    "/usr/local/lib"sv,
    "/usr/local/lib/systemd"sv,
    "/usr/local/lib/systemd/system"sv,
};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// Content with no line but blanks and comments.
bool has_no_entry(const std::string& content) {
  std::size_t at = 0;
  while (at < content.size()) {
    std::size_t end = content.find('\n', at);
    if (end == std::string::npos) end = content.size();
    const std::string_view line(content.data() + at, end - at);
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string_view::npos && line[first] != '#') return false;
    at = end + 1;
  }
  return true;
}

void check_masks(const Action& a, Diagnostics& out) {
  const std::string dir = path::dirname(a.path);
  const std::string name = path::basename(a.path);
  if (!contains(kMaskDirs, dir) || !contains(kBootUnits, name)) return;
  const bool masked = (a.kind == ActionKind::symlink && a.target == "/dev/null") ||
                      (a.kind == ActionKind::write && a.content.empty());
  if (!masked) return;
  out.error(a.origin, "node-breaking-mask",
            fmt::format("masking {} leaves the node unable to boot: the boot needs it", name),
            fmt::format("remove {} from `mask`; to keep a service from starting, disable or "
                        "override that service instead",
                        name));
}

void check_writes(const Action& a, Diagnostics& out) {
  if (a.kind != ActionKind::write) return;
  if (a.path == "/etc/fstab" && has_no_entry(a.content)) {
    out.warning(a.origin, "node-breaking-fstab",
                "this writes an /etc/fstab with no entry: file systems mounted from it (and "
                "swap) are no longer mounted at boot",
                "list the entries the node needs, or drop the file if emptying it is not meant");
  }
  if (a.path == "/etc/passwd" || a.path == "/etc/shadow") {
    out.warning(a.origin, "node-breaking-accounts",
                fmt::format("this replaces {} whole: accounts missing from the new content "
                            "(root, system users of services) can no longer log in or start",
                            a.path),
                "use the stage runner's `users:` to add an account");
  }
}

void check_directory_modes(const Step& step, Diagnostics& out) {
  for (const DirectoryEntry& d : step.directories) {
    if (d.path.value.empty() || d.path.value.front() != '/') continue;
    const std::string p = path::clean(d.path.value);
    if (!contains(kSharedDirs, p)) continue;
    const std::uint32_t mode = d.permissions ? d.permissions->value & 0777 : 0755;
    if ((mode & 05) == 05) continue;
    out.error(d.permissions ? d.permissions->pos : d.pos, "node-breaking-permissions",
              fmt::format("mode {:04o} on {} takes read or search access away from other "
                          "users: services that do not run as root cannot read {}",
                          mode, p,
                          p == "/etc" ? "their configuration, passwd or resolv.conf"
                                      : "the unit files below it"),
              fmt::format("keep {} at 0755", p));
  }
}

}  // namespace

void check_node_breaking(const std::vector<Source>& sources, const std::vector<ModePlan>& plans,
                         Diagnostics& out) {
  for (const ModePlan& plan : plans) {
    for (const PlannedAction& p : plan.actions) {
      check_masks(p.action, out);
      check_writes(p.action, out);
    }
  }
  for (const Source& source : sources) {
    for (const Document& doc : source.documents) {
      for (const auto& [stage, steps] : doc.stages) {
        for (const Step& step : steps)
          check_directory_modes(step, out);
      }
    }
  }
}

}  // namespace bootassess::lint
