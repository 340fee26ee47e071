// The content encodings yip decodes: standard base64 (line breaks ignored,
// padding required) and gzip, by the names yip gives them; and the `{{ }}`
// templates yip renders. The loader warns about both, the planner decodes.
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

// The encoding names yip decodes, as a fix would list them.
inline constexpr std::string_view kEncodingNames = "b64, base64, gz, gzip, gz+b64 or gzip+b64";

// Whether yip decodes content of `encoding` ("": none, the text as it is).
bool is_known_encoding(std::string_view encoding);

// Decodes `content` by yip's encoding names; any other name means the text
// is written as it is (the loader warns about it).
bool decode_content(std::string_view encoding, std::string_view content, std::string& out,
                    std::string& error);

// Whether `text` holds a `{{ ... }}` template, which yip renders with the
// host's data.
bool has_template(std::string_view text);

}  // namespace bootassess
