/// \file intn.hpp
/// intn<Bits, Signedness>: narrow integers (int4, uint4, int2, int1, ...) as value types.
#pragma once

#include <cstdint>
#include <type_traits>

#include "lowp/codec/int_codec.hpp"
#include "lowp/core/bits.hpp"
#include "lowp/format/formats.hpp"

namespace lowp {

/// Tag of the integer format with `Bits` bits.
template <int Bits, signedness Sign>
struct int_tag {
  static constexpr int_format value{Bits, Sign};
};

/// A Bits-bit integer (two's complement when signed) stored in the low bits of the smallest
/// unsigned integer that holds it. Conversions are named: wrap() keeps the low bits (C++ and
/// ml_dtypes semantics), saturate() clamps; from_float() rounds with any mode. Arithmetic
/// wraps, as fixed-width hardware integers do.
template <int Bits, signedness Sign = signedness::signed_>
class intn {
 public:
  using format = int_tag<Bits, Sign>;      ///< the format tag
  using storage_type = storage_t<format>;  ///< the code's integer type
  static constexpr int_format descriptor = format::value;

  /// The smallest value.
  static constexpr std::int64_t min_value = int_min(descriptor);
  /// The largest value.
  static constexpr std::int64_t max_value = int_max(descriptor);

  /// Zero.
  constexpr intn() noexcept = default;

  /// Keeps the low Bits bits of v (modular, like a C++ narrowing cast).
  static constexpr intn wrap(std::int64_t v) noexcept {
    return from_bits(static_cast<storage_type>(static_cast<std::uint64_t>(v) & mask()));
  }
  /// Clamps v to [min_value, max_value].
  static constexpr intn saturate(std::int64_t v) noexcept {
    return wrap(v < min_value ? min_value : (v > max_value ? max_value : v));
  }
  /// Rounds a float (mode R) and then saturates or wraps (O); NaN gives 0.
  template <rounding R = rounding::nearest_even, int_overflow O = int_overflow::saturate>
  static constexpr intn from_float(float x) noexcept {
    return from_bits(encode_int<format, R, O>(x));
  }
  /// The value with code b (bits above Bits are ignored).
  static constexpr intn from_bits(storage_type b) noexcept {
    intn r;
    r.bits_ = static_cast<storage_type>(b & mask());
    return r;
  }

  /// The code.
  constexpr storage_type bits() const noexcept { return bits_; }
  /// The value.
  constexpr std::int32_t value() const noexcept { return int_value<format>(bits_); }
  /// The value as an int.
  constexpr explicit operator std::int32_t() const noexcept { return value(); }
  /// The value as a float (exact).
  constexpr explicit operator float() const noexcept { return static_cast<float>(value()); }

  friend constexpr intn operator+(intn a, intn b) noexcept { return wrap(a.value() + b.value()); }
  friend constexpr intn operator-(intn a, intn b) noexcept { return wrap(a.value() - b.value()); }
  friend constexpr intn operator*(intn a, intn b) noexcept {
    return wrap(static_cast<std::int64_t>(a.value()) * b.value());
  }
  friend constexpr intn operator-(intn a) noexcept { return wrap(-std::int64_t{a.value()}); }
  friend constexpr bool operator==(intn a, intn b) noexcept { return a.bits_ == b.bits_; }
  friend constexpr bool operator!=(intn a, intn b) noexcept { return a.bits_ != b.bits_; }
  friend constexpr bool operator<(intn a, intn b) noexcept { return a.value() < b.value(); }
  friend constexpr bool operator<=(intn a, intn b) noexcept { return a.value() <= b.value(); }
  friend constexpr bool operator>(intn a, intn b) noexcept { return a.value() > b.value(); }
  friend constexpr bool operator>=(intn a, intn b) noexcept { return a.value() >= b.value(); }

 private:
  static constexpr std::uint64_t mask() noexcept { return detail::low_mask(Bits); }
  storage_type bits_ = 0;
};

using int8 = intn<8>;                          ///< 8-bit signed
using uint8 = intn<8, signedness::unsigned_>;  ///< 8-bit unsigned
using int4 = intn<4>;                          ///< 4-bit signed, [-8, 7]
using uint4 = intn<4, signedness::unsigned_>;  ///< 4-bit unsigned, [0, 15]
using int2 = intn<2>;                          ///< 2-bit signed, [-2, 1]
using uint2 = intn<2, signedness::unsigned_>;  ///< 2-bit unsigned, [0, 3]
using int1 = intn<1>;                          ///< 1-bit signed, [-1, 0]
using uint1 = intn<1, signedness::unsigned_>;  ///< 1-bit unsigned, [0, 1]

}  // namespace lowp
