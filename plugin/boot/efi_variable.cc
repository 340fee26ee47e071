#include "boot/efi_variable.h"

#include <fmt/format.h>

#include "root/resolve.h"

namespace bootassess {
namespace {

// Far more than any ESP path or entry id: a larger file is not the loader's.
constexpr std::uint64_t kMaxVariableSize = 4096;

}  // namespace

std::optional<std::string> decode_efi_string_variable(std::string_view bytes, std::string& error) {
  if (bytes.size() < 4) {
    error = fmt::format("{} bytes, fewer than the 4 attribute bytes", bytes.size());
    return std::nullopt;
  }
  const std::string_view value = bytes.substr(4);
  if (value.size() % 2 != 0) {
    error = "the value has an odd number of bytes, so it is not UTF-16";
    return std::nullopt;
  }
  std::string text;
  for (std::size_t i = 0; i < value.size(); i += 2) {
    const unsigned unit = static_cast<unsigned char>(value[i]) |
                          (static_cast<unsigned>(static_cast<unsigned char>(value[i + 1])) << 8);
    if (unit == 0) {
      if (i + 2 != value.size()) {
        error = "the value has characters after its terminating NUL";
        return std::nullopt;
      }
      return text;
    }
    // The loader writes ESP paths (FAT names) and entry ids in ASCII;
    // anything else is not a value this code can vouch for.
    if (unit < 0x20 || unit >= 0x7f) {
      error =
          fmt::format("the value holds the character U+{:04X}, not a printable ASCII one", unit);
      return std::nullopt;
    }
    text += static_cast<char>(unit);
  }
  error = "the value is not NUL-terminated";
  return std::nullopt;
}

std::string encode_efi_string_variable(std::string_view value) {
  // EFI_VARIABLE_NON_VOLATILE | BOOTSERVICE_ACCESS | RUNTIME_ACCESS.
  std::string bytes("\x07\0\0\0", 4);
  for (char c : value) {
    bytes += c;
    bytes += '\0';
  }
  bytes.append(2, '\0');
  return bytes;
}

std::optional<std::string> read_efi_variable(const RootView& view, std::string_view path,
                                             std::string& error) {
  const Resolved found = resolve(view, path, "/", true);
  if (!found.exists()) return std::nullopt;
  if (found.info->type != FileType::regular) {
    error = "not a regular file";
    return std::nullopt;
  }
  if (found.info->size > kMaxVariableSize) {
    error = fmt::format("{} bytes, too large for a loader variable", found.info->size);
    return std::nullopt;
  }
  std::optional<std::string> bytes = view.read_file(found.path);
  if (!bytes) {
    error = "cannot be read";
    return std::nullopt;
  }
  if (bytes->size() > kMaxVariableSize) {
    error = "too large for a loader variable";
    return std::nullopt;
  }
  return bytes;
}

std::optional<std::string> read_efi_string_variable(const RootView& view, std::string_view path,
                                                    std::string& error) {
  std::optional<std::string> bytes = read_efi_variable(view, path, error);
  if (!bytes) return std::nullopt;
  return decode_efi_string_variable(*bytes, error);
}

}  // namespace bootassess
