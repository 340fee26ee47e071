// Integer scalars decoded the way yip (Go's yaml.v3 into uint32/int fields)
// decodes them, so that `permissions: 644` means what it means under yip:
// decimal 644, not octal.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace bootassess {

struct YipInteger {
  std::uint64_t value = 0;
  bool octal_prefix = false;  // written 0644 / 0o644: read as octal
  bool decimal = false;       // written with decimal digits only and no leading 0 (644)
  bool from_float = false;    // only a float reading accepted it (0888, 644.0, 1e3)
};

// A plain (unquoted) scalar as yaml.v3 resolves it for an unsigned field:
// underscores dropped, Go base-0 integer syntax (0x, 0o, 0b, leading 0 =
// octal, optional sign), else a YAML float truncated toward zero. nullopt
// where yip reports a type error (not a number, negative, above `max`).
std::optional<YipInteger> parse_yip_unsigned(std::string_view text, std::uint64_t max);

// A quoted permissions value, which yip rejects: read as octal ("0644",
// "644", "0o644"), nullopt when it is not an octal number.
std::optional<std::uint32_t> parse_quoted_octal(std::string_view text);

}  // namespace bootassess
