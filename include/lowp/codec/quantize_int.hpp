/// \file quantize_int.hpp
/// Affine integer quantization: q = clamp(round(x / scale) + zero_point), and back.
///
/// formats-reference.md section 7: libraries differ in how x / scale is computed (exactly,
/// as an fp32 division, or as a multiplication by an fp32 reciprocal), in the tie rule, and
/// in the range (full [-8, 7] or symmetric-narrow [-7, 7] for int4). Each is named here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "lowp/codec/arith.hpp"
#include "lowp/codec/fp32.hpp"
#include "lowp/codec/int_codec.hpp"
#include "lowp/codec/unpacked.hpp"
#include "lowp/core/random.hpp"
#include "lowp/core/rounding.hpp"
#include "lowp/core/span.hpp"
#include "lowp/format/formats.hpp"
#include "lowp/simd/detect.hpp"
#include "lowp/simd/dispatch.hpp"
#include "lowp/simd/float_env.hpp"

namespace lowp {

/// Which integer range quantized values are clamped to.
enum class int_range : std::uint8_t {
  full,    ///< [-2^(b-1), 2^(b-1) - 1] (signed), [0, 2^b - 1] (unsigned)
  narrow,  ///< signed formats: symmetric [-(2^(b-1) - 1), 2^(b-1) - 1]; unsigned: as full
};

/// How x / scale is formed before rounding to an integer.
enum class scale_division : std::uint8_t {
  exact,            ///< the exact quotient is rounded once (no fp32 intermediate)
  fp32_divide,      ///< fp32 x / scale, then rounded (PyTorch-style division)
  fp32_reciprocal,  ///< fp32 x * fp32(1 / scale), then rounded (torchao, ggml Q8_0)
};

/// Scale and zero point of one tensor, channel or group.
struct affine_params {
  float scale = 1.0f;           ///< positive, finite
  std::int32_t zero_point = 0;  ///< added after rounding
};

/// How values are quantized.
struct int_quant_policy {
  rounding round = rounding::nearest_even;          ///< integer rounding
  int_range range = int_range::full;                ///< clamp range
  scale_division division = scale_division::exact;  ///< how x / scale is formed
};

/// Smallest quantized value of `f` under `r`.
constexpr std::int64_t quant_min(const int_format& f, int_range r) noexcept {
  return (r == int_range::narrow && f.sign == signedness::signed_) ? int_min(f) + 1 : int_min(f);
}

/// Largest quantized value of `f`.
constexpr std::int64_t quant_max(const int_format& f, int_range) noexcept { return int_max(f); }

/// Quantizes one value. NaN gives the zero point (clamped); +-inf clamp. `p.scale` must be
/// positive and finite (the span overloads check it).
template <class Fmt>
constexpr storage_t<Fmt> quantize_int(float x, affine_params p, int_quant_policy q = {},
                                      random_bits rb = {}) noexcept {
  constexpr int_format f = descriptor_v<Fmt>;
  const std::int64_t lo = quant_min(f, q.range);
  const std::int64_t hi = quant_max(f, q.range);
  constexpr auto mask = detail::low_mask(f.bits);
  const auto code = [lo, hi](std::int64_t v) {
    v = v < lo ? lo : (v > hi ? hi : v);
    return static_cast<storage_t<Fmt>>(static_cast<std::uint64_t>(v) & mask);
  };
  unpacked y{};
  switch (q.division) {
    case scale_division::exact:
      y = exact_div(unpack(x), unpack(p.scale));
      break;
    case scale_division::fp32_divide:
      y = unpack(x / p.scale);
      break;
    case scale_division::fp32_reciprocal:
      y = unpack(x * (1.0f / p.scale));
      break;
  }
  if (y.cls == value_class::nan) return code(p.zero_point);
  if (y.cls == value_class::infinite) return code(y.negative ? lo : hi);
  const detail::rounded_integer r = detail::round_to_integer(y, q.round, rb);
  // Clamp in a range wide enough for the zero point, then add it.
  const std::int64_t v = detail::clamp_integer(r, -(std::int64_t{1} << 40), std::int64_t{1} << 40);
  return code(v + p.zero_point);
}

/// The value of a quantized code: (q - zero_point) * scale, rounded once to float (the same
/// as fp32 arithmetic, since q - zero_point is exact in float).
template <class Fmt>
constexpr float dequantize_int(storage_t<Fmt> code, affine_params p) noexcept {
  const auto v = static_cast<std::int64_t>(int_value<Fmt>(code)) - p.zero_point;
  return static_cast<float>(static_cast<double>(v) * static_cast<double>(p.scale));
}

namespace detail {
inline void check_quant_args(std::size_t n, std::size_t out_n, std::size_t params_n,
                             std::size_t group_size, const affine_params* params) {
  if (n != out_n)
    throw std::invalid_argument("lowp: input and output sizes differ (" + std::to_string(n) +
                                " vs " + std::to_string(out_n) + ")");
  if (group_size == 0) throw std::invalid_argument("lowp: group_size must be positive");
  const std::size_t groups = n / group_size + (n % group_size != 0 ? 1 : 0);  // cannot wrap
  if (params_n != groups && params_n != 1)
    throw std::invalid_argument("lowp: " + std::to_string(n) + " values in groups of " +
                                std::to_string(group_size) + " need " + std::to_string(groups) +
                                " parameter sets (or 1), got " + std::to_string(params_n));
  for (std::size_t g = 0; g < params_n; ++g) {
    const float s = params[g].scale;
    // Bit tests: a float comparison would take a subnormal scale for 0 under DAZ.
    if (!fp32::is_positive(s) || !fp32::is_finite(s))
      throw std::invalid_argument("lowp: scale of group " + std::to_string(g) +
                                  " is not positive and finite");
  }
}

/// One group on the active ISA's kernel with rounding r; false where none covers it.
template <class Fmt>
bool quantize_int_kernel(simd::isa which, rounding r, const float* in, storage_t<Fmt>* out,
                         std::size_t n, const affine_params& p, bool divide, std::int64_t lo,
                         std::int64_t hi, std::uint64_t key, std::uint64_t first, unsigned bits) {
  auto run = [&](auto mode) {
    return simd::quantize_int_group<Fmt, decltype(mode)::value>(
        which, in, out, n, p.scale, divide, p.zero_point, lo, hi, key, first, bits);
  };
  return with_rounding(r, run);
}
}  // namespace detail

/// Quantizes an array: element i uses params[i / group_size] (one parameter set = per
/// tensor; group_size = row length = per channel of a row-major matrix; 32/64/128 = per
/// group). Stochastic rounding draws element i's bits from counter_bits(seed, i).
/// Throws std::invalid_argument on mismatched sizes or a scale that is not positive and finite.
template <class Fmt>
void quantize_int(span<const float> in, span<storage_t<Fmt>> out, span<const affine_params> params,
                  std::size_t group_size, int_quant_policy q = {}, std::uint64_t seed = 0,
                  unsigned random_count = 32) {
  detail::check_quant_args(in.size(), out.size(), params.size(), group_size, params.data());
  const simd::ieee_denormals env;  // fp32 division modes: IEEE subnormals whatever FTZ/DAZ
  const simd::isa which = simd::active_isa();
  const std::uint64_t key = detail::counter_key(seed);
  const std::int64_t lo = quant_min(descriptor_v<Fmt>, q.range);
  const std::int64_t hi = quant_max(descriptor_v<Fmt>, q.range);
  for (std::size_t g0 = 0; g0 < in.size(); g0 += group_size) {
    const std::size_t g1 = in.size() - g0 < group_size ? in.size() : g0 + group_size;
    const affine_params& p = params.size() == 1 ? params[0] : params[g0 / group_size];
    // The kernels form the quotient in fp32 (the exact division runs on the codec).
    if (q.division != scale_division::exact &&
        detail::quantize_int_kernel<Fmt>(which, q.round, in.data() + g0, out.data() + g0, g1 - g0,
                                         p, q.division == scale_division::fp32_divide, lo, hi, key,
                                         g0, random_count))
      continue;
    for (std::size_t i = g0; i < g1; ++i)
      out[i] = quantize_int<Fmt>(in[i], p, q, counter_random_bits(seed, i, random_count));
  }
}

/// Dequantizes an array with the same grouping as quantize_int.
template <class Fmt>
void dequantize_int(span<const storage_t<Fmt>> in, span<float> out,
                    span<const affine_params> params, std::size_t group_size) {
  detail::check_quant_args(in.size(), out.size(), params.size(), group_size, params.data());
  const simd::ieee_denormals env;  // IEEE subnormals whatever the caller's FTZ/DAZ
  const simd::isa which = simd::active_isa();
  for (std::size_t g0 = 0; g0 < in.size(); g0 += group_size) {
    const std::size_t g1 = in.size() - g0 < group_size ? in.size() : g0 + group_size;
    const affine_params& p = params.size() == 1 ? params[0] : params[g0 / group_size];
    if (simd::dequantize_int_group<Fmt>(which, in.data() + g0, out.data() + g0, g1 - g0, p.scale,
                                        p.zero_point))
      continue;
    for (std::size_t i = g0; i < g1; ++i) out[i] = dequantize_int<Fmt>(in[i], p);
  }
}

/// Rules for a symmetric scale from the largest magnitude (fp32 arithmetic, as stated).
enum class symmetric_scale : std::uint8_t {
  amax_over_qmax,        ///< amax / (2^(b-1) - 1): narrow range (ggml Q8_0: amax / 127)
  amax_over_half_range,  ///< amax / ((qmax - qmin) / 2): torchao SYMMETRIC (amax / 7.5 int4)
};

/// Symmetric parameters (zero point 0) for signed format `Fmt` from the block's amax.
/// A zero amax gives scale 1 (every value quantizes to 0).
template <class Fmt>
constexpr affine_params choose_symmetric(float amax, symmetric_scale rule) noexcept {
  constexpr int_format f = descriptor_v<Fmt>;
  const float denom = rule == symmetric_scale::amax_over_qmax
                          ? static_cast<float>(int_max(f))
                          : static_cast<float>(int_max(f) - int_min(f)) / 2.0f;
  // fp32:: arithmetic and bit tests: the same result under FTZ/DAZ (-ffast-math callers).
  const float s = fp32::div(amax, denom);
  return {fp32::is_positive(s) ? s : 1.0f, 0};
}

/// Asymmetric parameters (torchao ASYMMETRIC): the range always contains 0;
/// scale = (max(hi, 0) - min(lo, 0)) / (qmax - qmin) in fp32, zero_point =
/// clamp(qmin - round_half_even(min(lo, 0) / scale), qmin, qmax).
template <class Fmt>
constexpr affine_params choose_asymmetric(float lo, float hi) noexcept {
  constexpr int_format f = descriptor_v<Fmt>;
  // fp32:: arithmetic and bit tests: the same result under FTZ/DAZ (-ffast-math callers).
  const float mn = fp32::is_positive(-lo) ? lo : 0.0f;
  const float mx = fp32::is_positive(hi) ? hi : 0.0f;
  const float s = fp32::div(fp32::add(mx, -mn), static_cast<float>(int_max(f) - int_min(f)));
  if (!fp32::is_positive(s)) return {1.0f, 0};
  const detail::rounded_integer r =
      detail::round_to_integer(unpack(fp32::div(mn, s)), rounding::nearest_even, {});
  const std::int64_t z = int_min(f) - detail::clamp_integer(r, -(1 << 20), 1 << 20);
  const std::int64_t zc = z < int_min(f) ? int_min(f) : (z > int_max(f) ? int_max(f) : z);
  return {s, static_cast<std::int32_t>(zc)};
}

namespace profiles {
/// torchao affine quantization: round-half-even of x * fp32(1 / scale), full range.
inline constexpr int_quant_policy torchao_affine{rounding::nearest_even, int_range::full,
                                                 scale_division::fp32_reciprocal};
/// ggml Q8_0 element rounding: roundf(x * (1 / d)) (ties away), range [-127, 127].
inline constexpr int_quant_policy ggml_q8_0{rounding::nearest_away, int_range::narrow,
                                            scale_division::fp32_reciprocal};
/// PyTorch quantize_per_tensor-style: nearbyint(x / scale) (ties even), full range.
inline constexpr int_quant_policy torch_divide{rounding::nearest_even, int_range::full,
                                               scale_division::fp32_divide};
}  // namespace profiles

}  // namespace lowp
