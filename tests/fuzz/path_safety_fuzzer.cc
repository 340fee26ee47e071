// The path-safety invariant, fuzzed on the paths and names themselves: each
// input line becomes one item of a configuration (the first byte picks the
// kind, the rest is the path or name, any bytes, NUL included, written as a
// YAML double-quoted string), which is loaded and planned in every mode
// against an image whose symlinks lead towards the outside. Every planned
// action must stay inside the root: an absolute path whose components are
// never empty, ".", ".." nor hold a NUL, and no component but the last one a
// symlink in the root as planned so far.
//
// Line kinds: 'f' file, 'd' directory, 'o' override drop-in (the unit; a
// second field after '|' is the drop-in name), 'e' enable, 'x' disable,
// 'm' mask, 'r' the next items are runtime.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fs/overlay_root.h"
#include "fuzz/fuzz_support.h"
#include "load/loader.h"
#include "plan/mode_plans.h"

namespace {

using namespace bootassess;

constexpr std::size_t kMaxInput = 4096;

// A YAML double-quoted scalar holding exactly `bytes`.
std::string quoted(std::string_view bytes) {
  std::string out = "\"";
  for (const char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string configuration(std::string_view input) {
  std::string files;
  std::string directories;
  std::string overrides;
  std::string enable;
  std::string disable;
  std::string mask;
  bool runtime = false;
  while (!input.empty()) {
    const std::size_t nl = input.find('\n');
    std::string_view line = input.substr(0, nl);
    input = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
    if (line.empty()) continue;
    const char kind = line.front();
    line.remove_prefix(1);
    switch (kind) {
      case 'f':
        files += "      - {path: " + quoted(line) + ", permissions: 0644, content: x}\n";
        break;
      case 'd':
        directories += "      - {path: " + quoted(line) + ", permissions: 0755}\n";
        break;
      case 'o': {
        const std::size_t bar = line.find('|');
        overrides += "        - {service: " + quoted(line.substr(0, bar)) +
                     ", content: \"[Install]\\nWantedBy=multi-user.target\\n\"";
        if (bar != std::string_view::npos) overrides += ", name: " + quoted(line.substr(bar + 1));
        overrides += "}\n";
        break;
      }
      case 'e':
        enable += "          - " + quoted(line) + "\n";
        break;
      case 'x':
        disable += "          - " + quoted(line) + "\n";
        break;
      case 'm':
        mask += "          - " + quoted(line) + "\n";
        break;
      case 'r':
        runtime = true;
        break;
      default:
        break;
    }
  }
  std::string yaml = "stages:\n  initramfs:\n    - name: fuzz\n";
  if (!directories.empty()) yaml += "      directories:\n" + directories;
  if (!files.empty()) yaml += "      files:\n" + files;
  yaml += "    - systemctl:\n";
  yaml += std::string("        runtime: ") + (runtime ? "true" : "false") + "\n";
  if (!overrides.empty()) yaml += "        overrides:\n" + overrides;
  if (!enable.empty()) yaml += "        enable:\n" + enable;
  if (!disable.empty()) yaml += "        disable:\n" + disable;
  if (!mask.empty()) yaml += "        mask:\n" + mask;
  return yaml;
}

// No directory above the action's path may be a symlink in the root as
// planned before the action: a planned path is canonical.
void check_parents(const OverlayRoot& before, const Action& action) {
  for (std::size_t slash = action.path.find('/', 1); slash != std::string::npos;
       slash = action.path.find('/', slash + 1)) {
    const std::string parent = action.path.substr(0, slash);
    const std::optional<FileInfo> info = before.lstat(parent);
    if (info && info->type != FileType::directory) {
      fuzz::broken("planned path \"" + fuzz::shown(action.path) + "\" goes through \"" +
                   fuzz::shown(parent) + "\", which is not a directory");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return -1;
  static const testing::MemoryRoot image = fuzz::image_root();
  const std::string yaml =
      configuration(std::string_view(reinterpret_cast<const char*>(data), size));
  Diagnostics diagnostics;
  Source source;
  source.argument = "paths.yaml";
  std::optional<Document> doc = load_document("paths.yaml", yaml, diagnostics);
  if (!doc) return 0;
  source.documents.push_back(std::move(*doc));
  PlanOptions options;
  options.root_dir = "/fuzz-root";
  for (const ModePlan& plan : plan_modes(image, {source}, planned_modes(), options)) {
    OverlayRoot planned(image);
    for (const PlannedAction& item : plan.actions) {
      fuzz::check_action(item.action);
      check_parents(planned, item.action);
      planned.record(item.action);
    }
  }
  return 0;
}
