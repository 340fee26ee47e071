// Specifiers in [Install] values (WantedBy=, RequiredBy=, UpheldBy=, Alias=,
// Also=, DefaultInstance=), expanded as `systemctl enable` expands them.
//
// From the unit being enabled:
//   %n full name (a template with DefaultInstance= gets that instance)
//   %N name without the type suffix (likewise)     %p prefix (before '@')
//   %i instance (or DefaultInstance=)              %j last '-' part of %p
//   %% a literal '%'
// From the root (read through the RootView, so they describe the image, not
// the machine bootassess runs on); a missing file is an error:
//   %m ROOT/etc/machine-id
//   %o %w %B %W %M %A  ID, VERSION_ID, BUILD_ID, VARIANT_ID, IMAGE_ID,
//      IMAGE_VERSION from ROOT/etc/os-release, else ROOT/usr/lib/os-release
//      ($SYSTEMD_OS_RELEASE is not consulted)
// Fixed for the system manager, as systemd has them:
//   %u root   %U 0   %g root   %G 0
// Host-dependent: systemctl takes them from the machine it runs on, and so
// does bootassess — in the initramfs that machine is the one that boots, at
// image-build time it is the build host. Each use is reported with a warning
// (rule systemd-host-specifier), since a link named after a build host is
// almost certainly a mistake:
//   %H host name   %l short host name   %q pretty host name (/etc/machine-info)
//   %b boot id     %v kernel release    %a architecture (systemd's names)
// Any other letter or digit is an error ("invalid specifier"); '%' followed
// by another character is kept as it is, and so is a trailing '%'.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "root/root_view.h"

namespace bootassess::systemd {

// What the host-dependent specifiers expand to.
struct HostFacts {
  std::string hostname;
  std::string short_hostname;
  std::string pretty_hostname;
  std::string boot_id;
  std::string kernel_release;
  std::string architecture;
  // running_host(): the fields are read when a host specifier is first
  // expanded, not before (most runs expand none, and run on every boot).
  bool read_on_use = false;
};

// The machine bootassess runs on, read once, on first use (uname(2), /proc,
// /etc/machine-info) by SpecifierExpander.
const HostFacts& running_host();

// systemd's name for a uname(2) machine string ("x86_64" -> "x86-64").
std::string systemd_architecture_name(std::string_view machine);

// Parses an os-release style file (shell-like KEY=value lines, quotes,
// backslash escapes, comments); a key assigned twice keeps the last value.
std::map<std::string, std::string> parse_env_file(std::string_view content);

enum class SpecifierError {
  none,
  invalid,       // an unknown specifier letter
  unresolvable,  // the file the specifier needs is missing from the root
  unreadable,    // the file is there but holds no valid value
  too_long,      // the result is longer than a unit name may be
};

struct Expansion {
  std::string text;
  SpecifierError error = SpecifierError::none;
  std::string host_specifiers;  // the host-dependent specifier letters used
  bool ok() const { return error == SpecifierError::none; }
};

// Expands specifiers for one unit. Root files are read through the view on
// first use and remembered.
class SpecifierExpander {
 public:
  SpecifierExpander(const RootView& view, const HostFacts& host) : view_(view), host_(host) {}

  Expansion expand(std::string_view text, std::string_view unit_name,
                   const std::optional<std::string>& default_instance);
  // Reads the root files again on next use.
  void forget() {
    machine_id_.reset();
    os_release_.reset();
  }

 private:
  struct Loaded {
    bool present = false;
    bool valid = false;
    std::string value;
  };
  const Loaded& machine_id();
  // host_, or the running host's facts when host_ is running_host().
  const HostFacts& host() const;
  // An os-release field: nullopt when there is no os-release at all.
  std::optional<std::string> os_release(const std::string& key);

  const RootView& view_;
  const HostFacts& host_;
  std::optional<Loaded> machine_id_;
  std::optional<std::optional<std::map<std::string, std::string>>> os_release_;
};

}  // namespace bootassess::systemd
