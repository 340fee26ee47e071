#include "load/model.h"

#include <fmt/format.h>

namespace bootassess {

std::string Step::label(std::size_t index) const {
  if (!name.empty()) return name;
  return fmt::format("#{}", index);
}

}  // namespace bootassess
