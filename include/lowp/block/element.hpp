/// \file element.hpp
/// Block elements: minifloats from the catalogue and the fixed-point integers of MXINT8 and
/// block floating point, behind one interface (element_traits) that the block codec uses.
#pragma once

#include <cstdint>
#include <type_traits>

#include "lowp/codec/int_codec.hpp"
#include "lowp/codec/pack.hpp"
#include "lowp/codec/quantize_int.hpp"
#include "lowp/codec/unpacked.hpp"
#include "lowp/core/policy.hpp"
#include "lowp/core/rounding.hpp"
#include "lowp/format/formats.hpp"

namespace lowp {
namespace blocks {

/// How a signed integer element is stored.
enum class int_encoding : std::uint8_t {
  twos_complement,  ///< OCP MXINT8
  sign_magnitude,   ///< block floating point (MSFP): a sign bit above the magnitude
  offset_binary,    ///< code = n + 2^(Bits-1) (ggml Q4_0 stores q = n + 8)
};

/// The sign of an element that rounds to zero (formats-reference D-21).
enum class zero_sign : std::uint8_t {
  keep,          ///< the input's sign, where the element can show -0 (OCP, IEEE)
  positive,      ///< always +0 (microxcaling's C++ path)
  from_nonzero,  ///< -0 only for non-zero negatives; +-0 inputs give +0 (microxcaling PyTorch)
};

/// A fixed-point element: a `Bits`-bit signed integer n with value n / 2^FractionBits.
/// MXINT8 is fixed_point<8, 6> (OCP MX v1.0 section 5.3: "1.6" two's complement);
/// MSFP/BFP mantissas with m magnitude bits are fixed_point<m + 1, m - 1, sign_magnitude>.
/// `Range` narrow keeps the quantizer symmetric (+-(2^(Bits-1) - 1), as microxcaling);
/// full lets two's complement reach -2^(Bits-1). Decoding accepts every code either way.
template <int Bits, int FractionBits, int_encoding Encoding = int_encoding::twos_complement,
          int_range Range = int_range::narrow>
struct fixed_point {
  static_assert(Bits >= 2 && Bits <= 16, "lowp: fixed_point needs 2..16 bits");
  static_assert(FractionBits >= 0 && FractionBits < 32,
                "lowp: fixed_point fraction bits must be in 0..31");
  static constexpr int bits = Bits;                   ///< element width
  static constexpr int fraction_bits = FractionBits;  ///< value = n / 2^fraction_bits
  static constexpr int_encoding encoding = Encoding;  ///< storage of negative values
  static constexpr int_range range = Range;           ///< quantizer clamp range
};

namespace detail {
template <class T>
struct is_fixed_point : std::false_type {};
template <int B, int F, int_encoding E, int_range R>
struct is_fixed_point<fixed_point<B, F, E, R>> : std::true_type {};

template <class T, class = void>
struct has_float_descriptor : std::false_type {};
template <class T>
struct has_float_descriptor<T, std::void_t<decltype(T::value)>>
    : std::is_same<std::remove_cv_t<decltype(T::value)>, float_format> {};

/// An element that rounds to zero: whether it is -0 under the zero_sign policy. `y` is the
/// exact input with the block scale divided out.
constexpr bool zero_is_negative(zero_sign z, const unpacked& y) noexcept {
  switch (z) {
    case zero_sign::keep:
      return y.negative;
    case zero_sign::positive:
      return false;
    case zero_sign::from_nonzero: {
      // microxcaling divides by the scale in float32 first: a quotient that underflows to
      // float32 zero (|y| <= 2^-150) counts as a zero input.
      const bool float_zero = y.cls == value_class::zero || y.exponent < -150 ||
                              (y.exponent == -150 && y.significand == (std::uint64_t{1} << 63));
      return y.negative && !float_zero;
    }
  }
  return y.negative;
}
}  // namespace detail

/// How one element is rounded once the block scale has been divided out.
struct element_policy {
  rounding round = rounding::nearest_even;               ///< element rounding
  zero_sign zeros = zero_sign::keep;                     ///< sign of zero results
  nan_substitute no_nan = nan_substitute::max_positive;  ///< NaN into formats without NaN
};

/// What the block codec needs to know about an element type. Specialised for minifloat
/// format tags (any float_format) and for fixed_point.
template <class Elem, class = void>
struct element_traits {
  static_assert(detail::has_float_descriptor<Elem>::value || detail::is_fixed_point<Elem>::value,
                "lowp: a block element must be a minifloat format tag (lowp::formats::...) or "
                "lowp::blocks::fixed_point<...>");
};

/// Minifloat elements (OCP FP8/FP6/FP4 and any other catalogue format).
template <class Elem>
struct element_traits<Elem, std::enable_if_t<detail::has_float_descriptor<Elem>::value>> {
  static constexpr float_format format = Elem::value;
  static_assert(is_signed(format), "lowp: block elements must be signed formats");
  static constexpr int bits = total_bits(format);  ///< storage width in a packed block
  /// OCP emax_elem: exponent of the largest power of two the element represents.
  static constexpr int emax = lowp::emax(format);
  /// Mantissa bits (the EVEN scale rule rounds amax to this precision).
  static constexpr int mantissa_bits = format.mantissa_bits;
  /// Largest finite element value.
  static constexpr double max_value = max_finite(format);

  /// Rounds an exact value (the input with the block scale divided out) to a code,
  /// saturating: finite overflow and infinities give +-max (OCP MX section 6.3).
  static constexpr std::uint32_t encode(const unpacked& y, const element_policy& p,
                                        random_bits rb) noexcept {
    conversion_policy cp;
    cp.round = p.round;
    cp.over = overflow::saturate;
    cp.nan = nan_encoding::positive;
    cp.no_nan = p.no_nan;
    auto code = pack(format, y, cp, rb);
    if (y.cls != value_class::nan && (code & all_ones_magnitude(format)) == 0 &&
        has_negative_zero(format)) {
      code = detail::zero_is_negative(p.zeros, y) ? sign_mask(format) : 0;
    }
    return static_cast<std::uint32_t>(code);
  }
  /// The exact value of a code.
  static constexpr unpacked decode(std::uint32_t code) noexcept { return unpack(format, code); }
};

/// Fixed-point elements (MXINT8, BFP/MSFP mantissas).
template <class Elem>
struct element_traits<Elem, std::enable_if_t<detail::is_fixed_point<Elem>::value>> {
  static constexpr int bits = Elem::bits;  ///< storage width in a packed block
  static constexpr int fraction_bits = Elem::fraction_bits;
  static constexpr bool sign_magnitude = Elem::encoding == int_encoding::sign_magnitude;
  /// Largest magnitude n.
  static constexpr std::int64_t n_max = (std::int64_t{1} << (bits - 1)) - 1;
  /// Smallest n the quantizer produces.
  static constexpr std::int64_t n_min =
      (sign_magnitude || Elem::range == int_range::narrow) ? -n_max : -n_max - 1;
  static constexpr bool offset_binary = Elem::encoding == int_encoding::offset_binary;
  /// OCP emax_elem: largest power of two <= the largest value (0 for MXINT8).
  static constexpr int emax = bits - 2 - fraction_bits;
  /// Precision below the leading bit (6 for MXINT8): the EVEN scale rule uses it.
  static constexpr int mantissa_bits = bits - 2;
  /// Largest element value, n_max / 2^fraction_bits (127/64 for MXINT8).
  static constexpr double max_value =
      static_cast<double>(n_max) / static_cast<double>(std::uint64_t{1} << fraction_bits);

  /// Rounds y * 2^fraction_bits to an integer and clamps it to [n_min, n_max]. NaN gives 0.
  static constexpr std::uint32_t encode(const unpacked& y, const element_policy& p,
                                        random_bits rb) noexcept {
    if (y.cls == value_class::nan) return 0;
    std::int64_t n = 0;
    if (y.cls == value_class::infinite) {
      n = y.negative ? n_min : n_max;
    } else {
      unpacked scaled = y;
      if (scaled.cls == value_class::finite) scaled.exponent += fraction_bits;
      n = lowp::detail::clamp_integer(lowp::detail::round_to_integer(scaled, p.round, rb), n_min,
                                      n_max);
    }
    const std::uint32_t mask = (std::uint32_t{1} << bits) - 1u;
    if (sign_magnitude) {
      const std::uint32_t sign_bit = std::uint32_t{1} << (bits - 1);
      if (n == 0) return detail::zero_is_negative(p.zeros, y) ? sign_bit : 0u;
      return n < 0 ? sign_bit | static_cast<std::uint32_t>(-n) : static_cast<std::uint32_t>(n);
    }
    if (offset_binary) return static_cast<std::uint32_t>(n + n_max + 1) & mask;
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(n)) & mask;
  }
  /// The exact value of a code.
  static constexpr unpacked decode(std::uint32_t code) noexcept {
    const std::uint32_t sign_bit = std::uint32_t{1} << (bits - 1);
    std::int64_t n = 0;
    bool negative = (code & sign_bit) != 0;
    if (sign_magnitude) {
      n = static_cast<std::int64_t>(code & (sign_bit - 1u));
    } else if (offset_binary) {
      n = static_cast<std::int64_t>(code & ((sign_bit << 1) - 1u)) - (n_max + 1);
      negative = n < 0;
      n = n < 0 ? -n : n;
    } else {
      n = negative ? static_cast<std::int64_t>(code) - (std::int64_t{1} << bits)
                   : static_cast<std::int64_t>(code);
      n = n < 0 ? -n : n;
    }
    unpacked u;
    u.negative = negative;
    if (n == 0) return u;  // zero (-0 only from a sign-magnitude code)
    const auto m = static_cast<std::uint64_t>(n);
    const int lz = lowp::detail::clz64(m);
    u.cls = value_class::finite;
    u.significand = m << lz;
    u.exponent = (63 - lz) - fraction_bits;
    return u;
  }
};

}  // namespace blocks
}  // namespace lowp
