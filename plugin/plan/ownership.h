// `ownerstring` ("user" or "user:group") resolved by name against the target
// root's /etc/passwd and /etc/group, never the host's user database.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "root/root_view.h"

namespace bootassess {

struct Ownership {
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
};

// "user" gives the user's id and primary group; "user:group" the user's id and
// the group's id. false with `error` set when a name is unknown.
bool resolve_ownerstring(const RootView& view, std::string_view ownerstring, Ownership& out,
                         std::string& error);

}  // namespace bootassess
