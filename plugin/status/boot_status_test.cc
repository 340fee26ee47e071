#include "status/boot_status.h"

#include <gtest/gtest.h>

#include "boot/boot_counting.h"
#include "boot/efi_variable.h"
#include "support/memory_root.h"

namespace bootassess::status {
namespace {

using bootassess::testing::MemoryRoot;

constexpr const char* kDropinDir = "/run/systemd/system/myapp.service.d";
constexpr const char* kDropin =
    "/run/systemd/system/myapp.service.d/zz-bootassess-boot-assessment.conf";

// A root as `apply` leaves it on an active boot, counted or not, gating
// myapp.service (rebooting on failure when `reboots`).
MemoryRoot gated_root(bool counted, bool reboots) {
  MemoryRoot root;
  root.add_dir("/run").add_dir("/run/cos").add_file("/run/cos/active_mode", "1");
  root.add_dir("/run/systemd").add_dir("/run/systemd/system").add_dir(kDropinDir);
  root.add_file(kDropin, std::string("[Unit]\nBefore=boot-complete.target\n") +
                             (reboots ? "FailureAction=reboot\n" : "") +
                             "\n[Install]\nRequiredBy=boot-complete.target\n");
  // The drop-in that orders the target after multi-user.target, same name.
  root.add_dir("/run/systemd/system/boot-complete.target.d");
  root.add_file("/run/systemd/system/boot-complete.target.d/zz-bootassess-boot-assessment.conf",
                "[Unit]\nAfter=multi-user.target\n");
  root.add_dir("/sys").add_dir("/sys/firmware").add_dir("/sys/firmware/efi");
  root.add_dir("/sys/firmware/efi/efivars");
  root.add_file(std::string(kLoaderEntrySelectedVariable),
                encode_efi_string_variable(counted ? "active+2-1.conf" : "active.conf"));
  if (counted) {
    root.add_file(std::string(kBootCountVariable),
                  encode_boot_count_variable("\\loader\\entries\\active+2-1.conf"));
  }
  return root;
}

UnitState service(std::string active, std::string sub, std::string result, int status) {
  UnitState s;
  s.load_state = "loaded";
  s.active_state = std::move(active);
  s.sub_state = std::move(sub);
  s.result = std::move(result);
  s.exec_main_status = status;
  s.started = s.active_state != "inactive" || s.result != "success";
  return s;
}

UnitState target(std::string active) {
  UnitState s;
  s.load_state = "loaded";
  s.active_state = std::move(active);
  s.started = s.active_state == "active";
  return s;
}

UnitState not_found() {
  UnitState s;
  s.load_state = "not-found";
  s.active_state = "inactive";
  return s;
}

UnitState pending_job(UnitState s) {
  s.has_job = true;
  return s;
}

// A query that answers with fixed states and records what it was asked.
struct FakeQuery {
  std::map<std::string, UnitState> states;
  std::string unknown_because;
  std::vector<std::string>* asked = nullptr;

  UnitQuery query() const {
    return [this](const std::vector<std::string>& units) {
      if (asked != nullptr) *asked = units;
      UnitStates out;
      out.unknown_because = unknown_because;
      if (unknown_because.empty()) {
        for (const std::string& u : units) {
          auto it = states.find(u);
          if (it != states.end()) out.units[u] = it->second;
        }
      }
      return out;
    };
  }
};

FakeQuery boot(UnitState unit, UnitState complete, UnitState bless) {
  FakeQuery q;
  q.states["myapp.service"] = std::move(unit);
  q.states["boot-complete.target"] = std::move(complete);
  q.states["systemd-bless-boot.service"] = std::move(bless);
  return q;
}

TEST(BootStatus, CountedBootThatSucceededIsGood) {
  const MemoryRoot root = gated_root(true, true);
  std::vector<std::string> asked;
  FakeQuery q = boot(service("active", "running", "success", 0), target("active"),
                     service("active", "exited", "success", 0));
  q.asked = &asked;
  const BootStatus s = gather_status(root, q.query());
  EXPECT_EQ(asked, (std::vector<std::string>{"myapp.service", "boot-complete.target",
                                             "systemd-bless-boot.service"}));
  ASSERT_TRUE(s.mode);
  EXPECT_EQ(*s.mode, BootMode::active);
  EXPECT_EQ(s.entry, "active+2-1.conf");
  ASSERT_TRUE(s.counting.counted);
  EXPECT_EQ(s.counting.count->left, 2u);
  EXPECT_EQ(s.counting.count->done, 1u);
  ASSERT_EQ(s.units.size(), 1u);
  EXPECT_TRUE(s.units[0].reboots);
  EXPECT_EQ(s.units[0].outcome, Outcome::ok);
  EXPECT_EQ(s.boot_complete, TargetState::reached);
  EXPECT_EQ(s.bless, Bless::blessed);
  EXPECT_EQ(s.verdict, Verdict::good);
  EXPECT_EQ(s.summary, "good: boot-complete.target reached, all 1 gated unit succeeded");
  EXPECT_EQ(exit_status(s.verdict), 0);
}

TEST(BootStatus, UncountedBootThatSucceededIsGoodWithNothingToBless) {
  const MemoryRoot root = gated_root(false, false);
  UnitState oneshot = service("inactive", "dead", "success", 0);
  oneshot.started = true;
  const BootStatus s = gather_status(root, boot(oneshot, target("active"), not_found()).query());
  EXPECT_FALSE(s.counting.counted);
  EXPECT_EQ(s.entry, "active.conf");
  // A oneshot that ran and exited: inactive again, but it left inactive.
  EXPECT_EQ(s.units[0].outcome, Outcome::ok);
  EXPECT_EQ(s.units[0].detail, "ran and exited successfully");
  EXPECT_EQ(s.bless, Bless::not_in_boot);
  EXPECT_EQ(s.verdict, Verdict::good);
}

TEST(BootStatus, OnAnUncountedBootAnIdleBlessServiceIsNotPartOfTheBoot) {
  // systemctl show loads a unit file nothing pulled in: on an uncounted boot
  // the bless service is "loaded" and has never run, and that is no failure.
  const MemoryRoot root = gated_root(false, false);
  const BootStatus s = gather_status(
      root, boot(service("active", "running", "success", 0), target("active"), target("inactive"))
                .query());
  EXPECT_EQ(s.bless, Bless::not_in_boot);
  const MemoryRoot counted = gated_root(true, true);
  const BootStatus c = gather_status(counted, boot(service("active", "running", "success", 0),
                                                   target("active"), target("inactive"))
                                                  .query());
  EXPECT_EQ(c.bless, Bless::not_run);
}

TEST(BootStatus, CountedBootThatFailedRebootsWithTriesLeft) {
  const MemoryRoot root = gated_root(true, true);
  const FakeQuery q =
      boot(service("failed", "failed", "exit-code", 1), target("inactive"), target("inactive"));
  const BootStatus s = gather_status(root, q.query());
  EXPECT_EQ(s.units[0].outcome, Outcome::failed);
  // The target's start job failed on its dependency: it stays inactive.
  EXPECT_EQ(s.boot_complete, TargetState::failed);
  EXPECT_EQ(s.bless, Bless::not_run);
  EXPECT_EQ(s.verdict, Verdict::failed);
  EXPECT_EQ(s.summary,
            "failed: myapp.service failed (exit status 1); this boot is counted (2 tries left), "
            "so FailureAction=reboot reboots it");
  EXPECT_EQ(exit_status(s.verdict), 1);
}

TEST(BootStatus, UncountedBootThatFailedDoesNotReboot) {
  const MemoryRoot root = gated_root(false, false);
  const FakeQuery q =
      boot(service("failed", "failed", "exit-code", 1), target("inactive"), not_found());
  const BootStatus s = gather_status(root, q.query());
  EXPECT_EQ(s.verdict, Verdict::failed);
  EXPECT_EQ(s.summary,
            "failed: myapp.service failed (exit status 1); this boot is not counted, so it does "
            "not reboot");
}

TEST(BootStatus, CountedBootWhoseGateDoesNotRebootSaysTheEntryStaysUnblessed) {
  const MemoryRoot root = gated_root(true, false);
  const FakeQuery q =
      boot(service("failed", "failed", "signal", 9), target("inactive"), target("inactive"));
  const BootStatus s = gather_status(root, q.query());
  EXPECT_EQ(s.summary,
            "failed: myapp.service failed (killed by signal 9); this boot is counted but its gate "
            "does not reboot in this mode: the entry is not blessed");
}

TEST(BootStatus, PendingWhileJobsAreQueued) {
  for (bool counted : {true, false}) {
    const MemoryRoot root = gated_root(counted, counted);
    const FakeQuery q = boot(pending_job(service("activating", "start", "success", 0)),
                             pending_job(target("inactive")),
                             counted ? pending_job(target("inactive")) : not_found());
    const BootStatus s = gather_status(root, q.query());
    EXPECT_EQ(s.units[0].outcome, Outcome::pending);
    EXPECT_EQ(s.boot_complete, TargetState::pending);
    EXPECT_EQ(s.bless, counted ? Bless::pending : Bless::not_in_boot);
    EXPECT_EQ(s.verdict, Verdict::pending);
    EXPECT_EQ(s.summary, "pending: waiting for myapp.service, boot-complete.target");
    EXPECT_EQ(exit_status(s.verdict), 3);
  }
}

TEST(BootStatus, UnknownStatesKeepWhatTheRootTells) {
  for (bool counted : {true, false}) {
    const MemoryRoot root = gated_root(counted, counted);
    FakeQuery q;
    q.unknown_because = "--root is not /, so systemd is not asked";
    const BootStatus s = gather_status(root, q.query());
    ASSERT_EQ(s.units.size(), 1u);
    EXPECT_EQ(s.units[0].reboots, counted);
    EXPECT_FALSE(s.units[0].state);
    EXPECT_EQ(s.units[0].outcome, Outcome::unknown);
    EXPECT_EQ(s.boot_complete, TargetState::unknown);
    EXPECT_EQ(s.bless, Bless::unknown);
    EXPECT_EQ(s.counting.counted, counted);
    EXPECT_EQ(s.verdict, Verdict::unknown);
    EXPECT_EQ(s.summary,
              "unknown: 1 gated unit, states unknown: --root is not /, so systemd is not asked");
    EXPECT_EQ(exit_status(s.verdict), 3);
  }
}

TEST(BootStatus, NoGateWhenNoDropinIsThere) {
  MemoryRoot root;
  root.add_dir("/run").add_dir("/run/systemd").add_dir("/run/systemd/system");
  // The target's own drop-in is not a gated unit.
  root.add_dir("/run/systemd/system/boot-complete.target.d");
  root.add_file("/run/systemd/system/boot-complete.target.d/zz-bootassess-boot-assessment.conf",
                "[Unit]\nAfter=multi-user.target\n");
  // Another drop-in directory, without the gate's drop-in.
  root.add_dir("/run/systemd/system/other.service.d");
  root.add_file("/run/systemd/system/other.service.d/override.conf", "[Unit]\n");
  const FakeQuery q =
      boot(service("active", "running", "success", 0), target("inactive"), not_found());
  const BootStatus s = gather_status(root, q.query());
  EXPECT_FALSE(s.mode);
  EXPECT_FALSE(s.entry);
  EXPECT_TRUE(s.units.empty());
  EXPECT_EQ(s.verdict, Verdict::no_gate);
  EXPECT_EQ(s.summary, "no gate on this boot");
  EXPECT_EQ(exit_status(s.verdict), 0);
  // Even with states unknown, nothing gated is nothing gated.
  FakeQuery unknown;
  unknown.unknown_because = "systemd is not running";
  EXPECT_EQ(gather_status(root, unknown.query()).verdict, Verdict::no_gate);
}

TEST(BootStatus, MalformedVariablesAreReportedAndNeverCounted) {
  MemoryRoot root = gated_root(true, false);
  root.add_file(std::string(kBootCountVariable), std::string("\x07\0\0\0\\\0a", 7));
  root.add_file(std::string(kLoaderEntrySelectedVariable), std::string("\x07\0\0", 3));
  FakeQuery q;
  q.unknown_because = "not asked";
  const BootStatus s = gather_status(root, q.query());
  EXPECT_FALSE(s.counting.counted);
  EXPECT_NE(s.counting_error.find("odd number of bytes"), std::string::npos) << s.counting_error;
  EXPECT_FALSE(s.entry);
  EXPECT_NE(s.entry_error.find("fewer than the 4 attribute bytes"), std::string::npos)
      << s.entry_error;
}

TEST(BootStatus, ModeFlagsSayWhichExtraSentinelsExist) {
  MemoryRoot root;
  root.add_dir("/run").add_dir("/run/cos").add_file("/run/cos/passive_mode", "1");
  root.add_file("/run/cos/uki_boot_mode", "1");
  FakeQuery q;
  q.unknown_because = "not asked";
  const BootStatus s = gather_status(root, q.query());
  EXPECT_EQ(s.mode, BootMode::passive);
  EXPECT_EQ(s.mode_flags, (std::vector<std::pair<std::string, bool>>{
                              {"uki_boot_mode", true},
                              {"uki_install_mode", false},
                              {"in_ram_mode", false},
                          }));
}

TEST(BootStatus, AUnitThatWasNeverStartedOrNotFoundFails) {
  const MemoryRoot root = gated_root(false, false);
  const BootStatus never = gather_status(
      root,
      boot(service("inactive", "dead", "success", 0), target("inactive"), not_found()).query());
  EXPECT_EQ(never.units[0].outcome, Outcome::not_started);
  EXPECT_EQ(never.boot_complete, TargetState::not_in_boot);
  EXPECT_EQ(never.verdict, Verdict::failed);
  EXPECT_EQ(never.summary,
            "failed: boot-complete.target is not part of this boot, so the gate judged nothing");

  const BootStatus missing =
      gather_status(root, boot(not_found(), target("inactive"), not_found()).query());
  EXPECT_EQ(missing.units[0].outcome, Outcome::failed);
  EXPECT_EQ(missing.units[0].detail, "not loaded (not-found)");
  EXPECT_EQ(missing.verdict, Verdict::failed);
}

TEST(BootStatus, AUnitSkippedByItsConditionDoesNotFailTheBoot) {
  const MemoryRoot root = gated_root(false, false);
  UnitState skipped = service("inactive", "dead", "success", 0);
  skipped.started = false;
  skipped.condition_failed = true;
  const BootStatus s = gather_status(root, boot(skipped, target("active"), not_found()).query());
  EXPECT_EQ(s.units[0].outcome, Outcome::skipped);
  EXPECT_EQ(s.verdict, Verdict::good);
  EXPECT_EQ(s.summary,
            "good: boot-complete.target reached, all 1 gated unit succeeded (1 skipped by a "
            "condition)");
}

TEST(BootStatus, AUnitThatFailsAfterTheTargetWasReachedStillFails) {
  const MemoryRoot root = gated_root(false, false);
  const BootStatus s = gather_status(
      root,
      boot(service("failed", "failed", "exit-code", 3), target("active"), not_found()).query());
  EXPECT_EQ(s.boot_complete, TargetState::reached);
  EXPECT_EQ(s.verdict, Verdict::failed);
}

TEST(BootStatus, TheLastFailureActionOfTheDropinCounts) {
  MemoryRoot root = gated_root(false, false);
  root.add_file(kDropin, "[Unit]\nFailureAction=reboot\nFailureAction=none\n");
  EXPECT_FALSE(find_gated_units(root)[0].reboots);
  // systemd reads blanks around "=" as nothing.
  root.add_file(kDropin, "[Unit]\n  FailureAction = reboot-force\n");
  EXPECT_TRUE(find_gated_units(root)[0].reboots);
  root.add_file(kDropin, "[Unit]\n# FailureAction=reboot\nSuccessAction=reboot\n");
  EXPECT_FALSE(find_gated_units(root)[0].reboots);
  // Only [Unit] holds FailureAction=, and a continued line is one assignment.
  root.add_file(kDropin, "[Service]\nFailureAction=reboot\n");
  EXPECT_FALSE(find_gated_units(root)[0].reboots);
  root.add_file(kDropin, "[Unit]\nFailureAction=\\\nreboot\n");
  EXPECT_TRUE(find_gated_units(root)[0].reboots);
}

TEST(BootStatus, ParsesSystemctlShowOutputInTheOrderAsked) {
  // As systemd 252 prints it: properties in its own order, one block per
  // unit, a blank line between blocks.
  const std::string output =
      "Id=myapp.service\nLoadState=loaded\nActiveState=failed\nSubState=failed\n"
      "Result=exit-code\nExecMainCode=1\nExecMainStatus=1\n"
      "InactiveExitTimestampMonotonic=1234567\nConditionResult=yes\n"
      "ConditionTimestampMonotonic=1234000\n"
      "\n"
      "Id=boot-complete.target\nLoadState=loaded\nActiveState=inactive\nSubState=dead\n"
      "InactiveExitTimestampMonotonic=0\nJob=42\nConditionResult=no\n"
      "ConditionTimestampMonotonic=0\n"
      "\n"
      "Id=systemd-bless-boot.service\nLoadState=not-found\nActiveState=inactive\n"
      "SubState=dead\nResult=success\nExecMainStatus=0\nInactiveExitTimestampMonotonic=0\n";
  const std::vector<std::string> units{"myapp.service", "boot-complete.target",
                                       "systemd-bless-boot.service"};
  const std::map<std::string, UnitState> states = parse_show_output(output, units);
  ASSERT_EQ(states.size(), 3u);
  const UnitState& app = states.at("myapp.service");
  EXPECT_EQ(app.active_state, "failed");
  EXPECT_EQ(app.result, "exit-code");
  EXPECT_EQ(app.exec_main_status, 1);
  EXPECT_EQ(app.exec_main_code, 1);
  EXPECT_TRUE(app.started);
  EXPECT_FALSE(app.condition_failed);
  const UnitState& target = states.at("boot-complete.target");
  EXPECT_TRUE(target.has_job);
  EXPECT_FALSE(target.started);
  // ConditionResult=no with no timestamp: the conditions were never checked.
  EXPECT_FALSE(target.condition_failed);
  EXPECT_FALSE(target.exec_main_status);
  EXPECT_EQ(states.at("systemd-bless-boot.service").load_state, "not-found");

  // An alias reports its unit's Id: blocks match by position.
  const std::map<std::string, UnitState> aliased =
      parse_show_output("Id=real.service\nActiveState=active\n", {"alias.service"});
  EXPECT_EQ(aliased.at("alias.service").active_state, "active");
  // A block too many or too few: matched by Id, the rest left out.
  const std::map<std::string, UnitState> by_id =
      parse_show_output("Id=b.service\nActiveState=active\n", {"a.service", "b.service"});
  EXPECT_EQ(by_id.size(), 1u);
  EXPECT_EQ(by_id.at("b.service").active_state, "active");
}

TEST(BootStatus, AUnitSystemdDidNotReportIsUnknown) {
  const MemoryRoot root = gated_root(false, false);
  FakeQuery q;
  q.states["boot-complete.target"] = target("active");
  const BootStatus s = gather_status(root, q.query());
  EXPECT_EQ(s.units[0].outcome, Outcome::unknown);
  EXPECT_EQ(s.verdict, Verdict::unknown);
  EXPECT_EQ(s.summary, "unknown: systemd did not say how myapp.service fared");
}

// A target or service reached in this boot, then stopped (`systemctl stop`,
// or a shutdown under way, with its stop job queued or not).
UnitState stopped_after_reaching(UnitState s, bool stop_job) {
  s.active_state = stop_job ? "deactivating" : "inactive";
  s.sub_state = stop_job ? "stop" : "dead";
  s.started = true;
  s.active_entered = true;
  s.has_job = stop_job;
  return s;
}

TEST(BootStatus, ATargetReachedInThisBootStaysReachedOnceStopped) {
  for (bool stop_job : {false, true}) {
    const MemoryRoot root = gated_root(true, true);
    UnitState complete = target("active");
    complete.active_entered = true;
    UnitState bless = service("active", "exited", "success", 0);
    bless.active_entered = true;
    UnitState unit = service("active", "exited", "success", 0);
    unit.active_entered = true;
    const BootStatus s = gather_status(root, boot(stopped_after_reaching(unit, stop_job),
                                                  stopped_after_reaching(complete, stop_job),
                                                  stopped_after_reaching(bless, stop_job))
                                                 .query());
    EXPECT_EQ(s.boot_complete, TargetState::reached) << stop_job;
    EXPECT_EQ(s.units[0].outcome, Outcome::ok) << stop_job;
    EXPECT_EQ(s.bless, Bless::blessed) << stop_job;
    EXPECT_EQ(s.verdict, Verdict::good) << stop_job << " " << s.summary;
    EXPECT_EQ(exit_status(s.verdict), 0);
  }
}

TEST(BootStatus, ParsesWhetherAUnitBecameActiveInThisBoot) {
  const auto states = parse_show_output(
      "Id=boot-complete.target\nActiveState=inactive\nActiveEnterTimestampMonotonic=81234567\n"
      "\nId=myapp.service\nActiveState=failed\nActiveEnterTimestampMonotonic=0\n",
      {"boot-complete.target", "myapp.service"});
  EXPECT_TRUE(states.at("boot-complete.target").active_entered);
  EXPECT_FALSE(states.at("myapp.service").active_entered);
  EXPECT_NE(kShowProperties.find("ActiveEnterTimestampMonotonic"), std::string_view::npos);
}

TEST(BootStatus, ATargetNeverReachedIsStillFailedOrPending) {
  const MemoryRoot root = gated_root(false, false);
  UnitState complete = target("inactive");
  complete.started = true;  // its start job ran and failed on a dependency
  BootStatus s = gather_status(
      root, boot(service("failed", "failed", "exit-code", 1), complete, not_found()).query());
  EXPECT_EQ(s.boot_complete, TargetState::failed);
  EXPECT_EQ(s.verdict, Verdict::failed);
  // A unit still starting with a job, never active: pending, not ok.
  UnitState starting = pending_job(service("activating", "start", "success", 0));
  s = gather_status(root, boot(starting, pending_job(target("inactive")), not_found()).query());
  EXPECT_EQ(s.units[0].outcome, Outcome::pending);
}

// A root as the loader and the initramfs leave it on a systemd-boot install
// with the ESP at /efi: `mode` sentinel, the entries' files (name and
// sort-key), LoaderEntrySelected and, on a counted boot, LoaderBootCountPath.
MemoryRoot loader_root(const std::string& mode, const std::vector<std::string>& files,
                       const std::string& selected, const std::string& count_path) {
  MemoryRoot root;
  root.add_dir("/run").add_dir("/run/cos").add_file("/run/cos/" + mode + "_mode", "1");
  root.add_dir("/sys").add_dir("/sys/firmware").add_dir("/sys/firmware/efi");
  root.add_dir("/sys/firmware/efi/efivars");
  if (!selected.empty()) {
    root.add_file(std::string(kLoaderEntrySelectedVariable), encode_efi_string_variable(selected));
  }
  if (!count_path.empty()) {
    root.add_file(std::string(kBootCountVariable), encode_boot_count_variable(count_path));
  }
  root.add_dir("/efi").add_dir("/efi/loader").add_dir("/efi/loader/entries");
  for (const std::string& f : files) {
    const LoaderEntry e = parse_loader_entry(f);
    const std::string stem = e.id.substr(0, e.id.find('.'));
    const std::string key = stem == "active" ? "0001" : stem == "passive" ? "0002" : "0003";
    root.add_file("/efi/loader/entries/" + f, "title " + stem + "\nsort-key " + key + "\n");
  }
  return root;
}

FakeQuery nothing_gated() {
  return FakeQuery{};
}

TEST(BootStatus, APassiveBootAfterAnExhaustedActiveEntryIsAFallback) {
  // As systemd-boot 252 leaves it: LoaderEntrySelected holds the name from
  // before this boot's rename.
  const MemoryRoot root =
      loader_root("passive", {"active+0-3.conf", "passive+2-1.conf", "recovery+3.conf"},
                  "passive+3.conf", "\\loader\\entries\\passive+2-1.conf");
  const BootStatus s = gather_status(root, nothing_gated().query());
  EXPECT_TRUE(s.fallback.fell_back);
  ASSERT_TRUE(s.fallback.failed_entry);
  EXPECT_EQ(s.fallback.failed_entry->file, "active+0-3.conf");
  EXPECT_EQ(s.fallback.failed_entry->done, 3u);
  EXPECT_EQ(s.fallback.reason,
            "the entry active+0-3.conf used its 3 tries without being marked good, so the loader "
            "booted passive+2-1.conf (passive)");
  EXPECT_EQ(s.verdict, Verdict::fallback);
  EXPECT_EQ(exit_status(s.verdict), 1);
  EXPECT_TRUE(s.counting_health.active);
  EXPECT_FALSE(s.counting_health.broken);
}

TEST(BootStatus, WithoutLoaderEntrySelectedTheCountedPathNamesTheBootedEntry) {
  const MemoryRoot root = loader_root("passive", {"active+0-3.conf", "passive+2-1.conf"}, "",
                                      "\\loader\\entries\\passive+2-1.conf");
  const BootStatus s = gather_status(root, nothing_gated().query());
  EXPECT_FALSE(s.entry);
  EXPECT_EQ(s.verdict, Verdict::fallback) << s.summary;
  EXPECT_NE(s.summary.find("booted passive+2-1.conf (passive)"), std::string::npos) << s.summary;
}

TEST(BootStatus, ARecoveryBootAfterActiveAndPassiveAreExhaustedNamesActive) {
  const MemoryRoot root = loader_root(
      "recovery", {"active+0-3.conf", "passive+0-3.conf", "recovery.conf"}, "recovery.conf", "");
  const BootStatus s = gather_status(root, nothing_gated().query());
  EXPECT_EQ(s.verdict, Verdict::fallback);
  ASSERT_TRUE(s.fallback.failed_entry);
  EXPECT_EQ(s.fallback.failed_entry->file, "active+0-3.conf");
  // An entry written with +0 and no -DONE: how many tries it used is unknown.
  const MemoryRoot zero =
      loader_root("passive", {"active+0.conf", "passive.conf"}, "passive.conf", "");
  EXPECT_EQ(gather_status(zero, nothing_gated().query()).fallback.reason,
            "the entry active+0.conf has no tries left without being marked good, so the loader "
            "booted passive.conf (passive)");
}

TEST(BootStatus, NoFallbackWhenTheExhaustedEntrySortsAfterOrTheBootIsActive) {
  // recovery is exhausted, but passive comes before it.
  MemoryRoot root = loader_root("passive", {"active.conf", "passive.conf", "recovery+0-3.conf"},
                                "passive.conf", "");
  BootStatus s = gather_status(root, nothing_gated().query());
  EXPECT_FALSE(s.fallback.fell_back);
  EXPECT_EQ(s.verdict, Verdict::no_gate);
  // An active boot is never a fallback.
  root = loader_root("active", {"active+2-1.conf", "passive+0-3.conf"}, "active+3.conf",
                     "\\loader\\entries\\active+2-1.conf");
  s = gather_status(root, nothing_gated().query());
  EXPECT_FALSE(s.fallback.fell_back);
  EXPECT_EQ(s.verdict, Verdict::no_gate);
}

TEST(BootStatus, WithoutAMountedEspLoaderEntriesTellTheFallback) {
  MemoryRoot root = loader_root("passive", {}, "passive+3.conf", "");
  root.add_file(std::string(kLoaderEntriesVariable),
                encode_efi_string_list_variable({"passive+3.conf", "active+0-3.conf"}));
  root.add_file(std::string(kBootCountVariable),
                encode_boot_count_variable("\\loader\\entries\\passive+2-1.conf"));
  // The ESP named is not mounted: LoaderEntries is what there is to go by.
  const BootStatus s = gather_status(root, nothing_gated().query(), StatusInputs{"/nowhere"});
  EXPECT_EQ(s.verdict, Verdict::fallback) << s.summary;
  ASSERT_TRUE(s.fallback.failed_entry);
  EXPECT_EQ(s.fallback.failed_entry->file, "active+0-3.conf");
  ASSERT_FALSE(s.loader.problems.empty());
  EXPECT_EQ(s.loader.problems[0].file, "/nowhere");
}

TEST(BootStatus, APassiveGrubBootWithTheUpgradeFailureMarkerIsAFallback) {
  MemoryRoot passive;
  passive.add_dir("/run").add_dir("/run/cos").add_file("/run/cos/passive_mode", "1");
  passive.add_file("/run/cos/upgrade_failure", "");
  const BootStatus s = gather_status(passive, nothing_gated().query());
  EXPECT_TRUE(s.fallback.grub);
  EXPECT_EQ(s.verdict, Verdict::fallback);
  EXPECT_NE(s.summary.find("/run/cos/upgrade_failure"), std::string::npos) << s.summary;
  // The marker on an active boot is no fallback (the mode says what ran).
  MemoryRoot active;
  active.add_dir("/run").add_dir("/run/cos").add_file("/run/cos/active_mode", "1");
  active.add_file("/run/cos/upgrade_failure", "");
  EXPECT_EQ(gather_status(active, nothing_gated().query()).verdict, Verdict::no_gate);
}

TEST(BootStatus, ACountedBootWhoseGateFailedOrIsPendingSaysTheTriesLeft) {
  const MemoryRoot root = gated_root(true, true);
  BootStatus s = gather_status(root, boot(service("failed", "failed", "exit-code", 1),
                                          target("inactive"), target("inactive"))
                                         .query());
  EXPECT_EQ(s.tries_note, "this entry used a try and is not marked good; 2 tries left");
  s = gather_status(root, boot(pending_job(service("activating", "start", "success", 0)),
                               pending_job(target("inactive")), pending_job(target("inactive")))
                              .query());
  EXPECT_EQ(s.verdict, Verdict::pending);
  EXPECT_EQ(s.tries_note, "this entry used a try and is not marked good; 2 tries left");
  s = gather_status(root, boot(service("active", "running", "success", 0), target("active"),
                               service("active", "exited", "success", 0))
                              .query());
  EXPECT_EQ(s.tries_note, "");
  // Uncounted: no tries.
  s = gather_status(
      gated_root(false, false),
      boot(service("failed", "failed", "exit-code", 1), target("inactive"), not_found()).query());
  EXPECT_EQ(s.tries_note, "");
}

TEST(BootStatus, CountersWithoutLoaderBootCountPathMeanCountingIsInactive) {
  // The systemd-boot 258/259 regression: the entry carries +3 and was not
  // renamed, and no LoaderBootCountPath was set.
  const MemoryRoot root =
      loader_root("active", {"active+3.conf", "passive+3.conf"}, "active+3.conf", "");
  const BootStatus s = gather_status(root, nothing_gated().query());
  EXPECT_FALSE(s.counting.counted);
  EXPECT_FALSE(s.counting_health.active);
  EXPECT_TRUE(s.counting_health.broken);
  EXPECT_NE(s.counting_health.reason.find("active+3.conf carries a boot counter"),
            std::string::npos)
      << s.counting_health.reason;
  // A blessed entry is not counted, rightly.
  const MemoryRoot blessed =
      loader_root("active", {"active.conf", "passive+3.conf"}, "active.conf", "");
  const BootStatus b = gather_status(blessed, nothing_gated().query());
  EXPECT_FALSE(b.counting_health.broken);
  EXPECT_EQ(b.counting_health.reason, "the booted entry active.conf carries no boot counter");
}

// node-problem-detector asks about the gate (--problem failed) and about the
// fallback (--problem fallback) separately: a fallback boot's own gate is
// still answered for.
TEST(BootStatus, AFallbackBootStillAnswersForItsOwnGate) {
  MemoryRoot root = loader_root("passive", {"active+0-3.conf", "passive+2-1.conf"},
                                "passive+3.conf", "\\loader\\entries\\passive+2-1.conf");
  root.add_dir("/run/systemd").add_dir("/run/systemd/system").add_dir(kDropinDir);
  root.add_file(kDropin, "[Unit]\nBefore=boot-complete.target\n");
  const std::vector<Verdict> failed{Verdict::failed};
  const std::vector<Verdict> fallback{Verdict::fallback};
  BootStatus s = gather_status(root, boot(service("failed", "failed", "exit-code", 1),
                                          target("inactive"), target("inactive"))
                                         .query());
  EXPECT_EQ(s.verdict, Verdict::fallback) << s.summary;
  EXPECT_EQ(problem_exit_status(s, fallback), 1);
  EXPECT_EQ(problem_exit_status(s, failed), 1) << s.summary;
  FakeQuery unreachable;
  unreachable.unknown_because = "systemd is not running";
  s = gather_status(root, unreachable.query());
  EXPECT_EQ(s.verdict, Verdict::fallback) << s.summary;
  EXPECT_EQ(problem_exit_status(s, fallback), 1);
  EXPECT_EQ(problem_exit_status(s, failed), 3) << s.summary;
  s = gather_status(root, boot(service("active", "running", "success", 0), target("active"),
                               service("active", "exited", "success", 0))
                              .query());
  EXPECT_EQ(s.verdict, Verdict::fallback) << s.summary;
  EXPECT_EQ(problem_exit_status(s, failed), 0) << s.summary;
}

TEST(BootStatus, VerdictsHaveTheirNamesAndExitStatuses) {
  std::vector<std::string> names;
  for (Verdict v : kAllVerdicts) {
    names.emplace_back(verdict_name(v));
    EXPECT_EQ(verdict_from_name(verdict_name(v)), v);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"good", "failed", "pending", "fallback", "no-gate",
                                             "unknown"}));
  EXPECT_FALSE(verdict_from_name("ok"));
  EXPECT_EQ(exit_status(Verdict::good), 0);
  EXPECT_EQ(exit_status(Verdict::no_gate), 0);
  EXPECT_EQ(exit_status(Verdict::failed), 1);
  EXPECT_EQ(exit_status(Verdict::fallback), 1);
  EXPECT_EQ(exit_status(Verdict::pending), 3);
  EXPECT_EQ(exit_status(Verdict::unknown), 3);
  // node-problem-detector's mapping for one condition.
  const std::vector<Verdict> fallback{Verdict::fallback};
  EXPECT_EQ(problem_exit_status(Verdict::fallback, fallback), 1);
  EXPECT_EQ(problem_exit_status(Verdict::failed, fallback), 0);
  EXPECT_EQ(problem_exit_status(Verdict::pending, fallback), 0);
  EXPECT_EQ(problem_exit_status(Verdict::unknown, fallback), 3);
}

}  // namespace
}  // namespace bootassess::status

namespace bootassess::status {
namespace {

// A gated boot with two checks as `apply` writes them: `api` required (it
// has the gate's drop-in, so it is a gated unit too) and `dash` wanted.
MemoryRoot checked_root() {
  MemoryRoot root = gated_root(false, false);
  const std::string dir = "/run/systemd/system/";
  root.add_file(dir + "bootassess-check-api.service",
                "[Unit]\nDescription=bootassess check api (required): tcp 127.0.0.1:6443\n"
                "X-Bootassess-Check=api\nX-Bootassess-Required=true\n[Service]\nType=oneshot\n");
  root.add_dir(dir + "bootassess-check-api.service.d");
  root.add_file(dir + "bootassess-check-api.service.d/zz-bootassess-boot-assessment.conf",
                "[Unit]\nBefore=boot-complete.target\n[Install]\n"
                "RequiredBy=boot-complete.target\n");
  root.add_file(dir + "bootassess-check-dash.service",
                "[Unit]\nDescription=bootassess check dash (wanted): http http://h/\n"
                "X-Bootassess-Check=dash\nX-Bootassess-Required=false\n");
  // Not a check: another unit under /run.
  root.add_file(dir + "other.service", "[Unit]\nX-Bootassess-Check=other\n");
  return root;
}

TEST(BootStatusChecks, AFailedWantedCheckIsShownAndNeverChangesTheVerdict) {
  const MemoryRoot root = checked_root();
  std::vector<std::string> asked;
  FakeQuery q = boot(service("active", "running", "success", 0), target("active"), UnitState{});
  q.states["bootassess-check-api.service"] = service("active", "exited", "success", 0);
  q.states["bootassess-check-dash.service"] = service("failed", "failed", "exit-code", 1);
  q.asked = &asked;
  const BootStatus s = gather_status(root, q.query());
  EXPECT_EQ(asked,
            (std::vector<std::string>{"bootassess-check-api.service", "myapp.service",
                                      "bootassess-check-dash.service", "boot-complete.target",
                                      "systemd-bless-boot.service"}));
  ASSERT_EQ(s.checks.size(), 2u);
  EXPECT_EQ(s.checks[0].name, "api");
  EXPECT_TRUE(s.checks[0].required);
  EXPECT_EQ(s.checks[0].outcome, Outcome::ok);
  EXPECT_EQ(s.checks[1].name, "dash");
  EXPECT_FALSE(s.checks[1].required);
  EXPECT_EQ(s.checks[1].outcome, Outcome::failed);
  EXPECT_EQ(s.checks[1].detail, "failed (exit status 1)");
  EXPECT_EQ(s.checks[1].description, "bootassess check dash (wanted): http http://h/");
  EXPECT_EQ(s.verdict, Verdict::good) << s.summary;
}

TEST(BootStatusChecks, AFailedRequiredCheckFailsTheBootAsAGatedUnit) {
  const MemoryRoot root = checked_root();
  FakeQuery q = boot(service("active", "running", "success", 0), target("inactive"), UnitState{});
  q.states["bootassess-check-api.service"] = service("failed", "failed", "exit-code", 1);
  q.states["bootassess-check-dash.service"] = service("active", "exited", "success", 0);
  const BootStatus s = gather_status(root, q.query());
  EXPECT_EQ(s.verdict, Verdict::failed);
  EXPECT_NE(s.summary.find("bootassess-check-api.service failed (exit status 1)"),
            std::string::npos)
      << s.summary;
  ASSERT_EQ(s.checks.size(), 2u);
  EXPECT_EQ(s.checks[0].outcome, Outcome::failed);
  EXPECT_EQ(s.checks[1].outcome, Outcome::ok);
}

TEST(BootStatusChecks, NoChecksWithoutGeneratedUnits) {
  const MemoryRoot root = gated_root(false, false);
  const FakeQuery q =
      boot(service("active", "running", "success", 0), target("active"), UnitState{});
  EXPECT_TRUE(gather_status(root, q.query()).checks.empty());
}

}  // namespace
}  // namespace bootassess::status
