// The content encodings yip decodes: standard base64 (line breaks ignored,
// padding required) and gzip.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace bootassess {

// The most a gzip content may expand to: a few hundred bytes of configuration
// must not make a booting node allocate gigabytes.
inline constexpr std::size_t kMaxDecodedBytes = std::size_t{16} << 20;

bool decode_base64(std::string_view text, std::string& out, std::string& error);
bool decode_gzip(std::string_view data, std::string& out, std::string& error,
                 std::size_t max_bytes = kMaxDecodedBytes);

}  // namespace bootassess
