#include "probe/deadline.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

namespace bootassess::probe {

std::chrono::milliseconds Deadline::left() const {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(at_ - Clock::now());
  return std::max(left, std::chrono::milliseconds(0));
}

std::string tried_for(const std::string& detail, int attempts, Clock::duration elapsed,
                      bool timed_out) {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  if (attempts == 1 && timed_out) return fmt::format("{} after {:.1f} s", detail, seconds);
  return fmt::format("{} after {} attempt{} in {:.1f} s", detail, attempts,
                     attempts == 1 ? "" : "s", seconds);
}

Verdict retry_until(std::chrono::milliseconds timeout, std::chrono::milliseconds interval,
                    const std::function<Attempt(const Deadline&)>& attempt) {
  const Clock::time_point start = Clock::now();
  const Deadline deadline(start + timeout);
  Verdict verdict;
  for (;;) {
    ++verdict.attempts;
    const Attempt seen = attempt(deadline);
    if (seen.passed) {
      verdict.passed = true;
      verdict.detail =
          verdict.attempts == 1
              ? seen.detail
              : fmt::format("{} ({})", seen.detail,
                            tried_for("passed", verdict.attempts, Clock::now() - start, false));
      return verdict;
    }
    if (!deadline.passed() && !seen.timed_out) {
      std::this_thread::sleep_for(std::min(interval, deadline.left()));
    }
    if (deadline.passed() || seen.timed_out) {
      verdict.detail =
          tried_for(seen.detail, verdict.attempts, Clock::now() - start, seen.timed_out);
      return verdict;
    }
  }
}

}  // namespace bootassess::probe
