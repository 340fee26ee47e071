// Every rule id a diagnostic can carry (the `[rule]` of
// `FILE:LINE:COL: severity: message [rule]`), in one sorted list. A rule id is
// stable: scripts and alert rules match on it. tests/check-rule-ids.py fails
// when the code emits an id that is not here, when an id here is no longer
// emitted, or when one has no row in the rule table of the documentation.
//
// Adding a rule: emit it as a literal (or a constant of systemd's `rules`
// namespace), add it here in order, and give it a row in the rule table.
#pragma once

#include <algorithm>
#include <string_view>

namespace bootassess {

inline constexpr std::string_view kRuleIds[] = {
    "after-concurrent",
    "after-cycle",
    "after-self",
    "after-unknown",
    "apply-failed",
    "boot-assessment",
    "boot-assessment-inactive",
    "boot-assessment-uncounted",
    "boot-assessment-unit-missing",
    "boot-counting-variable",
    "boot-loop-risk",
    "check-address",
    "check-binary",
    "check-binary-missing",
    "check-command",
    "check-name",
    "check-name-duplicate",
    "check-no-mode",
    "check-option",
    "check-path",
    "check-timeout",
    "check-unit",
    "check-url",
    "check-wanted-reboot",
    "condition-needs-shell",
    "condition-refused",
    "condition-template",
    "condition-timeout",
    "condition-undecided",
    "content-decode",
    "directive-misspelled",
    "directive-wrong-section",
    "duplicate-key",
    "encoding-unknown",
    "failure-action-invalid",
    "gate-counted-only",
    "gate-incomplete",
    "gate-not-enabled",
    "hard-link-replaced",
    "id-quoted",
    "item-failed",
    "key-alias",
    "mode-claim-mismatch",
    "mode-unknown",
    "name-too-long",
    "node-breaking-accounts",
    "node-breaking-fstab",
    "node-breaking-mask",
    "node-breaking-permissions",
    "nul-byte",
    "override-empty",
    "override-unit",
    "ownerstring-unknown",
    "path-written-twice",
    "permissions-decimal",
    "permissions-high-bits",
    "permissions-omitted",
    "permissions-quoted",
    "persistent-per-mode",
    "reboot-uncounted",
    "root-unreadable",
    "runner-key",
    "source-out-of-memory",
    "source-too-large",
    "source-unreadable",
    "step-name-clash",
    "systemctl-shell",
    "systemctl-start",
    "systemctl-word-split",
    "systemd-also-too-large",
    "systemd-auxiliary-failed",
    "systemd-bad-alias",
    "systemd-host-specifier",
    "systemd-invalid-specifier",
    "systemd-invalid-unit-name",
    "systemd-link-exists",
    "systemd-linked-unit",
    "systemd-masked-ignored",
    "systemd-name-escaped",
    "systemd-no-install",
    "systemd-path-argument",
    "systemd-target-missing",
    "systemd-template-target",
    "systemd-unit-file-error",
    "systemd-unit-file-syntax",
    "systemd-unit-generated",
    "systemd-unit-masked",
    "systemd-unit-missing",
    "systemd-unresolved-specifier",
    "template-not-rendered",
    "type-error",
    "unit-syntax",
    "unknown-key",
    "unknown-stage",
    "yaml-syntax",
};

static_assert(std::ranges::is_sorted(kRuleIds) &&
                  std::ranges::adjacent_find(kRuleIds) == std::ranges::end(kRuleIds),
              "kRuleIds is sorted and holds each id once");

// Whether `rule` is one of kRuleIds.
constexpr bool is_rule_id(std::string_view rule) {
  return std::ranges::binary_search(kRuleIds, rule);
}

}  // namespace bootassess
