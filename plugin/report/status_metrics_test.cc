#include "report/status_metrics.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "support/temp_dir.h"

namespace bootassess {
namespace {

using namespace status;

// Each sample line "NAME{LABELS} VALUE" of an exposition, by NAME{LABELS};
// every metric name also has its HELP and TYPE lines before its samples.
std::map<std::string, std::string> samples(const std::string& text) {
  std::map<std::string, std::string> out;
  std::map<std::string, int> described;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("# HELP ")) {
      described[line.substr(7, line.find(' ', 7) - 7)] |= 1;
      continue;
    }
    if (line.starts_with("# TYPE ")) {
      const std::string rest = line.substr(7);
      EXPECT_EQ(rest.substr(rest.find(' ') + 1), "gauge") << line;
      described[rest.substr(0, rest.find(' '))] |= 2;
      continue;
    }
    const std::size_t space = line.rfind(' ');
    const std::string key = line.substr(0, space);
    const std::string name = key.substr(0, key.find('{'));
    EXPECT_EQ(described[name], 3) << "no HELP and TYPE before " << line;
    EXPECT_FALSE(out.count(key)) << "twice: " << line;
    out[key] = line.substr(space + 1);
  }
  return out;
}

BootStatus fallback_boot() {
  BootStatus s;
  s.mode = BootMode::passive;
  s.counting.counted = true;
  s.counting.count = BootCount{"\\loader\\entries\\passive+2-1.conf", "passive.conf", 2, 1};
  s.counting_health.active = true;
  s.fallback.fell_back = true;
  s.fallback.reason = "the entry active+0-3.conf used its 3 tries without being marked good";
  GatedUnit ok;
  ok.name = "myapp.service";
  ok.outcome = Outcome::ok;
  GatedUnit failed;
  failed.name = "we\"ird\\unit\n.service";
  failed.outcome = Outcome::failed;
  s.units = {ok, failed};
  s.verdict = Verdict::fallback;
  s.summary = "fallback: ...";
  return s;
}

TEST(StatusMetrics, OneGaugePerVerdictAndModeWithTheCurrentOneSet) {
  const auto m = samples(status_prometheus(fallback_boot(), 1700000000.5));
  EXPECT_EQ(m.at("bootassess_verdict{verdict=\"fallback\"}"), "1");
  for (const char* v : {"good", "failed", "pending", "no-gate", "unknown"}) {
    EXPECT_EQ(m.at(std::string("bootassess_verdict{verdict=\"") + v + "\"}"), "0") << v;
  }
  EXPECT_EQ(m.at("bootassess_boot_mode{mode=\"passive\"}"), "1");
  EXPECT_EQ(m.at("bootassess_boot_mode{mode=\"active\"}"), "0");
  EXPECT_EQ(m.at("bootassess_fallback"), "1");
  EXPECT_EQ(m.at("bootassess_counting_active"), "1");
  EXPECT_EQ(m.at("bootassess_counting_broken"), "0");
  EXPECT_EQ(m.at("bootassess_tries_left"), "2");
  EXPECT_EQ(m.at("bootassess_gated_unit_ok{unit=\"myapp.service\"}"), "1");
  // A hostile unit name cannot break the line or the label.
  EXPECT_EQ(m.at("bootassess_gated_unit_ok{unit=\"we\\\"ird\\\\unit\\\\n.service\"}"), "0");
  EXPECT_EQ(m.at("bootassess_status_timestamp_seconds"), "1700000000.500");
}

TEST(StatusMetrics, AnUncountedBootHasNoTriesLeftAndNoGatedUnitsNoSamples) {
  BootStatus s;
  s.verdict = Verdict::no_gate;
  const std::string text = status_prometheus(s, 1);
  const auto m = samples(text);
  EXPECT_EQ(text.find("bootassess_tries_left"), std::string::npos) << text;
  EXPECT_EQ(text.find("bootassess_gated_unit_ok"), std::string::npos) << text;
  EXPECT_EQ(m.at("bootassess_verdict{verdict=\"no-gate\"}"), "1");
  EXPECT_EQ(m.at("bootassess_counting_active"), "0");
  for (const auto& [key, value] : m) {
    if (key.starts_with("bootassess_boot_mode")) {
      EXPECT_EQ(value, "0") << key;
    }
  }
}

TEST(StatusMetrics, LabelValuesAreEscaped) {
  EXPECT_EQ(prometheus_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(prometheus_label_value("plain.service"), "plain.service");
  EXPECT_EQ(prometheus_label_value("caf\xc3\xa9.service"), "caf\\\\xc3\\\\xa9.service");
}

// A unit name with a control byte and one that spells the same byte as an
// escape get the same label: one sample (node_exporter refuses a second one),
// ok only when both units are.
TEST(StatusMetrics, UnitsWhoseLabelsCollideGiveOneSample) {
  BootStatus s;
  s.verdict = Verdict::failed;
  const auto unit = [](std::string name, Outcome outcome) {
    GatedUnit u;
    u.name = std::move(name);
    u.outcome = outcome;
    return u;
  };
  const GatedUnit raw = unit("ctl\x01x.service", Outcome::ok);
  const GatedUnit spelled = unit("ctl\\x01x.service", Outcome::failed);
  s.units = {raw, spelled};
  const std::string text = status_prometheus(s, 1);
  const auto m = samples(text);
  EXPECT_EQ(m.at("bootassess_gated_unit_ok{unit=\"ctl\\\\x01x.service\"}"), "0") << text;
  // The failed one first: still 0.
  s.units = {spelled, raw};
  EXPECT_EQ(
      samples(status_prometheus(s, 1)).at("bootassess_gated_unit_ok{unit=\"ctl\\\\x01x.service\"}"),
      "0");
}

// One sample per check, with whether it is required; promtool accepts the
// text when it is installed.
TEST(StatusMetrics, ChecksGiveOneSampleEachWithTheirFlag) {
  BootStatus s;
  s.verdict = Verdict::good;
  CheckStatus api;
  api.name = "k3s-api";
  api.unit = "bootassess-check-k3s-api.service";
  api.outcome = Outcome::ok;
  CheckStatus dash = api;
  dash.name = "dashboard";
  dash.required = false;
  dash.outcome = Outcome::failed;
  s.checks = {api, dash};
  const std::string text = status_prometheus(s, 1);
  const auto m = samples(text);
  EXPECT_EQ(m.at("bootassess_check_ok{check=\"k3s-api\",required=\"true\"}"), "1") << text;
  EXPECT_EQ(m.at("bootassess_check_ok{check=\"dashboard\",required=\"false\"}"), "0") << text;
  s.checks.clear();
  EXPECT_EQ(status_prometheus(s, 1).find("bootassess_check_ok"), std::string::npos);
  if (testing::run_command("command -v promtool >/dev/null") != 0) {
    GTEST_SKIP() << "promtool is not installed (Debian package prometheus)";
  }
  testing::TempDir tmp;
  testing::write_text(tmp / "checks.prom", text);
  std::string out;
  EXPECT_EQ(
      testing::run_command("promtool check metrics < " + (tmp / "checks.prom") + " 2>&1", &out), 0)
      << out << text;
  EXPECT_EQ(out, "") << text;
}

TEST(StatusNotice, NothingWhenTheBootIsGoodOrUngated) {
  BootStatus s;
  s.verdict = Verdict::good;
  s.counting.counted = true;
  s.counting_health.active = true;
  EXPECT_EQ(status_notice(s), "");
  s.verdict = Verdict::no_gate;
  EXPECT_EQ(status_notice(s), "");
}

TEST(StatusNotice, AFallbackACountedFailureAndBrokenCountingAreTold) {
  BootStatus s = fallback_boot();
  std::string notice = status_notice(s);
  EXPECT_TRUE(notice.starts_with("bootassess: this boot is fallback\n")) << notice;
  EXPECT_NE(notice.find("This boot is a fallback: the entry active+0-3.conf used its 3 tries"),
            std::string::npos)
      << notice;
  EXPECT_TRUE(notice.ends_with("Details: bootassess status\n")) << notice;

  BootStatus failed;
  failed.verdict = Verdict::failed;
  failed.counting.counted = true;
  failed.summary = "failed: myapp.service failed (exit status 1)";
  failed.tries_note = "this entry used a try and is not marked good; 2 tries left";
  notice = status_notice(failed);
  EXPECT_NE(notice.find("not marked good; 2 tries left.\n"), std::string::npos) << notice;
  EXPECT_NE(notice.find("The gate says: failed: myapp.service failed (exit status 1)\n"),
            std::string::npos)
      << notice;

  // A gate still running has not failed: the notice does not say it did.
  BootStatus pending = failed;
  pending.verdict = Verdict::pending;
  pending.gate_verdict = Verdict::pending;
  pending.summary = "pending: waiting for myapp.service";
  notice = status_notice(pending);
  EXPECT_NE(notice.find("The gate of this counted boot has not passed yet: this entry used a try"),
            std::string::npos)
      << notice;
  EXPECT_EQ(notice.find("did not pass"), std::string::npos) << notice;

  BootStatus broken;
  broken.verdict = Verdict::good;
  broken.counting_health.broken = true;
  broken.counting_health.reason = "the booted entry active+3.conf carries a boot counter\nx";
  notice = status_notice(broken);
  EXPECT_NE(notice.find("Warning: the booted entry active+3.conf carries a boot counter\\nx."),
            std::string::npos)
      << notice;
}

}  // namespace
}  // namespace bootassess
