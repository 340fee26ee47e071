#include "plan/ownership.h"

#include <fmt/format.h>

#include <charconv>
#include <optional>
#include <vector>

#include "root/resolve.h"

namespace bootassess {
namespace {

std::vector<std::string_view> split(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t end = line.find(sep, start);
    out.push_back(line.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

std::optional<std::uint32_t> to_id(std::string_view text) {
  std::uint32_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// The fields of the first line of the root's `file` whose first field is
// `name` (the passwd/group format); empty when there is none.
std::vector<std::string> find_entry(const RootView& view, const char* file, std::string_view name) {
  Resolved r = resolve(view, file, "/", true);
  if (!r.exists()) return {};
  std::optional<std::string> text = view.read_file(r.path);
  if (!text) return {};
  for (std::string_view line : split(*text, '\n')) {
    std::vector<std::string_view> fields = split(line, ':');
    if (fields.size() >= 4 && fields[0] == name) {
      return {fields.begin(), fields.end()};
    }
  }
  return {};
}

// (uid_t)-1 and (gid_t)-1 are no ids: chown reads them as "leave as it is".
constexpr std::uint32_t kNoId = 4294967295u;

}  // namespace

bool resolve_ownerstring(const RootView& view, std::string_view ownerstring, Ownership& out,
                         std::string& error) {
  std::vector<std::string_view> parts = split(ownerstring, ':');
  if (parts.size() > 2) {
    error = fmt::format("ownerstring '{}' must be \"user\" or \"user:group\"", ownerstring);
    return false;
  }
  std::vector<std::string> user = find_entry(view, "/etc/passwd", parts[0]);
  std::optional<std::uint32_t> uid = user.empty() ? std::nullopt : to_id(user[2]);
  std::optional<std::uint32_t> gid = user.empty() ? std::nullopt : to_id(user[3]);
  if (!uid || !gid) {
    error = fmt::format("no user named '{}' in the root's /etc/passwd", parts[0]);
    return false;
  }
  if (*uid == kNoId || *gid == kNoId) {
    error = fmt::format(
        "user '{}' has {} {} in the root's /etc/passwd, which chown takes for "
        "\"leave the owner as it is\": it is no valid id",
        parts[0], *uid == kNoId ? "uid" : "gid", kNoId);
    return false;
  }
  if (parts.size() == 2) {
    std::vector<std::string> group = find_entry(view, "/etc/group", parts[1]);
    gid = group.empty() ? std::nullopt : to_id(group[2]);
    if (!gid) {
      error = fmt::format("no group named '{}' in the root's /etc/group", parts[1]);
      return false;
    }
    if (*gid == kNoId) {
      error = fmt::format(
          "group '{}' has gid {} in the root's /etc/group, which chown takes "
          "for \"leave the group as it is\": it is no valid id",
          parts[1], kNoId);
      return false;
    }
  }
  out = {*uid, *gid};
  return true;
}

}  // namespace bootassess
