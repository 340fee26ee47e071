// Any bytes as a configuration: loaded, validated (every mode, against an
// empty root) and planned in every mode against a small in-memory image, as
// `validate` and `plan` do. Nothing touches the disk. Every planned action
// must keep the path-safety invariant (fuzz_support.h).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_support.h"
#include "lint/validate.h"
#include "load/loader.h"
#include "plan/mode_plans.h"

namespace {
// Big enough for every structure the loader reads; the loader's own 16 MiB
// source cap is tested elsewhere.
constexpr std::size_t kMaxInput = 64 * 1024;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bootassess;
  if (size > kMaxInput) return -1;
  static const testing::MemoryRoot image = fuzz::image_root();
  const std::string text(reinterpret_cast<const char*>(data), size);
  Diagnostics loaded;
  Source source;
  source.argument = "fuzz.yaml";
  if (std::optional<Document> doc = load_document("fuzz.yaml", text, loaded)) {
    source.documents.push_back(std::move(*doc));
  } else {
    source.failed = true;
  }
  const std::vector<Source> sources{source};
  validate_sources(sources, loaded);
  if (source.failed) return 0;
  PlanOptions options;
  options.stages = {"initramfs.before", "initramfs", "initramfs.after", "boot"};
  options.root_dir = "/fuzz-root";
  for (const ModePlan& plan : plan_modes(image, sources, planned_modes(), options)) {
    for (const PlannedAction& planned : plan.actions)
      fuzz::check_action(planned.action);
  }
  return 0;
}
