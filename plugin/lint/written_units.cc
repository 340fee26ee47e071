#include "lint/written_units.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "root/path.h"
#include "systemd/unit_file.h"
#include "systemd/unit_name.h"

namespace bootassess::lint {
namespace {

// systemd's system unit search path, highest priority first.
constexpr std::array<std::string_view, 13> kUnitDirs{
    "/etc/systemd/system.control",   "/run/systemd/system.control",  "/run/systemd/transient",
    "/run/systemd/generator.early",  "/etc/systemd/system",          "/etc/systemd/system.attached",
    "/run/systemd/system",           "/run/systemd/system.attached", "/run/systemd/generator",
    "/usr/local/lib/systemd/system", "/lib/systemd/system",          "/usr/lib/systemd/system",
    "/run/systemd/generator.late"};

std::string origin_key(const Position& p) {
  return fmt::format("{}:{}:{}", p.file.str(), p.line, p.column);
}

systemd::SectionUse read_everything(std::string_view) {
  return systemd::SectionUse::read;
}

// Whether `name` ends in a unit type suffix. Lenient on purpose: a
// documentation placeholder such as "<service-name>.service" is still read
// as the unit file it stands for.
bool looks_like_unit(std::string_view name) {
  const std::size_t dot = name.rfind('.');
  return dot != std::string_view::npos && dot > 0 &&
         systemd::unit_type_from_string(name.substr(dot + 1)).has_value();
}

}  // namespace

std::optional<UnitPath> unit_path_of(const std::string& p) {
  const std::string dir = path::dirname(p);
  const std::string name = path::basename(p);
  for (std::size_t i = 0; i < kUnitDirs.size(); ++i) {
    if (dir == kUnitDirs[i] && looks_like_unit(name)) {
      return UnitPath{name, false, name, static_cast<int>(i)};
    }
    const std::string parent = path::dirname(dir);
    const std::string dropin_dir = path::basename(dir);
    if (parent == kUnitDirs[i] && dropin_dir.size() > 2 &&
        dropin_dir.compare(dropin_dir.size() - 2, 2, ".d") == 0 && name.size() > 5 &&
        name.compare(name.size() - 5, 5, ".conf") == 0) {
      std::string unit = dropin_dir.substr(0, dropin_dir.size() - 2);
      if (looks_like_unit(unit)) {
        return UnitPath{unit, true, name, static_cast<int>(i)};
      }
    }
  }
  return std::nullopt;
}

ContentLocator::ContentLocator(const std::vector<Source>& sources) {
  for (const Source& source : sources) {
    for (const Document& doc : source.documents) {
      for (const auto& [stage, steps] : doc.stages) {
        for (const Step& step : steps) {
          for (const FileEntry& f : step.files) {
            by_origin_[origin_key(f.pos)] = {f.content.pos, f.content_is_block, f.content_column};
          }
          if (step.boot_assessment && step.boot_assessment->accept_boot_loop_risk &&
              step.boot_assessment->accept_boot_loop_risk->value) {
            for (const Located<std::string>& unit : step.boot_assessment->units) {
              accepted_.insert(origin_key(unit.pos));
            }
          }
          if (!step.systemctl) continue;
          for (const SystemctlOverride& o : step.systemctl->overrides) {
            by_origin_[origin_key(o.pos)] = {o.content.pos, o.content_is_block, o.content_column};
          }
        }
      }
    }
  }
}

Position ContentLocator::line_position(const Action& action, int line) const {
  auto it = by_origin_.find(origin_key(action.origin));
  if (it == by_origin_.end()) return action.origin;
  Position p = it->second.pos;
  if (it->second.block) {
    p.line += line;  // the text starts on the line after the `|` or `>`
    p.column = it->second.column;
  }
  return p;
}

bool ContentLocator::loop_risk_accepted(const Action& action) const {
  return accepted_.count(origin_key(action.origin)) != 0;
}

std::vector<Directive> parse_directives(const Action& write, const ContentLocator& locator) {
  std::vector<Directive> out;
  for (const systemd::UnitFileItem& item :
       systemd::parse_unit_file(write.content, read_everything)) {
    const Position where = locator.line_position(write, item.line);
    if (item.kind == systemd::UnitFileItem::Kind::assignment) {
      out.push_back({item.section, item.key, item.value, where, &write, {}});
    } else {
      out.push_back({{}, {}, {}, where, &write, item.message});
    }
  }
  return out;
}

std::map<std::string, std::vector<Directive>> effective_unit_directives(
    const ModePlan& plan, const ContentLocator& locator) {
  // The final write of each path.
  std::map<std::string, const Action*> final_state;
  for (const PlannedAction& p : plan.actions) {
    if (p.action.kind == ActionKind::write) {
      final_state[p.action.path] = &p.action;
    } else if (p.action.kind == ActionKind::remove) {
      final_state.erase(p.action.path);
    }
  }
  struct Piece {
    UnitPath where;
    const Action* write;
  };
  std::map<std::string, std::vector<Piece>> by_unit;
  for (const auto& [p, write] : final_state) {
    if (std::optional<UnitPath> u = unit_path_of(p)) by_unit[u->unit].push_back({*u, write});
  }
  std::map<std::string, std::vector<Directive>> out;
  for (auto& [unit, pieces] : by_unit) {
    std::sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) {
      if (a.where.dropin != b.where.dropin) return !a.where.dropin;
      if (a.where.basename != b.where.basename) return a.where.basename < b.where.basename;
      return a.where.priority < b.where.priority;
    });
    std::vector<Directive>& directives = out[unit];
    bool have_unit_file = false;
    std::string last_basename;
    for (const Piece& piece : pieces) {
      if (!piece.where.dropin) {
        if (have_unit_file) continue;  // a lower directory's copy is hidden
        have_unit_file = true;
      } else {
        if (piece.where.basename == last_basename) continue;
        last_basename = piece.where.basename;
      }
      std::vector<Directive> d = parse_directives(*piece.write, locator);
      directives.insert(directives.end(), d.begin(), d.end());
    }
  }
  return out;
}

std::string unit_name_for(const std::string& requested) {
  if (systemd::unit_type_of(requested)) return requested;
  return requested + ".service";
}

}  // namespace bootassess::lint
