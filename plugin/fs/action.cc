#include "fs/action.h"

namespace bootassess {

std::string_view action_kind_name(ActionKind kind) {
  switch (kind) {
    case ActionKind::write:
      return "write";
    case ActionKind::mkdir:
      return "mkdir";
    case ActionKind::symlink:
      return "symlink";
    case ActionKind::remove:
      return "remove";
  }
  return "write";
}

}  // namespace bootassess
