/// \file float_format.hpp
/// The binary floating-point format descriptor and every property derived from it.
///
/// A format is fully described by five numbers; everything else (max finite value, NaN code,
/// number of finite values, ...) is a constexpr function of the descriptor, so a fact about a
/// format lives in exactly one place. See docs/formats.md and formats-reference.md section 1.
#pragma once

#include <cstdint>
#include <type_traits>

#include "lowp/config.hpp"

namespace lowp {

/// Whether a format (float or integer) has a sign.
enum class signedness : std::uint8_t {
  signed_,    ///< has a sign bit (floats: sign-magnitude; integers: two's complement)
  unsigned_,  ///< non-negative values only
};

/// Which codes of a float format are special (formats-reference.md section 1.1).
enum class special_values : std::uint8_t {
  ieee,            ///< IEEE 754: top exponent reserved, mantissa 0 = inf, else NaN
  fn,              ///< OCP "fn": no inf; NaN only at the all-ones magnitude (E4M3FN, UE4M3)
  fnuz,            ///< no inf, no -0: the single NaN sits at the -0 code (0x80 in 8 bits)
  finite,          ///< no inf, no NaN: every code is a number (FP6, FP4)
  e8m0,            ///< unsigned powers of two: no zero, no subnormals, NaN at all ones
  p3109_extended,  ///< IEEE P3109 extended domain: inf at the top magnitude(s), NaN as below
  p3109_finite,    ///< IEEE P3109 finite domain: NaN at 0x80 (signed) or all ones (unsigned)
};

/// Describes a binary floating-point format of up to 32 bits.
///
/// Code layout: [sign][exponent_bits][mantissa_bits], sign only when signed. A finite code
/// with exponent field f and mantissa m means (1 + m / 2^M) * 2^(f - bias) for f >= 1 and
/// m * 2^(1 - bias - M) for f = 0 (subnormals), except E8M0-like formats, where every field
/// value (f = 0 included) is normal.
struct float_format {
  int exponent_bits;        ///< E, 1..8
  int mantissa_bits;        ///< M (trailing significand bits), 0..23
  int bias;                 ///< exponent bias
  signedness sign;          ///< whether a sign bit exists
  special_values specials;  ///< special-value convention
};

/// IEEE-style default bias 2^(E-1) - 1.
constexpr int default_bias(int exponent_bits) noexcept { return (1 << (exponent_bits - 1)) - 1; }

/// True when the format has a sign bit.
constexpr bool is_signed(const float_format& f) noexcept { return f.sign == signedness::signed_; }

/// Number of bits of a code: sign (if any) + exponent + mantissa.
constexpr int total_bits(const float_format& f) noexcept {
  return (is_signed(f) ? 1 : 0) + f.exponent_bits + f.mantissa_bits;
}

/// Bits below the sign: exponent + mantissa.
constexpr int magnitude_bits(const float_format& f) noexcept {
  return f.exponent_bits + f.mantissa_bits;
}

/// The sign bit of a code (0 for unsigned formats).
constexpr std::uint64_t sign_mask(const float_format& f) noexcept {
  return is_signed(f) ? std::uint64_t{1} << magnitude_bits(f) : 0;
}

/// The magnitude code with every bit set.
constexpr std::uint64_t all_ones_magnitude(const float_format& f) noexcept {
  return (std::uint64_t{1} << magnitude_bits(f)) - 1;
}

/// Mask of the mantissa field.
constexpr std::uint64_t mantissa_mask(const float_format& f) noexcept {
  return (std::uint64_t{1} << f.mantissa_bits) - 1;
}

/// Whether the format encodes zero (all but E8M0-like formats).
constexpr bool has_zero(const float_format& f) noexcept {
  return f.specials != special_values::e8m0;
}

/// Whether exponent field 0 holds subnormals (all but E8M0-like formats).
constexpr bool has_subnormals(const float_format& f) noexcept {
  return f.specials != special_values::e8m0;
}

/// Whether -0 exists (signed formats other than fnuz and P3109).
constexpr bool has_negative_zero(const float_format& f) noexcept {
  return is_signed(f) && f.specials != special_values::fnuz &&
         f.specials != special_values::p3109_extended && f.specials != special_values::p3109_finite;
}

/// Whether the format encodes infinities.
constexpr bool has_inf(const float_format& f) noexcept {
  return f.specials == special_values::ieee || f.specials == special_values::p3109_extended;
}

/// Whether the format encodes NaN.
constexpr bool has_nan(const float_format& f) noexcept {
  return f.specials != special_values::finite;
}

/// Whether the NaN sits at the -0 code (fnuz, signed P3109).
constexpr bool nan_at_negative_zero(const float_format& f) noexcept {
  return is_signed(f) &&
         (f.specials == special_values::fnuz || f.specials == special_values::p3109_extended ||
          f.specials == special_values::p3109_finite);
}

/// Magnitude code of +inf (meaningful only when has_inf).
LOWP_FORCE_INLINE constexpr std::uint64_t inf_magnitude(const float_format& f) noexcept {
  if (f.specials == special_values::ieee)
    return ((std::uint64_t{1} << f.exponent_bits) - 1) << f.mantissa_bits;
  // P3109 extended: the top magnitude (signed) or the one below the NaN (unsigned).
  return is_signed(f) ? all_ones_magnitude(f) : all_ones_magnitude(f) - 1;
}

/// Largest magnitude code that is a finite number.
LOWP_FORCE_INLINE constexpr std::uint64_t max_finite_magnitude(const float_format& f) noexcept {
  switch (f.specials) {
    case special_values::ieee:
      return inf_magnitude(f) - 1;
    case special_values::fn:
    case special_values::e8m0:
      return all_ones_magnitude(f) - 1;
    case special_values::fnuz:
    case special_values::finite:
      return all_ones_magnitude(f);
    case special_values::p3109_extended:
      return inf_magnitude(f) - 1;
    case special_values::p3109_finite:
      return is_signed(f) ? all_ones_magnitude(f) : all_ones_magnitude(f) - 1;
  }
  return 0;
}

/// The canonical positive quiet NaN code (meaningful only when has_nan).
LOWP_FORCE_INLINE constexpr std::uint64_t nan_code(const float_format& f) noexcept {
  if (f.specials == special_values::ieee)
    return inf_magnitude(f) | (std::uint64_t{1} << (f.mantissa_bits - 1));
  if (nan_at_negative_zero(f)) return sign_mask(f);
  return all_ones_magnitude(f);
}

/// Code of +inf (meaningful only when has_inf).
constexpr std::uint64_t inf_code(const float_format& f) noexcept { return inf_magnitude(f); }

/// Code of the largest finite value.
constexpr std::uint64_t max_code(const float_format& f) noexcept { return max_finite_magnitude(f); }

/// Code of the most negative finite value (the smallest value for unsigned formats).
constexpr std::uint64_t lowest_code(const float_format& f) noexcept {
  return is_signed(f) ? (sign_mask(f) | max_finite_magnitude(f)) : 0;
}

/// True when `code` (low total_bits bits) encodes a NaN.
LOWP_FORCE_INLINE constexpr bool is_nan_code(const float_format& f, std::uint64_t code) noexcept {
  if (!has_nan(f)) return false;
  const std::uint64_t mag = code & all_ones_magnitude(f);
  if (nan_at_negative_zero(f)) return code == sign_mask(f);
  if (f.specials == special_values::ieee) return mag > inf_magnitude(f);
  return mag == all_ones_magnitude(f);
}

/// True when `code` encodes +inf or -inf.
LOWP_FORCE_INLINE constexpr bool is_inf_code(const float_format& f, std::uint64_t code) noexcept {
  return has_inf(f) && (code & all_ones_magnitude(f)) == inf_magnitude(f) && !is_nan_code(f, code);
}

/// Exponent field value of the smallest normal binade (1, or 0 without subnormals).
constexpr int min_normal_field(const float_format& f) noexcept { return has_subnormals(f) ? 1 : 0; }

/// Unbiased exponent of the smallest normal value.
constexpr int emin(const float_format& f) noexcept { return min_normal_field(f) - f.bias; }

/// Unbiased exponent of the largest finite value: floor(log2(max finite)).
constexpr int emax(const float_format& f) noexcept {
  return static_cast<int>(max_finite_magnitude(f) >> f.mantissa_bits) - f.bias;
}

/// Unbiased exponent of the smallest positive value (min subnormal, or min normal).
constexpr int min_exponent(const float_format& f) noexcept {
  return has_subnormals(f) ? emin(f) - f.mantissa_bits : emin(f);
}

namespace detail {
/// 2^e as a double, exactly, for |e| < 1023 (constexpr replacement for ldexp).
constexpr double pow2(int e) noexcept {
  double r = 1.0;
  if (e >= 0) {
    for (int i = 0; i < e; ++i) r *= 2.0;
  } else {
    for (int i = 0; i < -e; ++i) r *= 0.5;
  }
  return r;
}
}  // namespace detail

/// Value of a non-special magnitude code, exactly, as a double.
constexpr double magnitude_value(const float_format& f, std::uint64_t mag) noexcept {
  const int field = static_cast<int>(mag >> f.mantissa_bits);
  const std::uint64_t m = mag & mantissa_mask(f);
  if (field == 0 && has_subnormals(f))
    return static_cast<double>(m) * detail::pow2(emin(f) - f.mantissa_bits);
  return static_cast<double>((std::uint64_t{1} << f.mantissa_bits) | m) *
         detail::pow2(field - f.bias - f.mantissa_bits);
}

/// Largest finite value.
constexpr double max_finite(const float_format& f) noexcept {
  return magnitude_value(f, max_finite_magnitude(f));
}

/// Smallest positive normal value, 2^emin.
constexpr double min_normal(const float_format& f) noexcept { return detail::pow2(emin(f)); }

/// Smallest positive value (the smallest subnormal where subnormals exist).
constexpr double min_positive(const float_format& f) noexcept {
  return detail::pow2(min_exponent(f));
}

/// Number of NaN codes.
constexpr std::uint64_t nan_code_count(const float_format& f) noexcept {
  if (!has_nan(f)) return 0;
  if (nan_at_negative_zero(f)) return 1;
  const std::uint64_t per_sign =
      f.specials == special_values::ieee ? mantissa_mask(f) : std::uint64_t{1};
  return is_signed(f) ? 2 * per_sign : per_sign;
}

/// Number of codes that are finite numbers (both zeros counted).
constexpr std::uint64_t finite_code_count(const float_format& f) noexcept {
  const std::uint64_t codes = std::uint64_t{1} << total_bits(f);
  const std::uint64_t infs = has_inf(f) ? (is_signed(f) ? 2 : 1) : 0;
  return codes - nan_code_count(f) - infs;
}

/// Number of distinct finite values (+0 and -0 counted once).
constexpr std::uint64_t finite_value_count(const float_format& f) noexcept {
  return finite_code_count(f) - (has_negative_zero(f) ? 1 : 0);
}

/// Why a descriptor is invalid, or nullptr when it is valid (also usable at run time).
constexpr const char* validate(const float_format& f) noexcept {
  if (f.exponent_bits < 1 || f.exponent_bits > 8) return "exponent_bits must be in 1..8";
  if (f.mantissa_bits < 0 || f.mantissa_bits > 23) return "mantissa_bits must be in 0..23";
  if (total_bits(f) > 32) return "a format has at most 32 bits";
  if (f.specials == special_values::ieee && f.mantissa_bits < 1)
    return "an IEEE-like format needs a mantissa bit to encode NaN";
  if (f.specials == special_values::ieee && f.exponent_bits < 2)
    return "an IEEE-like format needs two exponent bits (the top one is reserved)";
  if (f.specials == special_values::fnuz && !is_signed(f))
    return "fnuz puts NaN at the -0 code, so the format must be signed";
  if (f.specials == special_values::e8m0 && (is_signed(f) || f.mantissa_bits != 0))
    return "an E8M0-like format is unsigned with no mantissa bits";
  if (f.specials == special_values::p3109_extended && total_bits(f) < 3)
    return "a P3109 extended format needs at least 3 bits";
  if (emax(f) > 127) return "the largest value exceeds the float32 range (raise the bias)";
  if (min_exponent(f) < -149) return "the smallest value is below float32's (lower the bias)";
  return nullptr;
}

/// True when the descriptor is valid.
constexpr bool is_valid(const float_format& f) noexcept { return validate(f) == nullptr; }

}  // namespace lowp
