// Enabling 1, 100 and 1,000 units with the systemd module, against a root on
// disk shaped like an image: the units to enable plus a few hundred others
// in /usr/lib/systemd/system, each with the [Install] a boot check has.
//
//   BM_PlanEnable/N          plan only (what `bootassess plan` does)
//   BM_PlanAndApplyEnable/N  plan, then perform the actions with the Applier
//                            (what `bootassess apply` does for the units)
//
// tests/bench/compare_systemctl.sh runs these next to systemctl.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "apply/applier.h"
#include "fs/overlay_root.h"
#include "root/disk_root.h"
#include "systemd/enablement.h"

namespace bootassess::systemd {
namespace {

namespace fs = std::filesystem;

constexpr int kOtherUnits = 400;

std::string unit_name(int i) {
  return fmt::format("check-{:04}.service", i);
}

void write(const fs::path& file, const std::string& content) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << content;
}

// One root per size, made on first use and removed at exit.
class BenchRoot {
 public:
  explicit BenchRoot(int units) {
    char pattern[] = "/tmp/bootassess-bench-XXXXXX";
    dir_ = ::mkdtemp(pattern);
    const fs::path lib = dir_ / "usr/lib/systemd/system";
    fs::create_directories(dir_ / "etc/systemd/system");
    write(lib / "multi-user.target", "[Unit]\nDescription=Multi-User System\n");
    write(lib / "boot-complete.target", "[Unit]\nDescription=Boot Completion Check\n");
    for (int i = 0; i < kOtherUnits; ++i) {
      write(lib / fmt::format("other-{:04}.service", i),
            "[Unit]\nDescription=Other\n[Service]\nExecStart=/bin/true\n");
    }
    for (int i = 0; i < units; ++i) {
      write(lib / unit_name(i),
            "[Unit]\nDescription=Health check\nBefore=boot-complete.target\n"
            "[Service]\nType=oneshot\nExecStart=/usr/bin/true\n"
            "[Install]\nWantedBy=multi-user.target\nRequiredBy=boot-complete.target\n");
    }
  }
  ~BenchRoot() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  const fs::path& dir() const { return dir_; }

  // A fresh copy with no unit enabled, for one iteration that writes. (Links
  // removed and made again in the same directories would measure the file
  // system's handling of recently deleted names, not enablement.)
  fs::path fresh_copy(int iteration) const {
    fs::path copy = dir_.string() + "-" + std::to_string(iteration);
    fs::copy(dir_, copy, fs::copy_options::recursive);
    return copy;
  }

 private:
  fs::path dir_;
};

BenchRoot& root_for(int units) {
  static std::map<int, std::unique_ptr<BenchRoot>> roots;
  auto& root = roots[units];
  if (!root) root = std::make_unique<BenchRoot>(units);
  return *root;
}

// Plans enabling every unit through one Installer, recording the actions
// into the planned view as the planner does.
std::vector<Action> plan(int units, OverlayRoot& planned) {
  std::vector<Action> all;
  Installer installer(planned);
  for (int i = 0; i < units; ++i) {
    Outcome outcome =
        installer.enable({unit_name(i), Position{"bench.yaml", i + 1, 1}}, Scope::persistent);
    if (outcome.failed) std::abort();
    for (Action& a : outcome.actions) {
      if (!a.unchanged) planned.record(a);
      all.push_back(std::move(a));
    }
  }
  return all;
}

void BM_PlanEnable(benchmark::State& state) {
  const int units = static_cast<int>(state.range(0));
  const BenchRoot& root = root_for(units);
  std::string error;
  for (auto _ : state) {
    std::unique_ptr<DiskRoot> disk = DiskRoot::open(root.dir(), error);
    OverlayRoot planned(*disk);
    std::vector<Action> actions = plan(units, planned);
    benchmark::DoNotOptimize(actions);
  }
  state.SetItemsProcessed(state.iterations() * units);
}

void BM_PlanAndApplyEnable(benchmark::State& state) {
  const int units = static_cast<int>(state.range(0));
  const BenchRoot& root = root_for(units);
  std::string error;
  int iteration = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const fs::path copy = root.fresh_copy(++iteration);
    state.ResumeTiming();
    std::unique_ptr<DiskRoot> disk = DiskRoot::open(copy, error);
    OverlayRoot planned(*disk);
    const std::vector<Action> actions = plan(units, planned);
    Applier applier(disk->fd());
    for (const Action& a : actions) {
      if (a.unchanged) continue;
      if (!applier.apply(a).ok) std::abort();
    }
    if (!applier.flush()) std::abort();
    state.PauseTiming();
    disk.reset();
    fs::remove_all(copy);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * units);
}

BENCHMARK(BM_PlanEnable)->Arg(1)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlanAndApplyEnable)->Arg(1)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace bootassess::systemd

BENCHMARK_MAIN();
