// The content encodings yip decodes: standard base64 (line breaks ignored,
// padding required) and gzip.
#pragma once

#include <string>
#include <string_view>

namespace bootassess {

bool decode_base64(std::string_view text, std::string& out, std::string& error);
bool decode_gzip(std::string_view data, std::string& out, std::string& error);

}  // namespace bootassess
