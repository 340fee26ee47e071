#include "cli/status_command.h"

#include <fmt/format.h>

#include <cstdio>

#include "report/status_report.h"
#include "root/disk_root.h"
#include "status/systemctl_query.h"

namespace bootassess {

int run_status(const StatusOptions& options) {
  std::string error;
  std::unique_ptr<DiskRoot> root = DiskRoot::open(options.root, error);
  if (!root) {
    fmt::print(stderr, "bootassess: error: {}\n", error);
    return kExitUsage;
  }
  const status::BootStatus s = status::gather_status(*root, status::systemd_query(options.root));
  const std::string report = options.format == "json" ? status_json(s) : status_text(s);
  std::fwrite(report.data(), 1, report.size(), stdout);
  return status::exit_status(s.verdict);
}

}  // namespace bootassess
