#include "cli/status_command.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>

#include "report/output_file.h"
#include "report/status_metrics.h"
#include "report/status_report.h"
#include "root/disk_root.h"
#include "root/fd.h"
#include "status/systemctl_query.h"

namespace bootassess {

constexpr const char* kStatusFooter =
    "Exit status:\n"
    "  0  good: boot-complete.target reached and every gated unit succeeded;\n"
    "     no-gate: nothing was gated on this boot (a recovery boot, say)\n"
    "  1  failed: a gated unit or boot-complete.target failed, or was never started;\n"
    "     fallback: this boot is passive, recovery or autoreset because an entry the\n"
    "     loader prefers is exhausted (+0-N), or GRUB left /run/cos/upgrade_failure\n"
    "  2  usage error\n"
    "  3  pending: a gated unit or boot-complete.target is still starting;\n"
    "     unknown: unit states unknown (--root is not /, no systemctl, or systemd is\n"
    "     not running); also when --output or --notice could not be written\n"
    "  The JSON field \"verdict\" is the word before the colon. node-problem-detector\n"
    "  reads 0 as ok, 1 as a problem, others as unknown; with --problem VERDICT, 1 is\n"
    "  given for those verdicts only, 3 for unknown, 0 for any other (on a fallback\n"
    "  boot, also for the verdict of its own gate).\n"
    "\n"
    "Examples:\n"
    "  bootassess status\n"
    "      on the node after a reboot\n"
    "  bootassess status --notice --format prometheus --output /run/bootassess/bootassess.prom\n"
    "      what bootassess-report.service runs: the login notice and the metrics file\n";
namespace {

// Writes the notice into ROOT/run/motd.d, or removes it when there is
// nothing to tell. false with `error` set when that fails.
bool refresh_notice(const DiskRoot& root, const std::string& notice, std::string& error) {
  const bool keep = !notice.empty();
  Fd dir(open_directory_below(root.fd(), kNoticeDirectory, keep, error));
  if (!dir.ok()) {
    // No directory and nothing to tell: nothing to remove.
    if (!keep && error.find("No such file") != std::string::npos) {
      error.clear();
      return true;
    }
    error = fmt::format("{}: {}", kNoticeDirectory, error);
    return false;
  }
  if (keep) {
    if (write_file_atomically_at(dir.get(), std::string(kNoticeName), notice, error)) return true;
    error = fmt::format("{}/{}", kNoticeDirectory, error);
    return false;
  }
  if (::unlinkat(dir.get(), std::string(kNoticeName).c_str(), 0) != 0 && errno != ENOENT) {
    error = fmt::format("{}/{}: cannot remove: {}", kNoticeDirectory, kNoticeName,
                        std::strerror(errno));
    return false;
  }
  return true;
}

}  // namespace

int run_status(const StatusOptions& options) {
  std::string error;
  std::unique_ptr<DiskRoot> root = DiskRoot::open(options.root, error);
  if (!root) {
    fmt::print(stderr, "bootassess: error: {}\n", error);
    return kExitUsage;
  }
  std::vector<status::Verdict> problems;
  for (const std::string& name : options.problems) {
    std::optional<status::Verdict> v = status::verdict_from_name(name);
    if (!v) {
      fmt::print(stderr, "bootassess status: error: '{}' is not a verdict\n", name);
      return kExitUsage;
    }
    problems.push_back(*v);
  }
  status::StatusInputs inputs;
  inputs.esp = options.esp;
  const status::BootStatus s =
      status::gather_status(*root, status::systemd_query(options.root), inputs);
  std::string report;
  if (options.format == "json") {
    report = status_json(s);
  } else if (options.format == "prometheus") {
    const double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    report = status_prometheus(s, now);
  } else {
    report = status_text(s);
  }
  bool written = true;
  if (options.output.empty()) {
    std::fwrite(report.data(), 1, report.size(), stdout);
  } else if (!write_file_atomically(options.output, report, error)) {
    fmt::print(stderr, "bootassess status: error: {}\n", error);
    written = false;
  }
  if (options.notice && !refresh_notice(*root, status_notice(s), error)) {
    fmt::print(stderr, "bootassess status: error: {}\n", error);
    written = false;
  }
  // A report that could not be written is no verdict: unknown, for a
  // node-problem-detector as for a script.
  if (!written) return 3;
  return options.problems.empty() ? status::exit_status(s.verdict)
                                  : status::problem_exit_status(s, problems);
}

RunCommand add_status_command(CLI::App& app) {
  auto status = std::make_shared<StatusOptions>();
  CLI::App* cmd = app.add_subcommand(
      "status", "After a boot: the mode, the entry, counting and how the gated units fared");
  cmd->add_option("--root", status->root,
                  "Root to read; systemd is asked for unit states only when it is /")
      ->capture_default_str();
  cmd->add_option("--format", status->format,
                  "Output format (prometheus: node_exporter's textfile format)")
      ->check(one_of("format", {"text", "json", "prometheus"}))
      ->capture_default_str();
  cmd->add_option("--esp", status->esp,
                  "ESP mount point inside the root (default: /efi, /boot, /boot/efi)");
  cmd->add_option("--output", status->output,
                  "Write the report to FILE atomically instead of standard output")
      ->check(CLI::Validator(
          [](std::string& value) -> std::string {
            return value.empty() ? "an empty name is no file" : std::string();
          },
          ""));
  cmd->add_flag("--notice", status->notice,
                "Write ROOT/run/motd.d/bootassess when something is wrong, else remove it");
  cmd->add_option("--problem", status->problems,
                  "Exit 1 only for these verdicts, 3 for unknown, 0 otherwise (repeatable)")
      ->check(one_of("verdict", {"good", "failed", "pending", "fallback", "no-gate", "unknown"}))
      ->allow_extra_args(false);
  cmd->footer(kStatusFooter);
  return [status] { return run_status(*status); };
}

}  // namespace bootassess
