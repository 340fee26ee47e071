// Reading a configuration, without the disk: the documentation's per-mode
// workload (tests/bench/gen_services.py) for N services.
//
//   BM_ParseTree/N     the YAML parser building the document tree
//   BM_LoadDocument/N  parse and read into the model (what every command does)
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

#include "load/loader.h"
#include "load/yaml_tree.h"

namespace bootassess {
namespace {

// The configuration for `services`, written once by gen_services.py.
const std::string& workload(int services) {
  static std::map<int, std::string> texts;
  auto it = texts.find(services);
  if (it != texts.end()) return it->second;
  const std::string file = "/tmp/bootassess-load-bench-" + std::to_string(::getpid()) + ".yaml";
  const std::string command = std::string("python3 ") + BOOTASSESS_SOURCE_DIR +
                              "/tests/bench/gen_services.py " + std::to_string(services) + " " +
                              file;
  if (std::system(command.c_str()) != 0) throw std::runtime_error("cannot run " + command);
  std::ostringstream text;
  text << std::ifstream(file).rdbuf();
  std::remove(file.c_str());
  return texts.emplace(services, text.str()).first->second;
}

void BM_ParseTree(benchmark::State& state) {
  const std::string& text = workload(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    yaml::ParseError error;
    std::optional<yaml::Tree> tree = yaml::Tree::parse(text, error);
    if (!tree) state.SkipWithError(error.message.c_str());
    benchmark::DoNotOptimize(tree);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseTree)->Arg(50)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_LoadDocument(benchmark::State& state) {
  const std::string& text = workload(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    Diagnostics diagnostics;
    std::optional<Document> doc = load_document("bench.yaml", text, diagnostics);
    if (!doc) state.SkipWithError("the workload does not load");
    benchmark::DoNotOptimize(doc);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_LoadDocument)->Arg(50)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace bootassess
