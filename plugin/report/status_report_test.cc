#include "report/status_report.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

namespace bootassess {
namespace {

using namespace status;

BootStatus counted_failed_boot() {
  BootStatus s;
  s.mode = BootMode::active;
  s.mode_flags = {{"uki_boot_mode", true}, {"uki_install_mode", false}, {"in_ram_mode", false}};
  s.entry = "active+2-1.conf";
  s.counting.counted = true;
  s.counting.count = BootCount{"\\loader\\entries\\active+2-1.conf", "active.conf", 2, 1};
  GatedUnit app;
  app.name = "myapp.service";
  app.reboots = true;
  app.state = UnitState{};
  app.state->active_state = "failed";
  app.state->sub_state = "failed";
  app.state->result = "exit-code";
  app.state->exec_main_status = 1;
  app.outcome = Outcome::failed;
  app.detail = "failed (exit status 1)";
  s.units.push_back(app);
  s.boot_complete = TargetState::failed;
  s.bless = Bless::not_run;
  s.verdict = Verdict::failed;
  s.summary =
      "failed: myapp.service failed (exit status 1); this boot is counted (2 tries left), so "
      "FailureAction=reboot reboots it";
  return s;
}

BootStatus unknown_boot() {
  BootStatus s;
  s.mode_flags = {{"uki_boot_mode", false}, {"uki_install_mode", false}, {"in_ram_mode", false}};
  GatedUnit app;
  app.name = "myapp.service";
  s.units.push_back(app);
  s.counting_error = "the value has an odd number of bytes, so it is not UTF-16";
  s.states_unknown_because = "--root is not /, so systemd is not asked";
  s.verdict = Verdict::unknown;
  s.summary = "unknown: 1 gated unit, states unknown: --root is not /, so systemd is not asked";
  return s;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

void expect_fits(const std::string& text) {
  for (const std::string& line : lines_of(text)) {
    EXPECT_LE(line.size(), 100u) << line;
  }
}

TEST(StatusReport, TextStartsWithTheVerdictAndFitsOneHundredColumns) {
  const std::string text = status_text(counted_failed_boot());
  const std::vector<std::string> lines = lines_of(text);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(
      lines[0],
      "failed: myapp.service failed (exit status 1); this boot is counted (2 tries left), so");
  EXPECT_EQ(lines[1], "  FailureAction=reboot reboots it");
  EXPECT_NE(text.find("  mode           active + uki_boot_mode\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  entry          active+2-1.conf\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  counting       counted (active.conf, 2 tries left, 1 done): "
                      "\\loader\\entries\\active+2-1.conf\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  boot-complete  failed\n"), std::string::npos) << text;
  EXPECT_NE(text.find("    myapp.service"), std::string::npos) << text;
  EXPECT_NE(text.find("failed (exit status 1); FailureAction=reboot\n"), std::string::npos) << text;
  expect_fits(text);
}

TEST(StatusReport, TextSaysWhyStatesAreUnknownAndNamesAMalformedVariable) {
  const std::string text = status_text(unknown_boot());
  EXPECT_NE(text.find("unit states    unknown: --root is not /, so systemd is not asked"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  counting       not counted: its EFI variable is malformed\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("problems:\n  /sys/firmware/efi/efivars/"
                      "LoaderBootCountPath-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f: malformed: the\n"
                      "    value has an odd number of bytes, so it is not UTF-16\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("state unknown"), std::string::npos) << text;
  expect_fits(text);
}

TEST(StatusReport, LongAndHostileNamesStayOnTheirLinesWithinOneHundredColumns) {
  BootStatus s = unknown_boot();
  s.units[0].name = std::string(150, 'a') + "\n.service";
  s.entry = std::string(120, 'e');
  const std::string text = status_text(s);
  expect_fits(text);
  EXPECT_EQ(text.find("a\n.service"), std::string::npos) << text;
  EXPECT_NE(text.find("a\\n.service"), std::string::npos) << text;
}

TEST(StatusReport, JsonHasStableKeysAndNullForWhatIsUnknown) {
  const YAML::Node known = YAML::Load(status_json(counted_failed_boot()));
  EXPECT_EQ(known["verdict"].as<std::string>(), "failed");
  EXPECT_EQ(known["exit_status"].as<int>(), 1);
  EXPECT_EQ(known["mode"].as<std::string>(), "active");
  EXPECT_TRUE(known["mode_flags"]["uki_boot_mode"].as<bool>());
  EXPECT_EQ(known["entry"].as<std::string>(), "active+2-1.conf");
  EXPECT_TRUE(known["counting"]["counted"].as<bool>());
  EXPECT_EQ(known["counting"]["left"].as<int>(), 2);
  EXPECT_EQ(known["counting"]["done"].as<int>(), 1);
  EXPECT_EQ(known["counting"]["path"].as<std::string>(), "\\loader\\entries\\active+2-1.conf");
  EXPECT_EQ(known["boot_complete"].as<std::string>(), "failed");
  ASSERT_EQ(known["units"].size(), 1u);
  const YAML::Node unit = known["units"][0];
  EXPECT_EQ(unit["name"].as<std::string>(), "myapp.service");
  EXPECT_EQ(unit["active_state"].as<std::string>(), "failed");
  EXPECT_EQ(unit["result"].as<std::string>(), "exit-code");
  EXPECT_EQ(unit["exit_status"].as<int>(), 1);
  EXPECT_TRUE(unit["reboots"].as<bool>());
  EXPECT_FALSE(known["blessed"].as<bool>());
  EXPECT_TRUE(known["states_unknown_because"].IsNull());

  const YAML::Node unknown = YAML::Load(status_json(unknown_boot()));
  EXPECT_EQ(unknown["verdict"].as<std::string>(), "unknown");
  EXPECT_EQ(unknown["exit_status"].as<int>(), 3);
  for (const char* key : {"mode", "entry", "boot_complete", "blessed"}) {
    ASSERT_TRUE(unknown[key]) << key;
    EXPECT_TRUE(unknown[key].IsNull()) << key;
  }
  EXPECT_FALSE(unknown["counting"]["counted"].as<bool>());
  for (const char* key : {"left", "done", "path"}) {
    EXPECT_TRUE(unknown["counting"][key].IsNull()) << key;
  }
  EXPECT_NE(unknown["counting"]["error"].as<std::string>().find("odd number"), std::string::npos);
  for (const char* key : {"active_state", "result", "exit_status"}) {
    EXPECT_TRUE(unknown["units"][0][key].IsNull()) << key;
  }
  EXPECT_FALSE(unknown["units"][0]["reboots"].as<bool>());
  EXPECT_EQ(unknown["states_unknown_because"].as<std::string>(),
            "--root is not /, so systemd is not asked");
}

TEST(StatusReport, TextTellsTheFallbackTheTriesTheEntriesAndTheLoaderProblems) {
  BootStatus s = counted_failed_boot();
  s.mode = BootMode::passive;
  s.tries_note = "this entry used a try and is not marked good; 2 tries left";
  s.fallback.fell_back = true;
  s.fallback.reason =
      "the entry active+0-3.conf used its 3 tries without being marked good, so the loader booted "
      "passive+2-1.conf (passive)";
  s.loader.esp = "/efi";
  s.loader.esp_entries = {parse_loader_entry("active+0-3.conf"),
                          parse_loader_entry("passive+2-1.conf")};
  s.loader.problems.push_back({"/efi/loader/entries/big+1.conf", "70000 bytes, too large"});
  s.verdict = Verdict::fallback;
  const std::string text = status_text(s);
  expect_fits(text);
  EXPECT_NE(text.find("  tries          this entry used a try and is not marked good; 2 tries "
                      "left\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  fallback       the entry active+0-3.conf used its 3 tries"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  entries        active+0-3.conf, passive+2-1.conf (ESP at /efi)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("problems:\n  /efi/loader/entries/big+1.conf: 70000 bytes, too large\n"),
            std::string::npos)
      << text;
  const YAML::Node j = YAML::Load(status_json(s));
  EXPECT_EQ(j["verdict"].as<std::string>(), "fallback");
  EXPECT_EQ(j["exit_status"].as<int>(), 1);
  EXPECT_EQ(j["tries_note"].as<std::string>(), s.tries_note);
  EXPECT_TRUE(j["fallback"]["fell_back"].as<bool>());
  EXPECT_TRUE(j["fallback"]["failed_entry"].IsNull());
  EXPECT_EQ(j["loader"]["esp_entries"][0]["left"].as<int>(), 0);
  EXPECT_EQ(j["loader"]["esp_entries"][0]["done"].as<int>(), 3);
  EXPECT_TRUE(j["loader"]["esp_entries"][0]["sort_key"].IsNull());
  EXPECT_EQ(j["loader"]["problems"][0]["file"].as<std::string>(), "/efi/loader/entries/big+1.conf");
  EXPECT_TRUE(j["loader"]["selected"].IsNull());
}

}  // namespace
}  // namespace bootassess

namespace bootassess {
namespace {

using namespace status;

TEST(StatusReportChecks, EachCheckWithItsFlagAndResultInTextAndJson) {
  BootStatus s = counted_failed_boot();
  CheckStatus api;
  api.name = "k3s-api";
  api.unit = "bootassess-check-k3s-api.service";
  api.description = "bootassess check k3s-api (required): tcp 127.0.0.1:6443";
  api.state = UnitState{};
  api.state->active_state = "active";
  api.outcome = Outcome::ok;
  api.detail = "active (exited)";
  CheckStatus dash;
  dash.name = "dashboard";
  dash.unit = "bootassess-check-dashboard.service";
  dash.required = false;
  dash.state = UnitState{};
  dash.state->active_state = "failed";
  dash.state->result = "exit-code";
  dash.outcome = Outcome::failed;
  dash.detail = "failed (exit status 1)";
  s.checks = {api, dash};
  const std::string text = status_text(s);
  expect_fits(text);
  EXPECT_NE(text.find("\n  checks         2 (1 required, 1 wanted: a wanted check never fails "
                      "the boot)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\n    k3s-api                                  required: active (exited)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find("\n    dashboard                                wanted: failed (exit status 1)\n"),
      std::string::npos)
      << text;
  const YAML::Node json = YAML::Load(status_json(s));
  ASSERT_EQ(json["checks"].size(), 2u);
  EXPECT_EQ(json["checks"][0]["name"].as<std::string>(), "k3s-api");
  EXPECT_TRUE(json["checks"][0]["required"].as<bool>());
  EXPECT_EQ(json["checks"][0]["outcome"].as<std::string>(), "ok");
  EXPECT_EQ(json["checks"][1]["unit"].as<std::string>(), "bootassess-check-dashboard.service");
  EXPECT_FALSE(json["checks"][1]["required"].as<bool>());
  EXPECT_EQ(json["checks"][1]["outcome"].as<std::string>(), "failed");
  EXPECT_EQ(json["checks"][1]["result"].as<std::string>(), "exit-code");
  // No checks: an empty list, and no line in the text.
  s.checks.clear();
  EXPECT_EQ(YAML::Load(status_json(s))["checks"].size(), 0u);
  EXPECT_EQ(status_text(s).find("checks"), std::string::npos);
}

}  // namespace
}  // namespace bootassess
