#include "boot/simulated_files.h"

#include <algorithm>

#include "root/path.h"

namespace bootassess {
namespace {

const FileInfo kDirectoryInfo{FileType::directory, 0755, 0, 0, 0};

}  // namespace

void SimulatedFiles::show(const std::string& path, std::string content, std::uint32_t mode) {
  hidden_.erase(path);
  shown_[path] = {std::move(content), mode};
  for (std::string dir = path::dirname(path); dir != "/"; dir = path::dirname(dir)) {
    directories_.insert(dir);
  }
}

void SimulatedFiles::hide(const std::string& path) {
  if (shown_.count(path) == 0) hidden_.insert(path);
}

SimulatedFiles::Kind SimulatedFiles::classify(const std::string& path) const {
  if (shown_.count(path) != 0) return Kind::shown;
  if (hidden_.count(path) != 0) return Kind::hidden;
  if (directories_.count(path) != 0) return Kind::directory;
  return Kind::base;
}

FileInfo SimulatedFiles::shown_info(const std::string& path) const {
  const auto& [content, mode] = shown_.at(path);
  return FileInfo{FileType::regular, mode, 0, 0, content.size()};
}

std::optional<FileInfo> SimulatedFiles::lstat(const std::string& path) const {
  switch (classify(path)) {
    case Kind::shown:
      return shown_info(path);
    case Kind::hidden:
      return std::nullopt;
    case Kind::directory: {
      std::optional<FileInfo> info = base_.lstat(path);
      return info ? info : kDirectoryInfo;
    }
    case Kind::base:
      break;
  }
  return base_.lstat(path);
}

std::optional<std::string> SimulatedFiles::read_link(const std::string& path) const {
  if (classify(path) != Kind::base) return base_.lstat(path) ? base_.read_link(path) : std::nullopt;
  return base_.read_link(path);
}

std::optional<std::string> SimulatedFiles::read_file(const std::string& path) const {
  switch (classify(path)) {
    case Kind::shown:
      return shown_.at(path).first;
    case Kind::hidden:
    case Kind::directory:
      return std::nullopt;
    case Kind::base:
      break;
  }
  return base_.read_file(path);
}

std::optional<std::vector<std::string>> SimulatedFiles::list_dir(const std::string& path) const {
  std::optional<std::vector<std::string>> names = base_.list_dir(path);
  if (!names) {
    if (classify(path) != Kind::directory) return names;
    names.emplace();
  }
  std::erase_if(
      *names, [&](const std::string& n) { return classify(path::join(path, n)) == Kind::hidden; });
  auto add = [&](const std::string& child) {
    if (child == "/" || path::dirname(child) != path) return;
    const std::string wanted = path::basename(child);
    auto pos = std::lower_bound(names->begin(), names->end(), wanted);
    if (pos == names->end() || *pos != wanted) names->insert(pos, wanted);
  };
  for (const auto& [shown, data] : shown_)
    add(shown);
  for (const std::string& dir : directories_)
    add(dir);
  return names;
}

bool SimulatedFiles::access(const std::string& path, int mode) const {
  switch (classify(path)) {
    case Kind::shown:
      return access_by_mode(shown_info(path), mode);
    case Kind::hidden:
      return false;
    case Kind::directory:
      if (!base_.lstat(path)) return access_by_mode(kDirectoryInfo, mode);
      break;
    case Kind::base:
      break;
  }
  return base_.access(path, mode);
}

}  // namespace bootassess
