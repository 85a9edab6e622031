/// \file int_codec.hpp
/// Scalar conversion between float and narrow integer formats (int1 ... int16).
#pragma once

#include <cstdint>

#include "lowp/codec/unpacked.hpp"
#include "lowp/core/bits.hpp"
#include "lowp/core/rounding.hpp"
#include "lowp/format/formats.hpp"

namespace lowp {

/// What happens to a rounded integer outside the format's range.
enum class int_overflow : std::uint8_t {
  saturate,  ///< clamp to [min, max]; +-inf -> min/max
  wrap,      ///< keep the low bits (exact modular arithmetic); +-inf -> 0 (C++/NumPy casts)
};

/// How a float becomes an integer code. NaN always gives 0.
struct int_conversion_policy {
  rounding round = rounding::nearest_even;     ///< rounding to an integer
  int_overflow over = int_overflow::saturate;  ///< out-of-range handling
};

/// Encodes a float as an integer of `Fmt` (two's complement code in the low bits).
template <class Fmt>
constexpr storage_t<Fmt> encode_int_as(float x, const int_conversion_policy& p,
                                       random_bits rb = {}) noexcept {
  constexpr int_format f = descriptor_v<Fmt>;
  const std::uint64_t mask = detail::low_mask(f.bits);
  const unpacked u = unpack(x);
  if (u.cls == value_class::nan || u.cls == value_class::zero) return 0;
  const std::int64_t lo = int_min(f);
  const std::int64_t hi = int_max(f);
  if (u.cls == value_class::infinite) {
    if (p.over == int_overflow::wrap) return 0;
    return static_cast<storage_t<Fmt>>(static_cast<std::uint64_t>(u.negative ? lo : hi) & mask);
  }
  // Integer part and the fraction of |x|, then one rounding (core/rounding.hpp).
  std::uint64_t n = 0;
  std::uint64_t frac = 0;
  bool sticky = false;
  bool huge = false;  // |x| >= 2^63: only the low bits matter for wrap, saturation is certain
  const int e = u.exponent;
  if (e >= 63) {
    huge = true;
    n = e - 63 >= 64 ? 0 : u.significand << (e - 63);
  } else if (e >= 0) {
    n = u.significand >> (63 - e);
    frac = e == 0 ? (u.significand << 1) : (u.significand << (e + 1));
  } else if (e >= -64) {
    frac = u.significand >> (-e - 1);
    sticky = (u.significand & detail::low_mask(-e - 1)) != 0;
  } else {
    sticky = true;
  }
  n = detail::round_magnitude(p.round, u.negative, n, frac, sticky, rb);
  if (p.over == int_overflow::wrap) {
    const std::uint64_t v = u.negative ? (~n + 1) : n;
    return static_cast<storage_t<Fmt>>(v & mask);
  }
  std::int64_t v = 0;
  if (huge || n > static_cast<std::uint64_t>(hi) + 1 + static_cast<std::uint64_t>(-lo)) {
    v = u.negative ? lo : hi;
  } else {
    v = u.negative ? -static_cast<std::int64_t>(n) : static_cast<std::int64_t>(n);
    v = v < lo ? lo : (v > hi ? hi : v);
  }
  return static_cast<storage_t<Fmt>>(static_cast<std::uint64_t>(v) & mask);
}

/// Encodes a float as an integer of `Fmt` with rounding `R` and overflow `O`.
template <class Fmt, rounding R = rounding::nearest_even, int_overflow O = int_overflow::saturate>
constexpr storage_t<Fmt> encode_int(float x) noexcept {
  return encode_int_as<Fmt>(x, int_conversion_policy{R, O});
}

/// The integer value of a code of `Fmt` (sign-extended for signed formats).
template <class Fmt>
constexpr std::int32_t int_value(storage_t<Fmt> code) noexcept {
  constexpr int_format f = descriptor_v<Fmt>;
  const std::uint32_t c =
      static_cast<std::uint32_t>(code) & static_cast<std::uint32_t>(detail::low_mask(f.bits));
  if (f.sign == signedness::signed_ && (c >> (f.bits - 1)) != 0)
    return static_cast<std::int32_t>(c) - (std::int32_t{1} << f.bits);
  return static_cast<std::int32_t>(c);
}

/// Decodes an integer code of `Fmt` to float (exact).
template <class Fmt>
constexpr float decode_int(storage_t<Fmt> code) noexcept {
  return static_cast<float>(int_value<Fmt>(code));
}

}  // namespace lowp
