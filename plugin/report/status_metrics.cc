#include "report/status_metrics.h"

#include <fmt/format.h>

#include <map>
#include <utility>
#include <vector>

#include "boot/boot_mode.h"
#include "diag/diagnostic.h"

namespace bootassess {
namespace {

using namespace status;

void header(std::string& out, std::string_view name, std::string_view help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
}

}  // namespace

std::string prometheus_label_value(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      // Label values must be UTF-8: any byte outside ASCII is shown as \xNN.
      out += fmt::format("\\\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out;
}

std::string status_prometheus(const BootStatus& s, double now) {
  std::string out;
  header(out, "bootassess_verdict", "The verdict on this boot: 1 for the current one.");
  for (Verdict v : kAllVerdicts) {
    out += fmt::format("bootassess_verdict{{verdict=\"{}\"}} {}\n", verdict_name(v),
                       v == s.verdict ? 1 : 0);
  }
  header(out, "bootassess_fallback",
         "1 when this boot is a fallback: an entry preferred to it failed.");
  out += fmt::format("bootassess_fallback {}\n", s.fallback.fell_back ? 1 : 0);
  header(out, "bootassess_counting_active", "1 when the boot loader counts this boot.");
  out += fmt::format("bootassess_counting_active {}\n", s.counting_health.active ? 1 : 0);
  header(out, "bootassess_counting_broken",
         "1 when the booted entry carries a boot counter but the loader does not count it.");
  out += fmt::format("bootassess_counting_broken {}\n", s.counting_health.broken ? 1 : 0);
  if (s.counting.counted && s.counting.count) {
    header(out, "bootassess_tries_left", "Tries left on the counted entry of this boot.");
    out += fmt::format("bootassess_tries_left {}\n", s.counting.count->left);
  }
  if (!s.units.empty()) {
    header(out, "bootassess_gated_unit_ok",
           "1 when the unit gated on this boot succeeded, 0 otherwise.");
    // Names that escape to the same label give one sample (a collector
    // refuses a second), ok only when all of those units are.
    std::vector<std::pair<std::string, bool>> labels;
    std::map<std::string, std::size_t> index;
    for (const GatedUnit& u : s.units) {
      const bool ok = u.outcome == Outcome::ok || u.outcome == Outcome::skipped;
      std::string label = prometheus_label_value(printable(u.name));
      const auto [it, added] = index.try_emplace(label, labels.size());
      if (added) {
        labels.emplace_back(std::move(label), ok);
      } else {
        labels[it->second].second = labels[it->second].second && ok;
      }
    }
    for (const auto& [label, ok] : labels) {
      out += fmt::format("bootassess_gated_unit_ok{{unit=\"{}\"}} {}\n", label, ok ? 1 : 0);
    }
  }
  if (!s.checks.empty()) {
    header(out, "bootassess_check_ok",
           "1 when the health check passed on this boot, 0 otherwise; required=\"false\" "
           "checks never fail the boot.");
    for (const CheckStatus& c : s.checks) {
      const bool ok = c.outcome == Outcome::ok;
      out += fmt::format("bootassess_check_ok{{check=\"{}\",required=\"{}\"}} {}\n",
                         prometheus_label_value(printable(c.name)), c.required ? "true" : "false",
                         ok ? 1 : 0);
    }
  }
  header(out, "bootassess_boot_mode", "The Kairos boot mode of this boot: 1 for the current one.");
  for (BootMode m : all_modes()) {
    out += fmt::format("bootassess_boot_mode{{mode=\"{}\"}} {}\n", mode_name(m),
                       s.mode && *s.mode == m ? 1 : 0);
  }
  header(out, "bootassess_status_timestamp_seconds",
         "When bootassess status wrote this, in seconds since the epoch.");
  out += fmt::format("bootassess_status_timestamp_seconds {:.3f}\n", now);
  return out;
}

std::string status_notice(const BootStatus& s) {
  std::string lines;
  auto add = [&](const std::string& line) { lines += printable(line) + "\n"; };
  if (s.fallback.fell_back) add(fmt::format("This boot is a fallback: {}.", s.fallback.reason));
  if (s.counting.counted && !s.tries_note.empty()) {
    add(fmt::format("The gate of this counted boot {}: {}.",
                    s.gate_verdict == Verdict::pending ? "has not passed yet" : "did not pass",
                    s.tries_note));
    add(fmt::format("The gate says: {}", s.summary));
  }
  if (s.counting_health.broken) add(fmt::format("Warning: {}.", s.counting_health.reason));
  if (lines.empty()) return lines;
  return fmt::format("bootassess: this boot is {}\n{}Details: bootassess status\n",
                     verdict_name(s.verdict), lines);
}

}  // namespace bootassess
