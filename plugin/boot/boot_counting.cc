#include "boot/boot_counting.h"

#include <fmt/format.h>

#include <charconv>

#include "boot/efi_variable.h"

namespace bootassess {
namespace {

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
  std::optional<std::string> path = decode_efi_string_variable(bytes, error);
  if (!path) return std::nullopt;
  if (path->empty() || path->front() != '\\') {
    error = fmt::format("'{}' is not an absolute ESP path", *path);
    return std::nullopt;
  }
  const std::string_view name = std::string_view(*path).substr(path->rfind('\\') + 1);
  std::optional<BootCount> count = parse_counted_entry(name);
  if (!count) {
    error = fmt::format("the entry '{}' carries no +LEFT[-DONE] counter", *path);
    return std::nullopt;
  }
  count->path = std::move(*path);
  return count;
}

std::string encode_boot_count_variable(std::string_view path) {
  return encode_efi_string_variable(path);
}

Counting detect_counting(const RootView& view, std::string& error) {
  Counting counting;
  std::string why;
  std::optional<std::string> bytes = read_efi_variable(view, kBootCountVariable, why);
  std::optional<BootCount> count;
  if (bytes) count = decode_boot_count_variable(*bytes, why);
  if (!why.empty()) {
    error = fmt::format("{}; this boot is taken as not counted", why);
    return counting;
  }
  if (!count) return counting;
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
