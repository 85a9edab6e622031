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

namespace detail {

/// |v| rounded to an integer once; `huge` when |v| >= 2^63 (only its low bits are kept).
struct rounded_integer {
  bool negative = false;
  bool huge = false;
  std::uint64_t magnitude = 0;
};

/// Rounds a finite or zero unpacked value to an integer (the one integer rounding step).
constexpr rounded_integer round_to_integer(const unpacked& u, rounding r, random_bits rb) noexcept {
  rounded_integer out;
  out.negative = u.negative;
  if (u.cls == value_class::zero) return out;
  std::uint64_t n = 0;
  std::uint64_t frac = 0;
  bool sticky = false;
  const int e = u.exponent;
  if (e >= 63) {
    out.huge = true;
    out.magnitude = e - 63 >= 64 ? 0 : u.significand << (e - 63);
    return out;
  }
  if (e >= 0) {
    n = u.significand >> (63 - e);
    frac = u.significand << (e + 1);
  } else if (e >= -64) {
    frac = u.significand >> (-e - 1);
    sticky = (u.significand & low_mask(-e - 1)) != 0;
  } else {
    sticky = true;
  }
  out.magnitude = round_magnitude(r, u.negative, n, frac, sticky, rb);
  return out;
}

/// The signed value of a rounded integer clamped to [lo, hi].
constexpr std::int64_t clamp_integer(const rounded_integer& v, std::int64_t lo,
                                     std::int64_t hi) noexcept {
  if (v.huge || v.magnitude > (std::uint64_t{1} << 62)) return v.negative ? lo : hi;
  const auto m = static_cast<std::int64_t>(v.magnitude);
  const std::int64_t s = v.negative ? -m : m;
  return s < lo ? lo : (s > hi ? hi : s);
}

}  // namespace detail

/// Encodes a float as an integer of `Fmt` (two's complement code in the low bits).
template <class Fmt>
constexpr storage_t<Fmt> encode_int_as(float x, const int_conversion_policy& p,
                                       random_bits rb = {}) noexcept {
  constexpr int_format f = descriptor_v<Fmt>;
  const std::uint64_t mask = detail::low_mask(f.bits);
  const unpacked u = unpack(x);
  if (u.cls == value_class::nan) return 0;
  const std::int64_t lo = int_min(f);
  const std::int64_t hi = int_max(f);
  if (u.cls == value_class::infinite) {
    if (p.over == int_overflow::wrap) return 0;
    return static_cast<storage_t<Fmt>>(static_cast<std::uint64_t>(u.negative ? lo : hi) & mask);
  }
  const detail::rounded_integer v = detail::round_to_integer(u, p.round, rb);
  if (p.over == int_overflow::wrap) {
    const std::uint64_t bits = v.negative ? (~v.magnitude + 1) : v.magnitude;
    return static_cast<storage_t<Fmt>>(bits & mask);
  }
  return static_cast<storage_t<Fmt>>(static_cast<std::uint64_t>(detail::clamp_integer(v, lo, hi)) &
                                     mask);
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
