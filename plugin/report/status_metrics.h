// `status --format prometheus`: the boot's verdict in node_exporter's
// textfile-collector format (the Prometheus text exposition format, with HELP
// and TYPE lines), for a file in the collector's directory.
#pragma once

#include <string>

#include "status/boot_status.h"

namespace bootassess {

// Every metric is a gauge:
//   bootassess_verdict{verdict="good"|...}   1 for this boot's verdict, 0 for the others
//   bootassess_fallback                      1 when this boot is a fallback
//   bootassess_counting_active               1 when the loader counts this boot
//   bootassess_counting_broken               1 when the booted entry carries a counter
//                                            but the loader does not count it
//   bootassess_tries_left                    tries left (counted boots only)
//   bootassess_gated_unit_ok{unit="..."}     1 when the gated unit succeeded (or was skipped)
//   bootassess_boot_mode{mode="..."}         1 for this boot's mode, 0 for the others
//   bootassess_status_timestamp_seconds      when this was written (`now`, Unix seconds)
std::string status_prometheus(const status::BootStatus& status, double now);

// A label value as the exposition format writes it: \, " and newline escaped,
// and a byte outside ASCII written as the text \xNN (so the value is UTF-8).
std::string prometheus_label_value(std::string_view value);

// The notice for a person logging in: a few lines when the boot fell back,
// a counted boot's gate failed or is pending, or counting is inactive; empty
// when there is nothing to tell (then no notice file is kept).
std::string status_notice(const status::BootStatus& status);

}  // namespace bootassess
