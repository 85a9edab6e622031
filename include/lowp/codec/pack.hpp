/// \file pack.hpp
/// Rounds an unpacked value into a format: the one encoder behind every conversion.
#pragma once

#include <cstdint>

#include "lowp/codec/unpacked.hpp"
#include "lowp/config.hpp"
#include "lowp/core/policy.hpp"
#include "lowp/core/rounding.hpp"
#include "lowp/format/float_format.hpp"

namespace lowp {
namespace detail {

/// Code of a NaN produced by overflow (sign kept where the format can show it).
constexpr std::uint64_t overflow_nan(const float_format& f, bool negative) noexcept {
  if (nan_at_negative_zero(f)) return nan_code(f);
  return nan_code(f) | (negative ? sign_mask(f) : 0);
}

/// Signed code from a magnitude (the sign is dropped for unsigned formats).
constexpr std::uint64_t with_sign(const float_format& f, std::uint64_t mag,
                                  bool negative) noexcept {
  return negative ? (mag | sign_mask(f)) : mag;
}

/// The largest finite value with a sign.
constexpr std::uint64_t signed_max(const float_format& f, bool negative) noexcept {
  return with_sign(f, max_finite_magnitude(f), negative);
}

/// The non-finite result of an overflow: inf, else NaN, else max.
constexpr std::uint64_t nonfinite(const float_format& f, bool negative) noexcept {
  if (has_inf(f)) {
    // Unsigned formats have only +inf; -inf is not representable there.
    if (negative && !is_signed(f)) return has_nan(f) ? nan_code(f) : 0;
    return with_sign(f, inf_magnitude(f), negative);
  }
  if (has_nan(f)) return overflow_nan(f, negative);
  return signed_max(f, negative);
}

/// Whether a directed rounding moves this value toward zero (IEEE 754 7.4 overflow rule).
constexpr bool rounds_toward_zero(rounding r, bool negative) noexcept {
  return r == rounding::toward_zero || (r == rounding::toward_positive && negative) ||
         (r == rounding::toward_negative && !negative);
}

/// Signed zero, or the policy's substitute when the format has no zero.
constexpr std::uint64_t zero_code(const float_format& f, bool negative) noexcept {
  return has_negative_zero(f) && negative ? sign_mask(f) : 0;
}

/// Step 9: the code of a non-zero value that rounds to zero (formats without zero: code 0).
constexpr std::uint64_t underflow_code(const float_format& f, bool negative) noexcept {
  return has_zero(f) ? zero_code(f, negative) : 0;
}

/// Step 8: the code of a finite value whose rounded magnitude exceeds the largest finite one.
constexpr std::uint64_t overflow_code(const float_format& f, const conversion_policy& p,
                                      bool negative) noexcept {
  switch (p.over) {
    case overflow::saturate:
    case overflow::saturate_keep_inf:
      return signed_max(f, negative);
    case overflow::ieee:
      if (rounds_toward_zero(p.round, negative)) return signed_max(f, negative);
      return nonfinite(f, negative);
    case overflow::to_nonfinite:
      return nonfinite(f, negative);
  }
  return nonfinite(f, negative);
}

}  // namespace detail

/// Encodes an exact value into format `f`, rounding once. Steps:
///   1. NaN: the policy's NaN code, or its substitute in formats without NaN.
///   2. +-inf: by the overflow policy.
///   3. Zero: signed zero (fnuz/P3109: +0), or the substitute in formats without zero.
///   4. Negative into an unsigned format: the negative_substitute policy.
///   5. Quantum: q = max(exponent, emin) - M; split |v| / 2^q into an integer n and a fraction.
///   6. Round n once (core/rounding.hpp); a carry moves into the next binade by itself.
///   7. Assemble the magnitude code ((biased exponent - 1) << M) + n.
///   8. Overflow is decided after rounding: code > max finite code -> overflow policy.
///   9. Underflow to zero keeps the sign where -0 exists; formats without zero give code 0.
LOWP_FORCE_INLINE constexpr std::uint64_t pack(const float_format& f, const unpacked& u,
                                               const conversion_policy& p,
                                               random_bits rb = {}) noexcept {
  bool negative = u.negative;
  // 1. NaN
  if (u.cls == value_class::nan) {
    if (has_nan(f)) {
      if (p.nan == nan_encoding::all_ones && !nan_at_negative_zero(f))
        return f.specials == special_values::ieee ? inf_magnitude(f) | mantissa_mask(f)
                                                  : all_ones_magnitude(f);
      if (p.nan == nan_encoding::keep_sign) return detail::overflow_nan(f, negative);
      return nan_code(f);
    }
    switch (p.no_nan) {
      case nan_substitute::max_positive:
        return max_finite_magnitude(f);
      case nan_substitute::flipped_zero:
        return detail::zero_code(f, !negative);
      case nan_substitute::zero:
        return 0;
    }
  }
  // 4 (early for unsigned targets): negatives that the policy does not fold to |x|.
  const bool is_negative_number = negative && u.cls != value_class::zero;
  if (is_negative_number && !is_signed(f) && p.negative != negative_substitute::magnitude) {
    const bool keeps_inf = u.cls == value_class::infinite && p.over != overflow::saturate;
    if (keeps_inf || p.negative == negative_substitute::nan)
      return has_nan(f) ? nan_code(f) : lowest_code(f);
    return lowest_code(f);
  }
  if (!is_signed(f)) negative = false;
  // 2. infinities
  if (u.cls == value_class::infinite) {
    if (p.over == overflow::saturate) return detail::signed_max(f, negative);
    return detail::nonfinite(f, negative);
  }
  // 3. zero
  if (u.cls == value_class::zero) {
    if (has_zero(f)) return detail::zero_code(f, negative);
    return p.no_zero == zero_substitute::lowest ? 0 : nan_code(f);
  }
  // 5. quantum and split
  const int e_min = emin(f);
  const int M = f.mantissa_bits;
  const int e = u.exponent;
  if (p.compat == quirk::mldtypes_e8m0_subnormal && f.specials == special_values::e8m0 &&
      e == e_min && is_nearest(p.round)) {
    // ml_dtypes treats this binade as if code 0 were zero: 2^emin itself stays, the rest
    // rounds up to 2^(emin+1).
    return u.significand == (std::uint64_t{1} << 63) ? 0 : 1;
  }
  const int q = (e > e_min ? e : e_min) - M;  // exponent of the last significand bit
  // |v| / 2^q = significand * 2^(e - 63 - q); drop s low bits (s >= 40 by construction).
  const int s = 63 - (e - q);
  std::uint64_t n = 0;
  std::uint64_t frac = 0;
  bool sticky = false;
  if (s < 64) {
    n = u.significand >> s;
    frac = u.significand << (64 - s);
  } else if (s < 128) {
    frac = u.significand >> (s - 64);
    sticky = (u.significand & detail::low_mask(s - 64)) != 0;
  } else {
    sticky = true;
  }
  // 6. round once
  n = detail::round_magnitude(p.round, negative, n, frac, sticky, rb);
  // 9. underflow to zero
  if (n == 0) return detail::underflow_code(f, negative);
  // 7. assemble: biased exponent of the quantum's binade; n carries the implicit bit.
  const std::int64_t biased = static_cast<std::int64_t>(e > e_min ? e : e_min) + f.bias;
  const std::int64_t mag_signed =
      ((biased - 1) * (std::int64_t{1} << M)) + static_cast<std::int64_t>(n);
  const std::uint64_t mag = static_cast<std::uint64_t>(mag_signed);
  // 8. overflow after rounding
  if (mag > max_finite_magnitude(f)) return detail::overflow_code(f, p, negative);
  return detail::with_sign(f, mag, negative);
}

}  // namespace lowp
