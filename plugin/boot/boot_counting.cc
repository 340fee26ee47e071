#include "boot/boot_counting.h"

#include <fmt/format.h>

#include <charconv>

#include "root/resolve.h"

namespace bootassess {
namespace {

// Far more than any ESP path: a larger file is not the loader's.
constexpr std::uint64_t kMaxVariableSize = 4096;

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<unsigned> to_unsigned(std::string_view s) {
  if (!all_digits(s)) return std::nullopt;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<BootCount> parse_counted_entry(std::string_view file_name) {
  // The Boot Loader Specification's counter: NAME+LEFT[-DONE] before the
  // suffix, both numbers in decimal.
  std::string_view suffix;
  for (std::string_view s : {std::string_view(".conf"), std::string_view(".efi")}) {
    if (file_name.size() > s.size() && file_name.substr(file_name.size() - s.size()) == s) {
      suffix = s;
    }
  }
  if (suffix.empty()) return std::nullopt;
  const std::string_view stem = file_name.substr(0, file_name.size() - suffix.size());
  const std::size_t plus = stem.rfind('+');
  if (plus == std::string_view::npos || plus == 0) return std::nullopt;
  std::string_view counter = stem.substr(plus + 1);
  BootCount count;
  const std::size_t dash = counter.find('-');
  std::optional<unsigned> left = to_unsigned(counter.substr(0, dash));
  if (!left) return std::nullopt;
  count.left = *left;
  if (dash != std::string_view::npos) {
    std::optional<unsigned> done = to_unsigned(counter.substr(dash + 1));
    if (!done) return std::nullopt;
    count.done = *done;
  }
  count.entry = std::string(stem.substr(0, plus)) + std::string(suffix);
  return count;
}

std::optional<BootCount> decode_boot_count_variable(std::string_view bytes, std::string& error) {
  if (bytes.size() < 4) {
    error = fmt::format("{} bytes, fewer than the 4 attribute bytes", bytes.size());
    return std::nullopt;
  }
  const std::string_view value = bytes.substr(4);
  if (value.size() % 2 != 0) {
    error = "the value has an odd number of bytes, so it is not UTF-16";
    return std::nullopt;
  }
  std::string path;
  bool terminated = false;
  for (std::size_t i = 0; i < value.size(); i += 2) {
    const unsigned unit = static_cast<unsigned char>(value[i]) |
                          (static_cast<unsigned>(static_cast<unsigned char>(value[i + 1])) << 8);
    if (unit == 0) {
      if (i + 2 != value.size()) {
        error = "the path has characters after its terminating NUL";
        return std::nullopt;
      }
      terminated = true;
      break;
    }
    // ESP paths are ASCII (FAT names as the loader writes them); anything
    // else is not a path this code can vouch for.
    if (unit < 0x20 || unit >= 0x7f) {
      error = fmt::format("the path holds the character U+{:04X}, not a printable ASCII one", unit);
      return std::nullopt;
    }
    path += static_cast<char>(unit);
  }
  if (!terminated) {
    error = "the path is not NUL-terminated";
    return std::nullopt;
  }
  if (path.empty() || path.front() != '\\') {
    error = fmt::format("'{}' is not an absolute ESP path", path);
    return std::nullopt;
  }
  const std::string_view name = std::string_view(path).substr(path.rfind('\\') + 1);
  std::optional<BootCount> count = parse_counted_entry(name);
  if (!count) {
    error = fmt::format("the entry '{}' carries no +LEFT[-DONE] counter", path);
    return std::nullopt;
  }
  count->path = std::move(path);
  return count;
}

std::string encode_boot_count_variable(std::string_view path) {
  // EFI_VARIABLE_NON_VOLATILE | BOOTSERVICE_ACCESS | RUNTIME_ACCESS.
  std::string bytes("\x07\0\0\0", 4);
  for (char c : path) {
    bytes += c;
    bytes += '\0';
  }
  bytes.append(2, '\0');
  return bytes;
}

Counting detect_counting(const RootView& view, std::string& error) {
  Counting counting;
  const Resolved found = resolve(view, kBootCountVariable, "/", true);
  if (!found.exists()) return counting;
  auto fail = [&](std::string_view why) {
    error = fmt::format("{}; this boot is taken as not counted", why);
    return counting;
  };
  if (found.info->type != FileType::regular) return fail("not a regular file");
  if (found.info->size > kMaxVariableSize) {
    return fail(fmt::format("{} bytes, too large for a loader variable", found.info->size));
  }
  std::optional<std::string> bytes = view.read_file(found.path);
  if (!bytes) return fail("cannot be read");
  if (bytes->size() > kMaxVariableSize) return fail("too large for a loader variable");
  std::string why;
  std::optional<BootCount> count = decode_boot_count_variable(*bytes, why);
  if (!count) return fail(why);
  counting.counted = true;
  counting.count = std::move(count);
  return counting;
}

void simulate_counting(SimulatedFiles& view, bool counted) {
  const std::string variable(kBootCountVariable);
  if (!counted) {
    view.hide(variable);
    return;
  }
  // efivarfs shows variables as mode 0644 files.
  view.show(variable, encode_boot_count_variable("\\loader\\entries\\simulated+1.conf"), 0644);
}

std::string describe_counting(const Counting& counting) {
  if (!counting.counted) return "not counted";
  if (!counting.count) return "counted";
  const BootCount& c = *counting.count;
  return fmt::format("counted ({}, {} {} left, {} done)", c.entry, c.left,
                     c.left == 1 ? "try" : "tries", c.done);
}

}  // namespace bootassess
