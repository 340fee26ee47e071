#include "cli/status_command.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "report/output_file.h"
#include "report/status_metrics.h"
#include "report/status_report.h"
#include "root/disk_root.h"
#include "root/fd.h"
#include "status/systemctl_query.h"

namespace bootassess {
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

}  // namespace bootassess
