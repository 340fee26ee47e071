#include "load/stage_names.h"

#include <algorithm>
#include <array>
#include <vector>

#include "load/keys.h"

namespace bootassess::stage_names {
namespace {

using namespace std::string_view_literals;

// From kairos-io/kairos (commit ca022425bf22):
// - immucore/pkg/state/steps_shared.go runs `rootfs` and `initramfs` in the
//   initrd;
// - kairos-init/pkg/bundled/cloudconfigs/09_systemd_services.yaml (and the
//   OpenRC twin) runs `kairos-agent run-stage` with `boot`, `fs`, `network`
//   and `reconcile` after switch-root;
// - agent/pkg/constants/constants.go names the install, reset and upgrade
//   hooks, and agent/pkg/action/install.go and agent/pkg/uki/*.go the
//   `kairos-install.*` and `kairos-uki-*` stages.
// Each of these runs through RunStage (immucore/internal/utils/cloudinit.go,
// agent/pkg/utils/runstage.go), which runs `<stage>.before`, `<stage>` and
// `<stage>.after` in turn.
constexpr std::array kWithBeforeAfter{
    "rootfs"sv,
    "initramfs"sv,
    "boot"sv,
    "fs"sv,
    "network"sv,
    "reconcile"sv,
    "before-install"sv,
    "after-install"sv,
    "after-install-chroot"sv,
    "before-reset"sv,
    "after-reset"sv,
    "after-reset-chroot"sv,
    "before-upgrade"sv,
    "after-upgrade"sv,
    "after-upgrade-chroot"sv,
    "kairos-install.pre"sv,
    "kairos-install.after"sv,
    "kairos-uki-install.pre"sv,
    "kairos-uki-install.after"sv,
    "kairos-uki-reset.pre"sv,
    "kairos-uki-reset.after"sv,
    "kairos-uki-upgrade.pre"sv,
    "kairos-uki-upgrade.after"sv,
};
// kairos-init/pkg/stages/stages.go: the stages of an image build, run by
// name only (no `.before`/`.after`).
constexpr std::array kPlain{"before-init"sv, "init"sv, "after-init"sv, "install"sv};

std::vector<std::string> build() {
  std::vector<std::string> names;
  for (std::string_view s : kWithBeforeAfter) {
    names.emplace_back(s);
    names.emplace_back(std::string(s) + ".before");
    names.emplace_back(std::string(s) + ".after");
  }
  names.insert(names.end(), kPlain.begin(), kPlain.end());
  return names;
}

const std::vector<std::string_view>& all() {
  static const std::vector<std::string> storage = build();
  static const std::vector<std::string_view> views(storage.begin(), storage.end());
  return views;
}

}  // namespace

std::span<const std::string_view> known() {
  return all();
}

bool is_known(std::string_view stage) {
  return keys::contains(known(), stage);
}

std::string suggest(std::string_view stage) {
  if (is_known(stage)) return {};
  return keys::suggest(stage, known());
}

}  // namespace bootassess::stage_names
