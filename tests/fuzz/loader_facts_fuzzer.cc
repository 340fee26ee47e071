// The loader's variables and an ESP's entry names, fuzzed through `status`.
// The input is up to five parts separated by lines "%%": the bytes of
// LoaderEntries, LoaderEntrySelected and LoaderBootCountPath as efivarfs
// shows them, the mode sentinel's name, and the ESP's entry files, one per
// line as NAME or NAME<TAB>CONTENT. The status is gathered on a passive boot
// without unit states and rendered as text, JSON, metrics and notice. Each
// output must keep its format's invariants: the verdict is one of the six,
// text lines fit 100 columns, every metrics line is a comment or one sample
// of a bootassess_ metric, and nothing holds a control character it did not
// escape.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "boot/boot_counting.h"
#include "boot/efi_variable.h"
#include "fuzz/fuzz_support.h"
#include "report/status_metrics.h"
#include "report/status_report.h"
#include "status/boot_status.h"

namespace {

using namespace bootassess;

// Far above what the loader writes; bounds the time of one input.
constexpr std::size_t kMaxInput = 8 * 1024;
constexpr std::string_view kSeparator = "\n%%\n";

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

void check_no_control(std::string_view text, std::string_view what) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n') || u == 0x7f) {
      fuzz::broken(std::string(what) + " holds an unescaped control character");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return -1;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts;
  while (parts.size() < 4) {
    const std::size_t at = input.find(kSeparator);
    if (at == std::string_view::npos) break;
    parts.emplace_back(input.substr(0, at));
    input.remove_prefix(at + kSeparator.size());
  }
  parts.emplace_back(input);
  parts.resize(5);

  testing::MemoryRoot root;
  root.add_dir("/run").add_dir("/run/cos").add_file("/run/cos/passive_mode", "1");
  if (!parts[3].empty() && parts[3].find('/') == std::string::npos && parts[3] != "." &&
      parts[3] != "..") {
    root.add_file("/run/cos/" + parts[3], "");
  }
  root.add_dir("/sys").add_dir("/sys/firmware").add_dir("/sys/firmware/efi");
  root.add_dir("/sys/firmware/efi/efivars");
  if (!parts[0].empty()) root.add_file(std::string(kLoaderEntriesVariable), parts[0]);
  if (!parts[1].empty()) root.add_file(std::string(kLoaderEntrySelectedVariable), parts[1]);
  if (!parts[2].empty()) root.add_file(std::string(kBootCountVariable), parts[2]);
  root.add_dir("/efi").add_dir("/efi/loader").add_dir("/efi/loader/entries");
  for (std::string_view line : lines_of(parts[4])) {
    const std::size_t tab = line.find('\t');
    const std::string name(line.substr(0, tab));
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
        name.find('\0') != std::string::npos) {
      continue;
    }
    root.add_file("/efi/loader/entries/" + name, tab == std::string_view::npos
                                                     ? std::string()
                                                     : std::string(line.substr(tab + 1)));
  }

  const status::BootStatus s = status::gather_status(root, [](const std::vector<std::string>&) {
    status::UnitStates states;
    states.unknown_because = "fuzzed";
    return states;
  });
  bool known = false;
  for (status::Verdict v : status::kAllVerdicts)
    known = known || v == s.verdict;
  if (!known) fuzz::broken("a verdict outside the six");

  const std::string text = status_text(s);
  check_no_control(text, "the text report");
  for (std::string_view line : lines_of(text)) {
    if (line.size() > 100) fuzz::broken("a text line over 100 columns");
  }
  check_no_control(status_json(s), "the JSON report");
  const std::string metrics = status_prometheus(s, 0);
  check_no_control(metrics, "the metrics");
  for (std::string_view line : lines_of(metrics)) {
    if (!line.starts_with("# HELP bootassess_") && !line.starts_with("# TYPE bootassess_") &&
        !line.starts_with("bootassess_")) {
      fuzz::broken("a metrics line that is not a bootassess_ sample: \"" + fuzz::shown(line) +
                   "\"");
    }
  }
  check_no_control(status_notice(s), "the notice");
  return 0;
}
