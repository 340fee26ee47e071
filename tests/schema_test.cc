// schema/bootassess.schema.json, checked by a real JSON Schema validator
// (Debian's python3-jsonschema, driven by tests/schema/validate.py) and held
// against the loader.
//
// Agreement: a document is schema-valid exactly when load_document() reports
// no error and no warning (notes do not count). Where they differ, the
// difference must be one of kExceptions below, each recognised from where
// the schema error or the loader finding is, never from the file name. The
// list is closed: any other difference fails, and every entry is shown by at
// least one case in tests/schema-cases.
//
// YAML becomes JSON twice: as PyYAML reads it (YAML 1.1: 0644 is octal) and
// as editors read it (YAML 1.2 core: 0644 is decimal 644). Both readings must
// agree with the loader; a case's stated exceptions are those of the first.
//
// Files checked: tests/schema-cases/{valid,invalid}/*.yaml (each states what
// it expects in `# schema-error:`, `# loader:` and `# exception:` lines),
// examples/ (valid, loader-clean, and pointing editors at the schema), and
// any YAML under tests/fixtures/ (which may be invalid on purpose: there only
// agreement is required).
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "boot/boot_mode.h"
#include "load/keys.h"
#include "load/loader.h"
#include "load/stage_names.h"
#include "load/yip_integer.h"
#include "support/temp_dir.h"

namespace bootassess {
namespace {

namespace fs = std::filesystem;
using namespace std::string_view_literals;

const fs::path kSourceDir = BOOTASSESS_SOURCE_DIR;
const fs::path kSchema = kSourceDir / "schema" / "bootassess.schema.json";
const fs::path kValidator = kSourceDir / "tests" / "schema" / "validate.py";
const fs::path kCases = kSourceDir / "tests" / "schema-cases";
// Debian's interpreter, which has python3-jsonschema and python3-yaml; a
// `python3` earlier on PATH (pyenv) may have neither.
constexpr const char* kPython = "/usr/bin/python3";

// Every allowed difference between the schema and the loader, and why it
// cannot be avoided. Growing this list is a decision about the format: it
// needs a case that shows it and a word in the schema's descriptions.
struct ExceptionKind {
  std::string_view id;
  std::string_view why;
};
constexpr std::array<ExceptionKind, 7> kExceptions{{
    {"unit-name",
     "schema stricter: unit names are checked by the systemd module when the step is planned; "
     "the loader keeps any text"},
    {"boot-assessment",
     "schema stricter: `units` or `checks` required, mode names, the boot-loop rule and a "
     "check's name, path and URL are checked when boot_assessment is planned; the loader "
     "reads only the shape"},
    {"entry-required",
     "schema stricter: a file or directory without `path`, an override without `service` or "
     "`content`, is reported by the planner"},
    {"runner-value",
     "schema stricter: the values of the stage runner's keys (step keys like `commands`, "
     "cloud-config keys) are the runner's, and yip fails a file on a wrong shape; bootassess "
     "never reads them"},
    {"number-notation",
     "the schema sees the number YAML made, not how it was written: decimal 644 and 0644 are "
     "both 644 to an editor (YAML 1.2), so the loader's decimal and high-bit warnings cannot "
     "be expressed; and a notation yip reads as a number (0o644) may be a string to one YAML "
     "version"},
    {"cloud-config-header",
     "`#cloud-config` is a comment, which JSON does not have: the schema allows the "
     "cloud-config keys in every file, the loader only after that header"},
    {"quoted-boolean-word",
     "a quoted \"yes\" is the same string to the schema as an unquoted yes read as YAML 1.2, "
     "which yip accepts; yip and the loader reject the quoted one"},
}};

bool is_exception(std::string_view id) {
  return std::any_of(kExceptions.begin(), kExceptions.end(),
                     [&](const ExceptionKind& e) { return e.id == id; });
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

// ---------------------------------------------------------------------------
// The schema's verdict, from validate.py.

struct SchemaError {
  std::vector<std::string> path;  // instance location, one component per level
  std::string keyword;            // the failing JSON Schema keyword, or "yaml"
  std::string message;
  std::string instance_type;  // JSON type of the value at `path`
  std::string instance;       // its text when it is a scalar

  std::string location() const {
    std::string out = "/";  // then appended: `"/" + join(...)` trips GCC 12's -Wrestrict at -O3
    out += join(path, "/");
    return out;
  }
};

struct SchemaVerdict {
  bool valid = false;
  std::vector<SchemaError> errors;
};

struct ValidatorRun {
  std::map<std::string, SchemaVerdict> verdicts;  // by file
  std::string failure;                            // why there are none
};

ValidatorRun run_validator(const std::vector<fs::path>& files, std::string_view yaml_version) {
  ValidatorRun run;
  std::string command = std::string(kPython) + " " + testing::shell_quote(kValidator.string()) +
                        " --schema " + testing::shell_quote(kSchema.string()) + " --yaml " +
                        std::string(yaml_version) + " --json - --";
  for (const fs::path& f : files)
    command += " " + testing::shell_quote(f.string());
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    run.failure = "cannot run " + command;
    return run;
  }
  std::string output;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0)
    output.append(buf.data(), n);
  const int status = ::pclose(pipe);
  // 0: all valid, 1: some invalid; anything else is a broken setup or schema
  // (validate.py says why on standard error).
  if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
    run.failure = "validate.py failed (status " + std::to_string(status) + "): " + command;
    return run;
  }
  YAML::Node doc;
  try {
    doc = YAML::Load(output);  // JSON is YAML
  } catch (const YAML::Exception& e) {
    run.failure = std::string("unreadable validate.py output: ") + e.what();
    return run;
  }
  for (const YAML::Node& r : doc["results"]) {
    SchemaVerdict v;
    v.valid = r["valid"].as<bool>();
    for (const YAML::Node& e : r["errors"]) {
      SchemaError err;
      for (const YAML::Node& p : e["path"])
        err.path.push_back(p.as<std::string>());
      err.keyword = e["keyword"].as<std::string>();
      err.message = e["message"].as<std::string>();
      err.instance_type = e["instance_type"].as<std::string>();
      if (e["instance"].IsScalar()) err.instance = e["instance"].Scalar();
      v.errors.push_back(std::move(err));
    }
    run.verdicts[r["file"].as<std::string>()] = std::move(v);
  }
  if (run.verdicts.size() != files.size()) run.failure = "validate.py skipped files";
  return run;
}

// ---------------------------------------------------------------------------
// The loader's verdict.

struct LoaderVerdict {
  std::vector<Diagnostic> findings;  // errors and warnings
  bool clean() const { return findings.empty(); }
};

LoaderVerdict run_loader(const fs::path& file, const std::string& text) {
  Diagnostics diagnostics;
  (void)load_document(file.string(), text, diagnostics);
  LoaderVerdict v;
  for (const Diagnostic& d : diagnostics.items()) {
    if (d.severity != Severity::note) v.findings.push_back(d);
  }
  return v;
}

// ---------------------------------------------------------------------------
// Explaining a difference.

bool is_index(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool one_of(std::string_view s, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

// "'path' is a required property" -> path
std::string required_key(const SchemaError& e) {
  const std::size_t open = e.message.find('\'');
  const std::size_t close = e.message.find('\'', open + 1);
  if (open == std::string::npos || close == std::string::npos) return {};
  return e.message.substr(open + 1, close - open - 1);
}

// A schema error in a document the loader found nothing wrong with.
std::optional<std::string_view> explain_schema_error(const SchemaError& e) {
  const std::vector<std::string>& p = e.path;
  const bool null_value = e.keyword == "type" && e.instance_type == "null";
  if (p.size() >= 1 && keys::contains(keys::cloud_config_keys(), p[0])) return "runner-value";
  if (p.size() < 4 || p[0] != "stages" || !is_index(p[2])) return std::nullopt;
  const std::vector<std::string> s(p.begin() + 3, p.end());  // within the step
  const std::string& key = s[0];
  if (keys::contains(keys::runner_step_keys(), key) ||
      keys::contains(keys::runner_conditionals(), key)) {
    return "runner-value";
  }
  const bool entry_list = key == "files" || key == "directories";
  const bool override_entry =
      key == "systemctl" && s.size() >= 3 && s[1] == "overrides" && is_index(s[2]);
  const bool unit_position =
      (s.size() == 3 && key == "systemctl" &&
       one_of(s[1], {"enable", "disable", "mask", "start"}) && is_index(s[2])) ||
      (s.size() == 3 && key == "boot_assessment" && s[1] == "units" && is_index(s[2])) ||
      (s.size() == 4 && override_entry && s[3] == "service");
  if (unit_position && (e.keyword == "pattern" || e.keyword == "maxLength" || null_value)) {
    return "unit-name";
  }
  const bool entry =
      (s.size() == 2 && entry_list && is_index(s[1])) || (s.size() == 3 && override_entry);
  const bool entry_key = (s.size() == 3 && entry_list && is_index(s[1]) && s[2] == "path") ||
                         (s.size() == 4 && override_entry && one_of(s[3], {"service", "content"}));
  if (entry &&
      ((e.keyword == "required" && one_of(required_key(e), {"path", "service", "content"})) ||
       null_value)) {
    return "entry-required";
  }
  if (entry_key && (e.keyword == "minLength" || null_value)) return "entry-required";
  // A check's name, path and URL are judged when the step is planned (the
  // check-* rules), as `units` and modes are.
  const bool check_text = s.size() == 4 && s[1] == "checks" && is_index(s[2]) &&
                          one_of(s[3], {"name", "mount", "path", "http"}) &&
                          one_of(e.keyword, {"pattern", "maxLength"});
  if (key == "boot_assessment" &&
      (one_of(e.keyword, {"required", "minItems", "enum", "anyOf"}) || null_value || check_text)) {
    return "boot-assessment";
  }
  if (s.size() == 3 && entry_list && one_of(s[2], {"permissions", "owner", "group"}) &&
      e.keyword == "type" && e.instance_type == "string") {
    const std::optional<YipInteger> v = parse_yip_unsigned(e.instance, UINT32_MAX);
    if (v && !v->from_float) return "number-notation";
  }
  return std::nullopt;
}

// The text at a 1-based line and column.
std::string_view text_at(const std::string& text, const Position& pos) {
  if (pos.line < 1 || pos.column < 1) return {};
  std::size_t offset = 0;
  for (int line = 1; line < pos.line; ++line) {
    offset = text.find('\n', offset);
    if (offset == std::string::npos) return {};
    ++offset;
  }
  offset += static_cast<std::size_t>(pos.column - 1);
  if (offset > text.size()) return {};
  const std::size_t end = text.find('\n', offset);
  return std::string_view(text).substr(offset, end == std::string::npos ? end : end - offset);
}

// A loader finding in a document the schema accepts.
std::optional<std::string_view> explain_loader_finding(const Diagnostic& d,
                                                       const std::string& text) {
  if (d.rule == "permissions-decimal" || d.rule == "permissions-high-bits") {
    return "number-notation";
  }
  const std::string_view at = text_at(text, d.where);
  if (d.rule == "unknown-key" && d.where.column == 1) {
    const std::string_view key = at.substr(0, at.find(':'));
    if (keys::contains(keys::cloud_config_keys(), key)) return "cloud-config-header";
  }
  if (d.rule == "type-error" && !at.empty() && (at[0] == '"' || at[0] == '\'')) {
    const std::size_t close = at.find(at[0], 1);
    const std::string_view word = at.substr(1, close == std::string_view::npos ? 0 : close - 1);
    if (one_of(word, {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO",
                      "off", "Off", "OFF"})) {
      return "quoted-boolean-word";
    }
  }
  return std::nullopt;
}

struct Comparison {
  bool schema_valid = false;
  bool loader_clean = false;
  std::set<std::string> exceptions;      // what explains the difference
  std::vector<std::string> unexplained;  // differences nothing explains

  bool agree() const { return schema_valid == loader_clean; }
};

Comparison compare(const std::string& text, const SchemaVerdict& schema,
                   const LoaderVerdict& loader) {
  Comparison c;
  c.schema_valid = schema.valid;
  c.loader_clean = loader.clean();
  if (c.agree()) return c;
  if (!schema.valid) {
    for (const SchemaError& e : schema.errors) {
      if (std::optional<std::string_view> id = explain_schema_error(e)) {
        c.exceptions.emplace(*id);
      } else {
        c.unexplained.push_back("schema only: " + e.location() + ": " + e.message + " [" +
                                e.keyword + "]");
      }
    }
  } else {
    for (const Diagnostic& d : loader.findings) {
      if (std::optional<std::string_view> id = explain_loader_finding(d, text)) {
        c.exceptions.emplace(*id);
      } else {
        c.unexplained.push_back("loader only: " + format_diagnostic(d));
      }
    }
  }
  return c;
}

std::string describe(const fs::path& file, std::string_view yaml_version,
                     const SchemaVerdict& schema, const LoaderVerdict& loader) {
  std::ostringstream out;
  out << file.string() << " (YAML " << yaml_version
      << ")\n  schema: " << (schema.valid ? "valid" : "invalid") << "\n";
  for (const SchemaError& e : schema.errors)
    out << "    " << e.location() << ": " << e.message << " [" << e.keyword << "]\n";
  out << "  loader: " << (loader.clean() ? "clean" : "findings") << "\n";
  for (const Diagnostic& d : loader.findings)
    out << "    " << format_diagnostic(d) << "\n";
  return out.str();
}

// ---------------------------------------------------------------------------
// Files.

bool is_yaml(const fs::path& p) {
  return p.extension() == ".yaml" || p.extension() == ".yml";
}

// YAML files under `dir`, sorted; tolerant of files appearing meanwhile.
std::vector<fs::path> yaml_files(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && is_yaml(it->path())) out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Case {
  fs::path file;
  std::string text;
  bool valid = false;  // under valid/
  std::set<std::string> schema_errors;
  std::set<std::string> loader_rules;
  std::set<std::string> exceptions;
};

std::set<std::string> header_values(const std::string& text, std::string_view tag) {
  std::set<std::string> out;
  std::istringstream lines(text);
  std::string line;
  const std::string prefix = "# " + std::string(tag) + ":";
  while (std::getline(lines, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::string value = line.substr(prefix.size());
    value.erase(0, value.find_first_not_of(' '));
    value.erase(value.find_last_not_of(' ') + 1);
    out.insert(value);
  }
  return out;
}

std::vector<Case> load_cases() {
  std::vector<Case> cases;
  for (const auto& [dir, valid] : {std::pair{"valid", true}, std::pair{"invalid", false}}) {
    for (const fs::path& f : yaml_files(kCases / dir)) {
      Case c;
      c.file = f;
      c.text = read_file(f);
      c.valid = valid;
      c.schema_errors = header_values(c.text, "schema-error");
      c.loader_rules = header_values(c.text, "loader");
      c.exceptions = header_values(c.text, "exception");
      cases.push_back(std::move(c));
    }
  }
  return cases;
}

std::vector<fs::path> files_of(const std::vector<Case>& cases) {
  std::vector<fs::path> out;
  for (const Case& c : cases)
    out.push_back(c.file);
  return out;
}

std::set<std::string> rules_of(const LoaderVerdict& v) {
  std::set<std::string> out;
  for (const Diagnostic& d : v.findings)
    out.insert(d.rule);
  return out;
}

std::set<std::string> locations_of(const SchemaVerdict& v) {
  std::set<std::string> out;
  for (const SchemaError& e : v.errors)
    out.insert(e.location());
  return out;
}

// ---------------------------------------------------------------------------
// The schema file itself.

TEST(SchemaFile, IsDraft07WithEveryPropertyDescribed) {
  const std::string command = std::string(kPython) + " " +
                              testing::shell_quote(kValidator.string()) + " --schema " +
                              testing::shell_quote(kSchema.string()) + " --check-schema";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
}

std::set<std::string> property_names(const YAML::Node& schema) {
  std::set<std::string> out;
  for (const auto& entry : schema["properties"])
    out.insert(entry.first.as<std::string>());
  return out;
}

std::set<std::string> names(std::initializer_list<std::span<const std::string_view>> lists,
                            std::initializer_list<std::string_view> more = {}) {
  std::set<std::string> out;
  for (const auto& list : lists) {
    for (std::string_view k : list)
      out.emplace(k);
  }
  for (std::string_view k : more)
    out.emplace(k);
  return out;
}

// The schema names exactly the keys the loader knows, mapping by mapping, so
// that neither can gain a key the other does not know about. Each of these
// mappings is closed (additionalProperties: false) so that a misspelt key is
// flagged in the editor as the loader flags it; stage names, the stage
// runner's own mappings and cloud-config items stay open.
TEST(SchemaFile, NamesExactlyTheLoaderKeys) {
  const YAML::Node schema = YAML::LoadFile(kSchema.string());
  const YAML::Node defs = schema["definitions"];
  // The documented misspellings: known to both, accepted by the loader with a
  // warning, refused by the schema.
  const std::map<std::string, std::pair<YAML::Node, std::set<std::string>>> mappings{
      {"document",
       {schema, names({keys::top_level(), keys::cloud_config_keys(), keys::kairos_keys()})}},
      {"step",
       {defs["step"],
        names({keys::step(), keys::runner_step_keys(), keys::runner_conditionals()})}},
      {"file", {defs["file"], names({keys::file()}, {"owner_string"})}},
      {"directory", {defs["directory"], names({keys::directory()})}},
      {"systemctl", {defs["systemctl"], names({keys::systemctl()}, {"enabled"})}},
      {"override", {defs["override"], names({keys::override_entry()})}},
      {"boot_assessment", {defs["bootAssessment"], names({keys::boot_assessment()})}},
  };
  for (const auto& [what, mapping] : mappings) {
    const auto& [node, expected] = mapping;
    ASSERT_TRUE(node.IsMap()) << what;
    EXPECT_EQ(property_names(node), expected) << what;
    ASSERT_TRUE(node["additionalProperties"]) << what;
    EXPECT_FALSE(node["additionalProperties"].as<bool>()) << what;
  }
  for (const char* alias : {"owner_string", "enabled"}) {
    const YAML::Node node = alias == "enabled"sv ? defs["systemctl"]["properties"][alias]
                                                 : defs["file"]["properties"][alias];
    EXPECT_TRUE(node["not"].IsMap() && node["not"].size() == 0) << alias << " must be refused";
  }
}

// The stage names the schema accepts are the loader's known ones: each known
// name matches the schema's pattern, and names the loader warns about do not.
TEST(SchemaFile, StageNamesAreTheLoaderStageNames) {
  const YAML::Node stages = YAML::LoadFile(kSchema.string())["properties"]["stages"];
  ASSERT_TRUE(stages["patternProperties"].IsMap());
  ASSERT_EQ(stages["patternProperties"].size(), 1u);
  const std::regex pattern(stages["patternProperties"].begin()->first.as<std::string>(),
                           std::regex::ECMAScript);
  for (std::string_view name : stage_names::known()) {
    EXPECT_TRUE(std::regex_search(std::string(name), pattern)) << name;
  }
  for (const char* name : {"initramf", "initramfs.before.after", "install.before", "my-own-stage",
                           "kairos-reset.pre", "xinitramfs", "boot.", ""}) {
    EXPECT_FALSE(stage_names::is_known(name)) << name;
    EXPECT_FALSE(std::regex_search(std::string(name), pattern)) << name;
  }
  for (const auto& entry : stages["properties"]) {
    EXPECT_TRUE(stage_names::is_known(entry.first.as<std::string>())) << entry.first;
  }
  ASSERT_TRUE(stages["additionalProperties"]);
  EXPECT_FALSE(stages["additionalProperties"].as<bool>());
}

TEST(SchemaFile, BootModesAreThePlannedModes) {
  const YAML::Node schema = YAML::LoadFile(kSchema.string());
  std::set<std::string> in_schema;
  for (const YAML::Node& m : schema["definitions"]["bootMode"]["enum"])
    in_schema.insert(m.as<std::string>());
  std::set<std::string> planned;
  for (BootMode m : planned_modes())
    planned.emplace(mode_name(m));
  EXPECT_EQ(in_schema, planned);
  for (const std::string& m : in_schema)
    EXPECT_TRUE(parse_mode(m)) << m;
}

// ---------------------------------------------------------------------------
// The cases.

TEST(SchemaCases, MeetTheirExpectationsAndAgreeWithTheLoader) {
  const std::vector<Case> cases = load_cases();
  ASSERT_GE(cases.size(), 20u) << "cases not found under " << kCases;
  const ValidatorRun run = run_validator(files_of(cases), "1.1");
  ASSERT_EQ(run.failure, "");
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file.string());
    const SchemaVerdict& schema = run.verdicts.at(c.file.string());
    const LoaderVerdict loader = run_loader(c.file, c.text);
    const std::string context = describe(c.file, "1.1", schema, loader);
    EXPECT_EQ(schema.valid, c.valid) << context;
    EXPECT_EQ(locations_of(schema), c.schema_errors) << context;
    EXPECT_EQ(rules_of(loader), c.loader_rules) << context;
    const Comparison cmp = compare(c.text, schema, loader);
    EXPECT_EQ(cmp.unexplained, std::vector<std::string>{}) << context;
    EXPECT_EQ(cmp.exceptions, c.exceptions) << context;
    for (const std::string& id : c.exceptions)
      EXPECT_TRUE(is_exception(id)) << "no such exception: " << id;
  }
}

TEST(SchemaCases, AgreeWithTheLoaderAsEditorsReadYaml) {
  const std::vector<Case> cases = load_cases();
  const ValidatorRun run = run_validator(files_of(cases), "1.2");
  ASSERT_EQ(run.failure, "");
  for (const Case& c : cases) {
    const SchemaVerdict& schema = run.verdicts.at(c.file.string());
    const LoaderVerdict loader = run_loader(c.file, c.text);
    const Comparison cmp = compare(c.text, schema, loader);
    EXPECT_EQ(cmp.unexplained, std::vector<std::string>{})
        << describe(c.file, "1.2", schema, loader);
  }
}

TEST(SchemaCases, ShowEveryAllowedException) {
  std::set<std::string> shown;
  for (const Case& c : load_cases())
    shown.insert(c.exceptions.begin(), c.exceptions.end());
  for (const ExceptionKind& e : kExceptions)
    EXPECT_TRUE(shown.count(std::string(e.id))) << e.id << " (" << e.why << ") has no case";
}

// ---------------------------------------------------------------------------
// Examples and fixtures.

TEST(SchemaExamples, AreValidLoaderCleanAndPointAtTheSchema) {
  const std::vector<fs::path> examples = yaml_files(kSourceDir / "examples");
  ASSERT_FALSE(examples.empty());
  for (std::string_view version : {"1.1"sv, "1.2"sv}) {
    const ValidatorRun run = run_validator(examples, version);
    ASSERT_EQ(run.failure, "");
    for (const fs::path& f : examples) {
      const std::string text = read_file(f);
      const SchemaVerdict& schema = run.verdicts.at(f.string());
      const LoaderVerdict loader = run_loader(f, text);
      EXPECT_TRUE(schema.valid && loader.clean()) << describe(f, version, schema, loader);
    }
  }
  // Editors find the schema through this comment; a wrong relative path
  // silently turns the checking off.
  const std::string marker = "# yaml-language-server: $schema=";
  for (const fs::path& f : examples) {
    std::istringstream lines(read_file(f));
    std::string line;
    while (std::getline(lines, line)) {
      if (line.rfind(marker, 0) != 0) continue;
      const fs::path target = f.parent_path() / line.substr(marker.size());
      std::error_code ec;
      EXPECT_TRUE(fs::equivalent(target, kSchema, ec)) << f << ": " << line;
    }
  }
}

TEST(SchemaFixtures, AgreeWithTheLoader) {
  const std::vector<fs::path> fixtures = yaml_files(kSourceDir / "tests" / "fixtures");
  if (fixtures.empty()) GTEST_SKIP() << "no YAML under tests/fixtures";
  for (std::string_view version : {"1.1"sv, "1.2"sv}) {
    const ValidatorRun run = run_validator(fixtures, version);
    ASSERT_EQ(run.failure, "");
    for (const fs::path& f : fixtures) {
      const std::string text = read_file(f);
      const SchemaVerdict& schema = run.verdicts.at(f.string());
      const LoaderVerdict loader = run_loader(f, text);
      const Comparison cmp = compare(text, schema, loader);
      EXPECT_EQ(cmp.unexplained, std::vector<std::string>{})
          << describe(f, version, schema, loader);
    }
  }
}

}  // namespace
}  // namespace bootassess
