// The files `boot_assessment:` writes, which `status` reads back.
#pragma once

#include <string_view>

namespace bootassess {

// The gate's drop-in, <unit>.d/zz-bootassess-boot-assessment.conf under
// /run/systemd/system. It sorts after the usual names (override.conf,
// 10-*.conf) so that its settings are the last word among same-directory
// drop-ins. boot-complete.target.d gets one of the same name, which orders
// the target after multi-user.target.
inline constexpr std::string_view kBootAssessmentDropin = "zz-bootassess-boot-assessment.conf";

// The target the gated units are required by.
inline constexpr std::string_view kBootCompleteTarget = "boot-complete.target";

}  // namespace bootassess
