// The time a check may take, and its retry loop: one attempt after another,
// each bounded by the time left, `interval` apart, until one passes or the
// deadline has passed.
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace bootassess::probe {

using Clock = std::chrono::steady_clock;

class Deadline {
 public:
  explicit Deadline(Clock::time_point at) : at_(at) {}
  static Deadline after(std::chrono::milliseconds span) { return Deadline(Clock::now() + span); }
  // The whole milliseconds left (rounded up), never negative.
  std::chrono::milliseconds left() const;
  bool passed() const { return Clock::now() >= at_; }
  Clock::time_point at() const { return at_; }

 private:
  Clock::time_point at_;
};

// What one attempt saw.
struct Attempt {
  bool passed = false;
  std::string detail;      // what was seen ("127.0.0.1:80: connection refused")
  bool timed_out = false;  // the attempt was ended by the deadline
};

// What the check concluded.
struct Verdict {
  bool passed = false;
  std::string detail;  // the last attempt's, with how many attempts it took
  int attempts = 0;
};

// Runs `attempt` until it passes or `timeout` has passed, pausing `interval`
// between attempts. The detail of a failure ends with how long it was tried
// ("... after 12 attempts in 30.0 s"; "timed out after 30.0 s" when the only
// attempt ran into the deadline).
Verdict retry_until(std::chrono::milliseconds timeout, std::chrono::milliseconds interval,
                    const std::function<Attempt(const Deadline&)>& attempt);

// The last detail with how long it was tried: `attempts` attempts over
// `elapsed`, the last one ended by the deadline or not.
std::string tried_for(const std::string& detail, int attempts, Clock::duration elapsed,
                      bool timed_out);

}  // namespace bootassess::probe
