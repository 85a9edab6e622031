/// \file unpacked.hpp
/// The common intermediate of every conversion: sign, class, exponent and significand.
#pragma once

#include <cstdint>

#include "lowp/config.hpp"
#include "lowp/core/bits.hpp"
#include "lowp/format/float_format.hpp"

namespace lowp {

/// Class of an unpacked value.
enum class value_class : std::uint8_t { zero, finite, infinite, nan };

/// An exactly represented value: for finite values |v| = significand * 2^(exponent - 63)
/// with bit 63 of `significand` set, i.e. `exponent` = floor(log2 |v|).
struct unpacked {
  bool negative = false;                ///< sign (also for zeros, infinities and NaNs)
  value_class cls = value_class::zero;  ///< zero, finite, infinite or NaN
  int exponent = 0;                     ///< floor(log2 |v|) for finite values
  std::uint64_t significand = 0;        ///< normalised significand, leading 1 at bit 63
  std::uint64_t payload = 0;            ///< NaN payload (mantissa bits), left-aligned at bit 63
};

namespace detail {
/// binary64 as a descriptor (internal: wider than the public float_format limits).
inline constexpr float_format binary64_layout{11, 52, 1023, signedness::signed_,
                                              special_values::ieee};
/// binary32 as a descriptor.
inline constexpr float_format binary32_layout{8, 23, 127, signedness::signed_,
                                              special_values::ieee};
}  // namespace detail

/// Splits a code of format `f` into its exact value (step 0 of every conversion).
/// Works for any layout with exponent_bits <= 11 and mantissa_bits <= 52.
LOWP_FORCE_INLINE constexpr unpacked unpack(const float_format& f, std::uint64_t code) noexcept {
  unpacked u;
  u.negative = is_signed(f) && (code & sign_mask(f)) != 0;
  const std::uint64_t mag = code & all_ones_magnitude(f);
  if (is_nan_code(f, code)) {
    u.cls = value_class::nan;
    const std::uint64_t m = code & mantissa_mask(f);
    u.payload = f.mantissa_bits == 0 ? 0 : m << (64 - f.mantissa_bits);
    return u;
  }
  if (is_inf_code(f, code)) {
    u.cls = value_class::infinite;
    return u;
  }
  const int field = static_cast<int>(mag >> f.mantissa_bits);
  const std::uint64_t m = mag & mantissa_mask(f);
  if (has_subnormals(f) && field == 0) {
    if (m == 0) {
      u.cls = value_class::zero;
      return u;
    }
    // Subnormal: normalise so the leading 1 sits at bit 63.
    const int lz = detail::clz64(m);
    u.cls = value_class::finite;
    u.significand = m << lz;
    u.exponent = (63 - lz) + emin(f) - f.mantissa_bits;
    return u;
  }
  u.cls = value_class::finite;
  u.significand = ((std::uint64_t{1} << f.mantissa_bits) | m) << (63 - f.mantissa_bits);
  u.exponent = field - f.bias;
  return u;
}

/// Unpacks a float32.
LOWP_FORCE_INLINE constexpr unpacked unpack(float x) noexcept {
  return unpack(detail::binary32_layout, bit_cast<std::uint32_t>(x));
}

/// Unpacks a float64.
LOWP_FORCE_INLINE constexpr unpacked unpack(double x) noexcept {
  return unpack(detail::binary64_layout, bit_cast<std::uint64_t>(x));
}

}  // namespace lowp
