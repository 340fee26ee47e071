#include "cli/check_command.h"

#include <algorithm>
#include <iostream>
#include <memory>

#include "cli/options.h"
#include "load/keys.h"
#include "probe/local_probe.h"

namespace bootassess {
namespace {

constexpr const char* kCheckFooter =
    "Kinds:\n"
    "  mount PATH          PATH is a mount point (--fstype: of that type)\n"
    "  path PATH           PATH exists (--type: file, directory, symlink, socket, fifo,\n"
    "                      block or char)\n"
    "  tcp HOST:PORT       a TCP connection is accepted; HOST is an address ([IPv6]) or\n"
    "                      a name in /etc/hosts (no DNS)\n"
    "  http URL            GET http://HOST[:PORT]/PATH answers 2xx (--status: exactly\n"
    "                      that); https is not supported: use a command with curl\n"
    "  command -- ARGV...  ARGV (argv[0] absolute, no shell) exits 0\n"
    "  unit NAME           the systemd unit is active\n"
    "\n"
    "The probe is retried every --interval until it passes or --timeout has passed.\n"
    "One line is printed: NAME: ok: DETAIL, or NAME: failed: DETAIL.\n"
    "\n"
    "Exit status:\n"
    "  0  the check passed\n"
    "  1  the check failed\n"
    "  2  usage error\n"
    "\n"
    "Examples:\n"
    "  bootassess check mount /usr/local --fstype ext4\n"
    "  bootassess check tcp 127.0.0.1:6443 --name k3s-api --timeout 120\n"
    "  bootassess check http http://127.0.0.1:10248/healthz --status 200\n"
    "  bootassess check command --timeout 10 -- /usr/bin/k3s kubectl get nodes\n";

}  // namespace

RunCommand add_check_command(CLI::App& app) {
  auto owned = std::make_shared<probe::CheckRequest>();
  probe::CheckRequest& request = *owned;
  CLI::App* cmd = app.add_subcommand(
      "check", "Probe one health check until it passes or its deadline: print one line");
  cmd->footer(kCheckFooter);
  cmd->add_option("KIND", request.kind, "mount, path, tcp, http, command or unit")->required();
  cmd->add_option("TARGET", request.words,
                  "PATH, HOST:PORT, URL or unit NAME; for command: -- ARGV...");
  cmd->add_option("--name", request.name, "The check's name in the printed line (default: KIND)")
      ->type_name("NAME");
  cmd->add_option("--timeout", request.timeout,
                  "Seconds the whole check may take, retries included")
      ->type_name("SECONDS")
      ->capture_default_str();
  cmd->add_option("--interval", request.interval, "Seconds between attempts")
      ->type_name("SECONDS")
      ->capture_default_str();
  cmd->add_option_function<std::string>(
         "--fstype", [&request](const std::string& value) { request.fstype = value; },
         "mount: the file system type required")
      ->type_name("TYPE");
  cmd->add_option_function<std::string>(
         "--type", [&request](const std::string& value) { request.type = value; },
         "path: the file type required")
      ->type_name("TYPE");
  cmd->add_option_function<int>(
         "--status", [&request](const int& value) { request.status = value; },
         "http: the status required (default: any 2xx)")
      ->type_name("CODE");
  return [owned] { return run_check(*owned); };
}

int run_check(const probe::CheckRequest& request) {
  const probe::Parsed<probe::CheckSpec> spec = probe::make_check_spec(request);
  if (!spec.value) {
    // A misspelt kind: the closest one.
    const bool known = std::find(std::begin(probe::kKindNames), std::end(probe::kKindNames),
                                 request.kind) != std::end(probe::kKindNames);
    const std::string suggestion =
        known ? std::string() : keys::suggest(request.kind, probe::kKindNames);
    std::cerr << "bootassess check: " << spec.error;
    if (!suggestion.empty()) std::cerr << " (did you mean '" << suggestion << "'?)";
    std::cerr << "\n";
    return kExitUsage;
  }
  if (spec.value->kind == probe::Kind::command) probe::kill_command_on_signal();
  const probe::Verdict verdict = probe::run_check(*spec.value);
  std::cout << probe::check_line(spec.value->name, verdict) << "\n" << std::flush;
  return verdict.passed ? kExitOk : kExitFailed;
}

}  // namespace bootassess
