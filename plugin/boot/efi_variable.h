// EFI variables as efivarfs shows them under /sys/firmware/efi/efivars: a
// file of 4 attribute bytes (little endian), then the value. The loader's
// string variables (systemd-boot's LoaderBootCountPath, LoaderEntrySelected)
// hold a NUL-terminated UTF-16LE string.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "root/root_view.h"

namespace bootassess {

// The entry systemd-boot booted: its id, such as "active.conf".
inline constexpr std::string_view kLoaderEntrySelectedVariable =
    "/sys/firmware/efi/efivars/LoaderEntrySelected-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f";

// Decodes a string variable's bytes. nullopt with `error` set when they are
// not 4 attribute bytes then a NUL-terminated UTF-16LE string of printable
// ASCII (what the loader writes for paths and entry ids).
std::optional<std::string> decode_efi_string_variable(std::string_view bytes, std::string& error);

// The bytes the loader writes for `value` (ASCII): what tests and
// simulations put into a root.
std::string encode_efi_string_variable(std::string_view value);

// The bytes of the variable file at `path` inside the root. nullopt with an
// empty `error` when there is no such file; nullopt with `error` set when it
// is not a regular file, is too large for a loader variable, or cannot be
// read.
std::optional<std::string> read_efi_variable(const RootView& view, std::string_view path,
                                             std::string& error);

// Reads and decodes the string variable at `path`: nullopt with an empty
// `error` when there is none, with `error` set when it is malformed.
std::optional<std::string> read_efi_string_variable(const RootView& view, std::string_view path,
                                                    std::string& error);

}  // namespace bootassess
