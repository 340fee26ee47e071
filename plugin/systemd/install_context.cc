#include "systemd/install_context.h"

#include <fmt/format.h>

#include <cerrno>
#include <map>

#include "root/path.h"
#include "root/resolve.h"
#include "systemd/alias.h"
#include "systemd/enablement.h"
#include "systemd/unit_file.h"
#include "systemd/unit_name.h"

namespace bootassess::systemd {
namespace {

// systemd gives up following aliases after this many steps.
constexpr int kMaxAliasSteps = 64;

// systemd's configuration parser reads a unit file line by line and refuses
// one whose line is longer than LONG_LINE_MAX (1 MiB, src/basic/fileio.h).
// bootassess reads a unit file or drop-in whole, so it refuses one that is
// larger than that line limit: memory stays small whatever sits in the root,
// and an [Install] section is a few lines.
constexpr std::uint64_t kMaxUnitFileSize = std::uint64_t{1} << 20;

std::size_t rule_count(const UnitInfo& unit) {
  return unit.aliases.size() + unit.wanted_by.size() + unit.required_by.size() +
         unit.upheld_by.size();
}

}  // namespace

int specifier_errno(SpecifierError error) {
  switch (error) {
    case SpecifierError::invalid:
      return -EBADSLT;
    case SpecifierError::unresolvable:
      return -EUNATCH;
    case SpecifierError::too_long:
      return -ENAMETOOLONG;
    case SpecifierError::unreadable:
    case SpecifierError::none:
      break;
  }
  return -EINVAL;
}

InstallContext::InstallContext(const RootView& view, const SearchPath& search, LookupCache& cache,
                               SpecifierExpander& specifiers, InstallReport& report)
    : view_(view), search_(search), cache_(cache), specifiers_(specifiers), report_(report) {}

UnitInfo* InstallContext::add(std::string_view name, std::string_view path, bool auxiliary,
                              int& error, int depth) {
  const std::string unit_name = path.empty() ? std::string(name) : path::basename(path);
  if (!is_valid_unit_name(unit_name)) {
    error = -EINVAL;
    return nullptr;
  }
  if (auto it = by_name_.find(unit_name); it != by_name_.end()) {
    UnitInfo& known = units_[it->second];
    known.auxiliary = known.auxiliary && auxiliary;
    return &known;
  }
  if (units_.size() >= kMaxUnits || depth > kMaxAlsoDepth) {
    if (!overflowed_) {
      report_.error(rules::kAlsoTooLarge,
                    fmt::format("Also= names more units than bootassess follows ({} units, {} "
                                "levels deep; {} would be {}); nothing is enabled or disabled "
                                "for this request",
                                kMaxUnits, kMaxAlsoDepth, unit_name,
                                depth > kMaxAlsoDepth ? "one level deeper" : "one unit more"));
    }
    overflowed_ = true;
    error = -E2BIG;
    return nullptr;
  }
  UnitInfo unit;
  unit.name = unit_name;
  unit.path = std::string(path);
  unit.auxiliary = auxiliary;
  unit.depth = depth;
  by_name_.emplace(unit_name, units_.size());
  units_.push_back(std::move(unit));
  return &units_.back();
}

Expansion InstallContext::expand(const UnitInfo& unit, std::string_view text) {
  Expansion e = specifiers_.expand(text, unit.name, unit.default_instance);
  for (char c : e.host_specifiers) {
    report_.warning(rules::kHostSpecifier,
                    fmt::format("%{} in \"{}\" of {} expands to a value of the machine bootassess "
                                "runs on (\"{}\"), as systemctl does",
                                c, text, unit.name, e.text));
  }
  return e;
}

int InstallContext::parse_install(UnitInfo& unit, const std::string& file,
                                  std::string_view content) {
  for (const UnitFileItem& item : parse_unit_file(content, install_section_policy)) {
    switch (item.kind) {
      case UnitFileItem::Kind::warning:
        report_.warning(rules::kUnitFileSyntax,
                        fmt::format("{}:{}: {}", file, item.line, item.message));
        break;
      case UnitFileItem::Kind::bad_encoding:
      case UnitFileItem::Kind::bad_section:
        report_.warning(rules::kUnitFileSyntax, fmt::format("{}:{}: {}; the file cannot be read",
                                                            file, item.line, item.message));
        return item.kind == UnitFileItem::Kind::bad_encoding ? -EINVAL : -EBADMSG;
      case UnitFileItem::Kind::assignment:
        if (int r = assign(unit, file, item.line, item.key, item.value); r < 0) return r;
        break;
    }
  }
  return 0;
}

int InstallContext::assign(UnitInfo& unit, const std::string& file, int line, std::string_view key,
                           std::string_view value) {
  auto word_list = [&](std::vector<InstallValue>& list) {
    if (value.empty()) {
      list.clear();  // an empty assignment resets the list
      return 0;
    }
    WordList words = split_unquoted_words(value);
    for (std::string& word : words.words)
      list.push_back({std::move(word), file, line});
    if (!words.complete) {
      report_.warning(rules::kUnitFileSyntax,
                      fmt::format("{}:{}: invalid syntax, ignoring: {}", file, line, value));
    }
    return 0;
  };

  if (key == "WantedBy") return word_list(unit.wanted_by);
  if (key == "RequiredBy") return word_list(unit.required_by);
  if (key == "UpheldBy") return word_list(unit.upheld_by);
  if (key == "Alias") {
    const UnitType type = *unit_type_of(unit.name);
    if (!unit_type_may_alias(type)) {
      report_.warning(rules::kUnitFileSyntax,
                      fmt::format("{}:{}: Alias= is not allowed for {} units, ignoring", file, line,
                                  unit_type_name(type)));
      return 0;
    }
    return word_list(unit.aliases);
  }
  if (key == "Also") {
    WordList words = split_escaped_words(value);
    if (!words.complete) return -EINVAL;
    for (const std::string& word : words.words) {
      Expansion e = expand(unit, word);
      if (!e.ok()) {
        report_.warning(
            rules::kUnitFileSyntax,
            fmt::format("{}:{}: cannot resolve the unit name in Also=\"{}\"", file, line, word));
        return specifier_errno(e.error);
      }
      int error = 0;
      if (add(e.text, {}, true, error, unit.depth + 1) == nullptr) {
        if (overflowed_) return error;
        report_.warning(
            rules::kUnitFileSyntax,
            fmt::format("{}:{}: Also= names \"{}\", which is not a unit name", file, line, e.text));
        return error;
      }
      unit.also.push_back(std::move(e.text));
    }
    return 0;
  }
  if (key == "DefaultInstance") {
    const NameClass cls = classify_unit_name(unit.name);
    // Enabling an instance through its template file: the template's
    // default does not apply.
    if (cls == NameClass::instance) return 0;
    if (cls != NameClass::template_name) {
      report_.warning(rules::kUnitFileSyntax,
                      fmt::format("{}:{}: DefaultInstance= only makes sense for template units, "
                                  "ignoring",
                                  file, line));
      return 0;
    }
    Expansion e = expand(unit, value);
    if (!e.ok()) {
      report_.warning(
          rules::kUnitFileSyntax,
          fmt::format("{}:{}: cannot resolve the instance name in DefaultInstance=\"{}\"", file,
                      line, value));
      return specifier_errno(e.error);
    }
    if (e.text.empty()) {
      unit.default_instance.reset();
      return 0;
    }
    if (!is_valid_instance(e.text)) {
      report_.warning(
          rules::kUnitFileSyntax,
          fmt::format("{}:{}: invalid DefaultInstance= value \"{}\"", file, line, e.text));
      return -EINVAL;
    }
    unit.default_instance = std::move(e.text);
    return 0;
  }
  if (key.substr(0, 2) != "X-") {
    report_.warning(
        rules::kUnitFileSyntax,
        fmt::format("{}:{}: unknown key '{}' in section [Install], ignoring", file, line, key));
  }
  return 0;
}

int InstallContext::load(UnitInfo& unit, const std::string& path, const std::string& real_path,
                         SearchFlags flags, bool dropin) {
  std::string content;
  if (!dropin) {
    const UnitType type = *unit_type_of(unit.name);
    if (classify_unit_name(unit.name) != NameClass::plain && !unit_type_may_template(type)) {
      report_.warning(rules::kUnitFileError, fmt::format("{}: unit type {} cannot be templated",
                                                         path, unit_type_name(type)));
      return -EINVAL;
    }
    const std::optional<FileInfo> info = view_.lstat(real_path);
    if (!info) return -ENOENT;
    switch (info->type) {
      case FileType::symlink:
        return -ELOOP;
      case FileType::directory:
        return -EISDIR;
      case FileType::other:
        // A device node (a bind-mounted /dev/null): masked.
        unit.mode = InstallMode::masked;
        return 0;
      case FileType::regular:
        break;
    }
    if (info->size == 0) {
      unit.mode = InstallMode::masked;
      return 0;
    }
    if (!flags.load) {
      unit.mode = InstallMode::regular;
      return 0;
    }
    if (int r = check_size(path, info->size); r < 0) return r;
    errno = 0;
    std::optional<std::string> data = view_.read_file(real_path);
    if (!data) return -unread_errno();
    content = std::move(*data);
  } else {
    if (!flags.load) return 0;
    // Drop-ins are opened following symlinks inside the root; one that leads
    // nowhere fails the whole unit, as it does for systemctl.
    const Resolved r = resolve(view_, real_path, "/", true);
    if (!r.ok()) return -r.error;
    if (!r.exists()) return -ENOENT;
    if (r.info->type == FileType::other) return 0;
    if (r.info->type == FileType::directory) return -EISDIR;
    if (r.info->type != FileType::regular) return -EINVAL;
    if (r.info->size == 0) return 0;
    if (int e = check_size(path, r.info->size); e < 0) return e;
    errno = 0;
    std::optional<std::string> data = view_.read_file(r.path);
    if (!data) return -unread_errno();
    content = std::move(*data);
  }
  if (int r = parse_install(unit, path, content); r < 0) return r;
  if (!dropin) unit.mode = InstallMode::regular;
  return static_cast<int>(rule_count(unit));
}

int InstallContext::check_size(const std::string& path, std::uint64_t size) {
  if (size <= kMaxUnitFileSize) return 0;
  report_.warning(rules::kUnitFileError,
                  fmt::format("{}: {} bytes, larger than the {} bytes bootassess reads of a unit "
                              "file or drop-in (systemd's longest line); the unit cannot be read",
                              path, size, kMaxUnitFileSize));
  return -EFBIG;
}

int InstallContext::read_symlink(UnitInfo& unit, const std::string& path,
                                 const std::string& real_path) {
  const std::optional<std::string> target = view_.read_link(real_path);
  if (!target || target->empty()) return -EINVAL;
  // "." and ".." and the directories on the way are resolved inside the root;
  // the last component is not followed.
  const Resolved r = resolve(view_, *target, path::dirname(real_path), false);
  if (!r.ok() && !(r.error == ENOENT && !r.path.empty())) return -r.error;
  const std::string& simplified = r.path;
  const bool in_search_path = search_.contains_below(simplified);
  if (in_search_path) {
    const AliasVerdict verdict =
        check_alias_symlink(path::basename(path), path::basename(simplified));
    if (verdict == AliasVerdict::self) return -ELOOP;
    if (verdict != AliasVerdict::ok) return -EXDEV;
  }
  unit.symlink_target = simplified;
  if (same_path(simplified, "/dev/null")) {
    unit.mode = InstallMode::masked;
  } else {
    unit.mode = in_search_path ? InstallMode::alias : InstallMode::linked;
  }
  return 0;
}

int InstallContext::load_or_readlink(UnitInfo& unit, const std::string& path,
                                     const std::string& real_path, SearchFlags flags, bool dropin) {
  const int r = load(unit, path, real_path, flags, dropin);
  if (r != -ELOOP || dropin) return r;
  return read_symlink(unit, path, real_path);
}

std::vector<std::pair<std::string, std::string>> InstallContext::dropins(
    const UnitInfo& unit, const std::optional<std::string>& tmpl) {
  std::map<std::string, std::pair<std::string, std::string>> by_basename;
  std::vector<std::string> visited;
  auto scan = [&](const std::string& name) {
    const std::string dir_name = name + ".d";
    for (const std::string& dir : search_.dirs()) {
      const std::optional<std::string>& canonical = cache_.canonical(view_, dir);
      if (!canonical) continue;
      std::string dropin_dir = path::join(*canonical, dir_name);
      const std::optional<FileInfo> info = view_.lstat(dropin_dir);
      if (!info) continue;
      if (info->type == FileType::symlink) {
        const Resolved r = resolve(view_, dropin_dir, "/", true);
        if (!r.exists() || r.info->type != FileType::directory) continue;
        dropin_dir = r.path;
      } else if (info->type != FileType::directory) {
        continue;
      }
      // The same directory reached twice (through a symlink) counts once.
      bool seen = false;
      for (const std::string& v : visited)
        seen = seen || v == dropin_dir;
      if (seen) continue;
      visited.push_back(dropin_dir);
      const auto names = view_.list_dir(dropin_dir);
      if (!names) continue;
      for (const std::string& file : *names) {
        if (is_hidden_or_backup(file) || !file.ends_with(".conf")) continue;
        by_basename.try_emplace(file, dir + "/" + dir_name + "/" + file,
                                path::join(dropin_dir, file));
      }
    }
  };
  scan(unit.name);
  if (tmpl) scan(*tmpl);
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(by_basename.size());
  for (auto& [name, paths] : by_basename)
    out.push_back(std::move(paths));
  return out;
}

int InstallContext::search_unit(UnitInfo& unit, SearchFlags flags) {
  if (unit.mode != InstallMode::unknown) return 0;
  if (!unit.path.empty()) {
    // A unit given by path is read from there, without drop-ins.
    if (unit.real_path.empty()) {
      const Resolved r = resolve(view_, unit.path, "/", false);
      if (!r.ok()) return -r.error;
      unit.real_path = r.path;
    }
    return load_or_readlink(unit, unit.path, unit.real_path, flags, false);
  }

  std::optional<std::string> tmpl;
  if (classify_unit_name(unit.name) == NameClass::instance) tmpl = template_of(unit.name);

  int result = 0;
  bool found = false;
  auto look_for = [&](const std::string& file_name) -> int {
    for (const std::string& dir : search_.dirs()) {
      const std::optional<std::string>& canonical = cache_.canonical(view_, dir);
      if (!canonical) continue;
      std::string path = dir + "/" + file_name;
      std::string real_path = path::join(*canonical, file_name);
      const int r = load_or_readlink(unit, path, real_path, flags, false);
      if (r >= 0) {
        unit.path = std::move(path);
        unit.real_path = std::move(real_path);
        result = r;
        found = true;
        return 0;
      }
      if (r != -ENOENT && r != -ENOTDIR && r != -EACCES) return r;
    }
    return 0;
  };
  if (int r = look_for(unit.name); r < 0) return r;
  if (!found && tmpl) {
    if (int r = look_for(*tmpl); r < 0) return r;
  }
  if (!found) return -ENOENT;
  if (unit.mode == InstallMode::masked) return result;
  if (!flags.load) return result;  // drop-ins only matter when reading [Install]

  for (const auto& [path, real_path] : dropins(unit, tmpl)) {
    if (int r = load_or_readlink(unit, path, real_path, flags, true); r < 0) return r;
  }
  return result;
}

int InstallContext::follow(UnitInfo& unit, SearchFlags flags, bool ignore_different_name) {
  if (unit.mode != InstallMode::alias && unit.mode != InstallMode::linked) return -EINVAL;
  if (unit.symlink_target.empty()) return -EINVAL;
  if (!ignore_different_name && path::basename(unit.symlink_target) != unit.name) return -EXDEV;
  unit.path = unit.symlink_target;
  unit.real_path = unit.symlink_target;
  unit.mode = InstallMode::unknown;
  return load_or_readlink(unit, unit.path, unit.real_path, flags, false);
}

int InstallContext::traverse(UnitInfo& start, SearchFlags flags, UnitInfo** found) {
  if (int r = search_unit(start, flags); r < 0) return r;
  UnitInfo* unit = &start;
  int steps = 0;
  while (unit->mode == InstallMode::alias || unit->mode == InstallMode::linked) {
    if (++steps > kMaxAliasSteps) return -ELOOP;
    // Without being asked to, systemd does not follow a symlink in
    // /etc/systemd/system or /run/systemd/system: it was made by an earlier
    // enable (an alias) or by hand, and enabling through it is refused.
    if (!flags.follow_config_symlinks && search_.holds_config(unit->path)) return -ELOOP;

    int r = follow(*unit, flags, unit->mode == InstallMode::linked);
    if (r == -EXDEV && !unit->symlink_target.empty()) {
      // The alias names another unit: continue with that one.
      std::string next = path::basename(unit->symlink_target);
      if (classify_unit_name(unit->name) == NameClass::instance &&
          classify_unit_name(next) == NameClass::template_name) {
        std::optional<std::string> instantiated = replace_instance(next, *instance_of(unit->name));
        if (!instantiated) return -EINVAL;
        if (*instantiated == unit->name) {
          // foo@bar.service -> foo@.service: the instance of its own template.
          if (int f = follow(*unit, flags, true); f < 0) return f;
          continue;
        }
        next = std::move(*instantiated);
      }
      int error = 0;
      UnitInfo* target = add(next, {}, false, error);
      if (target == nullptr) return error;
      unit = target;
      r = search_unit(*unit, flags);
      if (r == -ENOENT) return -ENOLINK;
    }
    if (r < 0) return r;
  }
  if (found != nullptr) *found = unit;
  return 0;
}

int InstallContext::probe(std::string_view name) {
  const std::string key(name);
  if (const std::optional<int> known = cache_.unit_lookup(key)) return *known;
  InstallReport ignored;
  std::vector<LookupCache::Read> reads;
  const RecordingView recording(view_, reads);
  InstallContext scratch(recording, search_, cache_, specifiers_, ignored);
  int error = 0;
  UnitInfo* unit = scratch.add(name, {}, false, error);
  const int r = unit == nullptr ? error : scratch.traverse(*unit, SearchFlags{}, nullptr);
  cache_.remember_unit_lookup(key, r, std::move(reads));
  return r;
}

}  // namespace bootassess::systemd
