// Differential tests of plugin/systemd against the real `systemctl --root`.
//
// Each case builds a root, copies it to a twin, then runs its steps on both:
// bootassess plans each enable/disable/mask on root A and the Applier
// performs the actions; `systemctl --root=B VERB UNIT` (one call per unit, as
// yip makes them) runs on B. After every step the complete trees
// (`find R -printf '%y %P -> %l %m\n' | sort`) and the verdicts (failed or
// not, systemctl's exit status) must be identical.
//
// Cases follow systemd's own test/test-systemctl-enable.sh where it applies
// (no `link` verb) and the facts collected in
// ../shared/reference/systemd-install.md.
//
// UpheldBy= exists since systemd 254. On an older systemctl the .upholds/
// links are compared separately: the rest of the tree must match and the
// .upholds/ lines bootassess adds must be exactly the expected ones.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "apply/applier.h"
#include "root/disk_root.h"
#include "support/temp_dir.h"
#include "systemd/enablement.h"

namespace bootassess::systemd {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------
// Roots

// Builds a root directory; parent directories are made 0755.
class Root {
 public:
  explicit Root(std::string dir) : dir_(std::move(dir)) {}

  const std::string& dir() const { return dir_; }

  Root& mkdir(const std::string& path, mode_t mode = 0755) {
    make_parents(path);
    const std::string p = dir_ + path;
    ::mkdir(p.c_str(), mode);
    ::chmod(p.c_str(), mode);
    return *this;
  }
  Root& file(const std::string& path, const std::string& content, mode_t mode = 0644) {
    make_parents(path);
    const std::string p = dir_ + path;
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    ::chmod(p.c_str(), mode);
    return *this;
  }
  Root& link(const std::string& path, const std::string& target) {
    make_parents(path);
    const std::string p = dir_ + path;
    ::unlink(p.c_str());
    EXPECT_EQ(::symlink(target.c_str(), p.c_str()), 0) << p;
    return *this;
  }
  Root& remove(const std::string& path) {
    std::error_code ignored;
    fs::remove_all(dir_ + path, ignored);
    return *this;
  }
  // Shortcuts for the usual places.
  Root& etc(const std::string& name, const std::string& content) {
    return file("/etc/systemd/system/" + name, content);
  }
  Root& lib(const std::string& name, const std::string& content) {
    return file("/usr/lib/systemd/system/" + name, content);
  }

 private:
  void make_parents(const std::string& path) {
    std::string current = dir_;
    std::size_t pos = 1;
    while ((pos = path.find('/', pos)) != std::string::npos) {
      current = dir_ + path.substr(0, pos);
      if (::mkdir(current.c_str(), 0755) == 0) ::chmod(current.c_str(), 0755);
      ++pos;
    }
  }

  std::string dir_;
};

std::string run_capture(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
    out.append(buffer, n);
  ::pclose(pipe);
  return out;
}

// The complete tree, as the issue defines the comparison.
std::string snapshot(const std::string& root) {
  return run_capture("find " + testing::shell_quote(root) +
                     " -printf '%y %P -> %l %m\\n' | LC_ALL=C sort");
}

std::string without_lines_containing(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  std::string line;
  std::string out;
  while (std::getline(in, line)) {
    if (line.find(needle) == std::string::npos) out += line + "\n";
  }
  return out;
}

std::string lines_containing(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  std::string line;
  std::string out;
  while (std::getline(in, line)) {
    if (line.find(needle) != std::string::npos) out += line + "\n";
  }
  return out;
}

// ---------------------------------------------------------------------------
// The two implementations

enum class Verb { enable, disable, mask };

const char* verb_name(Verb verb) {
  switch (verb) {
    case Verb::enable:
      return "enable";
    case Verb::disable:
      return "disable";
    case Verb::mask:
      return "mask";
  }
  return "";
}

struct Result {
  bool failed = false;
  std::string log;
};

Result run_bootassess(const std::string& root, Verb verb, const std::string& unit, Scope scope) {
  Result result;
  std::string error;
  std::unique_ptr<DiskRoot> view = DiskRoot::open(root, error);
  if (!view) {
    result.failed = true;
    result.log = error;
    return result;
  }
  // As apply reads the root: nothing changes it while the request is planned.
  view->remember_lookups();
  UnitRequest request{unit, Position{"case.yaml", 1, 1}};
  Outcome outcome;
  switch (verb) {
    case Verb::enable:
      outcome = plan_enable(*view, request, scope);
      break;
    case Verb::disable:
      outcome = plan_disable(*view, request, scope);
      break;
    case Verb::mask:
      outcome = plan_mask(*view, request, scope);
      break;
  }
  result.failed = outcome.failed;
  for (const Diagnostic& d : outcome.diagnostics.items())
    result.log += format_diagnostic(d) + "\n";
  Applier applier(view->fd());
  for (const Action& action : outcome.actions) {
    result.log += std::string(action_kind_name(action.kind)) + " " + action.path +
                  (action.target.empty() ? "" : " -> " + action.target) +
                  (action.unchanged ? " (unchanged)" : "") + "\n";
    if (action.unchanged) continue;
    const ActionResult applied = applier.apply(action);
    if (!applied.ok) {
      result.log += "apply failed: " + applied.error + "\n";
      ADD_FAILURE() << "applying " << action.path << ": " << applied.error;
    }
  }
  // Durability only: the trees are what is compared. (flush() reports a
  // failure when a directory it would sync was removed by a later action.)
  applier.flush();
  return result;
}

Result run_systemctl(const std::string& root, Verb verb, const std::string& unit, Scope scope) {
  int pipe_fds[2];
  Result result;
  if (::pipe(pipe_fds) != 0) {
    result.failed = true;
    return result;
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pipe_fds[1], 1);
    ::dup2(pipe_fds[1], 2);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    ::unsetenv("SYSTEMD_UNIT_PATH");
    ::unsetenv("SYSTEMD_OS_RELEASE");
    ::setenv("LC_ALL", "C", 1);
    ::setenv("SYSTEMD_LOG_COLOR", "0", 1);
    const std::string root_arg = "--root=" + root;
    std::vector<const char*> argv{"systemctl", root_arg.c_str(), "--no-pager"};
    if (scope == Scope::runtime) argv.push_back("--runtime");
    argv.push_back(verb_name(verb));
    argv.push_back(unit.c_str());
    argv.push_back(nullptr);
    ::execvp("systemctl", const_cast<char* const*>(argv.data()));
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0) {
    result.log.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.failed = !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  return result;
}

bool have_systemctl() {
  return run_capture("command -v systemctl 2>/dev/null").find("systemctl") != std::string::npos;
}

int systemctl_version() {
  const std::string out = run_capture("systemctl --version 2>/dev/null");
  const std::size_t space = out.find(' ');
  if (space == std::string::npos) return 0;
  return std::atoi(out.c_str() + space + 1);
}

// ---------------------------------------------------------------------------
// Cases

struct Step {
  enum class Kind { operation, change };
  Kind kind = Kind::operation;
  Verb verb = Verb::enable;
  std::string unit;
  Scope scope = Scope::persistent;
  std::function<void(Root&)> change;
};

Step enable(std::string unit, Scope scope = Scope::persistent) {
  return {Step::Kind::operation, Verb::enable, std::move(unit), scope, {}};
}
Step disable(std::string unit, Scope scope = Scope::persistent) {
  return {Step::Kind::operation, Verb::disable, std::move(unit), scope, {}};
}
Step mask(std::string unit, Scope scope = Scope::persistent) {
  return {Step::Kind::operation, Verb::mask, std::move(unit), scope, {}};
}
// Changes both roots the same way between operations.
Step change(std::function<void(Root&)> f) {
  Step s;
  s.kind = Step::Kind::change;
  s.change = std::move(f);
  return s;
}

struct Case {
  std::string name;
  std::function<void(Root&)> setup;
  std::vector<Step> steps;
  // UpheldBy= cases: the .upholds/ lines bootassess must add where systemctl
  // is older than 254 (which ignores UpheldBy=).
  std::vector<std::string> upholds_lines = {};
};

std::ostream& operator<<(std::ostream& out, const Case& c) {
  return out << c.name;
}

const std::string kInstallMultiUser = "[Install]\nWantedBy=multi-user.target\n";

std::vector<Case> cases() {
  std::vector<Case> all;
  auto add = [&](Case c) { all.push_back(std::move(c)); };

  // --- test-systemctl-enable.sh, in its order --------------------------------
  add({"enable_nonexistent", [](Root&) {}, {enable("test1.service")}});
  add({"basic_enablement",
       [](Root& r) {
         r.mkdir("/etc/systemd/system");
         r.etc("test1.service", "[Install]\nWantedBy=default.target\nRequiredBy=special.target\n");
       },
       {enable("test1.service"), enable("test1.service"), disable("test1.service")}});
  add({"enable_when_link_already_exists",
       [](Root& r) {
         r.etc("test1.service", "[Install]\nWantedBy=default.target\nRequiredBy=special.target\n");
         r.link("/etc/systemd/system/default.target.wants/test1.service",
                "/usr/lib/systemd/system/test1.service");
         r.link("/etc/systemd/system/special.target.requires/test1.service",
                "/usr/lib/systemd/system/test1.service");
       },
       {enable("test1.service"), disable("test1.service")}});
  add({"suffix_guessing",
       [](Root& r) {
         r.etc("test1.service", "[Install]\nWantedBy=default.target\nRequiredBy=special.target\n");
       },
       {enable("test1"), enable("test1"), disable("test1")}});
  add({"aliases_good_and_bad",
       [](Root& r) {
         r.etc("test1.service",
               "[Install]\nWantedBy=default.target\nRequiredBy=special.target\n"
               "Alias=test1-goodalias.service\nAlias=test1@badalias.service\n"
               "Alias=test1-badalias.target\nAlias=test1-badalias.socket\n"
               "# we have a series of good, bad, and then good again\n"
               "Alias=test1-goodalias2.service\n");
       },
       {enable("test1"), enable("test1"), disable("test1")}});
  add({"alias_when_link_already_exists",
       [](Root& r) {
         r.etc("test1a.service", "[Install]\nAlias=test1a-alias.service\n");
         r.link("/etc/systemd/system/test1a-alias.service",
                "/usr/lib/systemd/system/test1a.service");
       },
       {enable("test1a.service"), disable("test1a.service")}});
  add({"also_units",
       [](Root& r) {
         r.etc("test2.socket", "[Install]\nWantedBy=sockets.target\nAlso=test2.service\n");
         r.etc("test2.service", "[Install]\nWantedBy=default.target\nAlso=test2.socket\n");
       },
       {enable("test2.service"), disable("test2.socket"), enable("test2.socket"),
        disable("test2.service")}});
  add({"enable_by_path_outside_search_path",
       [](Root& r) { r.file("/link1.path", "[Install]\nWantedBy=paths.target\n"); },
       {enable("/link1.path"), enable("/link1.path"), disable("link1.path"), enable("/link1.path"),
        disable("/link1.path")}});
  add({"enable_already_linked_different_path",
       [](Root& r) {
         r.file("/link1.path", "[Install]\nWantedBy=paths.target\n");
         r.file("/subdir/link1.path", "[Install]\nWantedBy=paths.target\n");
       },
       {enable("/link1.path"), enable("/subdir/link1.path"), disable("/subdir/link1.path")}});
  add({"enable_bad_suffix_path",
       [](Root& r) { r.file("/subdir/link1.suffix", "[Install]\nWantedBy=paths.target\n"); },
       {enable("/subdir/link1.suffix")}});
  add({"enable_path_with_dot_components",
       [](Root& r) { r.file("/opt/l.service", kInstallMultiUser); },
       {enable("/opt//./l.service"), disable("l.service")}});
  add({"manual_link_to_file_outside",
       [](Root& r) {
         r.file("/link3.suffix", "[Install]\nWantedBy=services.target\n");
         r.link("/etc/systemd/system/link3.service", "/link3.suffix");
       },
       {enable("link3.service"), disable("link3.service")}});
  add({"enable_on_masked",
       [](Root& r) {
         r.link("/etc/systemd/system/masked.service", "/dev/null");
         r.link("/etc/systemd/system/masked-alias.service", "masked.service");
       },
       {enable("masked.service"), enable("/etc/systemd/system/masked.service"),
        enable("masked-alias.service"), enable("/etc/systemd/system/masked-alias.service")}});
  add({"issue_22000_unit_in_subdirectory",
       [](Root& r) {
         r.etc("link5-also.service", "[Install]\nWantedBy=services.target\nAlso=link5.service\n");
         r.etc("myown.d/link5.service",
               "[Install]\nWantedBy=services.target\nAlso=link5-also.service\n");
       },
       {enable("link5.service"), enable("link5-also.service")}});
  add({"template_without_default_instance",
       [](Root& r) { r.etc("templ1@.service", "[Install]\nWantedBy=services.target\n"); },
       {enable("templ1@.service"), enable("templ1@one.service"), enable("templ1@two.service"),
        disable("templ1@one.service"), disable("templ1@two.service")}});
  add({"template_with_default_instance",
       [](Root& r) {
         r.etc("templ1@.service",
               "[Install]\n# check enablement with\nWantedBy=services.target services.target\n"
               "RequiredBy=other@templ1.target other@%p.target\nDefaultInstance=333\n");
       },
       {enable("templ1@.service"), enable("templ1@one.service"), enable("templ1@two.service"),
        disable("templ1@one.service"), disable("templ1@.service")}});
  add({"removal_of_relative_enablement_links",
       [](Root& r) {
         r.etc("templ1@.service", "[Install]\nWantedBy=services.target\nDefaultInstance=333\n");
         const std::string w = "/etc/systemd/system/services.target.wants/";
         r.link(w + "templ1@one.service", "../templ1@one.service");
         r.link(w + "templ1@two.service", "templ1@two.service");
         r.link(w + "templ1@three.service", "../templ1@.service");
         r.link(w + "templ1@four.service", "templ1@.service");
         r.link(w + "templ1@five.service", "/usr/lib/systemd/system/templ1@.service");
         r.link(w + "templ1@six.service", "/etc/systemd/system/templ1@.service");
         r.link(w + "templ1@seven.service", "/run/system/templ1@.service");
       },
       {disable("templ1@.service")}});
  add({"template_for_template",
       [](Root& r) {
         r.etc("templ2@.service", "[Install]\nRequiredBy=another-template@.target\n");
       },
       {enable("templ2@.service"), enable("templ2@two.service"), disable("templ2@other.service"),
        disable("templ2@two.service"), disable("templ2@.service")}});
  add({"aliases_with_and_without_instance",
       [](Root& r) {
         r.etc("link4.service",
               "[Install]\nAlias=link4.service\nAlias=link4@.service\nAlias=link4@inst.service\n"
               "Alias=link4alias.service\nAlias=link4alias2.service\n");
       },
       {enable("link4.service"), disable("link4.service")}});
  add({"enable_on_path_to_unit_file",
       [](Root& r) {
         r.etc("link4.service", "[Install]\nAlias=link4alias.service\nAlias=link4alias2.service\n");
       },
       {enable("/etc/systemd/system/link4.service"),
        disable("/etc/systemd/system/link4.service")}});
  add({"issue_661_enable_on_unit_file",
       [](Root& r) {
         r.etc("link5.service",
               "[Install]\nAlias=link5.service\nAlias=link5alias.service\nAlias=link5alias2."
               "service\n");
       },
       {enable("link5.service"), disable("link5.service")}});
  add({"issue_661_enable_linked_unit_file",
       [](Root& r) {
         r.file("/link5copy.service",
                "[Install]\nAlias=link5copy.service\nAlias=link5alias.service\n"
                "Alias=link5alias2.service\n");
       },
       {enable("/link5copy.service"), disable("link5copy.service")}});
  add({"issue_19437_plain_templates_in_wants",
       [](Root& r) {
         r.etc("link5@.path",
               "[Install]\nWantedBy=target5@.target\nRequiredBy=target5@.target\n"
               "WantedBy=target5@inst.target\nRequiredBy=target5@inst.target\n");
       },
       {enable("link5@.path"), disable("link5@.path")}});
  add({"removal_of_links_not_listed_in_install",
       [](Root& r) {
         r.etc("multilink.mount", "[Install]\nWantedBy=multilink.target\n");
         r.link("/etc/systemd/system/default.target.wants/multilink.mount", "../multilink.mount");
         r.link("/etc/systemd/system/multilink-alias.mount", "../multilink.mount");
         r.link("/etc/systemd/system/multilink-badalias.service", "../multilink.mount");
       },
       {disable("multilink.mount")}});
  add({"specifiers_in_wanted_by_and_required_by",
       [](Root& r) {
         r.etc("some-some-link7.socket",
               "[Install]\nWantedBy=target@%p.target\nWantedBy=another-target@.target\n"
               "RequiredBy=target2@%p.target\nRequiredBy=another-target2@.target\n");
       },
       {enable("some-some-link7.socket"), disable("some-some-link7.socket")}});

  // Specifiers in Alias=, one case per specifier (merge 20017).
  const std::vector<std::string> specifiers = {
      "n", "N", "p", "i", "j", "g", "G", "u", "U", "%", "z", "C", "E", "f", "h", "I",
      "J", "L", "P", "s", "S", "t", "T", "V", "H", "l", "v", "a", "b", "q", "-"};
  for (const std::string& s : specifiers) {
    const std::string safe = s == "%" ? "percent" : s == "-" ? "dash" : s;
    add({"specifier_alias_" + safe +
             (std::isupper(static_cast<unsigned char>(s[0])) ? "_upper" : ""),
         [s](Root& r) {
           r.etc("some-some-link6@.socket",
                 "[Install]\nAlias=target@" + s + ":%" + s + ".socket\n");
         },
         {enable("some-some-link6@.socket")}});
  }
  for (const std::string s : {"m", "o", "w", "B", "W", "M", "A"}) {
    const std::string suffix = std::isupper(static_cast<unsigned char>(s[0])) ? "_upper" : "";
    add({"specifier_alias_" + s + suffix + "_without_file",
         [s](Root& r) {
           r.etc("some-some-link6@.socket",
                 "[Install]\nAlias=target@" + s + ":%" + s + ".socket\n");
         },
         {enable("some-some-link6@.socket")}});
    add({"specifier_alias_" + s + suffix + "_with_file",
         [s](Root& r) {
           r.etc("some-some-link6@.socket",
                 "[Install]\nAlias=target@" + s + ":%" + s + ".socket\n");
           r.file("/etc/machine-id", "0123456789ABCDEF0123456789abcdef\n", 0444);
           r.file("/etc/os-release",
                  "ID='the-id'\nVERSION_ID=39a\nBUILD_ID=build-id\nVARIANT_ID=wrong\n"
                  "VARIANT_ID=right\nIMAGE_ID=\"foobar\"\nIMAGE_VERSION='1-2-3'\n");
         },
         {enable("some-some-link6@.socket")}});
  }
  add({"specifier_os_release_empty",
       [](Root& r) {
         r.etc("some-some-link6@.socket", "[Install]\nAlias=target@o:%o.socket\n");
         r.file("/etc/os-release", "# empty\n");
       },
       {enable("some-some-link6@.socket")}});
  add({"specifier_os_release_in_usr_lib",
       [](Root& r) {
         r.etc("some-some-link6@.socket", "[Install]\nAlias=target@o:%o.socket\n");
         r.file("/usr/lib/os-release", "ID=\"usr-lib\\\"id\"  # not a comment\n");
       },
       {enable("some-some-link6@.socket")}});
  add({"specifier_machine_id_malformed",
       [](Root& r) {
         r.etc("m.service", "[Install]\nWantedBy=x-%m.target\n");
         r.file("/etc/machine-id", "not-an-id\n");
       },
       {enable("m.service")}});

  // --- [Install] in drop-ins -------------------------------------------------
  add({"dropin_adds_required_by",  // the documentation's case
       [](Root& r) {
         r.etc("foo.service", kInstallMultiUser);
         r.etc("foo.service.d/override.conf", "[Install]\nRequiredBy=boot-complete.target\n");
       },
       {enable("foo.service"), disable("foo.service")}});
  add({"dropin_only_install",
       [](Root& r) {
         r.etc("foo.service", "[Service]\nExecStart=/bin/true\n");
         r.etc("foo.service.d/override.conf", "[Install]\nRequiredBy=boot-complete.target\n");
       },
       {enable("foo")}});
  add({"dropins_from_usr_lib_run_and_etc",
       [](Root& r) {
         r.lib("foo.service", kInstallMultiUser);
         r.lib("foo.service.d/10-usr.conf", "[Install]\nWantedBy=a.target\n");
         r.file("/run/systemd/system/foo.service.d/20-run.conf", "[Install]\nWantedBy=b.target\n");
         r.etc("foo.service.d/30-etc.conf", "[Install]\nWantedBy=c.target\n");
         r.lib("service.d/40-type.conf", "[Install]\nWantedBy=d.target\n");
         r.lib("fo-.service.d/50-prefix.conf", "[Install]\nWantedBy=e.target\n");
         r.etc("foo.service.d/60-notconf.txt", "[Install]\nWantedBy=f.target\n");
         r.etc("foo.service.d/.70-hidden.conf", "[Install]\nWantedBy=g.target\n");
         r.lib("foo.service.d/80-empty.conf", "");
       },
       {enable("foo.service"), disable("foo.service")}});
  add({"dropin_same_basename_higher_directory_wins",
       [](Root& r) {
         r.lib("foo.service", kInstallMultiUser);
         r.lib("foo.service.d/override.conf", "[Install]\nWantedBy=usr.target\n");
         r.file("/run/systemd/system/foo.service.d/override.conf",
                "[Install]\nWantedBy=run.target\n");
         r.etc("foo.service.d/override.conf", "[Install]\nWantedBy=etc.target\n");
         r.lib("foo.service.d/other.conf", "[Install]\nRequiredBy=other.target\n");
       },
       {enable("foo.service")}});
  add({"dropin_run_overrides_usr_lib",
       [](Root& r) {
         r.lib("foo.service", kInstallMultiUser);
         r.lib("foo.service.d/override.conf", "[Install]\nWantedBy=usr.target\n");
         r.file("/run/systemd/system/foo.service.d/override.conf",
                "[Install]\nWantedBy=run.target\n");
       },
       {enable("foo.service")}});
  add({"wanted_by_reset_in_dropin",
       [](Root& r) {
         r.lib("foo.service", "[Install]\nWantedBy=multi-user.target\nRequiredBy=r.target\n");
         r.etc("foo.service.d/reset.conf", "[Install]\nWantedBy=\nWantedBy=x.target\n");
       },
       {enable("foo.service")}});
  add({"alias_reset_in_dropin",
       [](Root& r) {
         r.lib("foo.service", "[Install]\nAlias=old-alias.service\nWantedBy=multi-user.target\n");
         r.etc("foo.service.d/reset.conf", "[Install]\nAlias=\nAlias=new-alias.service\n");
       },
       {enable("foo.service"), disable("foo.service")}});
  add({"reset_in_main_file",
       [](Root& r) {
         r.lib("foo.service",
               "[Install]\nWantedBy=a.target b.target\nWantedBy=\nWantedBy=c.target\n"
               "RequiredBy=x.target\nRequiredBy=\n");
       },
       {enable("foo.service")}});
  add({"dropin_masked_by_dev_null_without_dev_null",
       [](Root& r) {
         r.lib("foo.service", kInstallMultiUser);
         r.lib("foo.service.d/override.conf", "[Install]\nWantedBy=usr.target\n");
         r.link("/etc/systemd/system/foo.service.d/override.conf", "/dev/null");
       },
       {enable("foo.service")}});
  add({"dropin_masked_by_dev_null_with_dev_null",
       [](Root& r) {
         r.lib("foo.service", kInstallMultiUser);
         r.lib("foo.service.d/override.conf", "[Install]\nWantedBy=usr.target\n");
         r.link("/etc/systemd/system/foo.service.d/override.conf", "/dev/null");
         r.file("/dev/null", "");
       },
       {enable("foo.service")}});
  add({"dropin_symlink_followed_inside_root",
       [](Root& r) {
         r.lib("foo.service", kInstallMultiUser);
         r.file("/opt/dropins/extra.conf", "[Install]\nRequiredBy=extra.target\n");
         r.link("/etc/systemd/system/foo.service.d/extra.conf", "/opt/dropins/extra.conf");
         r.link("/etc/systemd/system/foo.service.d/rel.conf", "../../../../opt/dropins/extra.conf");
       },
       {enable("foo.service")}});
  // (Relative: systemctl --root resolves an absolute symlink to a drop-in
  // directory on the host, bootassess inside the root, as systemctl does when
  // it runs chrooted.)
  add({"dropin_directory_is_symlink",
       [](Root& r) {
         r.lib("foo.service", kInstallMultiUser);
         r.file("/opt/foo.d/extra.conf", "[Install]\nRequiredBy=extra.target\n");
         r.link("/etc/systemd/system/foo.service.d", "../../../opt/foo.d");
       },
       {enable("foo.service")}});
  add({"dropin_conf_that_is_a_directory",
       [](Root& r) {
         r.lib("foo.service", kInstallMultiUser);
         r.mkdir("/etc/systemd/system/foo.service.d/dir.conf");
       },
       {enable("foo.service")}});
  add({"also_in_dropin",
       [](Root& r) {
         r.lib("foo.service", kInstallMultiUser);
         r.lib("bar.service", "[Install]\nWantedBy=bar.target\n");
         r.etc("foo.service.d/also.conf", "[Install]\nAlso=bar.service\n");
       },
       {enable("foo.service"), disable("foo.service")}});
  add({"instance_and_template_dropins",
       [](Root& r) {
         r.lib("t@.service", "[Install]\nWantedBy=multi-user.target\n");
         r.lib("t@bar.service.d/10-x.conf", "[Install]\nWantedBy=x1.target\n");
         r.etc("t@.service.d/10-x.conf", "[Install]\nWantedBy=x2.target\n");
         r.etc("t@.service.d/05-y.conf", "[Install]\nWantedBy=y.target\n");
       },
       {enable("t@bar.service"), enable("t@baz.service"), disable("t@bar.service")}});
  add({"default_instance_overridden_in_dropin",
       [](Root& r) {
         r.lib("t@.service", "[Install]\nWantedBy=multi-user.target\nDefaultInstance=instance-1\n");
         r.etc("t@.service.d/di.conf", "[Install]\nDefaultInstance=instance-2\n");
       },
       {enable("t@.service"), disable("t@.service")}});
  add({"dropin_for_alias_name_is_not_read",
       [](Root& r) {
         r.lib("real.service", kInstallMultiUser);
         r.link("/usr/lib/systemd/system/nick.service", "real.service");
         r.etc("nick.service.d/x.conf", "[Install]\nWantedBy=nick.target\n");
         r.etc("real.service.d/x.conf", "[Install]\nWantedBy=real.target\n");
       },
       {enable("nick.service"), disable("nick.service")}});

  // --- templates and instances ----------------------------------------------
  add({"template_instance_alias_propagation",
       [](Root& r) {
         r.lib(
             "foo@.service",
             "[Install]\nWantedBy=multi-user.target\nDefaultInstance=bar\nAlias=alias@.service\n");
       },
       {enable("foo@.service"), enable("foo@baz.service"), disable("foo@baz.service"),
        disable("foo@.service")}});
  add({"template_target_from_template",
       [](Root& r) {
         r.lib("mon@.service",
               "[Install]\nWantedBy=container@.target\nWantedBy=multi-user.target\n");
       },
       {enable("mon@.service"), enable("mon@x.service")}});
  add({"template_alias_symlink",
       [](Root& r) {
         r.lib("template@.service", "[Install]\nWantedBy=multi-user.target\n");
         r.link("/usr/lib/systemd/system/template-symlink@.service", "template@.service");
       },
       {enable("template-symlink@quux.service"), disable("template-symlink@quux.service")}});
  add({"static_instance_symlink",
       [](Root& r) {
         r.lib("static-instance@.service", "[Install]\nWantedBy=multi-user.target\n");
         r.link("/usr/lib/systemd/system/static-instance@foo.service", "static-instance@.service");
       },
       {enable("static-instance@foo.service")}});
  add({"instance_file_beats_template",
       [](Root& r) {
         r.lib("t@.service", "[Install]\nWantedBy=template.target\n");
         r.lib("t@special.service", "[Install]\nWantedBy=special.target\n");
       },
       {enable("t@special.service"), enable("t@other.service")}});
  add({"default_instance_masked",
       [](Root& r) {
         r.lib("t@.service", "[Install]\nWantedBy=multi-user.target\nDefaultInstance=x\n");
         r.link("/etc/systemd/system/t@x.service", "/dev/null");
       },
       {enable("t@.service")}});
  add({"default_instance_with_specifiers",
       [](Root& r) {
         r.lib("getty-like@.service",
               "[Install]\nDefaultInstance=%p-tty\nWantedBy=t-%i.target\nAlias=%N-alias.service\n");
       },
       {enable("getty-like@.service")}});
  add({"default_instance_on_plain_unit",
       [](Root& r) { r.lib("plain.service", "[Install]\nDefaultInstance=x\nWantedBy=a.target\n"); },
       {enable("plain.service")}});
  add({"default_instance_invalid",
       [](Root& r) {
         r.lib("t@.service", "[Install]\nWantedBy=a.target\nDefaultInstance=bad/inst\n");
       },
       {enable("t@.service")}});
  add({"template_type_not_templatable",
       [](Root& r) { r.lib("m@.mount", "[Install]\nWantedBy=a.target\n"); },
       {enable("m@x.mount")}});

  // --- aliases ----------------------------------------------------------------
  add({"alias_legacy_wants_and_requires_forms",
       [](Root& r) {
         r.lib("bar.service",
               "[Install]\nAlias=foo.target.wants/bar.service\nAlias=foo.target.requires/"
               "bar.service\n"
               "Alias=x.target.upholds/bar.service\nAlias=foo.target.wants/other.service\n"
               "Alias=notaunit/bar.service\n");
       },
       {enable("bar.service"), disable("bar.service")}});
  add({"alias_on_mount_unit_ignored",
       [](Root& r) { r.lib("m.mount", "[Install]\nWantedBy=a.target\nAlias=m2.mount\n"); },
       {enable("m.mount")}});
  add({"alias_only_unit",
       [](Root& r) { r.lib("g.service", "[Install]\nAlias=g2.service\n"); },
       {enable("g.service"), enable("g2.service"), disable("g.service")}});
  add({"alias_in_the_way_points_elsewhere",
       [](Root& r) {
         r.lib("foo.service", "[Install]\nAlias=common.service\nWantedBy=multi-user.target\n");
         r.lib("other.service", "[Install]\n");
         r.link("/etc/systemd/system/common.service", "/usr/lib/systemd/system/other.service");
       },
       {enable("foo.service")}});
  add({"alias_in_the_way_dangling_is_kept_equivalent",
       [](Root& r) {
         r.lib("foo.service", "[Install]\nAlias=common.service\n");
         r.link("/etc/systemd/system/common.service", "/usr/lib/systemd/system/gone.service");
       },
       {enable("foo.service")}});
  add({"regular_file_in_the_way_of_alias",
       [](Root& r) {
         r.lib("foo.service", "[Install]\nAlias=common.service\nWantedBy=multi-user.target\n");
         r.etc("common.service", "[Unit]\n");
       },
       {enable("foo.service")}});
  add({"enable_through_alias_chain",
       [](Root& r) {
         r.lib("a.service", "[Install]\nWantedBy=multi-user.target\n");
         r.link("/usr/lib/systemd/system/c.service", "/usr/lib/systemd/system/a.service");
         r.link("/usr/lib/systemd/system/d.service", "c.service");
       },
       {enable("d.service"), disable("d.service")}});
  add({"enable_through_alias_made_by_enable",
       [](Root& r) { r.lib("foo.service", "[Install]\nAlias=bar.service\nWantedBy=a.target\n"); },
       {enable("foo.service"), enable("bar.service"), disable("bar.service")}});
  add({"dangling_alias",
       [](Root& r) { r.link("/usr/lib/systemd/system/alias.service", "missing.service"); },
       {enable("alias.service"), disable("alias.service")}});
  add({"dangling_alias_not_a_service",
       [](Root& r) {
         r.link("/usr/lib/systemd/system/alias.socket", "missing.socket");
         r.link("/etc/systemd/system/sockets.target.wants/alias.socket",
                "/usr/lib/systemd/system/alias.socket");
       },
       {enable("alias.socket"), disable("alias.socket")}});
  add({"invalid_alias_symlink_on_disk",
       [](Root& r) {
         r.lib("real.service", kInstallMultiUser);
         r.link("/usr/lib/systemd/system/odd.service", "real.socket");
         r.link("/usr/lib/systemd/system/odd.socket", "real.service");
         r.link("/etc/systemd/system/multi-user.target.wants/odd.service",
                "/usr/lib/systemd/system/odd.service");
         r.link("/etc/systemd/system/multi-user.target.wants/odd.socket",
                "/usr/lib/systemd/system/odd.socket");
       },
       {enable("odd.service"), enable("odd.socket"), disable("odd.service"),
        disable("odd.socket")}});
  add({"config_symlink_same_name",
       [](Root& r) {
         r.lib("foo.service", kInstallMultiUser);
         r.link("/etc/systemd/system/foo.service", "/usr/lib/systemd/system/foo.service");
       },
       {enable("foo.service"), disable("foo.service")}});
  add({"alias_to_name_shadowed_by_config_symlink",
       [](Root& r) {
         r.lib("foo.service", kInstallMultiUser);
         r.link("/usr/lib/systemd/system/foo2.service", "foo.service");
         r.link("/etc/systemd/system/foo.service", "/usr/lib/systemd/system/foo.service");
       },
       {enable("foo2.service")}});
  add({"linked_unit_dropin_read_before_the_file",
       [](Root& r) {
         r.file("/opt/linked3.service", "[Install]\nWantedBy=a.target\n");
         r.link("/etc/systemd/system/linked3.service", "/opt/linked3.service");
         r.etc("linked3.service.d/reset.conf", "[Install]\nWantedBy=\nRequiredBy=b.target\n");
       },
       {enable("linked3.service"), disable("linked3.service")}});
  add({"instance_through_template_symlink_with_dropins",
       [](Root& r) {
         r.lib("real@.service", "[Install]\nWantedBy=multi-user.target\n");
         r.link("/usr/lib/systemd/system/nick@.service", "real@.service");
         r.etc("nick@.service.d/x.conf", "[Install]\nWantedBy=nick.target\n");
         r.etc("real@.service.d/x.conf", "[Install]\nRequiredBy=real.target\n");
         r.etc("real@one.service.d/y.conf", "[Install]\nRequiredBy=one.target\n");
       },
       {enable("nick@one.service"), enable("real@two.service"), disable("real@.service")}});
  add({"linked_unit_through_symlink_in_usr_lib",
       [](Root& r) {
         r.file("/opt/sub/x.service", kInstallMultiUser);
         r.link("/usr/lib/systemd/system/x.service", "../../../../opt/sub/x.service");
       },
       {enable("x.service"), disable("x.service")}});

  // --- Also= ------------------------------------------------------------------
  add({"also_loop_of_three",
       [](Root& r) {
         r.lib("a.service", "[Install]\nWantedBy=a.target\nAlso=b.service\n");
         r.lib("b.service", "[Install]\nWantedBy=b.target\nAlso=c.service\n");
         r.lib("c.service", "[Install]\nWantedBy=c.target\nAlso=a.service b.service\n");
       },
       {enable("b.service"), disable("c.service")}});
  add({"also_self",
       [](Root& r) { r.lib("a.service", "[Install]\nWantedBy=a.target\nAlso=a.service\n"); },
       {enable("a.service")}});
  add({"also_missing_unit",
       [](Root& r) { r.lib("a.service", "[Install]\nWantedBy=a.target\nAlso=missing.service\n"); },
       {enable("a.service"), disable("a.service")}});
  add({"also_only",
       [](Root& r) {
         r.lib("a.service", "[Install]\nAlso=b.service\n");
         r.lib("b.service", "[Install]\nWantedBy=b.target\n");
       },
       {enable("a.service"), disable("a.service")}});
  add({"also_masked_unit",
       [](Root& r) {
         r.lib("a.service", "[Install]\nAlso=b.service\n");
         r.lib("b.service", "[Install]\nWantedBy=b.target\n");
         r.link("/etc/systemd/system/b.service", "/dev/null");
       },
       {enable("a.service"), disable("a.service")}});
  add({"also_invalid_name",
       [](Root& r) { r.lib("a.service", "[Install]\nWantedBy=a.target\nAlso=not-valid\n"); },
       {enable("a.service")}});
  add({"also_quoted",
       [](Root& r) {
         r.lib("a.service", "[Install]\nWantedBy=a.target\nAlso=\"b.service\"\n");
         r.lib("b.service", "[Install]\nWantedBy=b.target\n");
       },
       {enable("a.service")}});
  add({"also_with_specifier_and_escape",
       [](Root& r) {
         r.lib("x.service", "[Install]\nWantedBy=x.target\nAlso=%p-helper.socket \\y.service\n");
         r.lib("x-helper.socket", "[Install]\nWantedBy=sockets.target\n");
         r.lib("y.service", "[Install]\nWantedBy=y.target\n");
       },
       {enable("x.service"), disable("x.service")}});
  add({"also_invalid_specifier",
       [](Root& r) { r.lib("x.service", "[Install]\nWantedBy=x.target\nAlso=%f.service\n"); },
       {enable("x.service")}});

  // --- masks --------------------------------------------------------------------
  add({"mask_missing_unit", [](Root&) {}, {mask("nothere.service"), mask("nothere.service")}});
  add({"mask_then_enable_then_disable",
       [](Root& r) { r.lib("foo.service", kInstallMultiUser); },
       {mask("foo"), enable("foo.service"), disable("foo.service")}});
  add({"mask_regular_file_in_the_way",
       [](Root& r) { r.etc("foo.service", kInstallMultiUser); },
       {mask("foo.service")}});
  add({"mask_other_link_in_the_way",
       [](Root& r) {
         r.lib("foo.service", kInstallMultiUser);
         r.link("/etc/systemd/system/foo.service", "/usr/lib/systemd/system/foo.service");
       },
       {mask("foo.service")}});
  add({"mask_over_relative_dev_null_link",
       [](Root& r) { r.link("/etc/systemd/system/foo.service", "../../../dev/null"); },
       {mask("foo.service"), enable("foo.service")}});
  add({"mask_over_relative_dev_null_link_with_dev_null",
       [](Root& r) {
         r.link("/etc/systemd/system/foo.service", "../../../dev/null");
         r.file("/dev/null", "");
       },
       {mask("foo.service"), enable("foo.service")}});
  add({"mask_runtime",
       [](Root& r) { r.lib("foo.service", kInstallMultiUser); },
       {mask("foo.service", Scope::runtime), enable("foo.service"),
        enable("foo.service", Scope::runtime)}});
  add({"mask_escaped_name", [](Root&) {}, {mask("bad name"), mask("a+b")}});
  add({"mask_path_refused", [](Root&) {}, {mask("/etc/systemd/system/foo.service")}});
  add({"masked_by_empty_file",
       [](Root& r) { r.etc("foo.service", ""); },
       {enable("foo.service"), disable("foo.service")}});

  // --- disable --------------------------------------------------------------------
  add({"disable_removal_set",
       [](Root& r) {
         r.lib("foo.service", kInstallMultiUser);
         const std::string e = "/etc/systemd/system/";
         r.link(e + "multi-user.target.wants/foo.service", "/usr/lib/systemd/system/foo.service");
         r.link(e + "x.target.requires/foo.service", "/usr/lib/systemd/system/foo.service");
         r.link(e + "deep/nested.target.wants/foo.service", "/usr/lib/systemd/system/foo.service");
         r.link(e + "y.target.wants/renamed.service", "../foo.service");
         r.link(e + "y.target.wants/foo.service", "/whatever/foo.service");
         r.link(e + "y.target.wants/keep.service", "/usr/lib/systemd/system/keep.service");
         r.link(e + "handalias.service", "/usr/lib/systemd/system/foo.service");
         r.link(e + "notaunit", "/usr/lib/systemd/system/foo.service");
         r.link(e + ".hidden.service", "/usr/lib/systemd/system/foo.service");
         r.mkdir(e + "empty.target.wants");
         r.link("/usr/lib/systemd/system/multi-user.target.wants/foo.service", "../foo.service");
         r.link("/run/systemd/system/multi-user.target.wants/foo.service",
                "/usr/lib/systemd/system/foo.service");
       },
       {disable("foo.service")}});
  add({"disable_missing_unit_removes_leftovers",
       [](Root& r) {
         r.link("/etc/systemd/system/multi-user.target.wants/gone.service",
                "/usr/lib/systemd/system/gone.service");
       },
       {disable("gone.service"), disable("gone.service")}});
  add({"disable_masked_unit",
       [](Root& r) {
         r.link("/etc/systemd/system/foo.service", "/dev/null");
         r.link("/etc/systemd/system/multi-user.target.wants/foo.service",
                "/usr/lib/systemd/system/foo.service");
       },
       {disable("foo.service")}});
  add({"disable_without_install",
       [](Root& r) { r.lib("foo.service", "[Service]\nExecStart=/bin/true\n"); },
       {disable("foo.service")}});
  add({"disable_runtime_only_touches_run",
       [](Root& r) { r.lib("foo.service", kInstallMultiUser); },
       {enable("foo.service"), enable("foo.service", Scope::runtime),
        disable("foo.service", Scope::runtime), disable("foo.service")}});
  add({"disable_link_loop",
       [](Root& r) {
         r.lib("foo.service", kInstallMultiUser);
         r.link("/etc/systemd/system/loop1.service", "loop2.service");
         r.link("/etc/systemd/system/loop2.service", "loop1.service");
       },
       {disable("foo.service")}});
  add({"disable_keeps_other_instances",
       [](Root& r) {
         r.lib("t@.service", kInstallMultiUser);
         r.lib("u.service", "[Install]\nWantedBy=multi-user.target\nAlso=t@a.service\n");
       },
       {enable("t@a.service"), enable("t@b.service"), enable("u.service"), disable("t@b.service"),
        disable("u.service")}});

  // --- idempotency and links in the way -----------------------------------------
  add({"idempotent_reenable",
       [](Root& r) {
         r.lib("foo.service", "[Install]\nWantedBy=multi-user.target\nAlias=f.service\n");
       },
       {enable("foo.service"), enable("foo.service"), enable("foo")}});
  add({"replace_non_equivalent_wants_link",
       [](Root& r) {
         r.lib("foo.service", kInstallMultiUser);
         r.link("/etc/systemd/system/multi-user.target.wants/foo.service", "/opt/foo.service");
       },
       {enable("foo.service")}});
  add({"keep_equivalent_stale_link",
       [](Root& r) {
         r.lib("foo.service", kInstallMultiUser);
         r.link("/etc/systemd/system/multi-user.target.wants/foo.service",
                "/etc/systemd/system/foo.service");
       },
       {enable("foo.service")}});
  add({"keep_relative_equivalent_link",
       [](Root& r) {
         r.etc("foo.service", kInstallMultiUser);
         r.link("/etc/systemd/system/multi-user.target.wants/foo.service", "../foo.service");
       },
       {enable("foo.service")}});
  add({"wants_directory_is_a_file",
       [](Root& r) {
         r.lib("foo.service", "[Install]\nWantedBy=multi-user.target\nRequiredBy=b.target\n");
         r.etc("multi-user.target.wants", "not a directory\n");
       },
       {enable("foo.service")}});
  add({"config_directory_missing",
       [](Root& r) { r.lib("foo.service", kInstallMultiUser); },
       {enable("foo.service"), disable("foo.service")}});
  add({"empty_root_mask", [](Root&) {}, {mask("foo.service")}});

  // --- errors and verdicts ----------------------------------------------------------
  add({"no_install_section",
       [](Root& r) {
         r.lib("foo.service", "[Unit]\nDescription=x\n[Service]\nExecStart=/bin/true\n");
       },
       {enable("foo.service")}});
  add({"empty_install_section",
       [](Root& r) { r.lib("foo.service", "[Install]\n"); },
       {enable("foo.service")}});
  add({"bad_required_by_after_good_wanted_by",
       [](Root& r) {
         r.lib("a.service", "[Install]\nWantedBy=multi-user.target\nRequiredBy=bad/name.target\n");
         r.lib("b.service", "[Install]\nRequiredBy=bad/name.target\nWantedBy=multi-user.target\n");
         r.lib("e.service", "[Install]\nAlias=e2.service\nWantedBy=bad/name.target\n");
         r.lib("f.service", "[Install]\nWantedBy=bad/name.target good.target\n");
       },
       {enable("a.service"), enable("b.service"), enable("e.service"), enable("f.service")}});
  add({"quoted_value_with_space",
       [](Root& r) {
         r.lib("q.service", "[Install]\nWantedBy=\"q1.target q2.target\" 'q3.target'\n");
       },
       {enable("q.service")}});
  add({"template_target_without_instance",
       [](Root& r) {
         r.lib("nodef@.service",
               "[Install]\nWantedBy=multi-user.target\nWantedBy=container@.target\n");
       },
       {enable("nodef@.service")}});
  add({"unit_in_generator_directory",
       [](Root& r) {
         r.file("/run/systemd/generator/gen.service", kInstallMultiUser);
         r.file("/run/systemd/transient/tr.service", kInstallMultiUser);
         r.file("/run/systemd/generator.late/late.service", kInstallMultiUser);
       },
       {enable("gen.service"), enable("tr.service"), enable("late.service")}});
  add({"unit_file_is_a_directory",
       [](Root& r) { r.mkdir("/etc/systemd/system/dir.service"); },
       {enable("dir.service")}});
  add({"name_escaping_and_length",
       [](Root& r) { r.lib("a\\x2bb.service", kInstallMultiUser); },
       {enable("a+b"), enable(std::string(247, 'x') + ".service"),
        enable(std::string(248, 'x') + ".service"), enable("@x.service"), enable("foo.bogus"),
        enable(".service"), disable("a+b")}});
  add({"disable_by_path",
       [](Root& r) { r.lib("foo.service", kInstallMultiUser); },
       {enable("foo.service"), disable("/some/where/foo.service")}});

  // --- search path ------------------------------------------------------------------
  add({"search_path_priority",
       [](Root& r) {
         r.lib("a.service", "[Install]\nWantedBy=usr.target\n");
         r.file("/usr/local/lib/systemd/system/a.service", "[Install]\nWantedBy=local.target\n");
         r.lib("b.service", "[Install]\nWantedBy=usr.target\n");
         r.file("/run/systemd/system/b.service", "[Install]\nWantedBy=run.target\n");
         r.etc("c.service", "[Install]\nWantedBy=etc.target\n");
         r.file("/run/systemd/system/c.service", "[Install]\nWantedBy=run.target\n");
         r.file("/etc/systemd/system.control/d.service", "[Install]\nWantedBy=control.target\n");
         r.etc("d.service", "[Install]\nWantedBy=etc.target\n");
         r.file("/etc/systemd/system.attached/e.service", "[Install]\nWantedBy=attached.target\n");
         r.lib("e.service", "[Install]\nWantedBy=usr.target\n");
         r.file("/usr/share/systemd/system/f.service", kInstallMultiUser);
       },
       {enable("a.service"), enable("b.service"), enable("c.service"), enable("d.service"),
        enable("e.service"), enable("f.service")}});
  add({"split_usr_lib_directory",
       [](Root& r) {
         r.file("/lib/systemd/system/l.service", "[Install]\nWantedBy=lib.target\n");
         r.file("/lib/systemd/system/both.service", "[Install]\nWantedBy=lib.target\n");
         r.lib("both.service", "[Install]\nWantedBy=usr.target\n");
         r.file("/lib/systemd/system/both.service.d/x.conf",
                "[Install]\nRequiredBy=lib-dropin.target\n");
       },
       {enable("l.service"), enable("both.service"), disable("both.service")}});
  add({"runtime_enable",
       [](Root& r) {
         r.lib("foo.service", "[Install]\nWantedBy=multi-user.target\nAlias=f.service\n");
       },
       {enable("foo.service", Scope::runtime), enable("foo.service", Scope::runtime),
        enable("f.service", Scope::runtime), disable("foo.service", Scope::runtime)}});

  // --- unit file syntax -------------------------------------------------------------
  add({"syntax_comments_and_continuations",
       [](Root& r) {
         r.lib("s.service",
               "# comment\n; another\n[Unit]\nDescription=x\\\n  continued\n[Install]\n"
               "WantedBy=a.target \\\n# a comment inside a continuation\n  b.target\\\\\n"
               "  ; semicolon comment\nRequiredBy = c.target  \n"
               "WantedBy=d.target\\\n");
       },
       {enable("s.service")}});
  add({"syntax_odd_lines",
       [](Root& r) {
         r.lib(
             "s.service",
             "WantedBy=outside.target\n[Install]\nno equals sign\n=novalue\nwantedby=lower.target\n"
             "X-Custom=1\nUnknown=2\n[Weird]\nWantedBy=weird.target\n[X-Vendor]\nWantedBy=x."
             "target\n"
             "[Install]\nWantedBy=again.target\n  [Service]  \nWantedBy=service-section.target\n");
       },
       {enable("s.service")}});
  add({"syntax_crlf_and_bom",
       [](Root& r) {
         r.lib("s.service",
               "\xEF\xBB\xBF[Install]\r\nWantedBy=a.target\r\n\r\nRequiredBy=b.target\r");
         r.lib("t.service", "[Install]\n\xEF\xBB\xBFWantedBy=t.target\n");
       },
       {enable("s.service"), enable("t.service")}});
  add({"syntax_nul_ends_line",
       [](Root& r) {
         r.lib("s.service",
               std::string("[Install]\nWantedBy=a.target") + '\0' + "RequiredBy=b.target\n");
       },
       {enable("s.service")}});
  add({"syntax_invalid_utf8",
       [](Root& r) {
         r.lib("s.service", "[Install]\nWantedBy=a.target\nDescription=\xff\xfe\n");
         r.lib("t.service", "[Install]\nWantedBy=a.target\n[Unit]\nDescription=caf\xc3\xa9\n");
       },
       {enable("s.service"), enable("t.service")}});
  add({"syntax_bad_section_header",
       [](Root& r) {
         r.lib("s.service", "[Install]\nWantedBy=a.target\n[Broken\nWantedBy=b.target\n");
         r.lib("t.service", "[Install]\nWantedBy=a.target\n[Bad\"Name]\n");
       },
       {enable("s.service"), enable("t.service")}});
  add({"syntax_quotes_and_backslashes",
       [](Root& r) {
         r.lib(
             "s.service",
             "[Install]\nWantedBy=\"a.target\"'b.target' c\\x2dd.target\nRequiredBy=\"\" e.target\n"
             "Alias=\"unterminated.service\n");
       },
       {enable("s.service")}});
  add({"syntax_duplicate_values",
       [](Root& r) {
         r.lib("s.service", "[Install]\nWantedBy=a.target a.target\nWantedBy=a.target\n");
       },
       {enable("s.service")}});
  add({"syntax_upheld_by_unknown_key_on_old_systemd",
       [](Root& r) { r.lib("u.service", "[Install]\nUpheldBy=up.target\nWantedBy=a.target\n"); },
       {enable("u.service"), disable("u.service")},
       {"l etc/systemd/system/up.target.upholds/u.service -> /usr/lib/systemd/system/u.service 777",
        "d etc/systemd/system/up.target.upholds ->  755"}});
  add({"upheld_by_only",
       [](Root& r) {
         r.mkdir("/etc/systemd/system");
         r.lib("u.service", "[Install]\nUpheldBy=up.target\n");
       },
       {enable("u.service")},
       {"l etc/systemd/system/up.target.upholds/u.service -> /usr/lib/systemd/system/u.service 777",
        "d etc/systemd/system/up.target.upholds ->  755"}});

  // --- files changed between operations are seen ------------------------------------
  add({"unit_file_rewritten_between_steps",
       [](Root& r) { r.lib("w.service", "[Install]\nWantedBy=first.target\n"); },
       {enable("w.service"), change([](Root& r) {
          r.etc("w.service.d/more.conf", "[Install]\nRequiredBy=boot-complete.target\n");
        }),
        enable("w.service"),
        change([](Root& r) { r.lib("w.service", "[Install]\nWantedBy=second.target\n"); }),
        enable("w.service"), disable("w.service")}});

  // --- host-dependent specifiers behave as on this machine --------------------------
  add({"host_specifiers",
       [](Root& r) {
         r.lib("h.service",
               "[Install]\nWantedBy=h-%H.target l-%l.target v-%v.target a-%a.target\n");
       },
       {enable("h.service")}});
  return all;
}

// ---------------------------------------------------------------------------

class SystemctlDifferentialTest : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    if (!have_systemctl()) GTEST_SKIP() << "systemctl is not installed";
    ::umask(022);
    char pattern[] = "/tmp/bootassess-differential-XXXXXX";
    const char* made = ::mkdtemp(pattern);
    ASSERT_NE(made, nullptr);
    base_ = made;
    ::chmod(base_.c_str(), 0755);
  }
  void TearDown() override {
    if (!base_.empty()) {
      std::error_code ignored;
      fs::remove_all(base_, ignored);
    }
  }

  std::string base_;
};

TEST_P(SystemctlDifferentialTest, TreesAndVerdictsMatch) {
  const Case& c = GetParam();
  const std::string a = base_ + "/a";
  const std::string b = base_ + "/b";
  ASSERT_EQ(::mkdir(a.c_str(), 0755), 0);
  Root root_a(a);
  c.setup(root_a);
  ASSERT_EQ(
      std::system(("cp -a " + testing::shell_quote(a) + " " + testing::shell_quote(b)).c_str()), 0);
  Root root_b(b);
  const bool compare_upholds = systemctl_version() >= 254;

  ASSERT_EQ(snapshot(a), snapshot(b)) << "the twin roots differ before the first step";
  int number = 0;
  for (const Step& step : c.steps) {
    ++number;
    if (step.kind == Step::Kind::change) {
      step.change(root_a);
      step.change(root_b);
      continue;
    }
    const std::string what = std::string(verb_name(step.verb)) + " " + step.unit +
                             (step.scope == Scope::runtime ? " --runtime" : "");
    SCOPED_TRACE("step " + std::to_string(number) + ": " + what);
    const Result ours = run_bootassess(a, step.verb, step.unit, step.scope);
    const Result theirs = run_systemctl(b, step.verb, step.unit, step.scope);
    std::string tree_a = snapshot(a);
    const std::string tree_b = snapshot(b);
    const std::string context = "\n--- bootassess:\n" + ours.log + "--- systemctl:\n" + theirs.log;
    EXPECT_EQ(ours.failed, theirs.failed) << context;
    if (!compare_upholds && !c.upholds_lines.empty()) {
      const std::string upholds = lines_containing(tree_a, ".upholds");
      std::vector<std::string> sorted_expected(c.upholds_lines);
      std::sort(sorted_expected.begin(), sorted_expected.end());
      std::string all_expected;
      for (const std::string& line : sorted_expected)
        all_expected += line + "\n";
      if (step.verb == Verb::enable) {
        EXPECT_EQ(upholds, all_expected) << "the .upholds/ links bootassess adds" << context;
      } else {
        EXPECT_EQ(upholds, "") << "disable leaves no .upholds/ link" << context;
      }
      tree_a = without_lines_containing(tree_a, ".upholds");
    }
    EXPECT_EQ(tree_a, tree_b) << context;
    // BOOTASSESS_DIFFERENTIAL_LOG=1 shows what each step did.
    if (std::getenv("BOOTASSESS_DIFFERENTIAL_LOG") != nullptr) {
      std::cout << "=== " << c.name << " step " << number << ": " << what
                << (theirs.failed ? " (failed)" : "") << context << "--- tree:\n"
                << lines_containing(tree_b, "-> /") << "\n";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(SystemctlDifferential, SystemctlDifferentialTest,
                         ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace bootassess::systemd
