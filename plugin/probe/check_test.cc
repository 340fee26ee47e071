#include "probe/check.h"

#include <gtest/gtest.h>

namespace bootassess::probe {
namespace {

using namespace std::chrono_literals;

CheckRequest request(std::string kind, std::vector<std::string> words) {
  CheckRequest r;
  r.kind = std::move(kind);
  r.words = std::move(words);
  return r;
}

std::string usage_error(const CheckRequest& r) {
  const Parsed<CheckSpec> spec = make_check_spec(r);
  EXPECT_FALSE(spec.value) << r.kind;
  return spec.error;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ProbeCheck, MakesSpecsWithDefaults) {
  Parsed<CheckSpec> spec = make_check_spec(request("tcp", {"127.0.0.1:6443"}));
  ASSERT_TRUE(spec.value) << spec.error;
  EXPECT_EQ(spec.value->kind, Kind::tcp);
  EXPECT_EQ(spec.value->name, "tcp");
  EXPECT_EQ(spec.value->timeout, 30s);
  EXPECT_EQ(spec.value->interval, 1s);
  ASSERT_TRUE(spec.value->endpoint);
  EXPECT_EQ(spec.value->endpoint->port, 6443);

  CheckRequest r = request("command", {"/usr/bin/k3s", "check-config"});
  r.name = "k3s";
  r.timeout = 0.25;
  r.interval = 0.0001;
  spec = make_check_spec(r);
  ASSERT_TRUE(spec.value) << spec.error;
  EXPECT_EQ(spec.value->name, "k3s");
  EXPECT_EQ(spec.value->argv, r.words);
  EXPECT_EQ(spec.value->timeout, 250ms);
  EXPECT_EQ(spec.value->interval, 1ms);

  r = request("http", {"http://127.0.0.1:8080/healthz"});
  r.status = 204;
  spec = make_check_spec(r);
  ASSERT_TRUE(spec.value) << spec.error;
  ASSERT_TRUE(spec.value->url);
  EXPECT_EQ(spec.value->status, 204);

  r = request("mount", {"/usr/local"});
  r.fstype = "ext4";
  EXPECT_TRUE(make_check_spec(r).value);
  r = request("path", {"/run/k3s.sock"});
  r.type = "socket";
  EXPECT_TRUE(make_check_spec(r).value);
  EXPECT_TRUE(make_check_spec(request("unit", {"k3s.service"})).value);
  EXPECT_TRUE(make_check_spec(request("unit", {"k3s"})).value);
  EXPECT_TRUE(make_check_spec(request("unit", {"getty@tty1.service"})).value);
}

TEST(ProbeCheck, UsageErrorsSayWhatIsWrong) {
  EXPECT_TRUE(contains(usage_error(request("tpc", {"x:1"})), "'tpc' is not a kind of check"));
  EXPECT_TRUE(contains(usage_error(request("tcp", {})), "tcp: the target is missing"));
  EXPECT_TRUE(contains(usage_error(request("tcp", {"a:1", "b"})), "'b' is one too many"));
  EXPECT_TRUE(contains(usage_error(request("tcp", {"a"})), "has no port"));
  EXPECT_TRUE(contains(usage_error(request("path", {"etc"})), "is not an absolute path"));
  EXPECT_TRUE(contains(usage_error(request("mount", {"usr"})), "is not an absolute path"));
  EXPECT_TRUE(contains(usage_error(request("command", {})), "the program to run is missing"));
  EXPECT_TRUE(contains(usage_error(request("command", {"sh", "-c", "true"})),
                       "'sh' is not an absolute path"));
  EXPECT_TRUE(contains(usage_error(request("http", {"https://h/"})), "https is not supported"));
  EXPECT_TRUE(contains(usage_error(request("unit", {"a b"})), "is not a unit name"));
  EXPECT_TRUE(contains(usage_error(request("unit", {"a/b.service"})), "is not a unit name"));

  // An option of another kind.
  CheckRequest r = request("path", {"/x"});
  r.fstype = "ext4";
  EXPECT_TRUE(contains(usage_error(r), "--fstype is only for mount"));
  r = request("mount", {"/x"});
  r.type = "file";
  r.status = 200;
  EXPECT_TRUE(contains(usage_error(r), "--type is only for path"));
  r.type.reset();
  EXPECT_TRUE(contains(usage_error(r), "--status is only for http"));
  r = request("path", {"/x"});
  r.type = "regular";
  EXPECT_TRUE(contains(usage_error(r), "--type: 'regular' is not one of file, directory"));
  r = request("http", {"http://h/"});
  r.status = 99;
  EXPECT_TRUE(contains(usage_error(r), "--status: an HTTP status code"));
  for (const double bad : {0.0, -1.0, 1e300, std::numeric_limits<double>::quiet_NaN(),
                           std::numeric_limits<double>::infinity()}) {
    r = request("path", {"/x"});
    r.timeout = bad;
    EXPECT_TRUE(contains(usage_error(r), "--timeout: a number of seconds greater than 0"));
    r = request("path", {"/x"});
    r.interval = bad;
    EXPECT_TRUE(contains(usage_error(r), "--interval: a number of seconds greater than 0"));
  }
  r = request("path", {"/x"});
  r.name = "a\nb";
  EXPECT_TRUE(contains(usage_error(r), "--name: a name is one line"));
}

TEST(ProbeCheck, PrintsOneLine) {
  EXPECT_EQ(check_line("api", Verdict{true, "127.0.0.1:1 accepted a connection", 1}),
            "api: ok: 127.0.0.1:1 accepted a connection");
  EXPECT_EQ(check_line("x", Verdict{false, "said \"a\nb\"", 2}), "x: failed: said \"a\\nb\"");
}

TEST(ProbeCheck, RunsTheProbeOfItsKind) {
  CheckRequest r = request("path", {"/"});
  r.type = "directory";
  Parsed<CheckSpec> spec = make_check_spec(r);
  ASSERT_TRUE(spec.value);
  Verdict v = run_check(*spec.value);
  EXPECT_TRUE(v.passed) << v.detail;
  EXPECT_EQ(v.detail, "/ exists (a directory)");
  r = request("mount", {"/"});
  spec = make_check_spec(r);
  v = run_check(*spec.value);
  EXPECT_TRUE(v.passed) << v.detail;
  r = request("command", {"/bin/sh", "-c", "exit 0"});
  v = run_check(*make_check_spec(r).value);
  EXPECT_TRUE(v.passed) << v.detail;
  EXPECT_EQ(v.detail, "/bin/sh exited with status 0");
}

}  // namespace
}  // namespace bootassess::probe
