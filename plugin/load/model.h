// The typed model of yip stage configurations that bootassess acts on. Every
// item keeps the position it came from, so that whatever happens to it later
// (a skip, a failure, a lint finding) can point at the line that asked for it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diag/diagnostic.h"

namespace bootassess {

template <typename T>
struct Located {
  T value{};
  Position pos;
};

// An optional value kept on the heap: one pointer in the model when absent,
// which most of a step's parts are (a large configuration holds hundreds of
// thousands of steps). Copies copy the value; otherwise used as std::optional.
template <typename T>
class Boxed {
 public:
  Boxed() = default;
  Boxed(std::nullopt_t) {}                                           // NOLINT: as std::optional
  Boxed(T value) : value_(std::make_unique<T>(std::move(value))) {}  // NOLINT: as std::optional
  Boxed(const Boxed& other) : value_(other ? std::make_unique<T>(*other) : nullptr) {}
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(Boxed other) noexcept {
    value_ = std::move(other.value_);
    return *this;
  }
  ~Boxed() = default;

  explicit operator bool() const { return value_ != nullptr; }
  bool has_value() const { return value_ != nullptr; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return value_.get(); }
  const T* operator->() const { return value_.get(); }

 private:
  std::unique_ptr<T> value_;
};

struct DirectoryEntry {
  Position pos;
  Located<std::string> path;
  // As yip decodes it, bits above 0777 included: they are dropped from every
  // mode set on disk, but yip computes the mode of a file's missing parent
  // directories from the whole value.
  std::optional<Located<std::uint32_t>> permissions;
  std::uint32_t owner = 0;
  std::uint32_t group = 0;
};

struct FileEntry {
  Position pos;
  Located<std::string> path;
  std::optional<Located<std::uint32_t>> permissions;
  std::uint32_t owner = 0;
  std::uint32_t group = 0;
  Boxed<Located<std::string>> ownerstring;
  Located<std::string> content;
  bool content_is_block = false;         // a `|` block: line N of the text is pos.line + N
  int content_column = 0;                // of a block's text (1-based), 0 when unknown
  Boxed<Located<std::string>> encoding;  // absent: the content is written as it is
};

struct SystemctlOverride {
  Position pos;
  Located<std::string> service;
  Located<std::string> content;
  bool content_is_block = false;
  int content_column = 0;
  Located<std::string> name;
};

struct SystemctlStep {
  Position pos;
  std::vector<Located<std::string>> enable;
  std::vector<Located<std::string>> disable;
  std::vector<Located<std::string>> mask;
  std::vector<Located<std::string>> start;
  std::vector<SystemctlOverride> overrides;
  bool runtime = false;  // links under /run/systemd/system, like `systemctl --runtime`
};

// What a health check probes: the `bootassess check` verb's KIND.
enum class CheckKind { mount, path, tcp, http, command, unit };

std::string_view check_kind_name(CheckKind kind);

// One entry of `boot_assessment.checks`: a probe that becomes a generated
// unit running `bootassess check KIND TARGET ...`.
struct HealthCheck {
  Position pos;
  Located<std::string> name;
  CheckKind kind = CheckKind::path;
  Position kind_pos;                             // the kind's key
  Located<std::string> target;                   // all kinds but command
  std::vector<Located<std::string>> argv;        // command
  Boxed<Located<std::string>> fstype;            // mount
  Boxed<Located<std::string>> type;              // path
  std::optional<Located<std::uint32_t>> status;  // http
  std::optional<Located<double>> timeout;        // seconds; default kDefaultCheckTimeout
  std::optional<Located<double>> interval;       // seconds; default kDefaultCheckInterval
  std::optional<Located<bool>> required;         // default true
  bool is_required() const { return !required || required->value; }
};

inline constexpr double kDefaultCheckTimeout = 30;
inline constexpr double kDefaultCheckInterval = 1;
// Where the generated units find the static binary by default.
inline constexpr std::string_view kDefaultCheckBinary = "/usr/bin/bootassess";

// The plugin's own `boot_assessment:` step module.
struct BootAssessmentStep {
  Position pos;
  std::vector<Located<std::string>> units;
  std::vector<HealthCheck> checks;
  Boxed<Located<std::string>> check_binary;  // default kDefaultCheckBinary
  std::optional<std::vector<Located<std::string>>> reboot_on_failure;  // default [active]
  std::optional<std::vector<Located<std::string>>> modes;              // default active..autoreset
  std::optional<Located<bool>> accept_boot_loop_risk;  // allows rebooting outside active
};

// yip's conditionals besides `if`: regular expressions matched against facts
// of the system, and tests of files.
struct YipConditionals {
  Boxed<Located<std::string>> node;                  // hostname, unanchored RE2
  Boxed<Located<std::string>> only_os;               // os-release PRETTY_NAME
  Boxed<Located<std::string>> only_os_version;       // os-release VERSION_ID
  Boxed<Located<std::string>> only_arch;             // Go's GOARCH name
  Boxed<Located<std::string>> only_service_manager;  // systemd or openrc
  // if_files: {all|any|none: [paths]}, in document order.
  std::vector<std::pair<Located<std::string>, std::vector<Located<std::string>>>> if_files;
  bool has_if_files = false;

  bool empty() const {
    return !node && !only_os && !only_os_version && !only_arch && !only_service_manager &&
           !has_if_files;
  }
};

struct Step {
  Position pos;
  std::string name;
  Boxed<Located<std::string>> condition;  // `if:`
  std::vector<DirectoryEntry> directories;
  std::vector<FileEntry> files;
  Boxed<SystemctlStep> systemctl;
  Boxed<BootAssessmentStep> boot_assessment;
  // Keys that belong to the stage runner (commands, users, ...): left alone.
  std::vector<Located<std::string>> runner_keys;
  // Absent when the step has none, as most steps have.
  Boxed<YipConditionals> conditionals;
  // `after: [{name: ...}]`: the yip operations this step waits for, each at
  // its entry's position ("" for an entry without `name`).
  std::vector<Located<std::string>> after;

  // "name" (abbreviated past 1 KiB) or "#N" (N 0-based) for steps without a name.
  std::string label(std::size_t index) const;
};

// One configuration file (or standard input).
struct Document {
  std::string file;
  // The file as yip names it in its operation names: a directory's files by
  // the cleaned path (Go's filepath.Join), a file argument as written,
  // standard input as <STDIN>. Empty: `file`.
  std::string yip_file;
  std::string name;  // top-level `name:`
  bool cloud_config = false;
  // A #cloud-config file: the number of `growpart.devices` (yip adds a step
  // to the `boot` stage for each).
  std::size_t growpart_devices = 0;
  // Stage name -> steps, in file order.
  std::map<std::string, std::vector<Step>> stages;
};

// One SOURCE argument: a file, a directory or standard input.
struct Source {
  std::string argument;
  std::vector<Document> documents;
  bool failed = false;  // a document failed to load: the whole source is skipped, as yip does
};

}  // namespace bootassess
