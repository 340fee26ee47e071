// Whether this boot is counted by systemd-boot, read from the EFI variable
// the loader sets for it.
//
// systemd-boot counts an entry only while its file name carries a counter,
// `NAME+LEFT[-DONE].conf` (or `.efi` for a unified kernel image). When it
// boots such an entry it sets `LoaderBootCountPath` to the entry's path on
// the ESP; only then does systemd-bless-boot-generator pull
// systemd-bless-boot.service, and with it boot-complete.target, into the
// boot. A boot without the variable (a GRUB install, or an entry that an
// earlier good boot blessed) is not counted: rebooting it boots the same
// entry again.
//
// The variable, as efivarfs shows it: 4 attribute bytes (little endian),
// then the value, a UTF-16LE path such as `\loader\entries\active+2-1.conf`,
// NUL-terminated.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "boot/simulated_files.h"
#include "root/root_view.h"

namespace bootassess {

// Where efivarfs shows the variable, inside the root.
inline constexpr std::string_view kBootCountVariable =
    "/sys/firmware/efi/efivars/LoaderBootCountPath-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f";

// The entry being counted.
struct BootCount {
  std::string path;   // as the loader gave it: "\loader\entries\active+2-1.conf"
  std::string entry;  // the file name without the counter: "active.conf"
  unsigned left = 0;  // tries left, after this one was taken
  unsigned done = 0;  // tries taken, this one included (0 when the name has no -DONE)
};

// What a run knows about counting: counted or not, and for a counted boot
// the entry when it is known (a simulated counted boot has none).
struct Counting {
  bool counted = false;
  std::optional<BootCount> count;
  bool simulated = false;
};

// The counter in an entry file name, "active+2-1.conf" -> {left 2, done 1,
// entry "active.conf"}; nullopt when the name carries no valid counter (what
// systemd-bless-boot refuses too).
std::optional<BootCount> parse_counted_entry(std::string_view file_name);

// Decodes the variable's bytes as efivarfs gives them. nullopt with `error`
// set when they are not a well-formed, NUL-terminated UTF-16LE path whose
// file name carries a counter.
std::optional<BootCount> decode_boot_count_variable(std::string_view bytes, std::string& error);

// The variable's bytes for `path` (ASCII), as the loader writes them: what
// tests and simulations put into a root.
std::string encode_boot_count_variable(std::string_view path);

// Reads the variable inside the root. No variable: not counted. A variable
// that cannot be read or decoded: not counted (a guess never makes a boot
// reboot), with `error` saying what is wrong with the variable's file.
Counting detect_counting(const RootView& view, std::string& error);

// Makes `view` show the variable (counted) or hide it (not counted), as a
// simulated boot presents it to conditions.
void simulate_counting(SimulatedFiles& view, bool counted);

// "counted (active.conf, 2 tries left, 1 done)", "not counted".
std::string describe_counting(const Counting& counting);

}  // namespace bootassess
