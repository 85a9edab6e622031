/// \file profiles.hpp
/// Named policies that reproduce other stacks bit for bit (docs/compatibility.md).
#pragma once

#include "lowp/codec/int_codec.hpp"
#include "lowp/core/policy.hpp"
#include "lowp/format/float_format.hpp"

namespace lowp {
namespace profiles {

/// CUDA host conversions with __NV_SATFINITE (fp8, fp6, fp4, e8m0; cudaRoundNearest):
/// +-inf -> +-max, NaN -> all-ones NaN, or +max where there is no NaN; E8M0 uses |x|.
/// For E8M0 pick cudaRoundZero / cudaRoundPosInf with `.with(rounding::toward_zero)` etc.
inline constexpr conversion_policy cuda_satfinite{rounding::nearest_even,
                                                  overflow::saturate,
                                                  nan_encoding::all_ones,
                                                  nan_substitute::max_positive,
                                                  zero_substitute::lowest,
                                                  negative_substitute::magnitude,
                                                  quirk::none};

/// CUDA host conversions with __NV_NOSAT, and __float2half_rn / __float2bfloat16_rn:
/// overflow -> inf (E5M2, half, bf16) or NaN (E4M3, E8M0); FP6/FP4 always clamp.
inline constexpr conversion_policy cuda_nosat{rounding::nearest_even,
                                              overflow::to_nonfinite,
                                              nan_encoding::all_ones,
                                              nan_substitute::max_positive,
                                              zero_substitute::lowest,
                                              negative_substitute::magnitude,
                                              quirk::none};

/// ml_dtypes `ConvertFrom<kSaturate=false, kTruncate=false>` (NumPy astype), also Eigen's
/// half/bfloat16 constructors.
inline constexpr conversion_policy mldtypes_rne{
    rounding::nearest_even,        overflow::to_nonfinite, nan_encoding::keep_sign,
    nan_substitute::flipped_zero,  zero_substitute::nan,   negative_substitute::nan,
    quirk::mldtypes_e8m0_subnormal};

/// ml_dtypes `ConvertFrom<kSaturate=true, kTruncate=false>`.
inline constexpr conversion_policy mldtypes_rne_sat{
    rounding::nearest_even,        overflow::saturate_keep_inf, nan_encoding::keep_sign,
    nan_substitute::flipped_zero,  zero_substitute::lowest,     negative_substitute::lowest,
    quirk::mldtypes_e8m0_subnormal};

/// ml_dtypes `ConvertFrom<kSaturate=false, kTruncate=true>`.
inline constexpr conversion_policy mldtypes_rz = mldtypes_rne.with(rounding::toward_zero);

/// ml_dtypes `ConvertFrom<kSaturate=true, kTruncate=true>`.
inline constexpr conversion_policy mldtypes_rz_sat = mldtypes_rne_sat.with(rounding::toward_zero);

/// ml_dtypes int1/int2/int4 (and unsigned) casts from float: truncate, then wrap.
inline constexpr int_conversion_policy mldtypes_int_cast{rounding::toward_zero, int_overflow::wrap};

/// NaN pattern of CUDA's host decoders: half-based (0x7FFFFFFF) for FP8/FP6/FP4/half,
/// bfloat16-based (0x7FFF0000) for E8M0, payload-preserving for bfloat16.
constexpr nan_decoding cuda_decode(const float_format& f) noexcept {
  if (f.specials == special_values::e8m0) return nan_decoding::bf16_all_ones;
  if (f.exponent_bits == 8 && f.mantissa_bits == 7) return nan_decoding::payload;
  return nan_decoding::all_ones;
}

/// NaN pattern of ml_dtypes' decoders: canonical with sign, except the Eigen-based 16-bit
/// types, which widen the payload bit for bit.
constexpr nan_decoding mldtypes_decode(const float_format& f) noexcept {
  return total_bits(f) == 16 ? nan_decoding::payload : nan_decoding::keep_sign;
}

}  // namespace profiles
}  // namespace lowp
