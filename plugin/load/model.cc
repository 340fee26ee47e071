#include "load/model.h"

#include <fmt/format.h>

namespace bootassess {

std::string_view check_kind_name(CheckKind kind) {
  switch (kind) {
    case CheckKind::mount:
      return "mount";
    case CheckKind::path:
      return "path";
    case CheckKind::tcp:
      return "tcp";
    case CheckKind::http:
      return "http";
    case CheckKind::command:
      return "command";
    case CheckKind::unit:
      return "unit";
  }
  return "path";
}

std::string Step::label(std::size_t index) const {
  // For logs and reports, where each event carries it: a name of megabytes
  // is shown by its start and its length.
  if (!name.empty()) return abbreviated(name, 1024);
  return fmt::format("#{}", index);
}

}  // namespace bootassess
