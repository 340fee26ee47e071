// Differential tests: the native evaluator against /bin/sh (dash) itself.
//
// Random filesystem states in a temporary directory, random conditions from
// a grammar that covers the native subset and forms outside it, a fixed
// seed. Every condition evaluated natively must give exactly the status
// `/bin/sh -c` gives in the same state; the non-native ones run through the
// module's shell fallback and must agree with /bin/sh too.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "conditions/condition.h"
#include "root/disk_root.h"
#include "support/temp_dir.h"
#include "support/tree.h"

namespace bootassess {
namespace {

namespace fs = std::filesystem;

// splitmix64: the same sequence on every platform and standard library.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  bool percent(std::size_t p) { return below(100) < p; }
  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[below(items.size())];
  }

 private:
  std::uint64_t state_;
};

// The exit status of `/bin/sh -c text` run in `cwd`, as yip would get it.
int shell_status(const std::string& text, const std::string& cwd) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  std::string command = text;
  char* argv[] = {const_cast<char*>("sh"), const_cast<char*>("-c"), command.data(), nullptr};
  pid_t pid = 0;
  const int error = ::posix_spawn(&pid, "/bin/sh", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) return -1;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string canonical(const std::string& p) {
  char* real = ::realpath(p.c_str(), nullptr);
  std::string out = real != nullptr ? real : p;
  std::free(real);
  return out;
}

const std::vector<std::string> kNames = {"a", "b", "c d", "-f", "!", "=", "sub", "x.y", "e"};
const std::vector<unsigned> kModes = {0000, 0755, 0644, 0600, 0700, 0111, 0444, 0222, 0001, 0010};

// A random tree below `top`; `made` collects the relative paths created.
class StateBuilder {
 public:
  StateBuilder(Rng& rng, std::string top) : rng_(rng), top_(std::move(top)) {}

  std::vector<std::string> build() {
    const std::size_t count = 3 + rng_.below(5);
    for (std::size_t i = 0; i < count; ++i)
      entry(rng_.pick(kNames), 0);
    // Modes last, so that creating children never depends on them.
    for (auto it = modes_.rbegin(); it != modes_.rend(); ++it) {
      ::chmod(it->first.c_str(), it->second);
    }
    return made_;
  }

 private:
  void entry(const std::string& rel, int depth) {
    const std::string full = top_ + "/" + rel;
    struct stat st {};
    if (::lstat(full.c_str(), &st) == 0) return;
    switch (rng_.below(depth == 0 ? 6 : 5)) {
      case 0:
        testing::write_text(full, "", rng_.pick(kModes));
        break;
      case 1:
        testing::write_text(full, rng_.percent(50) ? "data\n" : "x", rng_.pick(kModes));
        break;
      case 2:
      case 5: {
        ::mkdir(full.c_str(), 0755);
        const std::size_t children = rng_.below(4);
        for (std::size_t i = 0; i < children; ++i) {
          entry(rel + "/" + rng_.pick(kNames), depth + 1);
        }
        if (rng_.percent(60)) modes_.emplace_back(full, directory_mode());
        break;
      }
      default:
        if (::symlink(link_target(rel).c_str(), full.c_str()) != 0) return;
        break;
    }
    made_.push_back(rel);
  }

  // Without privileges, the kernel checks search permission for "." and ".."
  // after a directory while a walk through a view applies them lexically; a
  // boot runs as root, so unprivileged runs keep directories searchable.
  unsigned directory_mode() {
    const unsigned mode = rng_.pick(kModes);
    return ::geteuid() == 0 ? mode : (mode | 0700);
  }

  std::string link_target(const std::string& rel) {
    switch (rng_.below(9)) {
      case 0:
        return top_ + "/" + rng_.pick(kNames);  // absolute
      case 1:
        return "nowhere";
      case 2:
        return fs::path(rel).filename().string();  // itself: a loop
      case 3:
        return "..";
      case 4:
        return "sub/";
      case 5:
        return "../" + rng_.pick(kNames);
      default:
        return rng_.pick(kNames);
    }
  }

  Rng& rng_;
  std::string top_;
  std::vector<std::string> made_;
  std::vector<std::pair<std::string, unsigned>> modes_;
};

const std::vector<std::string> kNativeUnary = {"-e", "-f", "-d", "-s", "-L", "-h",
                                               "-r", "-w", "-x", "-z", "-n"};
const std::vector<std::string> kOtherUnary = {"-c", "-b", "-p", "-S", "-t", "-u", "-g", "-O"};
const std::vector<std::string> kOddWords = {"",   "x",  "-f", "-e", "-n",  "-z",  "!", "=",
                                            "!=", "-a", "-o", "(",  ")",   "-eq", "[", "]",
                                            "-L", "-t", "--", "-",  "a b", "ab"};

// Conditions outside the native subset; {P} is replaced by a path.
const std::vector<std::string> kShellForms = {
    "test -e {P}; [ -f {P} ]",
    "[ -f {P} ] | true",
    "ls -d {P} >/dev/null 2>&1",
    "[ -e \"$PWD\" ]",
    "[ -e {P} -a -d {P} ]",
    "[ -e {P} -o -f {P} ]",
    "[ \\( -e {P} \\) ]",
    "test -c /dev/null",
    "[ 1 -eq 1 ]",
    "! ! true",
    "( [ -f {P} ] )",
    "{ [ -d {P} ]; }",
    "[ -f `echo {P}` ]",
    "[ -e {P}* ]",
    "x=1 [ -n \"$x\" ]",
    "[ -f {P}",
    "[ x y ]",
    "test -e ~",
    "true # comment",
    "exit 3",
    "[ -e {P} ]\n[ -d {P} ]",
    "[[ -e {P} ]]",
    "[ -d {P} ] &",
};

class ConditionGenerator {
 public:
  ConditionGenerator(Rng& rng, std::string top, std::vector<std::string> made)
      : rng_(rng), top_(std::move(top)), made_(std::move(made)) {}

  std::string condition() {
    std::string text = rng_.percent(10) ? " " : "";
    const std::size_t r = rng_.below(100);
    const std::size_t pipelines = r < 65 ? 1 : (r < 92 ? 2 : 3);
    for (std::size_t i = 0; i < pipelines; ++i) {
      if (i > 0) {
        static const std::vector<std::string> joiners = {" && ", " || ", "&&", "||", " &&  "};
        text += rng_.pick(joiners);
      }
      if (rng_.percent(15)) text += rng_.percent(80) ? "! " : "!\t";
      text += command();
    }
    if (rng_.percent(10)) text += "  ";
    return text;
  }

 private:
  std::string command() {
    const std::size_t r = rng_.below(100);
    if (r < 8) {
      std::string out = rng_.percent(50) ? "true" : "false";
      for (std::size_t i = rng_.below(3); i > 0; --i) {
        out += ' ';
        out += render(operand());
      }
      return out;
    }
    if (r < 13) return shell_form();
    return test_command();
  }

  std::string shell_form() {
    std::string form = rng_.pick(kShellForms);
    for (std::size_t at = form.find("{P}"); at != std::string::npos; at = form.find("{P}")) {
      form.replace(at, 3, render(path()));
    }
    return form;
  }

  std::string test_command() {
    const bool bracket = rng_.percent(75);
    std::string out;
    if (bracket) {
      static const std::vector<std::string> names = {"[", "[", "[", "[", "\"[\"", "\\["};
      out = rng_.pick(names);
    } else {
      static const std::vector<std::string> names = {"test", "test", "test", "'test'", "t\"es\"t"};
      out = rng_.pick(names);
    }
    // Appended in two steps: `" " + render(word)` trips GCC 12's -Wrestrict
    // false positive at -O3.
    for (const std::string& word : test_args()) {
      out += ' ';
      out += render(word);
    }
    if (bracket) {
      const std::size_t r = rng_.below(100);
      out += r < 94 ? " ]" : (r < 97 ? " ]]" : "");
    }
    return out;
  }

  std::string unary() {
    return rng_.percent(92) ? rng_.pick(kNativeUnary) : rng_.pick(kOtherUnary);
  }

  std::vector<std::string> test_args() {
    const std::size_t r = rng_.below(100);
    if (r < 44) return {unary(), operand()};
    if (r < 56) return {"!", unary(), operand()};
    if (r < 66) return {operand(), rng_.percent(50) ? "=" : "!=", operand()};
    if (r < 70) return {"!", operand(), rng_.percent(50) ? "=" : "!=", operand()};
    if (r < 75) return {operand()};
    if (r < 77) return {};
    if (r < 82) {
      std::vector<std::string> args(1 + rng_.below(3), "!");
      args.push_back(unary());
      args.push_back(operand());
      return args;
    }
    // A random sequence: exercises dash's argument-count and operand rules.
    std::vector<std::string> args;
    for (std::size_t n = 1 + rng_.below(6); n > 0; --n) {
      const std::size_t k = rng_.below(10);
      if (k < 3) {
        args.push_back(unary());
      } else if (k < 5) {
        args.push_back("!");
      } else if (k < 6) {
        args.push_back(rng_.percent(50) ? "=" : "!=");
      } else {
        args.push_back(operand());
      }
    }
    return args;
  }

  std::string operand() { return rng_.percent(75) ? path() : rng_.pick(kOddWords); }

  std::string path() {
    static const std::vector<std::string> extra = {"nope", "sub/nope", "sub/a", "a/b"};
    std::string base = (!made_.empty() && rng_.percent(75)) ? rng_.pick(made_) : rng_.pick(extra);
    static const std::vector<std::string> suffixes = {"",   "",    "",   "",      "",   "/",
                                                      "/.", "/..", "//", "/../a", "/a", "/sub/"};
    base += rng_.pick(suffixes);
    if (rng_.percent(55)) {
      static const std::vector<std::string> joins = {"/", "/", "/", "//", "/./", "/sub/../"};
      return top_ + rng_.pick(joins) + base;
    }
    static const std::vector<std::string> prefixes = {"", "", "", "./", "sub/../"};
    std::string prefix = rng_.pick(prefixes);
    if (rng_.percent(10)) prefix = "../" + fs::path(top_).filename().string() + "/";
    return prefix + base;
  }

  static bool bare_safe(const std::string& word) {
    if (word == "[") return true;
    for (char c : word) {
      const bool ok = std::isalnum(static_cast<unsigned char>(c)) ||
                      std::string_view("/._-+=,:@%^!]").find(c) != std::string_view::npos;
      if (!ok) return false;
    }
    return true;
  }

  static std::string single_quoted(const std::string& word) {
    if (word.find('\'') != std::string::npos) return double_quoted(word);
    return "'" + word + "'";
  }

  static std::string double_quoted(const std::string& word) {
    std::string out = "\"";
    for (char c : word) {
      if (c == '"' || c == '\\' || c == '$' || c == '`') out += '\\';
      out += c;
    }
    return out + "\"";
  }

  static std::string backslashed(const std::string& word) {
    std::string out;
    for (char c : word) {
      out += '\\';
      out += c;
    }
    return out;
  }

  std::string render_piece(const std::string& piece) {
    switch (rng_.below(4)) {
      case 0:
        return bare_safe(piece) ? piece : single_quoted(piece);
      case 1:
        return single_quoted(piece);
      case 2:
        return double_quoted(piece);
      default:
        return backslashed(piece);
    }
  }

  // The word written with random sh quoting (always meaning exactly `word`).
  std::string render(const std::string& word) {
    if (word.empty()) return rng_.percent(50) ? "\"\"" : "''";
    if (rng_.percent(45)) return bare_safe(word) ? word : render_piece(word);
    if (word.size() > 1 && rng_.percent(35)) {
      const std::size_t cut = 1 + rng_.below(word.size() - 1);
      const std::string head = word.substr(0, cut);
      const std::string tail = word.substr(cut);
      // "[" glued to another piece would be a glob character.
      auto piece = [&](const std::string& p) {
        return p == "[" ? double_quoted(p) : render_piece(p);
      };
      return piece(head) + piece(tail);
    }
    return render_piece(word);
  }

  Rng& rng_;
  std::string top_;
  std::vector<std::string> made_;
};

struct Tally {
  int cases = 0;
  int native = 0;
  int mismatches = 0;
  int not_native = 0;
  int fallback_runs = 0;
  int fallback_mismatches = 0;
  std::vector<std::string> reports;
};

void check_case(const std::string& text, const std::string& top, const RootView& view,
                Tally& tally) {
  ++tally.cases;
  const int expected = shell_status(text, top);
  ConditionContext ctx;
  ctx.view = &view;
  ctx.root_dir = "/";
  ctx.cwd = top;
  ctx.allow_shell = false;
  ConditionResult native = evaluate_condition(text, ctx);
  if (native.native) {
    ++tally.native;
    if (native.status != expected) {
      ++tally.mismatches;
      if (tally.reports.size() < 20) {
        tally.reports.push_back("native " + std::to_string(native.status) + " vs sh " +
                                std::to_string(expected) + ": " + text + "\n" +
                                testing::snapshot(top));
      }
    }
    return;
  }
  EXPECT_EQ(native.outcome, ConditionOutcome::undecided) << text;
  // Every other one also through the module's fallback (processes are the
  // expensive part of this test).
  if (++tally.not_native % 2 == 0) return;
  ctx.allow_shell = true;
  ConditionResult shell = evaluate_condition(text, ctx);
  ++tally.fallback_runs;
  if (shell.outcome == ConditionOutcome::refused || shell.status != expected) {
    ++tally.fallback_mismatches;
    if (tally.reports.size() < 20) {
      tally.reports.push_back("fallback " + std::to_string(shell.status) + " vs sh " +
                              std::to_string(expected) + ": " + text + " (" + shell.detail + ")");
    }
  }
}

TEST(ConditionDifferential, RandomStatesAndConditionsAgreeWithSh) {
  constexpr int kStates = 600;
  constexpr int kConditionsPerState = 2;
  Rng rng(0x5eedc0de2026ULL);
  std::string error;
  std::unique_ptr<DiskRoot> host = DiskRoot::open("/", error);
  ASSERT_NE(host, nullptr) << error;
  Tally tally;
  for (int state = 0; state < kStates; ++state) {
    testing::TempDir temp;
    const std::string top = canonical(temp.path());
    std::vector<std::string> made = StateBuilder(rng, top).build();
    ConditionGenerator generator(rng, top, made);
    for (int i = 0; i < kConditionsPerState; ++i) {
      check_case(generator.condition(), top, *host, tally);
    }
  }
  const double share = static_cast<double>(tally.native) / tally.cases;
  std::printf(
      "[ differential ] %d cases in %d states: %d native (%.1f%%), %d mismatches; "
      "%d through the shell fallback, %d disagreements\n",
      tally.cases, kStates, tally.native, 100.0 * share, tally.mismatches, tally.fallback_runs,
      tally.fallback_mismatches);
  for (const std::string& report : tally.reports)
    ADD_FAILURE() << report;
  EXPECT_EQ(tally.mismatches, 0);
  EXPECT_EQ(tally.fallback_mismatches, 0);
  EXPECT_GE(share, 0.60);
  EXPECT_GT(tally.fallback_runs, 150);
}

// Every argument list of up to five words over a small alphabet of
// operators and operands, as `[ ... ]`: dash's argument-count rules and its
// reading of operator-like operands, exhaustively. One dash process runs
// them all (a failing `[` does not stop a script).
TEST(ConditionDifferential, ShortTestArgumentListsAgreeWithSh) {
  const std::vector<std::string> alphabet = {"!", "-e", "-z", "=", "!=", "x", "", "-eq", "-a", "("};
  constexpr std::size_t kMaxLength = 5;
  testing::TempDir temp;
  const std::string top = canonical(temp.path());
  testing::write_text(top + "/x", "1");
  testing::write_text(top + "/-e", "");
  std::vector<std::string> lists;
  std::vector<std::size_t> digits;
  for (std::size_t length = 0; length <= kMaxLength; ++length) {
    digits.assign(length, 0);
    for (;;) {
      std::string text = "[";
      for (std::size_t d : digits)
        text += " '" + alphabet[d] + "'";
      lists.push_back(text + " ]");
      std::size_t i = 0;
      while (i < length && ++digits[i] == alphabet.size())
        digits[i++] = 0;
      if (i == length) break;
    }
  }
  std::string script;
  for (const std::string& text : lists)
    script += text + " 2>/dev/null; echo $?\n";
  testing::write_text(top + "/script.sh", script);
  std::string output;
  ASSERT_EQ(testing::run_command("cd '" + top + "' && /bin/sh script.sh", &output), 0);
  std::vector<int> statuses;
  for (std::size_t at = 0; at < output.size();) {
    const std::size_t nl = output.find('\n', at);
    statuses.push_back(std::stoi(output.substr(at, nl - at)));
    at = nl == std::string::npos ? output.size() : nl + 1;
  }
  ASSERT_EQ(statuses.size(), lists.size());

  std::string error;
  std::unique_ptr<DiskRoot> host = DiskRoot::open("/", error);
  ASSERT_NE(host, nullptr) << error;
  int native = 0;
  int mismatches = 0;
  int accepted_plain = 0;  // dash accepts it, and it has no -a, ( or -eq
  int missed = 0;          // ... but it was not evaluated natively
  for (std::size_t i = 0; i < lists.size(); ++i) {
    ConditionContext ctx;
    ctx.view = host.get();
    ctx.cwd = top;
    ctx.allow_shell = false;
    const ConditionResult r = evaluate_condition(lists[i], ctx);
    const bool plain = lists[i].find("'-a'") == std::string::npos &&
                       lists[i].find("'('") == std::string::npos &&
                       lists[i].find("'-eq'") == std::string::npos;
    if (plain && statuses[i] < 2) {
      ++accepted_plain;
      if (!r.native) ++missed;
    }
    if (!r.native) continue;
    ++native;
    if (r.status != statuses[i]) {
      ++mismatches;
      if (mismatches <= 20) {
        ADD_FAILURE() << lists[i] << ": native " << r.status << ", sh " << statuses[i];
      }
    }
  }
  std::printf(
      "[ differential ] %zu argument lists: %d native, %d mismatches; dash accepts %d lists "
      "without -a ( -eq, %d of them not native\n",
      lists.size(), native, mismatches, accepted_plain, missed);
  EXPECT_EQ(mismatches, 0);
  // The native subset gives up nothing dash accepts within it.
  EXPECT_EQ(missed, 0);
  EXPECT_GT(native, 300);
}

}  // namespace
}  // namespace bootassess
