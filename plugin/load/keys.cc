#include "load/keys.h"

#include <algorithm>
#include <array>
#include <vector>

namespace bootassess::keys {
namespace {

using namespace std::string_view_literals;

constexpr std::array kTopLevel{"name"sv, "stages"sv};
constexpr std::array kStep{"name"sv,      "if"sv,    "files"sv,          "directories"sv,
                           "systemctl"sv, "after"sv, "boot_assessment"sv};
constexpr std::array kFile{"path"sv,    "permissions"sv, "owner"sv,      "group"sv,
                           "content"sv, "encoding"sv,    "ownerstring"sv};
constexpr std::array kDirectory{"path"sv, "permissions"sv, "owner"sv, "group"sv};
constexpr std::array kSystemctl{"enable"sv, "disable"sv,   "mask"sv,
                                "start"sv,  "overrides"sv, "runtime"sv};
constexpr std::array kOverride{"service"sv, "content"sv, "name"sv};
constexpr std::array kAfter{"name"sv};
constexpr std::array kBootAssessment{"units"sv,  "reboot_on_failure"sv,     "modes"sv,
                                     "checks"sv, "accept_boot_loop_risk"sv, "check_binary"sv};
constexpr std::array kCheckKinds{"mount"sv, "path"sv, "tcp"sv, "http"sv, "command"sv, "unit"sv};
constexpr std::array kHealthCheck{"name"sv,    "mount"sv,    "path"sv,    "tcp"sv,  "http"sv,
                                  "command"sv, "unit"sv,     "fstype"sv,  "type"sv, "status"sv,
                                  "timeout"sv, "interval"sv, "required"sv};
constexpr std::array kRunnerStepKeys{
    "commands"sv,     "downloads"sv,         "ensure_entities"sv, "delete_entities"sv,
    "dns"sv,          "hostname"sv,          "sysctl"sv,          "authorized_keys"sv,
    "users"sv,        "modules"sv,           "environment"sv,     "environment_file"sv,
    "package_pins"sv, "packages"sv,          "unpack_images"sv,   "datasource"sv,
    "layout"sv,       "systemd_firstboot"sv, "timesyncd"sv,       "git"sv};
constexpr std::array kRunnerConditionals{
    "node"sv,    "only_os"sv, "only_os_version"sv, "only_arch"sv, "only_service_manager"sv,
    "if_files"sv};
constexpr std::array kCloudConfig{"write_files"sv, "runcmd"sv,   "users"sv,
                                  "hostname"sv,    "growpart"sv, "ssh_authorized_keys"sv,
                                  "milpa_files"sv};
// From kairos-io/kairos (commit ca022425bf22): sdk/schema/root_schema.go
// (RootSchema) and sdk/types/config/config.go (Config), less the keys yip
// itself reads (name, stages, users, ...); agent/internal/agent/reset.go and
// upgrade.go (`reset`, `upgrade`); sdk/clusterplugin/config.go (`cluster`).
// The Kubernetes providers' keys (provider-kairos): k3s, k3s-agent, k0s,
// k0s-worker, and `kairos` (the p2p network settings).
constexpr std::array kKairos{"install"sv,
                             "bundles"sv,
                             "config_url"sv,
                             "env"sv,
                             "fail_on_bundles_errors"sv,
                             "grub_options"sv,
                             "options"sv,
                             "p2p"sv,
                             "debug"sv,
                             "strict"sv,
                             "cloud-init-paths"sv,
                             "eject-cd"sv,
                             "fullcloudconfig"sv,
                             "cosign"sv,
                             "verify"sv,
                             "cosign-key"sv,
                             "arch"sv,
                             "platform"sv,
                             "squash-compression"sv,
                             "squash-no-compression"sv,
                             "uki-max-entries"sv,
                             "bind-pcrs"sv,
                             "bind-public-pcrs"sv,
                             "logs"sv,
                             "reset"sv,
                             "upgrade"sv,
                             "cluster"sv,
                             "k3s"sv,
                             "k3s-agent"sv,
                             "k0s"sv,
                             "k0s-worker"sv,
                             "kairos"sv};

// Optimal string alignment distance (edits, with a swap of neighbours as
// one) when it is at most `limit`; more than `limit` otherwise. Both words
// are short (see kMaxSuggestedLength), and only cells within `limit` of the
// diagonal are worked out: the cost is linear in the length.
std::size_t bounded_distance(std::string_view a, std::string_view b, std::size_t limit) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  const std::size_t far = limit + 1;
  if ((n > m ? n - m : m - n) > limit || m > kMaxSuggestedLength) return far;
  // Three rows (OSA looks back two), on the stack: this runs for every
  // candidate of every unknown key.
  using Row = std::array<std::size_t, kMaxSuggestedLength + 1>;
  std::array<Row, 3> rows;
  Row* before = &rows[0];
  Row* previous = &rows[1];
  Row* row = &rows[2];
  std::fill_n(before->begin(), m + 1, far);
  std::fill_n(previous->begin(), m + 1, far);
  for (std::size_t j = 0; j <= std::min(m, limit); ++j)
    (*previous)[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    Row& r = *row;
    const Row& p = *previous;
    std::fill_n(r.begin(), m + 1, far);
    if (i <= limit) r[0] = i;
    const std::size_t first = i > limit ? i - limit : 1;
    const std::size_t last = std::min(m, i + limit);
    std::size_t best = r[0];
    for (std::size_t j = first; j <= last; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      std::size_t d = std::min({p[j] + 1, r[j - 1] + 1, p[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d = std::min(d, (*before)[j - 2] + 1);
      r[j] = std::min(d, far);
      best = std::min(best, r[j]);
    }
    if (best > limit) return far;  // every path already costs too much
    std::swap(before, previous);   // the pointers: the rows stay where they are
    std::swap(previous, row);
  }
  return (*previous)[m];
}

std::string normalized(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    if (c == '-' || c == '_' || c == ' ') continue;
    out += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;  // ASCII only, no locale
  }
  return out;
}

}  // namespace

std::span<const std::string_view> top_level() {
  return kTopLevel;
}
std::span<const std::string_view> step() {
  return kStep;
}
std::span<const std::string_view> file() {
  return kFile;
}
std::span<const std::string_view> directory() {
  return kDirectory;
}
std::span<const std::string_view> systemctl() {
  return kSystemctl;
}
std::span<const std::string_view> override_entry() {
  return kOverride;
}
std::span<const std::string_view> after_entry() {
  return kAfter;
}
std::span<const std::string_view> boot_assessment() {
  return kBootAssessment;
}
std::span<const std::string_view> health_check() {
  return kHealthCheck;
}
std::span<const std::string_view> check_kinds() {
  return kCheckKinds;
}
std::span<const std::string_view> runner_step_keys() {
  return kRunnerStepKeys;
}
std::span<const std::string_view> runner_conditionals() {
  return kRunnerConditionals;
}
std::span<const std::string_view> cloud_config_keys() {
  return kCloudConfig;
}

std::span<const std::string_view> kairos_keys() {
  return kKairos;
}

bool contains(std::span<const std::string_view> set, std::string_view key) {
  return std::find(set.begin(), set.end(), key) != set.end();
}

std::string suggest(std::string_view key, std::span<const std::string_view> candidates) {
  // Misspellings seen in the wild (yip's own README writes `systctl`), where
  // the nearest key by edit distance is not the one meant.
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kKnown{
      {{"systctl", "systemctl"},
       {"ssh_authorized_keys", "authorized_keys"},
       {"if_file", "if_files"}}};
  for (const auto& [wrong, right] : kKnown) {
    if (key == wrong && contains(candidates, right)) return std::string(right);
  }
  // Every candidate is far shorter: a longer key is no misspelling of one,
  // and is not worked on (its cost would grow with its length).
  if (key.size() > kMaxSuggestedLength) return {};
  const std::string k = normalized(key);
  // Close enough: at most 2 edits, and fewer than a third of the word.
  const std::size_t limit = std::min<std::size_t>(2, std::max<std::size_t>(1, k.size() / 3));
  std::string_view best;
  std::size_t best_distance = limit + 1;
  for (std::string_view c : candidates) {
    const std::size_t dist = bounded_distance(k, normalized(c), limit);
    if (dist < best_distance) {
      best = c;
      best_distance = dist;
    }
  }
  if (best.empty()) return {};
  return std::string(best);
}

}  // namespace bootassess::keys
