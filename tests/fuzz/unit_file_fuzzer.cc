// Unit files with [Install], fuzzed through enablement. The input is up to
// four files separated by lines "%%": a template unit fuzz@.service, a unit
// fuzz.service, a drop-in of fuzz.service and a drop-in of the template. They
// are placed in an in-memory image, the first is parsed as `systemctl enable`
// reads it, and fuzz.service, an instance, the template and a name without
// suffix are enabled, disabled and masked, persistently or at runtime. Every
// planned action must keep the path-safety invariant (fuzz_support.h).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_support.h"
#include "systemd/enablement.h"
#include "systemd/unit_file.h"

namespace {

using namespace bootassess;

// Far above what a unit file holds; bounds the time of one input.
constexpr std::size_t kMaxInput = 16 * 1024;
constexpr std::string_view kSeparator = "\n%%\n";

void check(const systemd::Outcome& outcome) {
  for (const Action& action : outcome.actions)
    fuzz::check_action(action);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return -1;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts;
  while (parts.size() < 3) {
    const std::size_t at = input.find(kSeparator);
    if (at == std::string_view::npos) break;
    parts.emplace_back(input.substr(0, at));
    input.remove_prefix(at + kSeparator.size());
  }
  parts.emplace_back(input);
  parts.resize(4);

  for (const systemd::UnitFileItem& item :
       systemd::parse_unit_file(parts[0], systemd::install_section_policy)) {
    systemd::split_unquoted_words(item.value);
    systemd::split_escaped_words(item.value);
  }

  testing::MemoryRoot root = fuzz::image_root();
  const std::string dir = "/etc/systemd/system";
  root.add_file(dir + "/fuzz@.service", parts[0]).add_file(dir + "/fuzz.service", parts[1]);
  if (!parts[2].empty())
    root.add_dir(dir + "/fuzz.service.d").add_file(dir + "/fuzz.service.d/x.conf", parts[2]);
  if (!parts[3].empty())
    root.add_dir(dir + "/fuzz@.service.d").add_file(dir + "/fuzz@.service.d/y.conf", parts[3]);

  // One scope per input (by its length), so that an input that makes a large
  // Also= closure costs a few operations, not thirty.
  const systemd::Scope scope = size % 2 == 0 ? systemd::Scope::persistent : systemd::Scope::runtime;
  systemd::Installer installer(root);
  for (const char* name : {"fuzz.service", "fuzz@inst.service", "fuzz@.service", "fuzz"}) {
    const systemd::UnitRequest request{name, Position{}};
    check(installer.enable(request, scope));
    check(installer.disable(request, scope));
    check(installer.mask(request, scope));
  }
  return 0;
}
