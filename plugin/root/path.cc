#include "root/path.h"

namespace bootassess::path {

std::vector<std::string> components(std::string_view p) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < p.size()) {
    while (i < p.size() && p[i] == '/')
      ++i;
    std::size_t start = i;
    while (i < p.size() && p[i] != '/')
      ++i;
    if (i > start) out.emplace_back(p.substr(start, i - start));
  }
  return out;
}

std::string clean(std::string_view p) {
  if (p.empty()) return ".";
  const bool absolute = p.front() == '/';
  std::vector<std::string> kept;
  for (std::string& c : components(p)) {
    if (c == ".") continue;
    if (c == "..") {
      if (!kept.empty() && kept.back() != "..") {
        kept.pop_back();
      } else if (!absolute) {
        kept.push_back(c);
      }
      continue;
    }
    kept.push_back(std::move(c));
  }
  std::string out = absolute ? "/" : "";
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) out += '/';
    out += kept[i];
  }
  if (out.empty()) return ".";
  return out;
}

std::string join(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (out.empty() || out.back() != '/') out += '/';
  out += name;
  return out;
}

std::string dirname(std::string_view p) {
  std::size_t slash = p.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(p.substr(0, slash));
}

std::string basename(std::string_view p) {
  if (p == "/") return "/";
  std::size_t slash = p.rfind('/');
  if (slash == std::string_view::npos) return std::string(p);
  return std::string(p.substr(slash + 1));
}

bool is_within(std::string_view p, std::string_view dir) {
  if (dir == "/") return !p.empty() && p.front() == '/';
  if (p.size() < dir.size() || p.substr(0, dir.size()) != dir) return false;
  return p.size() == dir.size() || p[dir.size()] == '/';
}

}  // namespace bootassess::path
