// The stage names yip is run with by Kairos, the stage runner bootassess
// serves: a stage under any other name is never run, so a name that is not
// one of these is most likely a misspelling.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace bootassess::stage_names {

// Every known stage name, `.before`/`.after` variants included.
std::span<const std::string_view> known();

bool is_known(std::string_view stage);

// The known stage closest to `stage` when it is close enough to be a likely
// misspelling; empty otherwise (and for a known name).
std::string suggest(std::string_view stage);

}  // namespace bootassess::stage_names
