#include "boot/loader_entries.h"

#include <fmt/format.h>

#include <algorithm>

#include "boot/boot_counting.h"
#include "boot/efi_variable.h"
#include "root/path.h"
#include "root/resolve.h"

namespace bootassess {
namespace {

// Far more than a Type #1 entry holds; a larger file is not an entry.
constexpr std::uint64_t kMaxEntryFileSize = std::uint64_t{64} * 1024;
// Far more entries than any loader menu holds.
constexpr std::size_t kMaxEntries = 1024;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// strverscmp's idea, simplified: runs of digits compare as numbers, the rest
// byte by byte. Negative, 0 or positive as `a` sorts before, with or after `b`.
int version_compare(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      std::size_t ie = i;
      std::size_t je = j;
      while (ie < a.size() && is_digit(a[ie]))
        ++ie;
      while (je < b.size() && is_digit(b[je]))
        ++je;
      std::string_view na = a.substr(i, ie - i);
      std::string_view nb = b.substr(j, je - j);
      while (na.size() > 1 && na.front() == '0')
        na.remove_prefix(1);
      while (nb.size() > 1 && nb.front() == '0')
        nb.remove_prefix(1);
      if (na.size() != nb.size()) return na.size() < nb.size() ? -1 : 1;
      if (const int c = na.compare(nb); c != 0) return c;
      i = ie;
      j = je;
      continue;
    }
    if (a[i] != b[j])
      return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]) ? -1 : 1;
    ++i;
    ++j;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

// The sort-key Kairos writes for its entries, for an entry whose file was
// not read.
std::string kairos_sort_key(std::string_view id) {
  const std::string_view stem = id.substr(0, id.rfind('.'));
  if (stem == "active") return "0001";
  if (stem == "passive") return "0002";
  if (stem == "recovery") return "0003";
  if (stem == "statereset") return "0004";
  return {};
}

bool ends_with_conf(std::string_view name) {
  if (name.size() <= 5) return false;
  std::string suffix(name.substr(name.size() - 5));
  std::transform(suffix.begin(), suffix.end(), suffix.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return suffix == ".conf";
}

void read_string(const RootView& view, std::string_view variable, std::optional<std::string>& out,
                 std::vector<LoaderProblem>& problems) {
  std::string error;
  out = read_efi_string_variable(view, variable, error);
  if (out && out->empty()) {
    out.reset();
    error = "the value is empty, not an entry id";
  }
  if (!error.empty()) problems.push_back({std::string(variable), error});
}

// The directory `dir` inside the root, when it is one.
std::optional<std::string> directory(const RootView& view, std::string_view dir) {
  const Resolved found = resolve(view, dir, "/", true);
  if (!found.exists() || found.info->type != FileType::directory) return std::nullopt;
  return found.path;
}

void read_esp(const RootView& view, std::string_view requested, LoaderFacts& facts) {
  std::optional<std::string> entries_dir;
  if (!requested.empty()) {
    entries_dir = directory(view, path::join(requested, "loader/entries"));
    if (!entries_dir) {
      facts.problems.push_back(
          {std::string(requested), "no loader/entries directory: not a mounted ESP"});
      return;
    }
    facts.esp = requested;
  } else {
    for (std::string_view candidate : kEspCandidates) {
      entries_dir = directory(view, path::join(candidate, "loader/entries"));
      if (entries_dir) {
        facts.esp = candidate;
        break;
      }
    }
    if (!entries_dir) return;
  }
  std::optional<std::vector<std::string>> names = view.list_dir(*entries_dir);
  if (!names) {
    facts.problems.push_back({*entries_dir, "cannot be listed"});
    return;
  }
  for (const std::string& name : *names) {
    if (!ends_with_conf(name)) continue;
    if (facts.esp_entries.size() == kMaxEntries) {
      facts.problems.push_back(
          {*entries_dir, fmt::format("more than {} entries: the rest are left out", kMaxEntries)});
      break;
    }
    LoaderEntry entry = parse_loader_entry(name);
    const std::string file = path::join(*entries_dir, name);
    const Resolved found = resolve(view, file, "/", true);
    if (!found.exists() || found.info->type != FileType::regular) {
      facts.problems.push_back({file, "not a regular file inside the root"});
    } else if (found.info->size > kMaxEntryFileSize) {
      facts.problems.push_back(
          {file, fmt::format("{} bytes, too large for an entry file", found.info->size)});
    } else if (std::optional<std::string> text = view.read_file(found.path);
               !text || text->size() > kMaxEntryFileSize) {
      facts.problems.push_back({file, "cannot be read"});
    } else {
      entry.sort_key = entry_sort_key(*text);
    }
    facts.esp_entries.push_back(std::move(entry));
  }
}

}  // namespace

LoaderEntry parse_loader_entry(std::string_view file) {
  LoaderEntry entry;
  entry.file = file;
  if (std::optional<BootCount> count = parse_counted_entry(file)) {
    entry.id = count->entry;
    entry.counted = true;
    entry.left = count->left;
    entry.done = count->done;
  } else {
    entry.id = file;
  }
  return entry;
}

std::string entry_sort_key(std::string_view text) {
  std::string key;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
      line.remove_prefix(1);
    if (!line.starts_with("sort-key") || line.size() == 8) continue;
    if (line[8] != ' ' && line[8] != '\t') continue;
    line.remove_prefix(9);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
      line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
      line.remove_suffix(1);
    key = line;
  }
  return key;
}

bool prefers(const LoaderEntry& a, const LoaderEntry& b) {
  const std::string ka = a.sort_key.empty() ? kairos_sort_key(a.id) : a.sort_key;
  const std::string kb = b.sort_key.empty() ? kairos_sort_key(b.id) : b.sort_key;
  if (ka.empty() != kb.empty()) return !ka.empty();
  if (ka != kb) return ka < kb;
  return version_compare(a.id, b.id) > 0;
}

LoaderFacts read_loader_facts(const RootView& view, std::string_view esp) {
  LoaderFacts facts;
  std::string error;
  if (std::optional<std::vector<std::string>> entries =
          read_efi_string_list_variable(view, kLoaderEntriesVariable, error)) {
    facts.entries = std::move(*entries);
  }
  if (!error.empty()) facts.problems.push_back({std::string(kLoaderEntriesVariable), error});
  read_string(view, kLoaderEntrySelectedVariable, facts.selected, facts.problems);
  read_string(view, kLoaderEntryDefaultVariable, facts.default_entry, facts.problems);
  read_string(view, kLoaderEntryOneShotVariable, facts.oneshot, facts.problems);
  read_esp(view, esp, facts);
  return facts;
}

}  // namespace bootassess
