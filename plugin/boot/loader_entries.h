// What the loader says about the boot entries: systemd-boot's EFI variables
// (LoaderEntries, LoaderEntrySelected, LoaderEntryDefault, LoaderEntryOneShot)
// and, when the EFI system partition is mounted, the entry files in its
// loader/entries/, whose names carry each entry's boot counter
// (`NAME+LEFT[-DONE].conf`) and whose `sort-key` lines give the order the
// loader tries them in.
//
// Every read is confined to the root and bounded: a variable or entry file
// that is not a regular file, is too large, or is malformed is reported as a
// problem naming its file, never followed or read without end.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "root/root_view.h"

namespace bootassess {

// One boot entry, from its file name on the ESP or its id in LoaderEntries.
struct LoaderEntry {
  std::string file;  // "active+0-3.conf", as found
  std::string id;    // the name without the counter: "active.conf"
  bool counted = false;
  unsigned left = 0;     // tries left (counted only)
  unsigned done = 0;     // tries used (counted only)
  std::string sort_key;  // empty when the file has none or was not read

  bool exhausted() const { return counted && left == 0; }
};

// A variable or file that could not be used.
struct LoaderProblem {
  std::string file;  // its path inside the root
  std::string why;
};

struct LoaderFacts {
  std::vector<std::string> entries;  // LoaderEntries, in the loader's order
  std::optional<std::string> selected;
  std::optional<std::string> default_entry;
  std::optional<std::string> oneshot;
  // Where the ESP is mounted inside the root ("/efi"), and its entries, in
  // byte-wise order of their file names. Empty when no ESP with a
  // loader/entries directory was found.
  std::string esp;
  std::vector<LoaderEntry> esp_entries;
  std::vector<LoaderProblem> problems;
};

// The places an ESP is mounted, in the order they are looked at.
inline constexpr std::string_view kEspCandidates[] = {"/efi", "/boot", "/boot/efi"};

// An entry from its file name or id: the counter split off when there is one.
LoaderEntry parse_loader_entry(std::string_view file);

// The `sort-key` of an entry file's text (the last one given), "" without.
std::string entry_sort_key(std::string_view text);

// Reads the variables and, from the ESP at `esp` inside the root (or the
// first of kEspCandidates that holds loader/entries when `esp` is empty), the
// entry files.
LoaderFacts read_loader_facts(const RootView& view, std::string_view esp = {});

// Whether `a` comes before `b` in the order the loader prefers entries,
// counters aside: entries with a sort-key before those without, then by
// sort-key, then by id in descending version order (systemd-boot's rule, its
// version and machine-id fields aside). An entry whose sort-key is unknown
// (no ESP mounted) is given the one Kairos writes for its name: active 0001,
// passive 0002, recovery 0003, statereset 0004.
bool prefers(const LoaderEntry& a, const LoaderEntry& b);

}  // namespace bootassess
