/// \file int_format.hpp
/// Descriptor of narrow integer formats (int1 ... int16, two's complement or unsigned).
#pragma once

#include <cstdint>

#include "lowp/format/float_format.hpp"

namespace lowp {

/// Describes an integer format of 1..16 bits stored in the low bits of its storage.
struct int_format {
  int bits;         ///< width, 1..16
  signedness sign;  ///< two's complement when signed
};

/// Smallest representable value (-2^(bits-1) signed, 0 unsigned).
constexpr std::int64_t int_min(const int_format& f) noexcept {
  return f.sign == signedness::signed_ ? -(std::int64_t{1} << (f.bits - 1)) : 0;
}

/// Largest representable value (2^(bits-1) - 1 signed, 2^bits - 1 unsigned).
constexpr std::int64_t int_max(const int_format& f) noexcept {
  return f.sign == signedness::signed_ ? (std::int64_t{1} << (f.bits - 1)) - 1
                                       : (std::int64_t{1} << f.bits) - 1;
}

/// Total bits of a code.
constexpr int total_bits(const int_format& f) noexcept { return f.bits; }

/// Why a descriptor is invalid, or nullptr when it is valid.
constexpr const char* validate(const int_format& f) noexcept {
  if (f.bits < 1 || f.bits > 16) return "integer formats have 1..16 bits";
  return nullptr;
}

}  // namespace lowp
