// libFuzzer target: any bytes as a configuration, loaded and validated in
// every mode (nothing touches the disk). Build with
//   CXX=clang++ cmake -S . -B build-fuzz -DBOOTASSESS_FUZZ=ON && make -C build-fuzz validate_fuzzer
// and run `build-fuzz/validate_fuzzer -max_total_time=300 CORPUS_DIR` (examples/ and
// tests/schema-cases/ make a good corpus).
#include <cstddef>
#include <cstdint>
#include <string>

#include "lint/validate.h"
#include "load/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bootassess;
  const std::string text(reinterpret_cast<const char*>(data), size);
  Diagnostics loaded;
  Source source;
  if (std::optional<Document> doc = load_document("fuzz.yaml", text, loaded)) {
    source.documents.push_back(std::move(*doc));
  } else {
    source.failed = true;
  }
  validate_sources({source}, loaded);
  return 0;
}
