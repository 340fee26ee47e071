#include "conditions/yip_conditionals.h"

#include <fmt/format.h>
#include <re2/re2.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "root/resolve.h"

namespace bootassess {
namespace {

using Outcome = YipConditionalResult::Outcome;

YipConditionalResult result(Outcome outcome, const Position& where, std::string detail) {
  return {outcome, std::move(detail), where};
}

// Unanchored RE2 matching, as Go's regexp.MatchString does it. A pattern that
// does not compile skips the step, as in yip.
YipConditionalResult match(const Located<std::string>& pattern, const std::string& subject,
                           const char* key, const char* what) {
  const re2::RE2 re(pattern.value, re2::RE2::Quiet);
  if (!re.ok()) {
    return result(Outcome::fails, pattern.pos,
                  fmt::format("`{}: {}` is not a valid pattern ({}), so yip skips the step", key,
                              pattern.value, re.error()));
  }
  if (subject.empty() && std::string_view(key).rfind("only_os", 0) == 0) {
    return result(Outcome::fails, pattern.pos, fmt::format("{} is unknown", what));
  }
  if (re2::RE2::PartialMatch(subject, re)) return result(Outcome::holds, pattern.pos, {});
  return result(Outcome::fails, pattern.pos,
                fmt::format("`{}: {}` does not match {} '{}'", key, pattern.value, what, subject));
}

bool exists(const RootView& view, const std::string& p) {
  return resolve(view, p, "/", true).exists();
}

// PRETTY_NAME or VERSION_ID from the root's os-release, quotes removed.
std::string os_release(const RootView& view, std::string_view key) {
  for (const char* file : {"/etc/os-release", "/usr/lib/os-release"}) {
    Resolved r = resolve(view, file, "/", true);
    if (!r.exists()) continue;
    std::optional<std::string> text = view.read_file(r.path);
    if (!text) continue;
    std::size_t start = 0;
    while (start < text->size()) {
      std::size_t end = text->find('\n', start);
      if (end == std::string::npos) end = text->size();
      std::string_view line(text->data() + start, end - start);
      start = end + 1;
      if (line.size() <= key.size() || line.substr(0, key.size()) != key ||
          line[key.size()] != '=') {
        continue;
      }
      std::string_view value = line.substr(key.size() + 1);
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
          value.back() == value.front()) {
        value = value.substr(1, value.size() - 2);
      }
      return std::string(value);
    }
    return {};
  }
  return {};
}

YipConditionalResult service_manager(const Located<std::string>& wanted, const RootView& view) {
  std::string name;
  for (char c : wanted.value)
    name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name != "systemd" && name != "openrc") {
    return result(
        Outcome::fails, wanted.pos,
        fmt::format("`only_service_manager: {}` is neither systemd nor openrc", wanted.value));
  }
  auto found = [&](const char* program) {
    for (const char* dir : {"/sbin", "/bin", "/usr/sbin", "/usr/bin"}) {
      if (exists(view, fmt::format("{}/{}", dir, program))) return true;
    }
    return false;
  };
  const bool systemd = found("systemctl");
  const bool openrc = found("openrc");
  if (systemd && openrc) {
    return result(Outcome::fails, wanted.pos, "both systemd and openrc are installed");
  }
  if ((name == "systemd" && systemd) || (name == "openrc" && openrc)) {
    return result(Outcome::holds, wanted.pos, {});
  }
  return result(Outcome::fails, wanted.pos, fmt::format("{} is not installed", name));
}

YipConditionalResult if_files(const YipConditionals& c, const RootView& view) {
  for (const auto& [key, paths] : c.if_files) {
    if (key.value != "all" && key.value != "any" && key.value != "none") {
      return result(Outcome::fails, key.pos,
                    fmt::format("`if_files` knows all, any and none, not '{}'", key.value));
    }
    if (paths.empty()) return result(Outcome::holds, key.pos, {});  // yip passes the check
    std::size_t present = 0;
    const Located<std::string>* first_missing = nullptr;
    const Located<std::string>* first_present = nullptr;
    for (const Located<std::string>& p : paths) {
      if (exists(view, p.value)) {
        ++present;
        if (first_present == nullptr) first_present = &p;
      } else if (first_missing == nullptr) {
        first_missing = &p;
      }
    }
    if (key.value == "all" && first_missing != nullptr) {
      return result(Outcome::fails, first_missing->pos,
                    fmt::format("`if_files.all`: {} does not exist", first_missing->value));
    }
    if (key.value == "any" && present == 0) {
      return result(Outcome::fails, key.pos, "`if_files.any`: none of the files exists");
    }
    if (key.value == "none" && first_present != nullptr) {
      return result(Outcome::fails, first_present->pos,
                    fmt::format("`if_files.none`: {} exists", first_present->value));
    }
  }
  return result(Outcome::holds, {}, {});
}

}  // namespace

std::string goarch_for_machine(std::string_view machine) {
  if (machine == "x86_64") return "amd64";
  if (machine == "aarch64" || machine == "arm64") return "arm64";
  if (machine == "i386" || machine == "i486" || machine == "i586" || machine == "i686")
    return "386";
  if (machine.rfind("armv", 0) == 0 || machine == "arm") return "arm";
  if (machine == "loongarch64") return "loong64";
  return std::string(machine);  // riscv64, ppc64le, ppc64, s390x keep their names
}

SystemFacts SystemFacts::of_running_system() {
  SystemFacts facts;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0) facts.hostname = host;
  struct utsname u {};
  if (::uname(&u) == 0) facts.goarch = goarch_for_machine(u.machine);
  return facts;
}

const SystemFacts& SystemFacts::resolved() const {
  if (!read_on_use) return *this;
  static const SystemFacts running = of_running_system();
  return running;
}

YipConditionalResult evaluate_node(const YipConditionals& c, const SystemFacts& facts) {
  if (!c.node || c.node->value.empty()) return {};
  return match(*c.node, facts.resolved().hostname, "node", "the hostname");
}

YipConditionalResult evaluate_after_if(const YipConditionals& c, const RootView& view,
                                       const SystemFacts& facts) {
  if (c.only_os && !c.only_os->value.empty()) {
    YipConditionalResult r =
        match(*c.only_os, os_release(view, "PRETTY_NAME"), "only_os", "the system's name");
    if (r.outcome != Outcome::holds) return r;
  }
  if (c.only_os_version && !c.only_os_version->value.empty()) {
    YipConditionalResult r = match(*c.only_os_version, os_release(view, "VERSION_ID"),
                                   "only_os_version", "the system's version");
    if (r.outcome != Outcome::holds) return r;
  }
  if (c.only_arch && !c.only_arch->value.empty()) {
    YipConditionalResult r =
        match(*c.only_arch, facts.resolved().goarch, "only_arch", "the architecture");
    if (r.outcome != Outcome::holds) return r;
  }
  if (c.only_service_manager && !c.only_service_manager->value.empty()) {
    YipConditionalResult r = service_manager(*c.only_service_manager, view);
    if (r.outcome != Outcome::holds) return r;
  }
  if (c.has_if_files) return if_files(c, view);
  return {};
}

}  // namespace bootassess
