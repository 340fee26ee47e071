// `systemctl enable UNIT`: find the unit (following aliases), refuse a masked
// or generated one, then for it and every unit its Also= names create the
// link into /etc/systemd/system for a unit file outside the search path, the
// Alias= links, and the WantedBy=, RequiredBy= and UpheldBy= links.
#include <fmt/format.h>

#include <cerrno>

#include "systemd/alias.h"
#include "systemd/operation.h"
#include "systemd/unit_name.h"

namespace bootassess::systemd {
namespace {

class Enabler {
 public:
  explicit Enabler(Operation& op) : op_(op), config_(config_dir(op.scope)) {}

  Outcome run() {
    if (!op_.normalize_name()) return op_.finish(true);
    const std::string asked = op_.path.empty() ? op_.unit : op_.path;
    int error = 0;
    UnitInfo* start = op_.context.add(op_.unit, op_.path, false, error);
    if (start == nullptr) {
      op_.report.error(-error, asked);
      return op_.finish(true);
    }
    // Every unit named is found before anything is written, following
    // symlinks anywhere.
    UnitInfo* found = nullptr;
    if (int r = op_.context.traverse(*start, {true, true}, &found); r < 0) {
      // systemctl's earlier lookup fails for a subset of these errors, with
      // its own message; when it passes, the failure is discovery's.
      if (op_.lookup_precheck()) op_.report.error(-r, asked);
      return op_.finish(true);
    }
    if (found->mode == InstallMode::masked) {
      op_.report.error(ERFKILL, found->path);
      return op_.finish(true);
    }
    if (op_.context.search().holds_generated(found->path)) {
      op_.report.error(EADDRNOTAVAIL, found->path);
      return op_.finish(true);
    }

    // The sum of the rules met, or the first error.
    int result = 0;
    for (std::size_t i = 0; i < op_.context.size(); ++i) {
      UnitInfo& unit = op_.context.at(i);
      const int r = op_.context.traverse(unit, {true, false}, nullptr);
      if (op_.context.overflowed()) break;
      if (r < 0) {
        if (unit.auxiliary) {
          op_.report.warning(
              rules::kAuxiliaryFailed,
              fmt::format("cannot enable {}, named in Also=; ignoring it", unit.name));
          continue;
        }
        op_.report.error(-r, unit.name);
        result = r;
        break;
      }
      if (unit.mode == InstallMode::masked) {
        op_.report.note(rules::kMaskedIgnored,
                        fmt::format("unit {} is masked, ignoring it", unit.path));
        // Something could have been enabled here: no "no [Install]" note.
        if (result >= 0) ++result;
        continue;
      }
      if (unit.mode != InstallMode::regular) continue;
      const int q = apply(unit);
      if (result >= 0) result = q < 0 ? q : result + q;
    }
    if (op_.context.overflowed()) {
      op_.outcome.actions.clear();  // the request is refused whole
      return op_.finish(true);
    }
    if (result == 0) {
      op_.report.note(rules::kNoInstall,
                      fmt::format("{} has no installation config (WantedBy=, RequiredBy=, "
                                  "UpheldBy=, Also=, Alias=, or DefaultInstance= for a template): "
                                  "it is not meant to be enabled, nothing was linked",
                                  op_.unit));
    }
    return op_.finish(result < 0);
  }

 private:
  int link(const UnitInfo& unit, std::string_view relative, bool force) {
    std::string existing;
    const int r =
        op_.links.create(InstallContext::link_target(unit), config_, relative, force, existing);
    if (r < 0) op_.report.error(-r, std::string(config_) + "/" + std::string(relative), existing);
    return r;
  }

  static std::string written_at(const InstallValue& value) {
    return fmt::format("{}:{}", value.file, value.line);
  }

  Expansion expand(const UnitInfo& unit, const InstallValue& value) {
    Expansion e = op_.context.expand(unit, value.text);
    if (!e.ok()) op_.report.error(-specifier_errno(e.error), value.text, {}, written_at(value));
    return e;
  }

  // The link into the configuration directory for a unit file that is not in
  // the search path (enable /opt/foo.service).
  int link_file(const UnitInfo& unit) {
    if (op_.context.search().holds_directly(unit.path)) return 0;
    return link(unit, unit.name, false);
  }

  int link_aliases(const UnitInfo& unit) {
    int r = 0;
    for (const InstallValue& value : unit.aliases) {
      const Expansion e = expand(unit, value);
      if (!e.ok()) {
        if (r >= 0) r = specifier_errno(e.error);
        continue;
      }
      const AliasCheck check = verify_alias(unit.name, e.text);
      switch (check.verdict) {
        case AliasVerdict::self:
          continue;
        case AliasVerdict::cannot_alias:
          op_.report.error(EXDEV, check.link, unit.name, written_at(value));
          if (r >= 0) r = -EXDEV;
          continue;
        case AliasVerdict::invalid_reference:
          op_.report.error(EXDEV, check.link, {}, written_at(value));
          if (r >= 0) r = -EXDEV;
          continue;
        case AliasVerdict::ok:
          break;
      }
      // An alias in the way is only replaced with --force, which yip never
      // passes.
      const int q = link(unit, check.link, false);
      if (r >= 0) r = q;
    }
    return r;
  }

  int link_dependents(const UnitInfo& unit, const std::vector<InstallValue>& list,
                      std::string_view suffix) {
    if (list.empty()) return 0;
    std::string name = unit.name;
    bool template_targets_only = false;
    const NameClass cls = classify_unit_name(unit.name);
    if (cls == NameClass::template_name) {
      if (unit.default_instance) {
        std::optional<std::string> instance = replace_instance(unit.name, *unit.default_instance);
        if (!instance) {
          op_.report.error(EINVAL, unit.name);
          return -EINVAL;
        }
        // The default instance must not be masked on its own.
        InstallReport ignored;
        InstallContext probe(op_.scratch, op_.context.search(), op_.state.cache,
                             op_.state.specifiers, ignored);
        int error = 0;
        UnitInfo* info = probe.add(*instance, {}, false, error);
        const int r = info == nullptr ? error : probe.search(*info, {false, true});
        if (r < 0) {
          op_.report.error(-r, *instance);
          return r;
        }
        if (info->mode == InstallMode::masked) {
          op_.report.error(ERFKILL, info->path);
          return -ERFKILL;
        }
        name = std::move(*instance);
      } else {
        // Without an instance only template (or instance) targets can take
        // the template itself.
        template_targets_only = true;
      }
    }

    int r = 0;
    for (const InstallValue& value : list) {
      const Expansion e = expand(unit, value);
      if (!e.ok()) {
        if (r >= 0) r = specifier_errno(e.error);
        continue;
      }
      const std::string& target = e.text;
      const NameClass target_class = classify_unit_name(target);
      const bool acceptable = template_targets_only ? target_class == NameClass::template_name ||
                                                          target_class == NameClass::instance
                                                    : target_class != NameClass::invalid;
      if (!acceptable) {
        const int code = target_class != NameClass::invalid ? -EIDRM : -EUCLEAN;
        op_.report.error(-code, target, name, written_at(value));
        if (r >= 0) r = code;
        continue;
      }
      const int q = link(unit, target + std::string(suffix) + name, true);
      if ((q < 0 && r >= 0) || r == 0) r = q;
      if (!op_.context.exists(target)) {
        op_.report.warning(rules::kTargetMissing,
                           fmt::format("unit {} is added as a dependency to a non-existent unit {}",
                                       unit.path, target));
      }
    }
    return r;
  }

  // systemd's install_info_apply(): the link of a linked file first (nothing
  // else if it fails), then aliases, then dependents. Which result counts
  // follows systemd: once the aliases (or the WantedBy= links) have given a
  // result, a later failure is reported but does not fail the unit.
  int apply(const UnitInfo& unit) {
    int r = link_file(unit);
    if (r < 0) return r;
    r = link_aliases(unit);
    int q = link_dependents(unit, unit.wanted_by, ".wants/");
    if (r == 0) r = q;
    q = link_dependents(unit, unit.required_by, ".requires/");
    if (r == 0) r = q;
    q = link_dependents(unit, unit.upheld_by, ".upholds/");
    if (r == 0) r = q;
    return r;
  }

  Operation& op_;
  std::string_view config_;
};

}  // namespace

Outcome run_enable(Operation& op) {
  return Enabler(op).run();
}

}  // namespace bootassess::systemd
