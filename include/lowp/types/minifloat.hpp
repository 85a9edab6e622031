/// \file minifloat.hpp
/// minifloat<Fmt>: a value type for any float format, with arithmetic rounded once.
#pragma once

#include <cstdint>
#include <type_traits>

#include "lowp/codec/arith.hpp"
#include "lowp/codec/float_codec.hpp"
#include "lowp/codec/pack.hpp"
#include "lowp/codec/unpacked.hpp"
#include "lowp/format/formats.hpp"

namespace lowp {

namespace detail {
/// Unpacks an integer exactly (as a value of unbounded precision).
template <class I>
constexpr unpacked unpack_integer(I v) noexcept {
  unpacked u;
  if (v == 0) return u;
  std::uint64_t mag = 0;
  if constexpr (std::is_signed_v<I>) {
    u.negative = v < 0;
    mag = u.negative ? (~static_cast<std::uint64_t>(static_cast<std::int64_t>(v)) + 1)
                     : static_cast<std::uint64_t>(v);
  } else {
    mag = static_cast<std::uint64_t>(v);
  }
  const int lz = clz64(mag);
  u.cls = value_class::finite;
  u.significand = mag << lz;
  u.exponent = 63 - lz;
  return u;
}
}  // namespace detail

/// A number of format `Fmt` (any float format tag), stored as its code.
///
/// Conversions from float, double and integers round once to nearest-even with the format's
/// default overflow behaviour (use encode_as for other policies and from_bits to wrap the
/// code). Arithmetic (+ - * /, sqrt, fma) computes the exact result and rounds it once
/// (codec/arith.hpp). Comparisons follow IEEE 754: NaN is unordered, +0 == -0.
template <class Fmt>
class minifloat {
 public:
  using format = Fmt;                                            ///< the format tag
  using storage_type = storage_t<Fmt>;                           ///< the code's integer type
  static constexpr float_format descriptor = descriptor_v<Fmt>;  ///< the format

  /// +0 (code 0; for E8M0, which has no zero, code 0 is 2^-127).
  constexpr minifloat() noexcept = default;
  /// Rounds a float (nearest-even, default overflow).
  constexpr explicit minifloat(float x) noexcept : bits_(encode<Fmt>(x)) {}
  /// Rounds a double once (nearest-even, default overflow).
  constexpr explicit minifloat(double x) noexcept : bits_(encode<Fmt>(x)) {}
  /// Rounds an integer once (nearest-even, default overflow), exactly for any 64-bit value.
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
  constexpr explicit minifloat(I v) noexcept
      : bits_(static_cast<storage_type>(pack(descriptor, detail::unpack_integer(v),
                                             conversion_policy{}.with(default_overflow_v<Fmt>)))) {}

  /// The value with code `b` (bits above the format's width are ignored by decoding).
  static constexpr minifloat from_bits(storage_type b) noexcept {
    minifloat m;
    m.bits_ = b;
    return m;
  }
  /// The code.
  constexpr storage_type bits() const noexcept { return bits_; }

  /// Exact conversion to float (NaN codes give +-0x7FC00000).
  constexpr explicit operator float() const noexcept { return decode<Fmt>(bits_); }
  /// Exact conversion to double.
  constexpr explicit operator double() const noexcept {
    return static_cast<double>(decode<Fmt>(bits_));
  }

  /// Correctly rounded sum.
  friend constexpr minifloat operator+(minifloat a, minifloat b) noexcept {
    return from_bits(add_as<Fmt>(a.bits_, b.bits_, policy()));
  }
  /// Correctly rounded difference.
  friend constexpr minifloat operator-(minifloat a, minifloat b) noexcept {
    return from_bits(sub_as<Fmt>(a.bits_, b.bits_, policy()));
  }
  /// Correctly rounded product.
  friend constexpr minifloat operator*(minifloat a, minifloat b) noexcept {
    return from_bits(mul_as<Fmt>(a.bits_, b.bits_, policy()));
  }
  /// Correctly rounded quotient.
  friend constexpr minifloat operator/(minifloat a, minifloat b) noexcept {
    return from_bits(div_as<Fmt>(a.bits_, b.bits_, policy()));
  }
  /// Negation: flips the sign (NaN stays NaN; fnuz +0 stays +0; unsigned formats give NaN
  /// for non-zero values).
  friend constexpr minifloat operator-(minifloat a) noexcept {
    unpacked u = unpack(descriptor, a.bits_);
    u.negative = !u.negative;
    return from_bits(static_cast<storage_type>(pack(descriptor, u, policy())));
  }
  /// Identity.
  friend constexpr minifloat operator+(minifloat a) noexcept { return a; }

  constexpr minifloat& operator+=(minifloat b) noexcept { return *this = *this + b; }
  constexpr minifloat& operator-=(minifloat b) noexcept { return *this = *this - b; }
  constexpr minifloat& operator*=(minifloat b) noexcept { return *this = *this * b; }
  constexpr minifloat& operator/=(minifloat b) noexcept { return *this = *this / b; }

  /// IEEE equality: NaN != everything, +0 == -0.
  friend constexpr bool operator==(minifloat a, minifloat b) noexcept {
    return static_cast<float>(a) == static_cast<float>(b);
  }
  friend constexpr bool operator!=(minifloat a, minifloat b) noexcept { return !(a == b); }
  friend constexpr bool operator<(minifloat a, minifloat b) noexcept {
    return static_cast<float>(a) < static_cast<float>(b);
  }
  friend constexpr bool operator<=(minifloat a, minifloat b) noexcept {
    return static_cast<float>(a) <= static_cast<float>(b);
  }
  friend constexpr bool operator>(minifloat a, minifloat b) noexcept { return b < a; }
  friend constexpr bool operator>=(minifloat a, minifloat b) noexcept { return b <= a; }

 private:
  static constexpr conversion_policy policy() noexcept {
    return conversion_policy{}.with(default_overflow_v<Fmt>);
  }
  storage_type bits_ = 0;
};

/// Correctly rounded square root.
template <class Fmt>
constexpr minifloat<Fmt> sqrt(minifloat<Fmt> a) noexcept {
  return minifloat<Fmt>::from_bits(
      sqrt_as<Fmt>(a.bits(), conversion_policy{}.with(default_overflow_v<Fmt>)));
}

/// a * b + c rounded once.
template <class Fmt>
constexpr minifloat<Fmt> fma(minifloat<Fmt> a, minifloat<Fmt> b, minifloat<Fmt> c) noexcept {
  return minifloat<Fmt>::from_bits(
      fma_as<Fmt>(a.bits(), b.bits(), c.bits(), conversion_policy{}.with(default_overflow_v<Fmt>)));
}

/// True for NaN codes.
template <class Fmt>
constexpr bool isnan(minifloat<Fmt> a) noexcept {
  return is_nan_code(descriptor_v<Fmt>, a.bits());
}

/// True for +-inf.
template <class Fmt>
constexpr bool isinf(minifloat<Fmt> a) noexcept {
  return is_inf_code(descriptor_v<Fmt>, a.bits());
}

/// True for finite values.
template <class Fmt>
constexpr bool isfinite(minifloat<Fmt> a) noexcept {
  return !isnan(a) && !isinf(a);
}

/// True when the sign bit is set.
template <class Fmt>
constexpr bool signbit(minifloat<Fmt> a) noexcept {
  return (a.bits() & sign_mask(descriptor_v<Fmt>)) != 0;
}

/// Absolute value: clears the sign (NaN stays NaN).
template <class Fmt>
constexpr minifloat<Fmt> abs(minifloat<Fmt> a) noexcept {
  return signbit(a) && !isnan(a) ? -a : a;
}

/// Value types for the catalogue, under the names people know.
using float8_e4m3fn = minifloat<formats::e4m3fn>;
using float8_e5m2 = minifloat<formats::e5m2>;
using float8_e4m3 = minifloat<formats::e4m3>;
using float8_e3m4 = minifloat<formats::e3m4>;
using float8_e4m3fnuz = minifloat<formats::e4m3fnuz>;
using float8_e5m2fnuz = minifloat<formats::e5m2fnuz>;
using float8_e4m3b11fnuz = minifloat<formats::e4m3b11fnuz>;
using float8_e8m0fnu = minifloat<formats::e8m0fnu>;
using float6_e2m3fn = minifloat<formats::e2m3fn>;
using float6_e3m2fn = minifloat<formats::e3m2fn>;
using float4_e2m1fn = minifloat<formats::e2m1fn>;
using float8_ue4m3 = minifloat<formats::ue4m3>;
using bfloat16 = minifloat<formats::bfloat16>;
using float16 = minifloat<formats::binary16>;
using tfloat32 = minifloat<formats::tf32>;

}  // namespace lowp

// numeric_limits is specialised with the type, so it can never be silently missing.
#include "lowp/types/limits.hpp"  // IWYU pragma: export
