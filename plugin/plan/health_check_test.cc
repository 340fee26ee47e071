#include "plan/health_check.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "load/loader.h"

namespace bootassess {
namespace {

// The boot_assessment step of a one-step document.
BootAssessmentStep gate_of(const std::string& yaml) {
  Diagnostics d;
  std::optional<Document> doc = load_document("t.yaml", yaml, d);
  EXPECT_TRUE(doc) << (d.items().empty() ? "" : d.items()[0].message);
  if (!doc) return {};
  return *doc->stages.at("initramfs").at(0).boot_assessment;
}

std::string one_check(const std::string& body) {
  return "stages:\n  initramfs:\n    - boot_assessment:\n        checks:\n          - " + body;
}

// The rules check_configuration() reports on `yaml`, each as RULE@LINE.
std::vector<std::string> findings(const std::string& yaml) {
  Diagnostics out;
  check_configuration(gate_of(yaml), out);
  std::vector<std::string> rules;
  for (const Diagnostic& d : out.items())
    rules.push_back(d.rule + "@" + std::to_string(d.where.line));
  return rules;
}

TEST(HealthCheck, ExecWordsArePlainUnlessSystemdWouldReadThemOtherwise) {
  EXPECT_EQ(systemd_exec_word("/usr/bin/bootassess"), "/usr/bin/bootassess");
  EXPECT_EQ(systemd_exec_word("127.0.0.1:6443"), "127.0.0.1:6443");
  // Specifiers and variables are doubled, inside quotes or not.
  EXPECT_EQ(systemd_exec_word("100%"), "100%%");
  EXPECT_EQ(systemd_exec_word("$HOME"), "$$HOME");
  EXPECT_EQ(systemd_exec_word("a b%c"), "\"a b%%c\"");
  EXPECT_EQ(systemd_exec_word("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(systemd_exec_word("it's"), "\"it's\"");
  EXPECT_EQ(systemd_exec_word("back\\slash"), "\"back\\\\slash\"");
  EXPECT_EQ(systemd_exec_word("two\nlines\t\x01"), "\"two\\nlines\\t\\x01\"");
  EXPECT_EQ(systemd_exec_word(""), "\"\"");
  EXPECT_EQ(systemd_exec_word(";"), "\";\"");
  EXPECT_EQ(systemd_exec_word(";;"), ";;");
}

TEST(HealthCheck, SecondsAreWrittenShortest) {
  EXPECT_EQ(format_seconds(30), "30");
  EXPECT_EQ(format_seconds(0.5), "0.5");
  EXPECT_EQ(format_seconds(2.25), "2.25");
  EXPECT_EQ(format_seconds(120.0), "120");
}

TEST(HealthCheck, CommandLineFollowsTheVerbsInterface) {
  const BootAssessmentStep g = gate_of(R"(stages:
  initramfs:
    - boot_assessment:
        checks:
          - {name: usr-local, mount: /usr/local, fstype: ext4}
          - {name: conf, path: /etc/k3s.yaml, type: file, timeout: 5, interval: 0.5}
          - {name: api, tcp: '127.0.0.1:6443', timeout: 120, interval: 2}
          - {name: dash, http: 'http://127.0.0.1:8080/healthz', status: 204, required: false}
          - {name: etcd, command: [/usr/local/bin/etcdctl, endpoint, health]}
          - {name: k3s, unit: k3s.service}
)");
  ASSERT_EQ(g.checks.size(), 6u);
  using V = std::vector<std::string>;
  const std::string b = "/usr/bin/bootassess";
  EXPECT_EQ(check_command_line(g.checks[0], b),
            (V{b, "check", "mount", "/usr/local", "--name", "usr-local", "--timeout", "30",
               "--interval", "1", "--fstype", "ext4"}));
  EXPECT_EQ(check_command_line(g.checks[1], b),
            (V{b, "check", "path", "/etc/k3s.yaml", "--name", "conf", "--timeout", "5",
               "--interval", "0.5", "--type", "file"}));
  EXPECT_EQ(check_command_line(g.checks[2], b), (V{b, "check", "tcp", "127.0.0.1:6443", "--name",
                                                   "api", "--timeout", "120", "--interval", "2"}));
  EXPECT_EQ(check_command_line(g.checks[3], b),
            (V{b, "check", "http", "http://127.0.0.1:8080/healthz", "--name", "dash", "--timeout",
               "30", "--interval", "1", "--status", "204"}));
  EXPECT_EQ(check_command_line(g.checks[4], b),
            (V{b, "check", "command", "--name", "etcd", "--timeout", "30", "--interval", "1", "--",
               "/usr/local/bin/etcdctl", "endpoint", "health"}));
  EXPECT_EQ(check_command_line(g.checks[5], b), (V{b, "check", "unit", "k3s.service", "--name",
                                                   "k3s", "--timeout", "30", "--interval", "1"}));
  EXPECT_FALSE(g.checks[3].is_required());
  EXPECT_TRUE(g.checks[4].is_required());
}

TEST(HealthCheck, UnitFileRunsTheVerbWithATimeoutAboveTheChecks) {
  const BootAssessmentStep g = gate_of(R"(stages:
  initramfs:
    - boot_assessment:
        checks:
          - {name: api, tcp: '127.0.0.1:6443', timeout: 120.5}
          - {name: k3s, unit: k3s.service, required: false}
          - {name: odd, command: [/bin/echo, 'a b%c', '$HOME']}
)");
  const std::string required =
      check_unit_content(g.checks[0], "/usr/bin/bootassess", "gate", BootMode::active);
  EXPECT_NE(required.find("\nDescription=bootassess check api (required): tcp 127.0.0.1:6443\n"),
            std::string::npos)
      << required;
  EXPECT_NE(required.find("\nType=oneshot\nRemainAfterExit=yes\n"), std::string::npos);
  EXPECT_NE(required.find("\nExecStart=/usr/bin/bootassess check tcp 127.0.0.1:6443 --name api "
                          "--timeout 120.5 --interval 1\n"),
            std::string::npos)
      << required;
  EXPECT_NE(required.find("\nTimeoutStartSec=126\n"), std::string::npos) << required;
  EXPECT_EQ(required.find("[Install]"), std::string::npos) << "the drop-in requires it";
  EXPECT_NE(required.find("\nX-Bootassess-Required=true\n"), std::string::npos);
  EXPECT_EQ(required.find("FailureAction"), std::string::npos) << "only the drop-in reboots";
  const std::string wanted =
      check_unit_content(g.checks[1], "/usr/bin/bootassess", "gate", BootMode::passive);
  EXPECT_NE(wanted.find("\nWantedBy=boot-complete.target\n"), std::string::npos) << wanted;
  EXPECT_EQ(wanted.find("RequiredBy"), std::string::npos) << wanted;
  EXPECT_NE(wanted.find("\nAfter=k3s.service\n"), std::string::npos) << wanted;
  EXPECT_NE(wanted.find("\nX-Bootassess-Required=false\n"), std::string::npos);
  const std::string odd =
      check_unit_content(g.checks[2], "/usr/bin/bootassess", "100% gate", BootMode::active);
  EXPECT_NE(odd.find(" -- /bin/echo \"a b%%c\" $$HOME\n"), std::string::npos) << odd;
  EXPECT_NE(odd.find("\nDescription=bootassess check odd (required): command /bin/echo\n"),
            std::string::npos)
      << odd;
}

TEST(HealthCheck, UnitNamesRoundTrip) {
  EXPECT_EQ(check_unit_name("k3s-api"), "bootassess-check-k3s-api.service");
  EXPECT_EQ(check_name_of_unit("bootassess-check-k3s-api.service"), "k3s-api");
  EXPECT_EQ(check_name_of_unit("bootassess-check-.service"), "");
  EXPECT_EQ(check_name_of_unit("k3s.service"), "");
  EXPECT_EQ(check_name_of_unit("bootassess-check-x.socket"), "");
}

// Each rule: a case that fires, and its near miss that does not.
TEST(HealthCheckRules, Names) {
  EXPECT_EQ(findings(one_check("{name: k3s-api.v2:x_y, tcp: '127.0.0.1:1'}")),
            std::vector<std::string>{});
  EXPECT_EQ(findings(one_check("{tcp: '127.0.0.1:1'}")), std::vector<std::string>{"check-name@5"});
  EXPECT_EQ(findings(one_check("{name: 'k3s api', tcp: '127.0.0.1:1'}")),
            std::vector<std::string>{"check-name@5"});
  EXPECT_EQ(findings(one_check("{name: 'a@b', tcp: '127.0.0.1:1'}")),
            std::vector<std::string>{"check-name@5"});
  EXPECT_EQ(findings(one_check("{name: " + std::string(kMaxCheckName, 'n') + ", path: /x}")),
            std::vector<std::string>{});
  EXPECT_EQ(findings(one_check("{name: " + std::string(kMaxCheckName + 1, 'n') + ", path: /x}")),
            std::vector<std::string>{"check-name@5"});
  EXPECT_EQ(findings(one_check("{name: a, path: /x}\n          - {name: a, path: /y}")),
            std::vector<std::string>{"check-name-duplicate@6"});
  EXPECT_EQ(findings(one_check("{name: a, path: /x}\n          - {name: A, path: /y}")),
            std::vector<std::string>{});
}

TEST(HealthCheckRules, Paths) {
  EXPECT_EQ(findings(one_check("{name: a, mount: /usr/local}")), std::vector<std::string>{});
  EXPECT_EQ(findings(one_check("{name: a, mount: usr/local}")),
            std::vector<std::string>{"check-path@5"});
  EXPECT_EQ(findings(one_check("{name: a, path: ./x}")), std::vector<std::string>{"check-path@5"});
  EXPECT_EQ(findings(one_check("{name: a, path: /x, type: directory}")),
            std::vector<std::string>{});
  EXPECT_EQ(findings(one_check("{name: a, path: /x, type: dir}")),
            std::vector<std::string>{"check-option@5"});
}

TEST(HealthCheckRules, Urls) {
  for (const char* ok :
       {"http://127.0.0.1:8080/healthz", "http://localhost/", "HTTP://h", "http://[::1]:80/x?y#z",
        "http://node-1.example:65535", "http://under_score/"}) {
    EXPECT_EQ(findings(one_check(std::string("{name: a, http: '") + ok + "'}")),
              std::vector<std::string>{})
        << ok;
  }
  for (const char* bad : {"https://127.0.0.1/", "ftp://h/", "http://", "http://h:0/",
                          "http://h:65536/", "http://user@h/", "http://a b/", "http://[::1/",
                          "http://::1/", "http://h!/", "http://h:/", "127.0.0.1:80"}) {
    EXPECT_EQ(findings(one_check(std::string("{name: a, http: '") + bad + "'}")),
              std::vector<std::string>{"check-url@5"})
        << bad;
  }
  Diagnostics out;
  check_configuration(gate_of(one_check("{name: a, http: 'https://h/'}")), out);
  ASSERT_EQ(out.items().size(), 1u);
  EXPECT_NE(out.items()[0].fix.find("command:"), std::string::npos) << out.items()[0].fix;
}

TEST(HealthCheckRules, Addresses) {
  for (const char* ok :
       {"127.0.0.1:6443", "[::1]:22", "localhost:1", "k3s.local:65535", "a_b:80"}) {
    EXPECT_EQ(findings(one_check(std::string("{name: a, tcp: '") + ok + "'}")),
              std::vector<std::string>{})
        << ok;
  }
  for (const char* bad : {"127.0.0.1", "127.0.0.1:", ":80", "127.0.0.1:0", "127.0.0.1:70000",
                          "::1:22", "[::1]", "[::1]x:1", "[1.2.3.4]:80", "a/b:80", "h:http"}) {
    EXPECT_EQ(findings(one_check(std::string("{name: a, tcp: '") + bad + "'}")),
              std::vector<std::string>{"check-address@5"})
        << bad;
  }
}

TEST(HealthCheckRules, Commands) {
  EXPECT_EQ(findings(one_check("{name: a, command: [/bin/true]}")), std::vector<std::string>{});
  EXPECT_EQ(findings(one_check("{name: a, command: [true]}")),
            std::vector<std::string>{"check-command@5"});
  EXPECT_EQ(findings(one_check("{name: a, command: ['']}")),
            std::vector<std::string>{"check-command@5"});
  EXPECT_EQ(findings(one_check("{name: a, command: []}")),
            std::vector<std::string>{"check-command@5"});
}

TEST(HealthCheckRules, UnitsOptionsAndTheBinary) {
  EXPECT_EQ(findings(one_check("{name: a, unit: k3s.service}")), std::vector<std::string>{});
  EXPECT_EQ(findings(one_check("{name: a, unit: 'k3s service'}")),
            std::vector<std::string>{"check-unit@5"});
  EXPECT_EQ(findings(one_check("{name: a, mount: /x, fstype: ext4}")), std::vector<std::string>{});
  EXPECT_EQ(findings(one_check("{name: a, mount: /x, fstype: 'ext 4'}")),
            std::vector<std::string>{"check-option@5"});
  EXPECT_EQ(findings(one_check("{name: a, path: /x, timeout: 3, interval: 3}")),
            std::vector<std::string>{});
  EXPECT_EQ(findings(one_check("{name: a, path: /x, timeout: 3, interval: 4}")),
            std::vector<std::string>{"check-option@5"});
  EXPECT_EQ(findings(one_check("{name: a, path: /x}\n        check_binary: /opt/bootassess")),
            std::vector<std::string>{});
  EXPECT_EQ(findings(one_check("{name: a, path: /x}\n        check_binary: bootassess")),
            std::vector<std::string>{"check-binary@6"});
}

}  // namespace
}  // namespace bootassess
