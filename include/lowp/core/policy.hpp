/// \file policy.hpp
/// Named behaviours of a conversion: overflow, NaN, zero and sign handling.
///
/// Every choice where reference implementations disagree (formats-reference.md section 9)
/// is an enum here, bundled in `conversion_policy` (encode) and `nan_decoding` (decode).
#pragma once

#include <cstdint>

#include "lowp/core/rounding.hpp"

namespace lowp {

/// What happens when a rounded finite value exceeds the largest finite value, and to +-inf.
enum class overflow : std::uint8_t {
  saturate,           ///< finite overflow and +-inf -> +-max (PTX/CUDA .satfinite)
  saturate_keep_inf,  ///< finite overflow -> +-max; +-inf stays inf (or NaN) (ml_dtypes kSaturate)
  to_nonfinite,       ///< -> +-inf if the format has it, else NaN, else +-max (ml_dtypes default)
  ieee,  ///< like to_nonfinite, but a directed rounding toward zero gives +-max (IEEE 754 7.4)
};

/// What encode produces for a NaN input when the target format has NaN.
enum class nan_encoding : std::uint8_t {
  keep_sign,  ///< the canonical quiet NaN with the input's sign (ml_dtypes, Eigen)
  positive,   ///< the canonical quiet NaN, positive
  all_ones,   ///< positive NaN with every payload bit set (CUDA float API: 0x7F, 0x7FFF)
};

/// What encode produces for a NaN input when the target format has no NaN (FP6, FP4).
enum class nan_substitute : std::uint8_t {
  max_positive,  ///< +max whatever the sign (CUDA, PTX .satfinite)
  flipped_zero,  ///< -0 for +NaN, +0 for -NaN (ml_dtypes)
  zero,          ///< +0 (ggml)
};

/// What encode produces for +-0 when the target has no zero (E8M0).
enum class zero_substitute : std::uint8_t {
  lowest,  ///< the smallest value, code 0 = 2^-127 for E8M0 (CUDA, ml_dtypes saturating)
  nan,     ///< NaN (ml_dtypes non-saturating)
};

/// What encode produces for a negative non-zero input when the target is unsigned.
enum class negative_substitute : std::uint8_t {
  nan,        ///< NaN (ml_dtypes non-saturating), or the lowest value if there is no NaN
  lowest,     ///< the smallest value (ml_dtypes saturating)
  magnitude,  ///< convert |x|: the sign is ignored (CUDA E8M0)
};

/// Deliberate reproductions of other libraries' quirks.
enum class quirk : std::uint8_t {
  none,                     ///< exact semantics
  mldtypes_e8m0_subnormal,  ///< nearest rounding to E8M0 sends (2^-127, 2^-126) up to 2^-126
};

/// Everything that decides how a value is encoded into a format.
struct conversion_policy {
  rounding round = rounding::nearest_even;                  ///< rounding mode
  overflow over = overflow::to_nonfinite;                   ///< overflow and inf
  nan_encoding nan = nan_encoding::keep_sign;               ///< NaN into NaN formats
  nan_substitute no_nan = nan_substitute::max_positive;     ///< NaN into no-NaN formats
  zero_substitute no_zero = zero_substitute::lowest;        ///< zero into no-zero formats
  negative_substitute negative = negative_substitute::nan;  ///< negatives into unsigned
  quirk compat = quirk::none;                               ///< library quirks

  /// A copy with another rounding mode.
  constexpr conversion_policy with(rounding r) const noexcept {
    conversion_policy p = *this;
    p.round = r;
    return p;
  }
  /// A copy with another overflow behaviour.
  constexpr conversion_policy with(overflow o) const noexcept {
    conversion_policy p = *this;
    p.over = o;
    return p;
  }
};

/// The float32 bit pattern decode gives a NaN code.
enum class nan_decoding : std::uint8_t {
  keep_sign,      ///< +-0x7FC00000 with the code's sign (ml_dtypes)
  payload,        ///< sign and payload bits moved to the top of the float mantissa, as IEEE
                  ///< widening does bit for bit (Eigen half/bfloat16, CUDA bfloat16)
  positive,       ///< 0x7FC00000
  all_ones,       ///< 0x7FFFFFFF (CUDA decodes FP8/FP6/FP4/half NaN through half)
  bf16_all_ones,  ///< 0x7FFF0000 (CUDA decodes E8M0 NaN through bfloat16)
};

}  // namespace lowp
