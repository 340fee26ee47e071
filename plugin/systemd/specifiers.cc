#include "systemd/specifiers.h"

#include <sys/utsname.h>

#include <array>
#include <cctype>
#include <fstream>
#include <sstream>
#include <utility>

#include "root/resolve.h"
#include "systemd/unit_name.h"

namespace bootassess::systemd {
namespace {

// A unit name is shorter than this; so is anything a specifier expands to.
constexpr std::size_t kMaxExpansion = kUnitNameMax;

// The specifiers that describe the machine bootassess runs on.
constexpr std::string_view kHostSpecifiers = "Hlqbva";

std::string read_host_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string trim_newlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
    s.pop_back();
  return s;
}

HostFacts read_running_host() {
  HostFacts facts;
  struct utsname uts {};
  if (::uname(&uts) == 0) {
    facts.hostname = uts.nodename;
    facts.kernel_release = uts.release;
    facts.architecture = systemd_architecture_name(uts.machine);
  }
  // systemd's fallback when the kernel has no host name yet.
  if (facts.hostname.empty() || facts.hostname == "(none)") facts.hostname = "localhost";
  facts.short_hostname = facts.hostname.substr(0, facts.hostname.find('.'));
  const auto machine_info = parse_env_file(read_host_file("/etc/machine-info"));
  const auto pretty = machine_info.find("PRETTY_HOSTNAME");
  facts.pretty_hostname = pretty != machine_info.end() && !pretty->second.empty()
                              ? pretty->second
                              : facts.short_hostname;
  for (char c : trim_newlines(read_host_file("/proc/sys/kernel/random/boot_id"))) {
    if (c != '-') facts.boot_id += c;
  }
  return facts;
}

bool is_hex(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

bool is_alphanumeric(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// "/etc/machine-id" holds 32 hex digits, optionally followed by a newline.
std::optional<std::string> parse_machine_id(std::string_view content) {
  if (content.size() == 33 && content.back() == '\n') content.remove_suffix(1);
  if (content.size() != 32) return std::nullopt;
  std::string id;
  for (char c : content) {
    if (!is_hex(c)) return std::nullopt;
    id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return id;
}

std::optional<std::string> read_root_file(const RootView& view, std::string_view path) {
  const Resolved r = resolve(view, path, "/", true);
  if (!r.exists()) return std::nullopt;
  return view.read_file(r.path);
}

}  // namespace

const HostFacts& running_host() {
  static const HostFacts stand_in = [] {
    HostFacts facts;
    facts.read_on_use = true;
    return facts;
  }();
  return stand_in;
}

std::string systemd_architecture_name(std::string_view machine) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 32> kNames{{
      {"x86_64", "x86-64"},
      {"i386", "x86"},
      {"i486", "x86"},
      {"i586", "x86"},
      {"i686", "x86"},
      {"aarch64", "arm64"},
      {"aarch64_be", "arm64-be"},
      {"armv8l", "arm"},
      {"armv7l", "arm"},
      {"armv7b", "arm-be"},
      {"armv6l", "arm"},
      {"armv5tel", "arm"},
      {"ppc64", "ppc64"},
      {"ppc64le", "ppc64-le"},
      {"ppc", "ppc"},
      {"ppcle", "ppc-le"},
      {"s390x", "s390x"},
      {"s390", "s390"},
      {"riscv64", "riscv64"},
      {"riscv32", "riscv32"},
      {"loongarch64", "loongarch64"},
      {"mips64", "mips64"},
      {"mips", "mips"},
      {"sparc64", "sparc64"},
      {"sparc", "sparc"},
      {"alpha", "alpha"},
      {"ia64", "ia64"},
      {"parisc64", "parisc64"},
      {"parisc", "parisc"},
      {"sh4", "sh"},
      {"m68k", "m68k"},
      {"arc", "arc"},
  }};
  for (const auto& [uname_name, systemd_name] : kNames) {
    if (uname_name == machine) return std::string(systemd_name);
  }
  return std::string(machine);
}

std::map<std::string, std::string> parse_env_file(std::string_view content) {
  enum class State {
    pre_key,
    key,
    pre_value,
    value,
    value_escape,
    single_quoted,
    double_quoted,
    double_quoted_escape,
    comment,
    comment_escape,
  };
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  auto is_newline = [](char c) { return c == '\n' || c == '\r'; };
  std::map<std::string, std::string> out;
  State state = State::pre_key;
  std::string key;
  std::string value;
  std::size_t key_trailing_space = std::string::npos;
  std::size_t value_trailing_space = std::string::npos;
  auto push = [&] {
    if (key_trailing_space != std::string::npos) key.resize(key_trailing_space);
    if (value_trailing_space != std::string::npos) value.resize(value_trailing_space);
    out[key] = value;
    key.clear();
    value.clear();
  };
  for (char c : content) {
    switch (state) {
      case State::pre_key:
        if (c == '#' || c == ';') {
          state = State::comment;
        } else if (!is_space(c)) {
          state = State::key;
          key_trailing_space = std::string::npos;
          key += c;
        }
        break;
      case State::key:
        if (is_newline(c)) {
          state = State::pre_key;
          key.clear();
        } else if (c == '=') {
          state = State::pre_value;
          value_trailing_space = std::string::npos;
        } else {
          if (!is_space(c)) {
            key_trailing_space = std::string::npos;
          } else if (key_trailing_space == std::string::npos) {
            key_trailing_space = key.size();
          }
          key += c;
        }
        break;
      case State::pre_value:
        if (is_newline(c)) {
          state = State::pre_key;
          value_trailing_space = std::string::npos;
          push();
        } else if (c == '\'') {
          state = State::single_quoted;
        } else if (c == '"') {
          state = State::double_quoted;
        } else if (c == '\\') {
          state = State::value_escape;
        } else if (!is_space(c)) {
          state = State::value;
          value += c;
        }
        break;
      case State::value:
        if (is_newline(c)) {
          state = State::pre_key;
          push();
        } else if (c == '\\') {
          state = State::value_escape;
          value_trailing_space = std::string::npos;
        } else {
          if (!is_space(c)) {
            value_trailing_space = std::string::npos;
          } else if (value_trailing_space == std::string::npos) {
            value_trailing_space = value.size();
          }
          value += c;
        }
        break;
      case State::value_escape:
        state = State::value;
        if (!is_newline(c)) value += c;
        break;
      case State::single_quoted:
        if (c == '\'') {
          state = State::pre_value;
        } else {
          value += c;
        }
        break;
      case State::double_quoted:
        if (c == '"') {
          state = State::pre_value;
        } else if (c == '\\') {
          state = State::double_quoted_escape;
        } else {
          value += c;
        }
        break;
      case State::double_quoted_escape:
        state = State::double_quoted;
        if (c == '"' || c == '\\' || c == '`' || c == '$') {
          value += c;
        } else if (c != '\n') {
          value += '\\';
          value += c;
        }
        break;
      case State::comment:
        if (c == '\\') {
          state = State::comment_escape;
        } else if (is_newline(c)) {
          state = State::pre_key;
        }
        break;
      case State::comment_escape:
        state = State::comment;
        break;
    }
  }
  switch (state) {
    case State::pre_value:
    case State::value:
    case State::value_escape:
    case State::single_quoted:
    case State::double_quoted:
    case State::double_quoted_escape:
      push();
      break;
    default:
      break;
  }
  return out;
}

const HostFacts& SpecifierExpander::host() const {
  if (!host_.read_on_use) return host_;
  static const HostFacts running = read_running_host();
  return running;
}

const SpecifierExpander::Loaded& SpecifierExpander::machine_id() {
  if (!machine_id_) {
    Loaded loaded;
    if (std::optional<std::string> content = read_root_file(view_, "/etc/machine-id")) {
      loaded.present = true;
      if (std::optional<std::string> id = parse_machine_id(*content)) {
        loaded.valid = true;
        loaded.value = std::move(*id);
      }
    }
    machine_id_ = std::move(loaded);
  }
  return *machine_id_;
}

std::optional<std::string> SpecifierExpander::os_release(const std::string& key) {
  if (!os_release_) {
    std::optional<std::string> content = read_root_file(view_, "/etc/os-release");
    if (!content) content = read_root_file(view_, "/usr/lib/os-release");
    if (content) {
      os_release_.emplace(parse_env_file(*content));
    } else {
      os_release_.emplace(std::nullopt);
    }
  }
  if (!*os_release_) return std::nullopt;
  const auto& fields = **os_release_;
  const auto it = fields.find(key);
  return it == fields.end() ? std::string() : it->second;
}

Expansion SpecifierExpander::expand(std::string_view text, std::string_view unit_name,
                                    const std::optional<std::string>& default_instance) {
  Expansion out;
  const bool is_template = classify_unit_name(unit_name) == NameClass::template_name;
  auto fail = [&](SpecifierError error) {
    out.error = error;
    out.text.clear();
    return out;
  };
  auto os_field = [&](const char* key) -> std::optional<std::string> { return os_release(key); };

  bool percent = false;
  for (char c : text) {
    if (!percent) {
      if (c == '%') {
        percent = true;
      } else {
        out.text += c;
      }
    } else {
      percent = false;
      std::optional<std::string> value;
      bool known = true;
      switch (c) {
        case '%':
          value = "%";
          break;
        case 'n':
          value = is_template && default_instance
                      ? replace_instance(unit_name, *default_instance).value_or(std::string())
                      : std::string(unit_name);
          break;
        case 'N': {
          std::string stripped = strip_unit_suffix(unit_name);
          if (!stripped.empty() && stripped.back() == '@' && default_instance) {
            stripped += *default_instance;
          }
          value = std::move(stripped);
          break;
        }
        case 'p':
          value = unit_prefix(unit_name);
          break;
        case 'i': {
          std::string instance = instance_of(unit_name).value_or(std::string());
          if (instance.empty()) instance = default_instance.value_or(std::string());
          value = std::move(instance);
          break;
        }
        case 'j': {
          std::string prefix = unit_prefix(unit_name);
          const std::size_t dash = prefix.rfind('-');
          value = dash == std::string::npos ? prefix : prefix.substr(dash + 1);
          break;
        }
        case 'm': {
          const Loaded& id = machine_id();
          if (!id.present) return fail(SpecifierError::unresolvable);
          if (!id.valid) return fail(SpecifierError::unreadable);
          value = id.value;
          break;
        }
        case 'o':
          value = os_field("ID");
          break;
        case 'w':
          value = os_field("VERSION_ID");
          break;
        case 'B':
          value = os_field("BUILD_ID");
          break;
        case 'W':
          value = os_field("VARIANT_ID");
          break;
        case 'M':
          value = os_field("IMAGE_ID");
          break;
        case 'A':
          value = os_field("IMAGE_VERSION");
          break;
        case 'u':
        case 'g':
          value = "root";
          break;
        case 'U':
        case 'G':
          value = "0";
          break;
        case 'H':
          value = host().hostname;
          break;
        case 'l':
          value = host().short_hostname;
          break;
        case 'q':
          value = host().pretty_hostname;
          break;
        case 'b':
          value = host().boot_id;
          break;
        case 'v':
          value = host().kernel_release;
          break;
        case 'a':
          value = host().architecture;
          break;
        default:
          known = false;
          break;
      }
      if (!known) {
        if (is_alphanumeric(c)) return fail(SpecifierError::invalid);
        out.text += '%';
        out.text += c;
      } else {
        const bool os_specifier =
            c == 'o' || c == 'w' || c == 'B' || c == 'W' || c == 'M' || c == 'A';
        if (os_specifier && !value) return fail(SpecifierError::unresolvable);
        if (kHostSpecifiers.find(c) != std::string_view::npos &&
            out.host_specifiers.find(c) == std::string::npos) {
          out.host_specifiers += c;
        }
        out.text += *value;
      }
    }
    if (out.text.size() > kMaxExpansion) return fail(SpecifierError::too_long);
  }
  if (percent) {
    out.text += '%';
    if (out.text.size() > kMaxExpansion) return fail(SpecifierError::too_long);
  }
  return out;
}

}  // namespace bootassess::systemd
