// The key names of the accepted format, per place in the document, and the
// suggestion offered for a key that is not one of them.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace bootassess::keys {

// Keys bootassess acts on, per mapping.
std::span<const std::string_view> top_level();
std::span<const std::string_view> step();
std::span<const std::string_view> file();
std::span<const std::string_view> directory();
std::span<const std::string_view> systemctl();
std::span<const std::string_view> override_entry();
std::span<const std::string_view> after_entry();
std::span<const std::string_view> boot_assessment();
std::span<const std::string_view> health_check();
// The keys of a check that name its kind (exactly one per check).
std::span<const std::string_view> check_kinds();

// Step keys yip knows that belong to the stage runner (commands, users, ...).
std::span<const std::string_view> runner_step_keys();
// Step keys yip evaluates as conditions besides `if` (node, only_arch, ...).
std::span<const std::string_view> runner_conditionals();
// Top-level keys of a #cloud-config file that the stage runner converts.
std::span<const std::string_view> cloud_config_keys();
// Top-level keys of a Kairos configuration (the agent's, the SDK's and the
// Kubernetes providers'): Kairos reads them, yip and bootassess do not.
std::span<const std::string_view> kairos_keys();

bool contains(std::span<const std::string_view> set, std::string_view key);

// Keys longer than this get no suggestion: no candidate is nearly as long.
inline constexpr std::size_t kMaxSuggestedLength = 64;

// The closest key of `candidates` to `key` when it is close enough to be a
// likely misspelling; empty otherwise. The cost is bounded whatever the
// length of `key`.
std::string suggest(std::string_view key, std::span<const std::string_view> candidates);

}  // namespace bootassess::keys
