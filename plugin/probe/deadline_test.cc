#include "probe/deadline.h"

#include <gtest/gtest.h>

namespace bootassess::probe {
namespace {

using namespace std::chrono_literals;

TEST(ProbeDeadline, RetriesUntilAnAttemptPasses) {
  int calls = 0;
  const Verdict v = retry_until(60s, 1ms, [&](const Deadline&) {
    ++calls;
    Attempt a;
    a.passed = calls == 3;
    a.detail = a.passed ? "up" : "down";
    return a;
  });
  EXPECT_TRUE(v.passed);
  EXPECT_EQ(v.attempts, 3);
  EXPECT_EQ(calls, 3);
  EXPECT_TRUE(v.detail.starts_with("up (passed after 3 attempts in ")) << v.detail;
}

TEST(ProbeDeadline, AFirstPassIsSaidPlainly) {
  const Verdict v = retry_until(60s, 1s, [](const Deadline&) {
    return Attempt{true, "up", false};
  });
  EXPECT_TRUE(v.passed);
  EXPECT_EQ(v.attempts, 1);
  EXPECT_EQ(v.detail, "up");
}

TEST(ProbeDeadline, TheDeadlineEndsAFailingCheckWithTheLastDetail) {
  int calls = 0;
  const Verdict v = retry_until(200ms, 10ms, [&](const Deadline& deadline) {
    ++calls;
    EXPECT_LE(deadline.left(), 200ms);
    return Attempt{false, "refused " + std::to_string(calls), false};
  });
  EXPECT_FALSE(v.passed);
  EXPECT_GT(v.attempts, 1);
  EXPECT_EQ(v.attempts, calls);
  EXPECT_TRUE(v.detail.starts_with("refused " + std::to_string(calls) + " after " +
                                   std::to_string(calls) + " attempts in "))
      << v.detail;
  EXPECT_TRUE(v.detail.ends_with(" s")) << v.detail;
}

TEST(ProbeDeadline, AnAttemptEndedByTheDeadlineIsTheLast) {
  int calls = 0;
  const Verdict v = retry_until(50ms, 1ms, [&](const Deadline&) {
    ++calls;
    return Attempt{false, "timed out", true};
  });
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(v.detail.starts_with("timed out after ")) << v.detail;
  EXPECT_EQ(v.detail.find("attempt"), std::string::npos) << v.detail;
}

TEST(ProbeDeadline, SaysHowLongItTried) {
  EXPECT_EQ(tried_for("x", 12, 30s, false), "x after 12 attempts in 30.0 s");
  EXPECT_EQ(tried_for("x", 1, 1500ms, false), "x after 1 attempt in 1.5 s");
  EXPECT_EQ(tried_for("timed out", 1, 30s, true), "timed out after 30.0 s");
  EXPECT_EQ(tried_for("timed out", 2, 30s, true), "timed out after 2 attempts in 30.0 s");
  EXPECT_EQ(Deadline::after(-5s).left(), 0ms);
  EXPECT_TRUE(Deadline::after(-5s).passed());
  EXPECT_FALSE(Deadline::after(60s).passed());
}

}  // namespace
}  // namespace bootassess::probe
