#include "support/tree.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <vector>

#include "support/temp_dir.h"

namespace fs = std::filesystem;

namespace bootassess::testing {
namespace {

std::string escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out;
}

std::string unescaped(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      ++i;
      if (s[i] == 'x' && i + 2 < s.size()) {
        out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
        i += 2;
        continue;
      }
      out += s[i] == 'n' ? '\n' : s[i];
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::string snapshot(const std::string& root) {
  std::vector<std::string> lines;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    const std::string p = it->path().string();
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) continue;
    const std::string rel = p.substr(root.size());
    if (S_ISLNK(st.st_mode)) {
      lines.push_back(fmt::format("l {} -> {}", rel, fs::read_symlink(p).string()));
      continue;
    }
    const char type = S_ISREG(st.st_mode) ? 'f' : S_ISDIR(st.st_mode) ? 'd' : '?';
    std::string line =
        fmt::format("{} {} {:04o} {}:{}", type, rel, st.st_mode & 07777, st.st_uid, st.st_gid);
    if (type == 'f') line += " = " + escaped(read_text(p));
    lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& l : lines)
    out += l + "\n";
  return out;
}

std::string build_tree(const std::string& root, const std::string& manifest) {
  std::istringstream in(manifest);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string type, rel;
    words >> type >> rel;
    const std::string full = root + rel;
    if (type == "l") {
      std::string arrow, target;
      words >> arrow >> target;
      make_dirs(fs::path(full).parent_path());
      if (arrow != "->" || ::symlink(target.c_str(), full.c_str()) != 0) {
        return fmt::format("line {}: cannot make symlink: {}", number, line);
      }
      continue;
    }
    std::string mode_text, owner;
    words >> mode_text >> owner;
    const auto mode = static_cast<mode_t>(std::stoul(mode_text, nullptr, 8));
    const std::size_t colon = owner.find(':');
    if (colon == std::string::npos) return fmt::format("line {}: bad owner: {}", number, line);
    const auto uid = static_cast<uid_t>(std::stoul(owner.substr(0, colon)));
    const auto gid = static_cast<gid_t>(std::stoul(owner.substr(colon + 1)));
    if (type == "d") {
      make_dirs(full);
    } else if (type == "f") {
      const std::size_t eq = line.find(" = ");
      write_text(full, eq == std::string::npos ? "" : unescaped(line.substr(eq + 3)));
    } else {
      return fmt::format("line {}: unknown type '{}'", number, type);
    }
    if (::lchown(full.c_str(), uid, gid) != 0 || ::chmod(full.c_str(), mode) != 0) {
      return fmt::format("line {}: cannot set owner and mode: {}", number, line);
    }
  }
  return {};
}

}  // namespace bootassess::testing
