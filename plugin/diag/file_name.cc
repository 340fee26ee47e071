#include "diag/file_name.h"

#include <mutex>
#include <ostream>
#include <set>

namespace bootassess {

FileName::FileName(std::string_view name) {
  if (name.empty()) return;
  // Never freed: positions in static objects may outlive any owner, and the
  // names of one process are few.
  static std::mutex mutex;
  static auto* const names = new std::set<std::string, std::less<>>;
  const std::lock_guard lock(mutex);
  auto it = names->find(name);
  if (it == names->end()) it = names->emplace(name).first;
  name_ = &*it;
}

const std::string& FileName::str() const {
  static const std::string none;
  return name_ ? *name_ : none;
}

std::ostream& operator<<(std::ostream& out, const FileName& name) {
  return out << name.str();
}

}  // namespace bootassess
