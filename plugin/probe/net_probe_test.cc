#include "probe/net_probe.h"

#include <gtest/gtest.h>

#include "root/fd.h"
#include "support/loopback_server.h"

namespace bootassess::probe {
namespace {

using namespace std::chrono_literals;
using testing::bound_socket;
using testing::Server;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

Endpoint endpoint(const std::string& text) {
  Parsed<Endpoint> e = parse_endpoint(text);
  EXPECT_TRUE(e.value) << e.error;
  return e.value.value_or(Endpoint{});
}

Url url(const std::string& text) {
  Parsed<Url> u = parse_url(text);
  EXPECT_TRUE(u.value) << u.error;
  return u.value.value_or(Url{});
}

TEST(ProbeStatusLine, ReadsTheStatusOrSaysWhyNot) {
  EXPECT_EQ(parse_status_line("HTTP/1.1 200 OK\r\n", false).code, 200);
  EXPECT_EQ(parse_status_line("HTTP/1.0 503 Service Unavailable\n", false).code, 503);
  EXPECT_EQ(parse_status_line("HTTP/1.1 204\r\n", false).code, 204);
  EXPECT_EQ(parse_status_line("HTTP/1.1 404", true).code, 404);
  // Not yet complete: wait for more.
  StatusLine s = parse_status_line("HTTP/1.1 20", false);
  EXPECT_FALSE(s.code);
  EXPECT_TRUE(s.problem.empty());
  s = parse_status_line("", false);
  EXPECT_TRUE(s.problem.empty());
  // Complete, or cannot become one.
  s = parse_status_line("", true);
  EXPECT_EQ(s.problem, "closed the connection without an answer");
  s = parse_status_line("SSH-2.0-OpenSSH_9.2", false);
  EXPECT_EQ(s.problem, "answered with no HTTP status line: \"SSH-2.0-OpenSSH_9.2\"");
  s = parse_status_line("HTTP/1.1 2OO OK\r\n", false);
  EXPECT_TRUE(contains(s.problem, "no HTTP status line")) << s.problem;
  s = parse_status_line("HTTP/1.1 2000 OK\r\n", false);
  EXPECT_TRUE(contains(s.problem, "no HTTP status line")) << s.problem;
  s = parse_status_line("HTTP/2 200\r\n", false);
  EXPECT_TRUE(contains(s.problem, "no HTTP status line")) << s.problem;
  s = parse_status_line("HTTP/1.1 100 Continue\r\n\r\n", false);
  EXPECT_EQ(s.problem, "answered 100, an interim status, where a final one was expected");
  s = parse_status_line(std::string(kMaxAnswer, 'H').insert(0, "HTTP/1.1 "), false);
  EXPECT_TRUE(contains(s.problem, "no HTTP status line")) << s.problem;
  s = parse_status_line("bad\x01line\n", false);
  EXPECT_EQ(s.problem, "answered with no HTTP status line: \"bad\\x01line\"");
}

TEST(ProbeStatusLine, TheRequestIsAMinimalGet) {
  EXPECT_EQ(http_request(url("http://[::1]:8080/healthz?x=1")),
            "GET /healthz?x=1 HTTP/1.1\r\nHost: [::1]:8080\r\nUser-Agent: bootassess/" +
                std::string(BOOTASSESS_VERSION) + "\r\nAccept: */*\r\nConnection: close\r\n\r\n");
}

TEST(ProbeTcp, AcceptedOrRefused) {
  Server server("");
  Attempt a = tcp_attempt(endpoint(server.endpoint()), Deadline::after(60s));
  EXPECT_TRUE(a.passed) << a.detail;
  EXPECT_EQ(a.detail, server.endpoint() + " accepted a connection");
  // A port bound but not listening refuses.
  std::uint16_t port = 0;
  const Fd closed = bound_socket(port);
  const std::string target = "127.0.0.1:" + std::to_string(port);
  a = tcp_attempt(endpoint(target), Deadline::after(60s));
  EXPECT_FALSE(a.passed);
  EXPECT_FALSE(a.timed_out);
  EXPECT_EQ(a.detail, target + ": connection refused");
  a = tcp_attempt(endpoint("no-such-host.invalid:80"), Deadline::after(60s));
  EXPECT_FALSE(a.passed);
  EXPECT_TRUE(contains(a.detail, "unknown host name 'no-such-host.invalid'")) << a.detail;
}

TEST(ProbeHttp, ATwoHundredPasses) {
  Server server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  const Attempt a = http_attempt(url("http://" + server.endpoint() + "/healthz"), std::nullopt,
                                 Deadline::after(60s));
  EXPECT_TRUE(a.passed) << a.detail;
  EXPECT_EQ(a.detail, "http://" + server.endpoint() + "/healthz answered 200");
  const std::string request = server.request();
  EXPECT_TRUE(request.starts_with("GET /healthz HTTP/1.1\r\nHost: " + server.endpoint() + "\r\n"))
      << request;
  EXPECT_TRUE(contains(request, "\r\nConnection: close\r\n")) << request;
}

TEST(ProbeHttp, AnotherStatusFailsUnlessItIsTheOneAskedFor) {
  Server server("HTTP/1.1 503 Service Unavailable\r\n\r\n");
  const std::string u = "http://" + server.endpoint() + "/";
  Attempt a = http_attempt(url(u), std::nullopt, Deadline::after(60s));
  EXPECT_FALSE(a.passed);
  EXPECT_EQ(a.detail, u + " answered 503");
  a = http_attempt(url(u), 503, Deadline::after(60s));
  EXPECT_TRUE(a.passed) << a.detail;
  a = http_attempt(url(u), 200, Deadline::after(60s));
  EXPECT_FALSE(a.passed);
  EXPECT_EQ(a.detail, u + " answered 503, not 200");
  Server ok("HTTP/1.1 204 No Content\r\n\r\n");
  const std::string v = "http://" + ok.endpoint() + "/";
  EXPECT_TRUE(http_attempt(url(v), std::nullopt, Deadline::after(60s)).passed);
  a = http_attempt(url(v), 200, Deadline::after(60s));
  EXPECT_FALSE(a.passed);
  EXPECT_EQ(a.detail, v + " answered 204, not 200");
}

TEST(ProbeHttp, GarbageAnInterimStatusOrNothingFails) {
  Server garbage("SSH-2.0-OpenSSH_9.2\r\n");
  Attempt a =
      http_attempt(url("http://" + garbage.endpoint() + "/"), std::nullopt, Deadline::after(60s));
  EXPECT_FALSE(a.passed);
  EXPECT_FALSE(a.timed_out);
  EXPECT_TRUE(contains(a.detail, "answered with no HTTP status line: \"SSH-2.0-OpenSSH_9.2\""))
      << a.detail;
  Server interim("HTTP/1.1 100 Continue\r\n\r\n");
  a = http_attempt(url("http://" + interim.endpoint() + "/"), std::nullopt, Deadline::after(60s));
  EXPECT_FALSE(a.passed);
  EXPECT_TRUE(contains(a.detail, "answered 100, an interim status")) << a.detail;
  Server closes("");
  a = http_attempt(url("http://" + closes.endpoint() + "/"), std::nullopt, Deadline::after(60s));
  EXPECT_FALSE(a.passed);
  EXPECT_TRUE(contains(a.detail, "closed the connection without an answer")) << a.detail;
  Server endless(std::string(3 * kMaxAnswer, 'x'));
  a = http_attempt(url("http://" + endless.endpoint() + "/"), std::nullopt, Deadline::after(60s));
  EXPECT_FALSE(a.passed);
  EXPECT_TRUE(contains(a.detail, "no HTTP status line")) << a.detail;
}

TEST(ProbeHttp, AServerThatNeverAnswersIsEndedByTheDeadline) {
  Server silent("", true);
  const Attempt a =
      http_attempt(url("http://" + silent.endpoint() + "/"), std::nullopt, Deadline::after(300ms));
  EXPECT_FALSE(a.passed);
  EXPECT_TRUE(a.timed_out);
  EXPECT_EQ(a.detail, "http://" + silent.endpoint() + "/: no answer");
  // Through the retry loop: one attempt, ended by the deadline.
  const Verdict v = retry_until(300ms, 10ms, [&](const Deadline& deadline) {
    return http_attempt(url("http://" + silent.endpoint() + "/"), std::nullopt, deadline);
  });
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.attempts, 1);
  EXPECT_TRUE(v.detail.starts_with("http://" + silent.endpoint() + "/: no answer after "))
      << v.detail;
}

}  // namespace
}  // namespace bootassess::probe
