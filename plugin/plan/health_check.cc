#include "plan/health_check.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

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

bool is_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// A host name by RFC 1123: dot-separated labels of letters, digits and
// inner hyphens.
bool is_host_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  std::size_t start = 0;
  while (start <= host.size()) {
    std::size_t end = host.find('.', start);
    if (end == std::string_view::npos) end = host.size();
    const std::string_view label = host.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-')) {
        return false;
      }
    }
    start = end + 1;
  }
  return true;
}

bool is_ipv4(std::string_view host) {
  in_addr out{};
  return inet_pton(AF_INET, std::string(host).c_str(), &out) == 1;
}

// What is wrong with HOST[:PORT] (`port_required` for tcp), or empty.
std::string address_problem(std::string_view address, bool port_required) {
  std::string_view host = address;
  std::string_view port;
  if (address.starts_with('[')) {
    const std::size_t close = address.find(']');
    if (close == std::string_view::npos) return "its `[` IPv6 literal has no `]`";
    host = address.substr(1, close - 1);
    const std::string_view rest = address.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) return "text follows the `]` of its IPv6 literal";
    if (!rest.empty()) port = rest.substr(1);
    in6_addr out{};
    if (inet_pton(AF_INET6, std::string(host).c_str(), &out) != 1) {
      return fmt::format("'{}' is not an IPv6 address", host);
    }
    if (port.empty() && (port_required || !rest.empty())) return "it has no port";
  } else {
    const std::size_t colon = address.rfind(':');
    if (colon == std::string_view::npos) {
      if (port_required) return "it has no port (HOST:PORT)";
    } else {
      host = address.substr(0, colon);
      port = address.substr(colon + 1);
      if (host.find(':') != std::string_view::npos) {
        return "an IPv6 address must be written in brackets, as [::1]:PORT";
      }
    }
    if (host.empty()) return "it has no host";
    const bool numeric = host.find_first_not_of("0123456789.") == std::string_view::npos;
    if (numeric ? !is_ipv4(host) : !is_host_name(host)) {
      return fmt::format("'{}' is neither an IPv4 address nor a host name", host);
    }
    if (colon != std::string_view::npos && port.empty()) return "it has no port after `:`";
  }
  if (!port.empty()) {
    if (!is_digits(port) || port.size() > 5 || std::stoul(std::string(port)) == 0 ||
        std::stoul(std::string(port)) > 65535) {
      return fmt::format("port '{}' is not a number from 1 to 65535", port);
    }
  }
  return {};
}

std::string url_problem(std::string_view url) {
  auto starts_with_nocase = [&](std::string_view prefix) {
    if (url.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      const char c =
          url[i] >= 'A' && url[i] <= 'Z' ? static_cast<char>(url[i] - 'A' + 'a') : url[i];
      if (c != prefix[i]) return false;
    }
    return true;
  };
  if (starts_with_nocase("https://")) return "https";
  if (!starts_with_nocase("http://")) return "it does not start with http://";
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      return "it holds a blank or a control character (write it percent-encoded)";
    }
  }
  const std::string_view rest = url.substr(7);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) return "it holds user information (`@`)";
  if (std::string p = address_problem(authority, false); !p.empty()) return p;
  return {};
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
      "TimeoutStartSec={}\n"
      "\n[Install]\n"
      "{}=boot-complete.target\n",
      exec, format_seconds(std::ceil(check_timeout(check)) + kCheckTimeoutMargin),
      required ? "RequiredBy" : "WantedBy");
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
        if (std::string p = address_problem(target.value, true); !p.empty()) {
          add(out, ok, Severity::error, target.pos, "check-address",
              fmt::format("`tcp` '{}' is not HOST:PORT: {}", abbreviated(target.value, 80), p),
              "write an IPv4 address, [IPv6] or a name in /etc/hosts, then :PORT");
        }
        break;
      case CheckKind::http:
        if (std::string p = url_problem(target.value); p == "https") {
          add(out, ok, Severity::error, target.pos, "check-url",
              "`http` checks speak plain HTTP only: the static binary carries no TLS",
              "for https, use a `command:` check with a client from the image, such as "
              "[/usr/bin/curl, -fsS, URL]");
        } else if (!p.empty()) {
          add(out, ok, Severity::error, target.pos, "check-url",
              fmt::format("`http` '{}' is not an http:// URL bootassess can fetch: {}",
                          abbreviated(target.value, 80), p));
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
