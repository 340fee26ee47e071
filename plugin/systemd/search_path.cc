#include "systemd/search_path.h"

#include <algorithm>

namespace bootassess::systemd {
namespace {

constexpr std::string_view kGeneratorDirs[] = {
    "/run/systemd/generator.early", "/run/systemd/generator", "/run/systemd/generator.late"};
constexpr std::string_view kTransientDir = "/run/systemd/transient";

// The components of `p` that name something: no empty ones, no ".".
std::vector<std::string_view> named_components(std::string_view p) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < p.size()) {
    while (i < p.size() && p[i] == '/')
      ++i;
    const std::size_t start = i;
    while (i < p.size() && p[i] != '/')
      ++i;
    std::string_view c = p.substr(start, i - start);
    if (!c.empty() && c != ".") out.push_back(c);
  }
  return out;
}

bool is_absolute(std::string_view p) {
  return !p.empty() && p.front() == '/';
}

std::string_view parent_of(std::string_view p) {
  const std::size_t slash = p.rfind('/');
  if (slash == std::string_view::npos) return {};
  if (slash == 0) return "/";
  return p.substr(0, slash);
}

}  // namespace

bool is_hidden_or_backup(std::string_view name) {
  if (name.empty() || name.front() == '.' || name == "lost+found" || name == "aquota.user" ||
      name == "aquota.group" || name.back() == '~') {
    return true;
  }
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return false;
  static constexpr std::string_view kBackupSuffixes[] = {
      "rpmnew",    "rpmsave",  "rpmorig",     "dpkg-old",    "dpkg-new", "dpkg-tmp",
      "dpkg-dist", "dpkg-bak", "dpkg-backup", "dpkg-remove", "ucf-new",  "ucf-old",
      "ucf-dist",  "swp",      "bak",         "old",         "new"};
  const std::string_view suffix = name.substr(dot + 1);
  return std::any_of(std::begin(kBackupSuffixes), std::end(kBackupSuffixes),
                     [&](std::string_view backup) { return suffix == backup; });
}

std::string_view config_dir(Scope scope) {
  return scope == Scope::runtime ? kRuntimeConfigDir : kPersistentConfigDir;
}

bool same_path(std::string_view a, std::string_view b) {
  return is_absolute(a) == is_absolute(b) && named_components(a) == named_components(b);
}

bool path_has_prefix(std::string_view path, std::string_view prefix) {
  if (is_absolute(path) != is_absolute(prefix)) return false;
  const auto p = named_components(path);
  const auto q = named_components(prefix);
  return q.size() <= p.size() && std::equal(q.begin(), q.end(), p.begin());
}

SearchPath SearchPath::for_root(const RootView& view) {
  const std::optional<FileInfo> lib = view.lstat("/lib");
  return SearchPath(lib && lib->type == FileType::directory);
}

SearchPath::SearchPath(bool with_split_usr_lib) {
  dirs_ = {"/etc/systemd/system.control",     "/run/systemd/system.control",
           std::string(kTransientDir),        "/run/systemd/generator.early",
           std::string(kPersistentConfigDir), "/etc/systemd/system.attached",
           std::string(kRuntimeConfigDir),    "/run/systemd/system.attached",
           "/run/systemd/generator",          "/usr/local/lib/systemd/system"};
  if (with_split_usr_lib) dirs_.emplace_back("/lib/systemd/system");
  dirs_.emplace_back("/usr/lib/systemd/system");
  dirs_.emplace_back("/run/systemd/generator.late");
}

bool SearchPath::contains_below(std::string_view path) const {
  return std::any_of(dirs_.begin(), dirs_.end(),
                     [&](const std::string& dir) { return path_has_prefix(path, dir); });
}

bool SearchPath::holds_directly(std::string_view path) const {
  const std::string_view parent = parent_of(path);
  return std::any_of(dirs_.begin(), dirs_.end(),
                     [&](const std::string& dir) { return same_path(parent, dir); });
}

bool SearchPath::holds_generated(std::string_view path) const {
  const std::string_view parent = parent_of(path);
  if (same_path(parent, kTransientDir)) return true;
  return std::any_of(std::begin(kGeneratorDirs), std::end(kGeneratorDirs),
                     [&](std::string_view dir) { return same_path(parent, dir); });
}

bool SearchPath::holds_config(std::string_view path) const {
  const std::string_view parent = parent_of(path);
  return same_path(parent, kPersistentConfigDir) || same_path(parent, kRuntimeConfigDir);
}

}  // namespace bootassess::systemd
