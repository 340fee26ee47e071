#include "boot/efi_variable.h"

#include <fmt/format.h>

#include "root/resolve.h"

namespace bootassess {
namespace {

// Decodes the UTF-16LE strings of a variable's value into `out`: exactly
// one when `list` is false, any number (each NUL-terminated) otherwise.
bool decode_strings(std::string_view bytes, bool list, std::vector<std::string>& out,
                    std::string& error) {
  if (bytes.size() < 4) {
    error = fmt::format("{} bytes, fewer than the 4 attribute bytes", bytes.size());
    return false;
  }
  const std::string_view value = bytes.substr(4);
  if (value.size() % 2 != 0) {
    error = "the value has an odd number of bytes, so it is not UTF-16";
    return false;
  }
  std::string text;
  bool open = false;
  for (std::size_t i = 0; i < value.size(); i += 2) {
    const unsigned unit = static_cast<unsigned char>(value[i]) |
                          (static_cast<unsigned>(static_cast<unsigned char>(value[i + 1])) << 8);
    if (unit == 0) {
      out.push_back(std::move(text));
      text.clear();
      open = false;
      if (!list && i + 2 != value.size()) {
        error = "the value has characters after its terminating NUL";
        return false;
      }
      continue;
    }
    // The loader writes ESP paths (FAT names) and entry ids in ASCII;
    // anything else is not a value this code can vouch for.
    if (unit < 0x20 || unit >= 0x7f) {
      error =
          fmt::format("the value holds the character U+{:04X}, not a printable ASCII one", unit);
      return false;
    }
    text += static_cast<char>(unit);
    open = true;
  }
  if (open || (!list && out.empty())) {
    error = "the value is not NUL-terminated";
    return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> decode_efi_string_variable(std::string_view bytes, std::string& error) {
  std::vector<std::string> strings;
  if (!decode_strings(bytes, false, strings, error)) return std::nullopt;
  return std::move(strings.front());
}

std::optional<std::vector<std::string>> decode_efi_string_list_variable(std::string_view bytes,
                                                                        std::string& error) {
  std::vector<std::string> strings;
  if (!decode_strings(bytes, true, strings, error)) return std::nullopt;
  return strings;
}

std::string encode_efi_string_list_variable(const std::vector<std::string>& values) {
  std::string bytes("\x07\0\0\0", 4);
  for (const std::string& value : values)
    bytes += encode_efi_string_variable(value).substr(4);
  return bytes;
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
                                             std::string& error, std::uint64_t max_size) {
  const Resolved found = resolve(view, path, "/", true);
  if (!found.exists()) return std::nullopt;
  if (found.info->type != FileType::regular) {
    error = "not a regular file";
    return std::nullopt;
  }
  if (found.info->size > max_size) {
    error = fmt::format("{} bytes, too large for a loader variable", found.info->size);
    return std::nullopt;
  }
  std::optional<std::string> bytes = view.read_file(found.path);
  if (!bytes) {
    error = "cannot be read";
    return std::nullopt;
  }
  if (bytes->size() > max_size) {
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

namespace bootassess {

std::optional<std::vector<std::string>> read_efi_string_list_variable(const RootView& view,
                                                                      std::string_view path,
                                                                      std::string& error) {
  std::optional<std::string> bytes = read_efi_variable(view, path, error, kMaxEfiListVariableSize);
  if (!bytes) return std::nullopt;
  return decode_efi_string_list_variable(*bytes, error);
}

}  // namespace bootassess
