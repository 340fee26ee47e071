#include "plan/health_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include "load/check_target.h"
#include "systemd/unit_name.h"

namespace bootassess {
namespace {

using namespace std::string_view_literals;

constexpr std::array kPathTypes{"file"sv, "directory"sv, "symlink"sv, "socket"sv,
                                "fifo"sv, "block"sv,     "char"sv};

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == ':';
}

void add(Diagnostics& out, bool& ok, Severity severity, const Position& where,
         std::string_view rule, std::string message, std::string fix = {}) {
  if (severity == Severity::error) ok = false;
  out.add({where, severity, std::string(rule), std::move(message), std::move(fix)});
}

std::string describe_target(const HealthCheck& check) {
  if (check.kind != CheckKind::command) return check.target.value;
  return check.argv.empty() ? std::string() : check.argv.front().value;
}

// A value for a unit file's line: specifiers escaped, control characters out.
std::string unit_value(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%') {
      out += "%%";
    } else if (static_cast<unsigned char>(c) < ' ' || c == 0x7f) {
      out += '?';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string check_unit_name(std::string_view check_name) {
  return fmt::format("{}{}{}", kCheckUnitPrefix, check_name, kCheckUnitSuffix);
}

bool is_check_name(std::string_view name) {
  return !name.empty() && name.size() <= kMaxCheckName &&
         std::all_of(name.begin(), name.end(), is_name_char);
}

std::string check_name_of_unit(std::string_view unit) {
  if (!unit.starts_with(kCheckUnitPrefix) || !unit.ends_with(kCheckUnitSuffix) ||
      unit.size() <= kCheckUnitPrefix.size() + kCheckUnitSuffix.size()) {
    return {};
  }
  return std::string(unit.substr(kCheckUnitPrefix.size(),
                                 unit.size() - kCheckUnitPrefix.size() - kCheckUnitSuffix.size()));
}

double check_timeout(const HealthCheck& check) {
  return check.timeout ? check.timeout->value : kDefaultCheckTimeout;
}

double check_interval(const HealthCheck& check) {
  return check.interval ? check.interval->value : kDefaultCheckInterval;
}

std::string format_seconds(double seconds) {
  std::string text = fmt::format("{:.3f}", seconds);
  while (text.back() == '0')
    text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string systemd_exec_word(std::string_view arg) {
  std::string doubled;
  for (char c : arg) {
    if (c == '%' || c == '$') doubled += c;
    doubled += c;
  }
  const bool plain = !arg.empty() && arg != ";" && std::none_of(arg.begin(), arg.end(), [](char c) {
    return c == ' ' || c == '"' || c == '\'' || c == '\\' || static_cast<unsigned char>(c) < ' ' ||
           c == 0x7f;
  });
  if (plain) return doubled;
  std::string out = "\"";
  for (char c : doubled) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < ' ' || c == 0x7f) {
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::vector<std::string> check_command_line(const HealthCheck& check, std::string_view binary) {
  std::vector<std::string> argv{std::string(binary), "check",
                                std::string(check_kind_name(check.kind))};
  if (check.kind != CheckKind::command) argv.push_back(check.target.value);
  argv.insert(argv.end(),
              {"--name", check.name.value, "--timeout", format_seconds(check_timeout(check)),
               "--interval", format_seconds(check_interval(check))});
  if (check.fstype) argv.insert(argv.end(), {"--fstype", check.fstype->value});
  if (check.type) argv.insert(argv.end(), {"--type", check.type->value});
  if (check.status) argv.insert(argv.end(), {"--status", std::to_string(check.status->value)});
  if (check.kind == CheckKind::command) {
    argv.emplace_back("--");
    for (const Located<std::string>& a : check.argv)
      argv.push_back(a.value);
  }
  return argv;
}

std::string check_unit_content(const HealthCheck& check, std::string_view binary,
                               std::string_view step, BootMode mode) {
  const bool required = check.is_required();
  std::string exec;
  for (const std::string& word : check_command_line(check, binary)) {
    if (!exec.empty()) exec += ' ';
    exec += systemd_exec_word(word);
  }
  std::string text = fmt::format(
      "# Check '{}' for this boot ({} mode), written by bootassess: {}\n"
      "[Unit]\n"
      "Description=bootassess check {} ({}): {} {}\n"
      "Documentation=man:bootassess(1)\n"
      "{}={}\n"
      "{}={}\n"
      "After=default.target graphical.target multi-user.target\n"
      "Before=boot-complete.target\n",
      check.name.value, mode_name(mode), unit_value(step), check.name.value,
      required ? "required" : "wanted", check_kind_name(check.kind),
      unit_value(describe_target(check)), kCheckNameKey, check.name.value, kCheckRequiredKey,
      required ? "true" : "false");
  if (check.kind == CheckKind::unit) text += fmt::format("After={}\n", check.target.value);
  text += fmt::format(
      "\n[Service]\n"
      "Type=oneshot\n"
      "RemainAfterExit=yes\n"
      "ExecStart={}\n"
      "TimeoutStartSec={}\n",
      exec, format_seconds(std::ceil(check_timeout(check)) + kCheckTimeoutMargin));
  // A required check's RequiredBy= comes with the gate's drop-in, as a gated
  // unit's does.
  if (!required) text += "\n[Install]\nWantedBy=boot-complete.target\n";
  return text;
}

std::string check_binary(const BootAssessmentStep& gate) {
  return gate.check_binary ? gate.check_binary->value : std::string(kDefaultCheckBinary);
}

bool check_configuration(const BootAssessmentStep& gate, Diagnostics& out) {
  bool ok = true;
  if (gate.check_binary && !gate.check_binary->value.starts_with('/')) {
    add(out, ok, Severity::error, gate.check_binary->pos, "check-binary",
        fmt::format("`check_binary` '{}' is not an absolute path: systemd runs ExecStart= only "
                    "by an absolute path",
                    gate.check_binary->value),
        fmt::format("omit it for {}", kDefaultCheckBinary));
  }
  std::set<std::string> names;
  for (const HealthCheck& c : gate.checks) {
    const std::string& name = c.name.value;
    const Position& name_pos = c.name.pos.line != 0 ? c.name.pos : c.pos;
    if (name.empty()) {
      add(out, ok, Severity::error, name_pos, "check-name",
          "a check needs a `name`: it names its unit (bootassess-check-NAME.service) and its "
          "line in `status`");
    } else if (!is_check_name(name)) {
      add(out, ok, Severity::error, name_pos, "check-name",
          fmt::format("check name '{}' cannot be part of a unit name: use letters, digits, "
                      "`-`, `_`, `.` and `:`, at most {} of them",
                      abbreviated(name, 80), kMaxCheckName));
    } else if (!names.insert(name).second) {
      add(out, ok, Severity::error, name_pos, "check-name-duplicate",
          fmt::format("two checks of this step are named '{}': they would write the same unit",
                      name));
    }
    const Located<std::string>& target = c.target;
    switch (c.kind) {
      case CheckKind::mount:
      case CheckKind::path:
        if (!target.value.starts_with('/')) {
          add(out, ok, Severity::error, target.pos, "check-path",
              fmt::format("`{}` '{}' is not an absolute path", check_kind_name(c.kind),
                          abbreviated(target.value, 80)));
        }
        break;
      case CheckKind::tcp:
        if (const check_target::Parsed<check_target::Endpoint> e =
                check_target::parse_endpoint(target.value);
            !e.value) {
          add(out, ok, Severity::error, target.pos, "check-address",
              fmt::format("`tcp` is not HOST:PORT: {}", e.error),
              "write an IPv4 address, [IPv6] or a name in /etc/hosts, then :PORT");
        }
        break;
      case CheckKind::http:
        if (const check_target::Parsed<check_target::Url> u = check_target::parse_url(target.value);
            !u.value) {
          const bool https = target.value.size() >= 8 &&
                             (target.value[4] == 's' || target.value[4] == 'S') &&
                             target.value.find("://") == 5;
          add(out, ok, Severity::error, target.pos, "check-url",
              https ? std::string("`http` checks speak plain HTTP only: the static binary "
                                  "carries no TLS")
                    : fmt::format("`http` is not an http:// URL bootassess can fetch: {}", u.error),
              https ? std::string("for https, use a `command:` check with a client from the "
                                  "image, such as [/usr/bin/curl, -fsS, URL]")
                    : std::string());
        }
        break;
      case CheckKind::command:
        if (c.argv.empty() || c.argv.front().value.empty()) {
          add(out, ok, Severity::error, c.argv.empty() ? c.kind_pos : c.argv.front().pos,
              "check-command", "`command` needs a program: a list whose first item is its path");
        } else if (!c.argv.front().value.starts_with('/')) {
          add(out, ok, Severity::error, c.argv.front().pos, "check-command",
              fmt::format("`command` runs '{}' without a shell or PATH: its path must be absolute",
                          abbreviated(c.argv.front().value, 80)),
              "write the full path, such as /usr/bin/" + abbreviated(c.argv.front().value, 40));
        }
        break;
      case CheckKind::unit:
        if (!systemd::is_valid_unit_name(target.value)) {
          add(out, ok, Severity::error, target.pos, "check-unit",
              fmt::format("`unit` '{}' is not a unit name (such as k3s.service)",
                          abbreviated(target.value, 80)));
        }
        break;
    }
    if (c.type &&
        std::find(kPathTypes.begin(), kPathTypes.end(), c.type->value) == kPathTypes.end()) {
      add(out, ok, Severity::error, c.type->pos, "check-option",
          fmt::format("`type` '{}' is none of file, directory, symlink, socket, fifo, block, char",
                      abbreviated(c.type->value, 80)));
    }
    if (c.fstype && (c.fstype->value.empty() ||
                     !std::all_of(c.fstype->value.begin(), c.fstype->value.end(), is_name_char))) {
      add(out, ok, Severity::error, c.fstype->pos, "check-option",
          fmt::format("`fstype` '{}' is not a file system type name (such as ext4)",
                      abbreviated(c.fstype->value, 80)));
    }
    if (c.interval && c.interval->value > check_timeout(c)) {
      add(out, ok, Severity::warning, c.interval->pos, "check-option",
          fmt::format("`interval` {} s is longer than the check's timeout ({} s): it is tried once",
                      format_seconds(c.interval->value), format_seconds(check_timeout(c))));
    }
  }
  return ok;
}

}  // namespace bootassess
