// EFI variables as efivarfs shows them under /sys/firmware/efi/efivars: a
// file of 4 attribute bytes (little endian), then the value. The loader's
// string variables (systemd-boot's LoaderBootCountPath, LoaderEntrySelected)
// hold a NUL-terminated UTF-16LE string.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "root/root_view.h"

namespace bootassess {

// The entry systemd-boot booted: its id, such as "active.conf".
inline constexpr std::string_view kLoaderEntrySelectedVariable =
    "/sys/firmware/efi/efivars/LoaderEntrySelected-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f";

// The loader's other variables (systemd-boot's Boot Loader Interface): all
// entry ids as a list, the default entry and the one-shot entry.
inline constexpr std::string_view kLoaderEntriesVariable =
    "/sys/firmware/efi/efivars/LoaderEntries-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f";
inline constexpr std::string_view kLoaderEntryDefaultVariable =
    "/sys/firmware/efi/efivars/LoaderEntryDefault-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f";
inline constexpr std::string_view kLoaderEntryOneShotVariable =
    "/sys/firmware/efi/efivars/LoaderEntryOneShot-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f";

// Decodes a string variable's bytes. nullopt with `error` set when they are
// not 4 attribute bytes then a NUL-terminated UTF-16LE string of printable
// ASCII (what the loader writes for paths and entry ids).
std::optional<std::string> decode_efi_string_variable(std::string_view bytes, std::string& error);

// Decodes a list variable's bytes (LoaderEntries): 4 attribute bytes, then
// UTF-16LE strings of printable ASCII, each NUL-terminated. nullopt with
// `error` set when they are not that.
std::optional<std::vector<std::string>> decode_efi_string_list_variable(std::string_view bytes,
                                                                        std::string& error);

// The bytes the loader writes for the list `values` (ASCII).
std::string encode_efi_string_list_variable(const std::vector<std::string>& values);

// The bytes the loader writes for `value` (ASCII): what tests and
// simulations put into a root.
std::string encode_efi_string_variable(std::string_view value);

// The bytes of the variable file at `path` inside the root. nullopt with an
// empty `error` when there is no such file; nullopt with `error` set when it
// is not a regular file, is too large for a loader variable, or cannot be
// read. A string variable is at most 4 KiB; a list may be given more room.
inline constexpr std::uint64_t kMaxEfiStringVariableSize = 4096;
inline constexpr std::uint64_t kMaxEfiListVariableSize = std::uint64_t{64} * 1024;
std::optional<std::string> read_efi_variable(const RootView& view, std::string_view path,
                                             std::string& error,
                                             std::uint64_t max_size = kMaxEfiStringVariableSize);

// Reads and decodes the string variable at `path`: nullopt with an empty
// `error` when there is none, with `error` set when it is malformed.
std::optional<std::string> read_efi_string_variable(const RootView& view, std::string_view path,
                                                    std::string& error);

// Reads and decodes the list variable at `path`, as above.
std::optional<std::vector<std::string>> read_efi_string_list_variable(const RootView& view,
                                                                      std::string_view path,
                                                                      std::string& error);

}  // namespace bootassess
