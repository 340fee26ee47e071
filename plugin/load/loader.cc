#include "load/loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdlib>

#include "load/codec.h"
#include "load/keys.h"
#include "load/source_files.h"
#include "load/stage_names.h"
#include "load/yaml_node.h"
#include "load/yip_integer.h"
#include "root/path.h"

namespace bootassess {
namespace {

constexpr std::uint32_t kDefaultFileMode = 0644;
// Linux's limits on names (limits.h): a component, and a whole path with its
// terminating NUL.
constexpr std::size_t kNameMax = 255;
constexpr std::size_t kPathMax = 4096;
constexpr std::uint32_t kDefaultDirectoryMode = 0755;

using namespace std::string_view_literals;

// The step keys whose loss changes what a step does: a condition that no
// longer holds the step back, or an action that is no longer taken.
constexpr std::array kActingStepKeys{
    "if"sv,      "files"sv,   "directories"sv,     "systemctl"sv, "boot_assessment"sv,
    "node"sv,    "only_os"sv, "only_os_version"sv, "only_arch"sv, "only_service_manager"sv,
    "if_files"sv};

// yip's test for the #cloud-config header: within the first ten lines, after
// blank lines and other comments, a line that is exactly "#cloud-config".
bool is_cloud_config(const std::string& text) {
  std::size_t start = 0;
  for (int line = 0; line < 10 && start <= text.size(); ++line) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view l(text.data() + start, end - start);
    while (!l.empty() && std::isspace(static_cast<unsigned char>(l.back())))
      l.remove_suffix(1);
    if (l == "#cloud-config") return true;
    if (!l.empty() && l.front() != '#') return false;
    start = end + 1;
  }
  return false;
}

class DocumentReader {
 public:
  DocumentReader(const std::string& file, bool cloud_config, Diagnostics& diagnostics)
      : ctx_{file, diagnostics}, cloud_config_(cloud_config) {}

  std::optional<Document> read(const yaml::Node& root);

 private:
  std::optional<Step> read_step(const yaml::Node& node);
  std::optional<FileEntry> read_file(const yaml::Node& node);
  std::optional<DirectoryEntry> read_directory(const yaml::Node& node);
  SystemctlStep read_systemctl(const yaml::Node& node);
  std::vector<Located<std::string>> read_after(const yaml::Node& node);
  std::optional<SystemctlOverride> read_override(const yaml::Node& node);
  BootAssessmentStep read_boot_assessment(const yaml::Node& node);
  std::optional<HealthCheck> read_check(const yaml::Node& node);
  std::optional<Located<double>> read_seconds(const yaml::Node& node, const std::string& what);

  std::optional<Located<std::uint32_t>> read_permissions(const yaml::Node& node);
  std::uint32_t read_id(const yaml::Node& node, const std::string& what);
  // The names of a list; one holding a NUL byte is reported and left out
  // unless `keep_refused` (the caller then refuses what holds it).
  std::vector<Located<std::string>> read_names(const yaml::Node& node, const std::string& what,
                                               bool keep_refused = false);
  // Reports a path or name that holds a byte the kernel stops at (NUL): the
  // name the kernel would see is not the one written, so the item that holds
  // it is left out. True when `value` is refused.
  bool refuse_cut_name(const Located<std::string>& value, const std::string& what,
                       std::string_view consequence);
  // Reports a path or name the kernel refuses for its length (ENAMETOOLONG):
  // a component longer than NAME_MAX, or the whole longer than PATH_MAX.
  // `suffix` is what the last component gets before it becomes a file name
  // (".d" for a unit's drop-in directory). True when `value` is refused.
  bool refuse_long_name(const Located<std::string>& value, const std::string& what,
                        std::string_view consequence, std::string_view suffix = {});
  Located<std::string> located_string(const yaml::Node& node, const std::string& what);

  void check_encoding(const FileEntry& f);
  void read_conditional(const MapEntry& entry, YipConditionals& out);
  // A key close to one of `dropped_if_misspelt` is an error: the typo
  // silently drops what that key does (a condition, a boot gate, a file's
  // permissions, a unit to enable). Inside a step's modules every known key
  // does something, so there any close key is an error.
  void unknown_key(const MapEntry& entry, std::span<const std::string_view> known,
                   const std::string& where,
                   std::span<const std::string_view> dropped_if_misspelt = {});
  void unknown_stage(const MapEntry& stage);
  void alias_key(const MapEntry& entry, std::string_view real, const std::string& where);

  ReadContext ctx_;
  bool cloud_config_;
};

std::optional<Document> DocumentReader::read(const yaml::Node& root) {
  Document doc;
  doc.file = ctx_.file.str();
  doc.cloud_config = cloud_config_;
  ctx_.lenient = doc.cloud_config;
  for (const MapEntry& e : map_entries(ctx_, root, "the document")) {
    if (e.key == "name") {
      doc.name = string_value(ctx_, e.value, "`name`");
    } else if (e.key == "stages") {
      for (const MapEntry& stage : map_entries(ctx_, e.value, "`stages`")) {
        unknown_stage(stage);
        std::vector<Step>& steps = doc.stages[stage.key];
        const std::vector<yaml::Node> items =
            sequence_items(ctx_, stage.value, fmt::format("stage '{}'", abbreviated(stage.key)));
        // Exactly once: a vector of large steps that doubles holds up to
        // twice the model while it grows.
        steps.reserve(steps.size() + items.size());
        for (const yaml::Node& item : items) {
          if (std::optional<Step> step = read_step(item)) steps.push_back(std::move(*step));
        }
      }
    } else if (doc.cloud_config && keys::contains(keys::cloud_config_keys(), e.key)) {
      if (e.key == "growpart" && e.value.IsMap()) {
        for (auto it = e.value.begin(); it != e.value.end(); ++it) {
          if (it->first.Scalar() == "devices" && it->second.IsSequence())
            doc.growpart_devices = it->second.size();
        }
      }
      ctx_.diagnostics.note(ctx_.at(e.key_node), "runner-key",
                            fmt::format("cloud-config key '{}' is the stage runner's; "
                                        "bootassess leaves it alone",
                                        e.key));
    } else if (keys::contains(keys::kairos_keys(), e.key)) {
      // Kairos' own configuration, in the same file: not yip's, not ours.
    } else {
      std::vector<std::string_view> known(keys::top_level().begin(), keys::top_level().end());
      known.insert(known.end(), keys::kairos_keys().begin(), keys::kairos_keys().end());
      known.insert(known.end(), keys::cloud_config_keys().begin(), keys::cloud_config_keys().end());
      unknown_key(e, known, "the document");
    }
  }
  if (ctx_.failed) return std::nullopt;
  if (ctx_.dropped_stages) doc.stages.clear();
  return doc;
}

std::optional<Step> DocumentReader::read_step(const yaml::Node& node) {
  Step step;
  step.pos = ctx_.at(node);
  for (const MapEntry& e : map_entries(ctx_, node, "a step")) {
    if (e.key == "name") {
      step.name = string_value(ctx_, e.value, "`name`");
    } else if (e.key == "if") {
      step.condition = located_string(e.value, "`if`");
    } else if (e.key == "files") {
      for (const yaml::Node& item : sequence_items(ctx_, e.value, "`files`")) {
        if (std::optional<FileEntry> f = read_file(item)) step.files.push_back(std::move(*f));
      }
    } else if (e.key == "directories") {
      for (const yaml::Node& item : sequence_items(ctx_, e.value, "`directories`")) {
        if (std::optional<DirectoryEntry> d = read_directory(item)) {
          step.directories.push_back(std::move(*d));
        }
      }
    } else if (e.key == "systemctl") {
      step.systemctl = read_systemctl(e.value);
    } else if (e.key == "after") {
      step.after = read_after(e.value);
    } else if (e.key == "boot_assessment") {
      step.boot_assessment = read_boot_assessment(e.value);
    } else if (keys::contains(keys::runner_step_keys(), e.key)) {
      step.runner_keys.push_back({e.key, ctx_.at(e.key_node)});
    } else if (keys::contains(keys::runner_conditionals(), e.key)) {
      if (!step.conditionals) step.conditionals = YipConditionals{};
      read_conditional(e, *step.conditionals);
    } else {
      std::vector<std::string_view> known(keys::step().begin(), keys::step().end());
      known.insert(known.end(), keys::runner_step_keys().begin(), keys::runner_step_keys().end());
      known.insert(known.end(), keys::runner_conditionals().begin(),
                   keys::runner_conditionals().end());
      unknown_key(e, known, "a step", kActingStepKeys);
    }
  }
  // A condition the shell would see cut short decides differently from the
  // one written: the step is not run.
  bool refused = step.condition && refuse_cut_name(*step.condition, "`if`", "the step is skipped");
  if (step.conditionals) {
    for (const auto& [kind, files] : step.conditionals->if_files) {
      for (const Located<std::string>& name : files)
        refused = refuse_cut_name(name, "a path of `if_files`", "the step is skipped") || refused;
    }
  }
  if (refused) return std::nullopt;
  return step;
}

std::optional<FileEntry> DocumentReader::read_file(const yaml::Node& node) {
  FileEntry f;
  f.pos = ctx_.at(node);
  bool has_permissions = false;
  for (const MapEntry& e : map_entries(ctx_, node, "a `files` entry")) {
    if (e.key == "path") {
      f.path = located_string(e.value, "`path`");
    } else if (e.key == "permissions") {
      has_permissions = !e.value.IsNull();
      f.permissions = read_permissions(e.value);
    } else if (e.key == "owner") {
      f.owner = read_id(e.value, "`owner`");
    } else if (e.key == "group") {
      f.group = read_id(e.value, "`group`");
    } else if (e.key == "content") {
      f.content = located_string(e.value, "`content`");
      f.content_is_block = is_block_scalar(e.value);
      if (f.content_is_block) f.content_column = e.value.BlockTextColumn();
    } else if (e.key == "encoding") {
      f.encoding = located_string(e.value, "`encoding`");
    } else if (e.key == "ownerstring" || e.key == "owner_string") {
      if (e.key == "owner_string") alias_key(e, "ownerstring", "a `files` entry");
      f.ownerstring = located_string(e.value, "`ownerstring`");
    } else {
      unknown_key(e, keys::file(), "a `files` entry", keys::file());
    }
  }
  check_encoding(f);
  if (!has_permissions && node.IsMap()) {
    ctx_.diagnostics.warning(
        f.pos, "permissions-omitted",
        fmt::format("`permissions` omitted: yip would write mode 0000; bootassess writes {:04o}",
                    kDefaultFileMode),
        fmt::format("add `permissions: {:04o}`", kDefaultFileMode));
  }
  if (refuse_cut_name(f.path, "`path`", "nothing is written for this entry") ||
      refuse_long_name(f.path, "`path`", "nothing is written for this entry")) {
    return std::nullopt;
  }
  return f;
}

std::optional<DirectoryEntry> DocumentReader::read_directory(const yaml::Node& node) {
  DirectoryEntry d;
  d.pos = ctx_.at(node);
  bool has_permissions = false;
  for (const MapEntry& e : map_entries(ctx_, node, "a `directories` entry")) {
    if (e.key == "path") {
      d.path = located_string(e.value, "`path`");
    } else if (e.key == "permissions") {
      has_permissions = !e.value.IsNull();
      d.permissions = read_permissions(e.value);
    } else if (e.key == "owner") {
      d.owner = read_id(e.value, "`owner`");
    } else if (e.key == "group") {
      d.group = read_id(e.value, "`group`");
    } else {
      unknown_key(e, keys::directory(), "a `directories` entry", keys::directory());
    }
  }
  if (!has_permissions && node.IsMap()) {
    ctx_.diagnostics.warning(
        d.pos, "permissions-omitted",
        fmt::format("`permissions` omitted: yip would set mode 0000; bootassess uses {:04o}",
                    kDefaultDirectoryMode),
        fmt::format("add `permissions: {:04o}`", kDefaultDirectoryMode));
  }
  if (refuse_cut_name(d.path, "`path`", "nothing is done for this entry") ||
      refuse_long_name(d.path, "`path`", "nothing is done for this entry")) {
    return std::nullopt;
  }
  return d;
}

SystemctlStep DocumentReader::read_systemctl(const yaml::Node& node) {
  SystemctlStep s;
  s.pos = ctx_.at(node);
  for (const MapEntry& e : map_entries(ctx_, node, "`systemctl`")) {
    if (e.key == "enable" || e.key == "enabled") {
      if (e.key == "enabled") alias_key(e, "enable", "`systemctl`");
      std::vector<Located<std::string>> names = read_names(e.value, "`systemctl.enable`");
      s.enable.insert(s.enable.end(), names.begin(), names.end());
    } else if (e.key == "disable") {
      s.disable = read_names(e.value, "`systemctl.disable`");
    } else if (e.key == "mask") {
      s.mask = read_names(e.value, "`systemctl.mask`");
    } else if (e.key == "start") {
      s.start = read_names(e.value, "`systemctl.start`");
    } else if (e.key == "overrides") {
      for (const yaml::Node& item : sequence_items(ctx_, e.value, "`systemctl.overrides`")) {
        if (std::optional<SystemctlOverride> o = read_override(item)) {
          s.overrides.push_back(std::move(*o));
        }
      }
    } else if (e.key == "runtime") {
      s.runtime = bool_value(ctx_, e.value, "`systemctl.runtime`").value_or(false);
    } else {
      unknown_key(e, keys::systemctl(), "`systemctl`", keys::systemctl());
    }
  }
  return s;
}

// yaml.v3 decodes each entry into a struct with one field, `name`: a null
// entry or one without `name` is the empty name, other keys are ignored.
std::vector<Located<std::string>> DocumentReader::read_after(const yaml::Node& node) {
  std::vector<Located<std::string>> out;
  for (const yaml::Node& item : sequence_items(ctx_, node, "`after`")) {
    Located<std::string> name{{}, ctx_.at(item)};
    for (const MapEntry& e : map_entries(ctx_, item, "an `after` entry")) {
      if (e.key == "name") {
        name.value = string_value(ctx_, e.value, "`name`");
      } else {
        unknown_key(e, keys::after_entry(), "an `after` entry", keys::after_entry());
      }
    }
    out.push_back(std::move(name));
  }
  return out;
}

std::optional<SystemctlOverride> DocumentReader::read_override(const yaml::Node& node) {
  SystemctlOverride o;
  o.pos = ctx_.at(node);
  for (const MapEntry& e : map_entries(ctx_, node, "a `systemctl.overrides` entry")) {
    if (e.key == "service") {
      o.service = located_string(e.value, "`service`");
    } else if (e.key == "content") {
      o.content = located_string(e.value, "`content`");
      o.content_is_block = is_block_scalar(e.value);
      if (o.content_is_block) o.content_column = e.value.BlockTextColumn();
    } else if (e.key == "name") {
      o.name = located_string(e.value, "`name`");
    } else {
      unknown_key(e, keys::override_entry(), "a `systemctl.overrides` entry",
                  keys::override_entry());
    }
  }
  constexpr std::string_view kNotWritten = "the override is not written";
  bool refused = refuse_cut_name(o.service, "`service`", kNotWritten);
  refused = refuse_cut_name(o.name, "`name`", kNotWritten) || refused;
  // The drop-in is <unit>.d/<name>, and yip adds ".conf" to a name that
  // does not end in it.
  refused = refuse_long_name(o.service, "`service`", kNotWritten, ".d") || refused;
  const bool conf = o.name.value.ends_with(".conf");
  refused = refuse_long_name(o.name, "`name`", kNotWritten, conf ? "" : ".conf") || refused;
  if (refused) return std::nullopt;
  return o;
}

BootAssessmentStep DocumentReader::read_boot_assessment(const yaml::Node& node) {
  BootAssessmentStep b;
  b.pos = ctx_.at(node);
  for (const MapEntry& e : map_entries(ctx_, node, "`boot_assessment`")) {
    if (e.key == "units") {
      b.units = read_names(e.value, "`boot_assessment.units`");
    } else if (e.key == "reboot_on_failure") {
      b.reboot_on_failure = read_names(e.value, "`boot_assessment.reboot_on_failure`");
    } else if (e.key == "modes") {
      b.modes = read_names(e.value, "`boot_assessment.modes`");
    } else if (e.key == "accept_boot_loop_risk") {
      std::optional<bool> v = bool_value(ctx_, e.value, "`accept_boot_loop_risk`");
      if (v) b.accept_boot_loop_risk = Located<bool>{*v, ctx_.at(e.value)};
    } else if (e.key == "checks") {
      for (const yaml::Node& item : sequence_items(ctx_, e.value, "`boot_assessment.checks`")) {
        if (std::optional<HealthCheck> c = read_check(item)) b.checks.push_back(std::move(*c));
      }
    } else if (e.key == "check_binary") {
      b.check_binary = located_string(e.value, "`boot_assessment.check_binary`");
    } else {
      unknown_key(e, keys::boot_assessment(), "`boot_assessment`", keys::boot_assessment());
    }
  }
  return b;
}

// A check that cannot be understood fails its document, as a value of the
// wrong type does: a gate must never lose a check it was given.
std::optional<HealthCheck> DocumentReader::read_check(const yaml::Node& node) {
  HealthCheck c;
  c.pos = ctx_.at(node);
  constexpr std::string_view kWhere = "a `boot_assessment.checks` entry";
  std::vector<const MapEntry*> kinds;
  std::vector<const MapEntry*> options;  // fstype, type, status
  const std::vector<MapEntry> entries = map_entries(ctx_, node, std::string(kWhere));
  for (const MapEntry& e : entries) {
    if (e.key == "name") {
      c.name = located_string(e.value, "a check's `name`");
    } else if (keys::contains(keys::check_kinds(), e.key)) {
      kinds.push_back(&e);
    } else if (e.key == "fstype") {
      c.fstype = located_string(e.value, "`fstype`");
      options.push_back(&e);
    } else if (e.key == "type") {
      c.type = located_string(e.value, "`type`");
      options.push_back(&e);
    } else if (e.key == "status") {
      options.push_back(&e);
      const std::optional<YipInteger> v =
          e.value.IsScalar() ? parse_yip_unsigned(e.value.Scalar(), 599) : std::nullopt;
      if (!v || v->from_float || !v->decimal || v->value < 100) {
        ctx_.type_error(e.value, "`status` must be an HTTP status code from 100 to 599");
      } else {
        c.status = Located<std::uint32_t>{static_cast<std::uint32_t>(v->value), ctx_.at(e.value)};
      }
    } else if (e.key == "timeout") {
      c.timeout = read_seconds(e.value, "`timeout`");
    } else if (e.key == "interval") {
      c.interval = read_seconds(e.value, "`interval`");
    } else if (e.key == "required") {
      std::optional<bool> v = bool_value(ctx_, e.value, "`required`");
      if (v) c.required = Located<bool>{*v, ctx_.at(e.value)};
    } else {
      unknown_key(e, keys::health_check(), std::string(kWhere), keys::health_check());
    }
  }
  if (!node.IsMap()) return std::nullopt;  // reported by map_entries
  if (kinds.size() != 1) {
    ctx_.type_error(
        kinds.size() > 1 ? kinds[1]->key_node : node,
        kinds.empty()
            ? std::string("a check needs exactly one kind: mount, path, tcp, http, command or unit")
            : fmt::format("a check has exactly one kind: `{}` and `{}` are both given",
                          kinds[0]->key, kinds[1]->key));
    return std::nullopt;
  }
  const MapEntry& kind = *kinds.front();
  c.kind_pos = ctx_.at(kind.key_node);
  for (CheckKind k : {CheckKind::mount, CheckKind::path, CheckKind::tcp, CheckKind::http,
                      CheckKind::command, CheckKind::unit}) {
    if (check_kind_name(k) == kind.key) c.kind = k;
  }
  if (c.kind == CheckKind::command) {
    c.argv = read_names(kind.value, "`command`", true);
  } else {
    c.target = located_string(kind.value, fmt::format("`{}`", kind.key));
  }
  // Each option belongs to one kind.
  for (const MapEntry* o : options) {
    const std::string_view owner = o->key == "fstype" ? "mount"
                                   : o->key == "type" ? "path"
                                                      : "http";
    if (kind.key != owner) {
      ctx_.type_error(o->key_node, fmt::format("`{}` is an option of `{}` checks, not of `{}`",
                                               o->key, owner, kind.key));
    }
  }
  bool refused = refuse_cut_name(c.name, "a check's `name`", "the check cannot be run");
  refused = refuse_cut_name(c.target, fmt::format("`{}`", kind.key), "the check cannot be run") ||
            refused;
  for (const Located<std::string>& arg : c.argv)
    refused =
        refuse_cut_name(arg, "an argument of `command`", "the check cannot be run") || refused;
  if (refused) ctx_.failed = true;
  return c;
}

// Seconds, decimal, more than zero.
std::optional<Located<double>> DocumentReader::read_seconds(const yaml::Node& node,
                                                            const std::string& what) {
  if (node.IsScalar() && !is_quoted(node)) {
    const std::string text(node.Scalar());
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    const bool plain = !text.empty() && text.find_first_not_of("0123456789.") == std::string::npos;
    if (plain && end == text.c_str() + text.size() && v > 0 && v <= 86400 * 365) {
      return Located<double>{v, ctx_.at(node)};
    }
  }
  ctx_.type_error(node, fmt::format("{} must be a number of seconds greater than 0, such as 30 "
                                    "or 0.5",
                                    what));
  return std::nullopt;
}

std::optional<Located<std::uint32_t>> DocumentReader::read_permissions(const yaml::Node& node) {
  const Position pos = ctx_.at(node);
  if (node.IsNull()) return std::nullopt;
  if (!node.IsScalar()) {
    ctx_.type_error(node, "`permissions` must be a number such as 0644");
    return std::nullopt;
  }
  const std::string_view text = node.Scalar();
  if (is_quoted(node)) {
    std::optional<std::uint32_t> octal = parse_quoted_octal(text);
    if (!octal) {
      ctx_.type_error(node, fmt::format("`permissions` \"{}\" is not an octal mode", text));
      return std::nullopt;
    }
    ctx_.diagnostics.warning(
        pos, "permissions-quoted",
        fmt::format("quoted `permissions` \"{}\": yip cannot decode it and {}; bootassess "
                    "reads it as octal {:04o}",
                    text, ctx_.undecodable(), *octal & 07777),
        fmt::format("write `permissions: {:04o}` without quotes", *octal));
    return Located<std::uint32_t>{*octal, pos};
  }
  std::optional<YipInteger> value = parse_yip_unsigned(text, UINT32_MAX);
  if (!value) {
    ctx_.type_error(node, fmt::format("`permissions` '{}' is not a number yip can decode", text));
    return std::nullopt;
  }
  const std::uint32_t mode = static_cast<std::uint32_t>(value->value);
  const bool octal_looking = value->decimal && value->value >= 8 &&
                             text.find_first_not_of("01234567") == std::string::npos;
  if (octal_looking || value->from_float) {
    ctx_.diagnostics.warning(
        pos, "permissions-decimal",
        fmt::format("`permissions: {}` is the decimal number {}, i.e. mode {:04o}, not {}{}", text,
                    value->value, mode & 0777, octal_looking ? "0" : "", text),
        octal_looking ? fmt::format("write `permissions: 0{}` for mode 0{}", text, text)
                      : std::string("write an octal mode such as 0644"));
  }
  if (mode > 0777 && !octal_looking) {
    ctx_.diagnostics.warning(pos, "permissions-high-bits",
                             fmt::format("mode {:o} has bits above 0777; yip drops them (no "
                                         "setuid, setgid or sticky), so does bootassess",
                                         mode));
  }
  return Located<std::uint32_t>{mode, pos};
}

std::uint32_t DocumentReader::read_id(const yaml::Node& node, const std::string& what) {
  if (node.IsNull()) return 0;
  if (!node.IsScalar()) {
    ctx_.type_error(node, fmt::format("{} must be a numeric id", what));
    return 0;
  }
  std::optional<YipInteger> value = parse_yip_unsigned(node.Scalar(), INT32_MAX);
  if (!value || value->from_float) {
    ctx_.type_error(node, fmt::format("{} '{}' is not a numeric id", what, node.Scalar()));
    return 0;
  }
  if (is_quoted(node)) {
    ctx_.diagnostics.warning(ctx_.at(node), "id-quoted",
                             fmt::format("quoted {} \"{}\": yip cannot decode it and {}; "
                                         "bootassess reads it as {}",
                                         what, node.Scalar(), ctx_.undecodable(), value->value),
                             "write the number without quotes");
  }
  return static_cast<std::uint32_t>(value->value);
}

std::vector<Located<std::string>> DocumentReader::read_names(const yaml::Node& node,
                                                             const std::string& what,
                                                             bool keep_refused) {
  std::vector<Located<std::string>> names;
  for (const yaml::Node& item : sequence_items(ctx_, node, what)) {
    Located<std::string> name = located_string(item, fmt::format("an item of {}", what));
    if (!keep_refused && (refuse_cut_name(name, "an item of " + what, "it is left out") ||
                          refuse_long_name(name, "an item of " + what, "it is left out"))) {
      continue;
    }
    names.push_back(std::move(name));
  }
  return names;
}

bool DocumentReader::refuse_cut_name(const Located<std::string>& value, const std::string& what,
                                     std::string_view consequence) {
  const std::size_t at = value.value.find('\0');
  if (at == std::string::npos) return false;
  ctx_.diagnostics.error(
      value.pos, "nul-byte",
      fmt::format("{} holds a NUL byte (byte {} of the value): the kernel "
                  "would stop reading the name there, at '{}'; {}",
                  what, at + 1, printable(value.value.substr(0, at)), consequence));
  return true;
}

bool DocumentReader::refuse_long_name(const Located<std::string>& value, const std::string& what,
                                      std::string_view consequence, std::string_view suffix) {
  const std::string_view name = value.value;
  std::string problem;
  if (name.size() + suffix.size() >= kPathMax) {
    problem = fmt::format(
        "is {} bytes long{}: the kernel takes a path of at most {} bytes "
        "(PATH_MAX, with its NUL)",
        name.size() + suffix.size(), suffix.empty() ? "" : fmt::format(" with '{}'", suffix),
        kPathMax);
  } else {
    std::size_t start = 0;
    while (start <= name.size() && problem.empty()) {
      std::size_t end = name.find('/', start);
      if (end == std::string_view::npos) end = name.size();
      const std::size_t length = end - start + (end == name.size() ? suffix.size() : 0);
      if (length > kNameMax) {
        problem = fmt::format(
            "has a component of {} bytes{} ('{}'): the kernel takes a name of "
            "at most {} bytes (NAME_MAX)",
            length,
            end == name.size() && !suffix.empty() ? fmt::format(" with '{}'", suffix)
                                                  : std::string(),
            abbreviated(name.substr(start, end - start), 40), kNameMax);
      }
      start = end + 1;
    }
  }
  if (problem.empty()) return false;
  ctx_.diagnostics.error(value.pos, "name-too-long",
                         fmt::format("{} {}; {}", what, problem, consequence));
  return true;
}

Located<std::string> DocumentReader::located_string(const yaml::Node& node,
                                                    const std::string& what) {
  return {string_value(ctx_, node, what), ctx_.at(node)};
}

void DocumentReader::read_conditional(const MapEntry& e, YipConditionals& out) {
  if (e.key == "if_files") {
    out.has_if_files = true;
    for (const MapEntry& list : map_entries(ctx_, e.value, "`if_files`")) {
      out.if_files.push_back({{list.key, ctx_.at(list.key_node)},
                              read_names(list.value, "`if_files." + list.key + "`", true)});
    }
    return;
  }
  Located<std::string> value = located_string(e.value, "`" + e.key + "`");
  if (e.key == "node") {
    out.node = value;
  } else if (e.key == "only_os") {
    out.only_os = value;
  } else if (e.key == "only_os_version") {
    out.only_os_version = value;
  } else if (e.key == "only_arch") {
    out.only_arch = value;
  } else if (e.key == "only_service_manager") {
    out.only_service_manager = value;
  }
}

// Static checks of a file's content that yip would treat differently.
void DocumentReader::check_encoding(const FileEntry& f) {
  if (f.encoding && !is_known_encoding(f.encoding->value)) {
    ctx_.diagnostics.warning(f.encoding->pos, "encoding-unknown",
                             fmt::format("encoding '{}' is not one yip knows: the content is "
                                         "written as it is, undecoded",
                                         f.encoding->value),
                             fmt::format("use {}, or omit it", kEncodingNames));
  }
  if (has_template(f.content.value)) {
    ctx_.diagnostics.warning(f.content.pos, "template-not-rendered",
                             "the content holds a `{{ }}` template: yip renders Go templates "
                             "in file content, bootassess writes the text exactly as given");
  }
}

void DocumentReader::unknown_key(const MapEntry& entry, std::span<const std::string_view> known,
                                 const std::string& where,
                                 std::span<const std::string_view> dropped_if_misspelt) {
  std::string suggestion = keys::suggest(entry.key, known);
  std::string fix =
      suggestion.empty() ? std::string() : fmt::format("did you mean `{}`?", suggestion);
  if (!suggestion.empty() && keys::contains(dropped_if_misspelt, suggestion)) {
    ctx_.diagnostics.error(ctx_.at(entry.key_node), "unknown-key",
                           fmt::format("unknown key '{}' in {}: yip ignores it, and so does "
                                       "bootassess: {} goes without its `{}`",
                                       abbreviated(entry.key), where, where, suggestion),
                           std::move(fix));
    return;
  }
  ctx_.diagnostics.warning(
      ctx_.at(entry.key_node), "unknown-key",
      fmt::format("unknown key '{}' in {}: yip ignores it, and so does bootassess",
                  abbreviated(entry.key), where),
      std::move(fix));
}

void DocumentReader::unknown_stage(const MapEntry& stage) {
  if (stage_names::is_known(stage.key)) return;
  const std::string suggestion = stage_names::suggest(stage.key);
  ctx_.diagnostics.warning(
      ctx_.at(stage.key_node), "unknown-stage",
      fmt::format("stage '{}' is not one Kairos runs: its steps run only when a stage runner is "
                  "told to run it by that name",
                  abbreviated(stage.key)),
      suggestion.empty() ? std::string() : fmt::format("did you mean `{}`?", suggestion));
}

void DocumentReader::alias_key(const MapEntry& entry, std::string_view real,
                               const std::string& where) {
  ctx_.diagnostics.warning(ctx_.at(entry.key_node), "key-alias",
                           fmt::format("'{}' in {} is not a yip key: yip silently ignores it; "
                                       "bootassess reads it as `{}`",
                                       entry.key, where, real),
                           fmt::format("did you mean `{}`?", real));
}

}  // namespace

std::optional<Document> load_document(const std::string& file, std::string text,
                                      Diagnostics& diagnostics) {
  yaml::ParseError error;
  const std::optional<yaml::Tree> tree = yaml::Tree::parse(text, error);
  const bool cloud_config = is_cloud_config(text);
  // The tree holds all that is read from here on: a large configuration's
  // source need not stay in memory beside the tree and the model.
  std::string().swap(text);
  // Reported by load_source, as any allocation that fails while a source is
  // read: it names the source and is not a syntax error.
  if (!tree && error.out_of_memory) throw std::bad_alloc();
  if (!tree) {
    const Position where{file, error.mark.is_null() ? 0 : error.mark.line + 1,
                         error.mark.is_null() ? 0 : error.mark.column + 1};
    diagnostics.error(where, "yaml-syntax", fmt::format("invalid YAML: {}", error.message));
    return std::nullopt;
  }
  const yaml::Node root = tree->root();
  try {
    DocumentReader reader(file, cloud_config, diagnostics);
    return reader.read(root);
  } catch (const std::bad_alloc&) {
    throw;  // the source's own failure, reported by load_source
  } catch (const std::exception& e) {
    diagnostics.error({file, 0, 0}, "yaml-syntax",
                      fmt::format("cannot read document: {}", e.what()));
    return std::nullopt;
  }
}

Source load_source(const std::string& argument, Diagnostics& diagnostics) {
  InputBudget budget;
  return load_source(argument, diagnostics, budget);
}

Source load_source(const std::string& argument, Diagnostics& diagnostics, InputBudget& budget) {
  Source source;
  source.argument = argument;
  const std::size_t first_diagnostic = diagnostics.items().size();
  // What could not be read, each with its rule.
  std::vector<std::pair<std::string, std::string>> errors;
  std::string text;
  std::string error;
  bool too_large = false;
  auto load = [&](const std::string& name, bool read) {
    if (!read) {
      errors.emplace_back(too_large ? "source-too-large" : "source-unreadable", error);
      too_large = false;
      return;
    }
    if (text.size() > budget.left) {
      budget.left = 0;
      errors.emplace_back("source-too-large",
                          fmt::format("{}: the sources of this run hold more than {} MiB "
                                      "together; bootassess reads no more",
                                      name, kMaxTotalInputBytes >> 20));
      return;
    }
    budget.left -= text.size();
    if (std::optional<Document> doc = load_document(name, std::move(text), diagnostics)) {
      // yip names a directory's files by filepath.Join(dir, name), which
      // cleans the path; a file argument by the argument as written.
      if (argument == "-") {
        doc->yip_file = "<STDIN>";
      } else if (name != argument) {
        doc->yip_file = path::clean(name);
      } else {
        doc->yip_file = argument;
      }
      source.documents.push_back(std::move(*doc));
    } else {
      source.failed = true;
    }
  };
  // Out of memory while one file is read or decoded: what it had taken is
  // given back as the exception unwinds, that file fails with an error
  // naming it, and the next one is read.
  auto load_guarded = [&](const std::string& name, auto&& read) {
    try {
      load(name, read());
    } catch (const std::bad_alloc&) {
      std::string().swap(text);
      source.failed = true;
      diagnostics.error({name, 0, 0}, "source-out-of-memory",
                        fmt::format("out of memory while reading {}", name));
    }
  };
  if (argument == "-") {
    load_guarded("<stdin>", [&] { return read_standard_input(text, error, &too_large); });
  } else {
    SourceFiles listed = list_source_files(argument);
    for (std::string& e : listed.errors)
      errors.emplace_back("source-unreadable", std::move(e));
    for (const std::string& file : listed.files)
      load_guarded(file, [&] { return read_source_file(file, text, error, &too_large); });
  }
  for (const auto& [rule, message] : errors)
    diagnostics.error({argument, 0, 0}, rule, message);
  if (!errors.empty()) source.failed = true;
  if (source.failed) {
    // One failure, one diagnostic: the source's first error says what it
    // costs, rather than a second line about the same failure.
    for (std::size_t i = first_diagnostic; i < diagnostics.items().size(); ++i) {
      Diagnostic& d = diagnostics.at(i);
      if (d.severity != Severity::error) continue;
      d.message += fmt::format("; nothing from {} is applied (yip skips such a source whole)",
                               argument == "-" ? std::string("<stdin>") : argument);
      break;
    }
    source.documents.clear();
  }
  return source;
}

}  // namespace bootassess
