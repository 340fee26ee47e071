// Enablement as `systemctl --root=ROOT enable|disable|mask UNIT` does it,
// planned as filesystem actions instead of performed: the same links, with
// the same targets, in the same directories, and the same verdict (what
// systemctl reports as exit status 1 is `failed`). One unit per call, as yip
// runs one systemctl command per unit, so a missing unit fails alone.
//
// What is read: the unit search path under the root (search_path.h), the unit
// file found first, its drop-ins (<name>.d/*.conf and, for an instance,
// <template>.d/*.conf, across all search directories, by basename, the higher
// directory winning) and the units they name in Also=. Everything is read
// through the RootView, so files planned by earlier steps are seen, and every
// symlink is followed inside the root.
//
// What is planned (Outcome::actions, in order): `mkdir` (0755, 0:0) for each
// missing directory of a link, `symlink` for each link (absolute target, the
// root stripped), `remove` for each link disable takes away and for each
// directory that became empty. An action the root already matches is marked
// `unchanged`. Diagnostics carry systemctl's errors, warnings and notes,
// positioned at the request's origin.
//
// Behaviour is systemd 252's (Debian 12), plus UpheldBy= (.upholds/ links)
// from systemd 254, which Kairos images run. Where `systemctl --root` depends
// on the host rather than the root, see search_path.h (/lib) and
// specifiers.h (host specifiers); disable follows links to removed links by
// their path inside the root, as systemctl does without --root (with --root
// it only sometimes does, depending on directory order).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diag/diagnostic.h"
#include "fs/action.h"
#include "root/root_view.h"
#include "systemd/search_path.h"
#include "systemd/specifiers.h"

namespace bootassess::systemd {

struct UnitRequest {
  // As written in the configuration: a unit name, a name without a type
  // suffix (".service" is appended, as systemctl does), a name systemctl
  // would escape, or for enable an absolute path to a unit file.
  std::string name;
  Position origin;  // the configuration item that asked
};

struct Outcome {
  std::vector<Action> actions;
  Diagnostics diagnostics;
  bool failed = false;  // systemctl would exit 1 for this unit
};

// Stable rule ids of the diagnostics.
namespace rules {
inline constexpr std::string_view kUnitMissing = "systemd-unit-missing";
inline constexpr std::string_view kUnitMasked = "systemd-unit-masked";
inline constexpr std::string_view kUnitGenerated = "systemd-unit-generated";
inline constexpr std::string_view kLinkedUnit = "systemd-linked-unit";
inline constexpr std::string_view kLinkExists = "systemd-link-exists";
inline constexpr std::string_view kBadAlias = "systemd-bad-alias";
inline constexpr std::string_view kInvalidUnitName = "systemd-invalid-unit-name";
inline constexpr std::string_view kTemplateTarget = "systemd-template-target";
inline constexpr std::string_view kInvalidSpecifier = "systemd-invalid-specifier";
inline constexpr std::string_view kUnresolvedSpecifier = "systemd-unresolved-specifier";
inline constexpr std::string_view kUnitFileError = "systemd-unit-file-error";
inline constexpr std::string_view kUnitFileSyntax = "systemd-unit-file-syntax";
inline constexpr std::string_view kNoInstall = "systemd-no-install";
inline constexpr std::string_view kAuxiliaryFailed = "systemd-auxiliary-failed";
inline constexpr std::string_view kTargetMissing = "systemd-target-missing";
inline constexpr std::string_view kHostSpecifier = "systemd-host-specifier";
inline constexpr std::string_view kNameEscaped = "systemd-name-escaped";
inline constexpr std::string_view kMaskedIgnored = "systemd-masked-ignored";
inline constexpr std::string_view kPathArgument = "systemd-path-argument";
inline constexpr std::string_view kAlsoTooLarge = "systemd-also-too-large";
}  // namespace rules

// Plans enablement operations against one view of the root. It remembers
// where the search directories are and which units exist, so a batch of
// requests does not look them up again. Whoever changes the view tells it:
// changed() for each action recorded into the view (its own included, which
// are expected to be recorded before the next request), forget() when
// anything may have changed. new_batch() looks at the search path and the
// root files specifiers read again, as a new Installer would.
class Installer {
 public:
  explicit Installer(const RootView& view, const HostFacts& host = running_host());
  ~Installer();
  Installer(const Installer&) = delete;
  Installer& operator=(const Installer&) = delete;

  Outcome enable(const UnitRequest& unit, Scope scope);
  Outcome disable(const UnitRequest& unit, Scope scope);
  Outcome mask(const UnitRequest& unit, Scope scope);
  // `systemctl add-wants TARGET UNIT`: the link TARGET.wants/UNIT, whatever
  // the unit's [Install] says.
  Outcome add_wants(std::string_view target, const UnitRequest& unit, Scope scope);

  // `path` was created, replaced or removed in the view.
  void changed(const std::string& path);
  void forget();
  void new_batch();

  struct State;  // defined in operation.h

 private:
  std::unique_ptr<State> state_;
};

// One-off forms of the above.
Outcome plan_enable(const RootView& view, const UnitRequest& unit, Scope scope);
Outcome plan_disable(const RootView& view, const UnitRequest& unit, Scope scope);
Outcome plan_mask(const RootView& view, const UnitRequest& unit, Scope scope);
Outcome plan_add_wants(const RootView& view, std::string_view target, const UnitRequest& unit,
                       Scope scope);

// Where a yip `systemctl.overrides` entry writes its drop-in:
// <config dir>/<unit>.d/<name>, with yip's default name "override-yip" and
// ".conf" appended unless the name already ends in it. Unlike yip (which
// turns foo.socket into foo.socket.service) a valid unit name is kept as it
// is; a bare name gets ".service". `path` is empty and `error` says why when
// the unit or file name cannot be used.
struct OverridePath {
  std::string path;
  std::string error;
  bool ok() const { return error.empty(); }
};
inline constexpr std::string_view kDefaultOverrideName = "override-yip";
OverridePath override_dropin_path(std::string_view unit, std::string_view name,
                                  Scope scope = Scope::persistent);

}  // namespace bootassess::systemd
