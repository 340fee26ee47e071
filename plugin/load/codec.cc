#include "load/codec.h"

#include <fmt/format.h>
#include <zlib.h>

#include <array>

namespace bootassess {
namespace {

constexpr std::array<int, 256> make_base64_table() {
  std::array<int, 256> t{};
  for (int& v : t)
    v = -1;
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
  }
  return t;
}

constexpr std::array<int, 256> kBase64 = make_base64_table();

}  // namespace

bool decode_base64(std::string_view text, std::string& out, std::string& error) {
  std::string clean;
  clean.reserve(text.size());
  for (char c : text) {
    if (c != '\r' && c != '\n') clean += c;
  }
  out.clear();
  if (clean.size() % 4 != 0) {
    error = fmt::format("length {} is not a multiple of 4 (padding missing?)", clean.size());
    return false;
  }
  out.reserve(clean.size() / 4 * 3);
  for (std::size_t i = 0; i < clean.size(); i += 4) {
    int padding = 0;
    if (i + 4 == clean.size() && clean[i + 3] == '=') padding = clean[i + 2] == '=' ? 2 : 1;
    int v[4] = {0, 0, 0, 0};
    for (std::size_t j = 0; j < static_cast<std::size_t>(4 - padding); ++j) {
      v[j] = kBase64[static_cast<unsigned char>(clean[i + j])];
      if (v[j] < 0) {
        error = fmt::format("illegal base64 data at byte {}", i + j);
        return false;
      }
    }
    const unsigned bits = (static_cast<unsigned>(v[0]) << 18) |
                          (static_cast<unsigned>(v[1]) << 12) | (static_cast<unsigned>(v[2]) << 6) |
                          static_cast<unsigned>(v[3]);
    out += static_cast<char>((bits >> 16) & 0xff);
    if (padding < 2) out += static_cast<char>((bits >> 8) & 0xff);
    if (padding < 1) out += static_cast<char>(bits & 0xff);
  }
  return true;
}

bool decode_gzip(std::string_view data, std::string& out, std::string& error,
                 std::size_t max_bytes) {
  out.clear();
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
    error = "cannot initialise zlib";
    return false;
  }
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::array<char, 65536> buf{};
  bool ok = !data.empty();
  if (!ok) error = "empty input (no gzip header)";
  while (ok) {
    zs.next_out = reinterpret_cast<Bytef*>(buf.data());
    zs.avail_out = static_cast<uInt>(buf.size());
    const int rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf.data(), buf.size() - zs.avail_out);
    if (out.size() > max_bytes) {
      error = fmt::format("it expands to more than {} MiB", max_bytes >> 20);
      ok = false;
      break;
    }
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      inflateReset(&zs);  // gzip allows several members one after another
      continue;
    }
    if (rc != Z_OK) {
      error = zs.msg != nullptr ? zs.msg : "invalid gzip data";
      ok = false;
    } else if (zs.avail_in == 0 && zs.avail_out != 0) {
      error = "unexpected end of gzip data";
      ok = false;
    }
  }
  inflateEnd(&zs);
  return ok;
}

namespace {

enum class Encoding { none, base64, gzip, gzip_base64, unknown };

Encoding encoding_of(std::string_view name) {
  if (name.empty()) return Encoding::none;
  if (name == "b64" || name == "base64") return Encoding::base64;
  if (name == "gz" || name == "gzip") return Encoding::gzip;
  if (name == "gz+base64" || name == "gzip+base64" || name == "gz+b64" || name == "gzip+b64") {
    return Encoding::gzip_base64;
  }
  return Encoding::unknown;
}

}  // namespace

bool is_known_encoding(std::string_view encoding) {
  return encoding_of(encoding) != Encoding::unknown;
}

bool decode_content(std::string_view encoding, std::string_view content, std::string& out,
                    std::string& error) {
  switch (encoding_of(encoding)) {
    case Encoding::base64:
      return decode_base64(content, out, error);
    case Encoding::gzip:
      return decode_gzip(content, out, error);
    case Encoding::gzip_base64: {
      std::string compressed;
      return decode_base64(content, compressed, error) && decode_gzip(compressed, out, error);
    }
    case Encoding::none:
    case Encoding::unknown:
      break;
  }
  out = content;
  return true;
}

bool has_template(std::string_view text) {
  const std::size_t open = text.find("{{");
  return open != std::string_view::npos && text.find("}}", open) != std::string_view::npos;
}

}  // namespace bootassess
