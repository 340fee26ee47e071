#include "lint/check_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "plan/health_check.h"
#include "root/path.h"
#include "systemd/unit_file.h"

namespace bootassess::lint {
namespace {

using systemd::UnitFileItem;

systemd::SectionUse read_all(std::string_view) {
  return systemd::SectionUse::read;
}

// The last `key` of `section` in `content`, if any.
std::optional<std::string> last_value(std::string_view content, std::string_view section,
                                      std::string_view key) {
  std::optional<std::string> out;
  for (const UnitFileItem& item : systemd::parse_unit_file(content, read_all)) {
    if (item.kind == UnitFileItem::Kind::assignment && item.section == section && item.key == key) {
      out = item.value;
    }
  }
  return out;
}

// The files systemd reads for a configuration, in the order they apply: the
// main file, then the drop-ins of each directory, by name.
std::vector<std::string> config_files(const RootView& root, const std::string& main,
                                      const std::vector<std::string>& dropin_dirs) {
  std::vector<std::string> files{main};
  std::vector<std::pair<std::string, std::string>> dropins;  // name, path
  for (const std::string& dir : dropin_dirs) {
    const std::optional<std::vector<std::string>> names = root.list_dir(dir);
    if (!names) continue;
    for (const std::string& name : *names) {
      if (!name.ends_with(".conf")) continue;
      bool masked = false;  // a name in an earlier directory wins
      for (const auto& d : dropins)
        masked |= d.first == name;
      if (!masked) dropins.emplace_back(name, path::join(dir, name));
    }
  }
  std::sort(dropins.begin(), dropins.end());
  for (const auto& d : dropins)
    files.push_back(d.second);
  return files;
}

bool gates_some_mode(const BootAssessmentStep& gate) {
  if (!gate.modes) return true;  // active and passive
  for (const Located<std::string>& m : *gate.modes) {
    const std::optional<BootMode> mode = parse_mode(m.value);
    if (mode && *mode != BootMode::live && *mode != BootMode::unknown) return true;
  }
  return false;
}

void check_step(const BootAssessmentStep& gate, const StartLimits& limits, Diagnostics& out) {
  check_configuration(gate, out);
  if (gate.checks.empty()) return;
  if (!gates_some_mode(gate)) {
    out.warning(gate.checks.front().pos, "check-no-mode",
                "this step gates no boot mode (its `modes` name none of active, passive, "
                "recovery, autoreset): its checks never run",
                "omit `modes` for active and passive");
  }
  const bool reboots = !gate.reboot_on_failure || !gate.reboot_on_failure->empty();
  for (const HealthCheck& c : gate.checks) {
    if (!c.is_required() && reboots) {
      out.warning(c.required->pos, "check-wanted-reboot",
                  fmt::format("check '{}' is not required, so it never fails the boot: the "
                              "step's `reboot_on_failure` does nothing for it",
                              c.name.value),
                  "move it to a step with `reboot_on_failure: []`, or make it required");
    }
    const double waits = std::ceil(check_timeout(c)) + kCheckTimeoutMargin;
    const Position& where = c.timeout ? c.timeout->pos : c.pos;
    if (limits.boot_complete && waits > *limits.boot_complete) {
      out.warning(where, "check-timeout",
                  fmt::format("check '{}' may take {} s, but boot-complete.target's job times "
                              "out after {} s (JobTimeoutSec= in {}): the target fails first",
                              c.name.value, format_seconds(waits),
                              format_seconds(*limits.boot_complete), limits.boot_complete_from),
                  "lower the check's `timeout`");
    } else if (waits > limits.default_start) {
      out.warning(
          where, "check-timeout",
          fmt::format("check '{}' may take {} s, longer than systemd lets a unit start "
                      "on this image (DefaultTimeoutStartSec={} s{}): its own unit "
                      "allows it, but the boot is judged that much later",
                      c.name.value, format_seconds(waits), format_seconds(limits.default_start),
                      limits.default_start_from.empty()
                          ? std::string(", systemd's default")
                          : fmt::format(", set in {}", limits.default_start_from)),
          fmt::format("keep `timeout` at most {} s",
                      format_seconds(limits.default_start - kCheckTimeoutMargin)));
    }
  }
}

}  // namespace

std::optional<double> parse_time_span(std::string_view text) {
  while (!text.empty() && text.front() == ' ')
    text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  if (text == "infinity") return HUGE_VAL;
  if (text.empty()) return std::nullopt;
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"usec", 1e-6},   {"us", 1e-6},    {"msec", 1e-3},  {"ms", 1e-3},    {"seconds", 1},
      {"second", 1},    {"sec", 1},      {"s", 1},        {"minutes", 60}, {"minute", 60},
      {"min", 60},      {"m", 60},       {"hours", 3600}, {"hour", 3600},  {"hr", 3600},
      {"h", 3600},      {"days", 86400}, {"day", 86400},  {"d", 86400},    {"weeks", 604800},
      {"week", 604800}, {"w", 604800}};
  double total = 0;
  std::string rest(text);
  const char* p = rest.c_str();
  while (*p != '\0') {
    while (*p == ' ')
      ++p;
    if (*p == '\0') break;
    if (!(std::isdigit(static_cast<unsigned char>(*p)) || *p == '.')) return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(p, &end);
    if (end == p) return std::nullopt;
    p = end;
    while (*p == ' ')
      ++p;
    std::size_t len = 0;
    while (std::isalpha(static_cast<unsigned char>(p[len])))
      ++len;
    const std::string_view unit(p, len);
    double scale = unit.empty() ? 1 : 0;
    for (const auto& [name, s] : kUnits) {
      if (unit == name) scale = s;
    }
    if (scale == 0) return std::nullopt;
    total += v * scale;
    p += len;
  }
  return total;
}

StartLimits read_start_limits(const RootView& root) {
  StartLimits limits;
  for (const std::string& file :
       config_files(root, "/etc/systemd/system.conf",
                    {"/etc/systemd/system.conf.d", "/run/systemd/system.conf.d",
                     "/usr/local/lib/systemd/system.conf.d", "/usr/lib/systemd/system.conf.d"})) {
    const std::optional<std::string> content = root.read_file(file);
    if (!content) continue;
    if (std::optional<std::string> v = last_value(*content, "Manager", "DefaultTimeoutStartSec")) {
      if (std::optional<double> s = parse_time_span(*v)) {
        limits.default_start = *s;
        limits.default_start_from = file;
      }
    }
  }
  // The unit file systemd loads first on the search path, then its drop-ins.
  std::string unit_file;
  for (const char* dir :
       {"/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system",
        "/usr/lib/systemd/system", "/lib/systemd/system"}) {
    const std::string candidate = path::join(dir, "boot-complete.target");
    if (unit_file.empty() && root.lstat(candidate)) unit_file = candidate;
  }
  std::vector<std::string> dropin_dirs;
  for (const char* dir : {"/etc/systemd/system", "/usr/local/lib/systemd/system",
                          "/usr/lib/systemd/system", "/lib/systemd/system"})
    dropin_dirs.push_back(path::join(dir, "boot-complete.target.d"));
  for (const std::string& file : config_files(root, unit_file, dropin_dirs)) {
    if (file.empty()) continue;
    const std::optional<std::string> content = root.read_file(file);
    if (!content) continue;
    if (std::optional<std::string> v = last_value(*content, "Unit", "JobTimeoutSec")) {
      std::optional<double> s = parse_time_span(*v);
      if (s && *s > 0 && *s != HUGE_VAL) {
        limits.boot_complete = *s;
        limits.boot_complete_from = file;
      } else {
        limits.boot_complete.reset();
      }
    }
  }
  return limits;
}

void check_health_checks(const std::vector<Source>& sources, const StartLimits& limits,
                         Diagnostics& out) {
  for (const Source& source : sources) {
    for (const Document& doc : source.documents) {
      for (const auto& [stage, steps] : doc.stages) {
        for (const Step& step : steps) {
          if (step.boot_assessment) check_step(*step.boot_assessment, limits, out);
        }
      }
    }
  }
}

}  // namespace bootassess::lint
