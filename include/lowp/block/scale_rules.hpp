/// \file scale_rules.hpp
/// Scale rules: how a block's scale is chosen from its contents, how the scale is divided
/// out of each element, and how a stored element and scale decode back to float32.
///
/// A rule is a policy type with static member templates, each taking the block format B:
///   plan<B>(stats, tensor, options) -> scale_plan   the scale code and the element divisor
///   encode<B>(x, plan, policy, bits)   -> code       one element
///   decode<B>(code, scale, tensor)     -> float      one element back
///   tensor<B>(amax)                    -> tensor_scale_state  (rules with a tensor scale)
/// Every float32 operation a recipe performs is done with lowp::fp32 (exact, rounded once),
/// so the documented sequence is what runs on every compiler.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "lowp/block/element.hpp"
#include "lowp/codec/float_codec.hpp"
#include "lowp/codec/fp32.hpp"
#include "lowp/codec/unpacked.hpp"
#include "lowp/core/bits.hpp"
#include "lowp/format/formats.hpp"

namespace lowp {
namespace blocks {

/// What a block holding NaN or +-inf becomes (formats-reference D-17).
enum class nonfinite : std::uint8_t {
  nan_scale,     ///< OCP MX: a NaN or inf anywhere makes the scale NaN (every element NaN)
  saturate_inf,  ///< TransformerEngine: NaN gives a NaN scale; inf gives the largest finite
                 ///< scale (0xFE) and the infinite elements saturate to +-max
};

/// Facts about one block's inputs, gathered before its scale is chosen.
struct block_stats {
  float amax = 0.0f;        ///< largest |x| (NaN when a NaN is present, inf when an inf is)
  float signed_max = 0.0f;  ///< the first element with the largest |x|, with its sign
  bool has_nan = false;     ///< a NaN is present
  bool has_inf = false;     ///< an infinity is present
};

/// Gathers block_stats over n values.
constexpr block_stats gather_stats(const float* x, std::size_t n) noexcept {
  // As ggml: the running maximum starts at +0 and moves only on a strictly larger |x|, so an
  // all-zero block has signed_max +0 whatever the zeros' signs.
  block_stats s;
  float best = 0.0f;
  for (std::size_t i = 0; i < n; ++i) {
    if (fp32::is_nan(x[i])) {
      s.has_nan = true;
      continue;
    }
    const float a = fp32::abs(x[i]);
    if (bit_cast<std::uint32_t>(a) == 0x7F800000u) s.has_inf = true;
    if (bit_cast<std::uint32_t>(a) > bit_cast<std::uint32_t>(best)) {  // DAZ-proof a > best
      best = a;
      s.signed_max = x[i];
    }
  }
  s.amax = s.has_nan ? bit_cast<float>(0x7FC00000u) : best;
  return s;
}

/// The statistics of two blocks' inputs taken together (a's elements first).
constexpr block_stats combine(const block_stats& a, const block_stats& b) noexcept {
  block_stats s = a;
  s.has_nan = a.has_nan || b.has_nan;
  s.has_inf = a.has_inf || b.has_inf;
  // Magnitudes compared as bits (non-negative, not NaN here): no DAZ in the comparison.
  if (bit_cast<std::uint32_t>(fp32::abs(b.signed_max)) >
      bit_cast<std::uint32_t>(fp32::abs(a.signed_max)))
    s.signed_max = b.signed_max;
  s.amax = s.has_nan ? bit_cast<float>(0x7FC00000u)
                     : (bit_cast<std::uint32_t>(b.amax) > bit_cast<std::uint32_t>(a.amax) ? b.amax
                                                                                          : a.amax);
  return s;
}

/// The decode-side and encode-side factors of a tensor scale (meaning depends on the rule;
/// both 1 when the block format has no tensor scale).
struct tensor_scale_state {
  float encode = 1.0f;  ///< multiplier applied while choosing block scales
  float decode = 1.0f;  ///< multiplier applied when decoding (stored with the data)
};

/// How the element value to round is formed from the input x.
enum class element_map : std::uint8_t {
  shift,      ///< y = x * 2^-shift, exactly
  multiply,   ///< y = fp32(x * factor)
  divide,     ///< y = fp32(x / factor)
  nan_block,  ///< the scale is NaN: elements are written as code 0
};

/// A block's chosen scale.
struct scale_plan {
  std::uint32_t code = 0;                ///< scale code, stored
  element_map map = element_map::shift;  ///< how elements are formed
  int shift = 0;                         ///< for element_map::shift
  float factor = 1.0f;                   ///< for multiply / divide
};

/// Options of a block conversion that are not part of the type.
struct rule_options {
  nonfinite specials = nonfinite::nan_scale;  ///< NaN/inf inside a block
};

namespace detail {

/// The exact value y of x with a power-of-two scale 2^s divided out.
constexpr unpacked shifted(float x, int s) noexcept {
  unpacked u = unpack(x);
  if (u.cls == value_class::finite) u.exponent -= s;
  return u;
}

/// Rounds an exact value to float32 (nearest even; overflow gives inf).
constexpr float to_float(const unpacked& u) noexcept {
  return bit_cast<float>(
      static_cast<std::uint32_t>(pack(lowp::detail::binary32_layout, u, conversion_policy{})));
}

/// The exact float value of an element code (every element value is a float32).
template <class Elem>
constexpr float element_value(std::uint32_t code) noexcept {
  return to_float(element_traits<Elem>::decode(code));
}

constexpr float quiet_nan() noexcept { return bit_cast<float>(0x7FC00000u); }

/// The float value of a scale code of block format B.
template <class B>
constexpr float scale_value(std::uint32_t code) noexcept {
  return lowp::decode<typename B::scale_format>(
      static_cast<storage_t<typename B::scale_format>>(code));
}

/// Base of the rules without a tensor scale.
struct no_tensor_scale_rule {
  /// No tensor scale.
  template <class B>
  static constexpr tensor_scale_state tensor(float) noexcept {
    return {};
  }
};

/// Shared body of the power-of-two rules: specials, the zero block, the clamp into the
/// scale format's exponent range. `Exponent` maps amax to the unclamped scale exponent.
template <class B, class Exponent>
constexpr scale_plan pow2_plan(const block_stats& st, const rule_options& o,
                               Exponent exponent) noexcept {
  constexpr float_format sf = descriptor_v<typename B::scale_format>;
  static_assert(sf.mantissa_bits == 0 && !is_signed(sf),
                "lowp: power-of-two scale rules need an E8M0-like scale format (no mantissa, "
                "unsigned), e.g. lowp::formats::e8m0fnu");
  constexpr int s_min = emin(sf);
  constexpr int s_max = lowp::emax(sf);
  scale_plan p;
  if (st.has_nan || (st.has_inf && o.specials == nonfinite::nan_scale)) {
    p.code = static_cast<std::uint32_t>(nan_code(sf));
    p.map = element_map::nan_block;
    return p;
  }
  int s = 0;
  if (st.has_inf) {
    s = s_max;  // TransformerEngine: the satfinite E8M0 conversion of inf
  } else if (!fp32::is_positive(st.amax)) {
    s = s_min;  // all-zero block: the smallest scale (torchao, microxcaling C++, TE)
  } else {
    s = exponent(st.amax);
    s = s < s_min ? s_min : (s > s_max ? s_max : s);
  }
  p.code = static_cast<std::uint32_t>(s + sf.bias);
  p.shift = s;
  return p;
}

/// floor(log2 x) for a positive finite float, from its bits (float32 subnormals included).
constexpr int floor_log2(float x) noexcept { return unpack(x).exponent; }

}  // namespace detail

/// Base of the power-of-two (E8M0) rules: elements are x / 2^s exactly, and decode is
/// element * 2^s rounded once to float32 (exact unless it overflows to inf).
struct pow2_rule_base : detail::no_tensor_scale_rule {
  /// Rounding the rule's reference uses when none is named.
  static constexpr rounding default_rounding = rounding::nearest_even;
  /// Whether blocks holding NaN or inf are rejected instead of encoded.
  static constexpr bool finite_only = false;

  /// One element under a plan.
  template <class B>
  static constexpr std::uint32_t encode(float x, const scale_plan& p, const element_policy& e,
                                        random_bits rb) noexcept {
    if (p.map == element_map::nan_block) return 0;
    return element_traits<typename B::element>::encode(detail::shifted(x, p.shift), e, rb);
  }
  /// One element back: NaN for a NaN scale, else element * 2^s.
  template <class B>
  static constexpr float decode(std::uint32_t code, std::uint32_t scale_code,
                                const tensor_scale_state&) noexcept {
    constexpr float_format sf = descriptor_v<typename B::scale_format>;
    if (is_nan_code(sf, scale_code)) return detail::quiet_nan();
    unpacked v = element_traits<typename B::element>::decode(code);
    if (v.cls == value_class::nan) return detail::quiet_nan();
    if (v.cls == value_class::finite) v.exponent += static_cast<int>(scale_code) - sf.bias;
    return detail::to_float(v);
  }
};

/// OCP MX v1.0 section 6.3: s = floor(log2 amax) - emax_elem, read from the exponent bits
/// (never from a float log2). torchao ScaleCalculationMode.FLOOR, microxcaling's C++ path.
struct scale_floor : pow2_rule_base {
  /// The scale of a block.
  template <class B>
  static constexpr scale_plan plan(const block_stats& st, const tensor_scale_state&,
                                   const rule_options& o) noexcept {
    return detail::pow2_plan<B>(st, o, [](float amax) {
      return detail::floor_log2(amax) - element_traits<typename B::element>::emax;
    });
  }
};

/// s = ceil(log2 amax) - emax_elem: the block maximum never clamps, a binade may be lost
/// (torchao CEIL).
struct scale_ceil : pow2_rule_base {
  /// The scale of a block.
  template <class B>
  static constexpr scale_plan plan(const block_stats& st, const tensor_scale_state&,
                                   const rule_options& o) noexcept {
    return detail::pow2_plan<B>(st, o, [](float amax) {
      const unpacked u = unpack(amax);
      const bool power_of_two = u.significand == (std::uint64_t{1} << 63);
      return u.exponent + (power_of_two ? 0 : 1) - element_traits<typename B::element>::emax;
    });
  }
};

/// torchao EVEN: amax is first rounded to the element's precision (half an element ulp is
/// added to its bit pattern, the mantissa dropped), then the FLOOR rule applies.
struct scale_even : pow2_rule_base {
  /// The scale of a block.
  template <class B>
  static constexpr scale_plan plan(const block_stats& st, const tensor_scale_state&,
                                   const rule_options& o) noexcept {
    return detail::pow2_plan<B>(st, o, [](float amax) {
      using T = element_traits<typename B::element>;
      const std::uint32_t bits =
          bit_cast<std::uint32_t>(amax) + (std::uint32_t{1} << (22 - T::mantissa_bits));
      const int field = static_cast<int>((bits >> 23) & 0xFFu);
      return (field == 0 ? -127 : field - 127) - T::emax;
    });
  }
};

/// RCEIL (NVIDIA cuBLAS / TransformerEngine MXFP8): descale = fp32(amax * fp32(1 / max_elem)),
/// then E8M0 rounded up (exponent field + 1 when the mantissa is non-zero; float32
/// subnormals above 2^-127 give 2^-126), saturating at 0xFE.
struct scale_rceil : pow2_rule_base {
  /// The scale of a block.
  template <class B>
  static constexpr scale_plan plan(const block_stats& st, const tensor_scale_state&,
                                   const rule_options& o) noexcept {
    return detail::pow2_plan<B>(st, o, [](float amax) {
      constexpr auto max_elem = static_cast<float>(element_traits<typename B::element>::max_value);
      const float descale = fp32::mul(amax, fp32::div(1.0f, max_elem));
      const std::uint32_t bits = bit_cast<std::uint32_t>(descale);
      const int field = static_cast<int>((bits >> 23) & 0xFFu);
      const std::uint32_t mant = bits & 0x7FFFFFu;
      const int code = field == 0 ? (mant > 0x400000u ? 1 : 0) : field + (mant != 0 ? 1 : 0);
      return code - 127;
    });
  }
};

/// floor(log2f(amax)) - emax_elem with the platform's float log2, as microxcaling's PyTorch
/// path and ggml compute it: one too large for amax a few ulps below a power of two
/// (formats-reference D-14). For reproducing those stacks; not constexpr.
struct scale_log2f : pow2_rule_base {
  /// The scale of a block.
  template <class B>
  static scale_plan plan(const block_stats& st, const tensor_scale_state&,
                         const rule_options& o) noexcept {
    return detail::pow2_plan<B>(st, o, [](float amax) {
      return static_cast<int>(std::floor(std::log2(amax))) -
             element_traits<typename B::element>::emax;
    });
  }
};

namespace detail {
/// Element of a multiply/divide plan: y = fp32(x * f) or fp32(x / f), then rounded.
template <class B>
constexpr std::uint32_t encode_scaled(float x, const scale_plan& p, const element_policy& e,
                                      random_bits rb) noexcept {
  const float y = p.map == element_map::multiply ? fp32::mul(x, p.factor) : fp32::div(x, p.factor);
  return element_traits<typename B::element>::encode(unpack(y), e, rb);
}

/// Base of the rules whose elements are fp32(x * factor) or fp32(x / factor).
struct scaled_element_rule {
  /// One element.
  template <class B>
  static constexpr std::uint32_t encode(float x, const scale_plan& p, const element_policy& e,
                                        random_bits rb) noexcept {
    return encode_scaled<B>(x, p, e, rb);
  }
};

/// Largest element value times largest scale value (2688 for NVFP4): the tensor-scale target.
template <class B>
constexpr float tensor_target() noexcept {
  return fp32::mul(static_cast<float>(max_finite(descriptor_v<typename B::scale_format>)),
                   static_cast<float>(element_traits<typename B::element>::max_value));
}

template <class B>
constexpr std::uint32_t scale_encode_rne_satfinite(float v) noexcept {
  conversion_policy cp;
  cp.over = overflow::saturate;
  return static_cast<std::uint32_t>(encode_as<typename B::scale_format>(v, cp));
}
}  // namespace detail

/// NVFP4 two-level scaling in torchao's arithmetic order (nvfp4_tensor.py, commit 02a1bc44):
///   tensor:  pts = fp32(amax_t / (448 * 6))
///   block:   bs = fp32(amax_b / 6); two-level: bs = fp32(bs / pts);
///            bs = clamp(bs, min_normal(scale) = 2^-6, 448); code = e4m3 RNE (NaN -> NaN code)
///   element: total = two-level ? fp32(pts * scale) : scale; y = fp32(x / total)
///   decode:  fp32(e2m1 * (two-level ? fp32(pts * scale) : scale))
/// The 2^-6 floor means block scales are never E4M3 subnormals (D-20).
struct nvfp4_torchao : detail::scaled_element_rule {
  /// Rounding the reference uses.
  static constexpr rounding default_rounding = rounding::nearest_even;
  /// NaN and inf are encoded (the scale becomes NaN), not rejected.
  static constexpr bool finite_only = false;

  /// The tensor scale from the tensor's amax: decode = pts, encode = pts.
  template <class B>
  static constexpr tensor_scale_state tensor(float amax) noexcept {
    const float pts = fp32::div(amax, detail::tensor_target<B>());
    return {pts, pts};
  }
  /// The scale of a block.
  template <class B>
  static constexpr scale_plan plan(const block_stats& st, const tensor_scale_state& t,
                                   const rule_options&) noexcept {
    constexpr float_format sf = descriptor_v<typename B::scale_format>;
    constexpr auto lo = static_cast<float>(min_normal(sf));
    constexpr auto hi = static_cast<float>(max_finite(sf));
    constexpr auto elem_max = static_cast<float>(element_traits<typename B::element>::max_value);
    float bs = fp32::div(st.amax, elem_max);
    if (B::two_level) bs = fp32::div(bs, t.encode);
    if (!fp32::is_nan(bs)) bs = bs < lo ? lo : (bs > hi ? hi : bs);
    scale_plan p;
    p.code = detail::scale_encode_rne_satfinite<B>(bs);
    const float scale = detail::scale_value<B>(p.code);
    p.map = element_map::divide;
    p.factor = B::two_level ? fp32::mul(t.encode, scale) : scale;
    return p;
  }
  /// One element back.
  template <class B>
  static constexpr float decode(std::uint32_t code, std::uint32_t scale_code,
                                const tensor_scale_state& t) noexcept {
    const float scale = detail::scale_value<B>(scale_code);
    const float total = B::two_level ? fp32::mul(t.decode, scale) : scale;
    return fp32::mul(detail::element_value<typename B::element>(code), total);
  }
};

/// NVFP4 two-level scaling in TransformerEngine's order (core_nvfp4.cuh):
///   tensor:  S_enc = fminf(fp32(448 * 6 / amax_t), FLT_MAX); 1 when amax_t is 0 or S_enc is
///            0; S_dec = float(1.0 / double(S_enc)) (single level: S_enc = S_dec = 1)
///   block:   code = e4m3 RN satfinite( fp32(amax_b * fp32(S_enc * fp32(1/6))) ), NaN -> NaN
///   element: m = fminf(fp32(1 / fp32(scale * S_dec)), FLT_MAX) (NaN -> FLT_MAX); y = fp32(x * m)
///   decode:  fp32(fp32(e2m1 * scale) * S_dec)
struct nvfp4_te : detail::scaled_element_rule {
  /// Rounding the reference uses.
  static constexpr rounding default_rounding = rounding::nearest_even;
  /// NaN and inf are encoded, not rejected.
  static constexpr bool finite_only = false;

  /// The tensor scale from the tensor's amax: encode = S_enc, decode = S_dec.
  template <class B>
  static constexpr tensor_scale_state tensor(float amax) noexcept {
    constexpr float flt_max = std::numeric_limits<float>::max();
    float s_enc = fp32::div(detail::tensor_target<B>(), amax);
    if (!(s_enc <= flt_max)) s_enc = flt_max;  // fminf(s_enc, FLT_MAX): NaN gives FLT_MAX
    if (fp32::is_zero(amax) || fp32::is_zero(s_enc)) s_enc = 1.0f;
    // float(1.0 / double(S_enc)): the quotient rounded to double, then to float, both to
    // nearest even in software. Native double arithmetic here would follow the caller's
    // FTZ (S_dec is subnormal for tiny amaxes), and an optimizer may move it out of the
    // ieee_denormals guard (seen with clang 19 -O3).
    const auto inv =
        lowp::pack(lowp::detail::binary64_layout,
                   exact_div(unpack(1.0), unpack(static_cast<double>(s_enc))), conversion_policy{});
    return {s_enc, detail::to_float(unpack(bit_cast<double>(inv)))};
  }
  /// The scale of a block.
  template <class B>
  static constexpr scale_plan plan(const block_stats& st, const tensor_scale_state& t,
                                   const rule_options&) noexcept {
    constexpr float flt_max = std::numeric_limits<float>::max();
    constexpr auto elem_max = static_cast<float>(element_traits<typename B::element>::max_value);
    const float s_enc = B::two_level ? t.encode : 1.0f;
    const float s_dec = B::two_level ? t.decode : 1.0f;
    const float per_block = fp32::mul(s_enc, fp32::div(1.0f, elem_max));
    scale_plan p;
    p.code = detail::scale_encode_rne_satfinite<B>(fp32::mul(st.amax, per_block));
    const float scale = detail::scale_value<B>(p.code);
    float m = fp32::div(1.0f, fp32::mul(scale, s_dec));
    if (!(m <= flt_max)) m = flt_max;  // fminf(m, FLT_MAX): NaN and inf give FLT_MAX
    p.map = element_map::multiply;
    p.factor = m;
    return p;
  }
  /// One element back.
  template <class B>
  static constexpr float decode(std::uint32_t code, std::uint32_t scale_code,
                                const tensor_scale_state& t) noexcept {
    const float scale = detail::scale_value<B>(scale_code);
    const float s_dec = B::two_level ? t.decode : 1.0f;
    return fp32::mul(fp32::mul(detail::element_value<typename B::element>(code), scale), s_dec);
  }
};

namespace detail {
/// Shared part of the ggml integer rules: no tensor scale, NaN/inf rejected, decode as
/// fp32(element value * float(scale)).
struct ggml_int_rule_base : no_tensor_scale_rule {
  /// ggml has no representation for NaN or inf: such blocks are rejected.
  static constexpr bool finite_only = true;
  /// One element back: fp32(value * d).
  template <class B>
  static constexpr float decode(std::uint32_t code, std::uint32_t scale_code,
                                const tensor_scale_state&) noexcept {
    const float d = detail::scale_value<B>(scale_code);
    return fp32::mul(element_value<typename B::element>(code), d);
  }
  /// d = fp32(m / divisor) stored in the scale format; elements multiply by fp32(1 / d)
  /// (0 when d is 0), computed from the unrounded d.
  template <class B>
  static constexpr scale_plan reciprocal_plan(float m, float divisor) noexcept {
    const float d = fp32::div(m, divisor);
    scale_plan p;
    p.code = lowp::encode<typename B::scale_format>(d);
    p.map = element_map::multiply;
    p.factor = !fp32::is_zero(d) ? fp32::div(1.0f, d) : 0.0f;
    return p;
  }
};
}  // namespace detail

/// ggml Q8_0 (quantize_row_q8_0_ref; formats-reference 7.2): d = fp32(amax / 127) stored as
/// fp16 (RNE); elements round(fp32(x * id)) with id = fp32(1 / d) from the unrounded d (0 when
/// d = 0), ties away by default; decode fp32(q * fp16(d)).
struct ggml_q8_0_scale : detail::ggml_int_rule_base, detail::scaled_element_rule {
  /// ggml rounds with roundf.
  static constexpr rounding default_rounding = rounding::nearest_away;

  /// The scale of a block: d = amax / 127.
  template <class B>
  static constexpr scale_plan plan(const block_stats& st, const tensor_scale_state&,
                                   const rule_options&) noexcept {
    constexpr auto q_max = static_cast<float>(element_traits<typename B::element>::n_max);
    return reciprocal_plan<B>(st.amax, q_max);
  }
};

/// ggml Q4_0 (quantize_row_q4_0_ref; formats-reference 7.3): the element with the largest |x|
/// keeps its sign (first one on ties); d = fp32(max / -8), id = fp32(1 / d) (0 when d = 0);
/// code q = min(15, trunc(fp32(fp32(x * id) + 8.5))) (round half up, through two fp32
/// roundings, as ggml); decode fp32((q - 8) * fp16(d)). The element rule is ggml's own:
/// no other rounding mode applies.
struct ggml_q4_0_scale : detail::ggml_int_rule_base {
  /// Truncation of x * id + 8.5 (ggml's only rule).
  static constexpr rounding default_rounding = rounding::toward_zero;

  /// The scale of a block: d = max / -8 with the signed maximum.
  template <class B>
  static constexpr scale_plan plan(const block_stats& st, const tensor_scale_state&,
                                   const rule_options&) noexcept {
    constexpr auto offset = static_cast<float>(std::uint32_t{1} << (B::element_bits - 1));
    return reciprocal_plan<B>(st.signed_max, -offset);
  }
  /// One element: the offset-binary code.
  template <class B>
  static constexpr std::uint32_t encode(float x, const scale_plan& p, const element_policy&,
                                        random_bits) noexcept {
    constexpr std::uint32_t top = (std::uint32_t{1} << B::element_bits) - 1u;
    constexpr auto offset = static_cast<float>(std::uint32_t{1} << (B::element_bits - 1));
    const float t = fp32::add(fp32::mul(x, p.factor), fp32::add(offset, 0.5f));
    // t lies in [0, 2^bits + 0.5] for blocks of normal numbers: truncate toward zero, clamp
    // to the top. A float32-subnormal maximum can make id infinite, so t may be +inf (clamped
    // to the top) or NaN (0 for a zero element); ggml's integer cast is undefined there.
    if (!fp32::is_positive(t)) return 0u;
    return t >= static_cast<float>(top) ? top : static_cast<std::uint32_t>(t);
  }
};

/// ggml MXFP4 (quantize_row_mxfp4_ref; formats-reference 7.4): E8M0 scale from
/// floorf(log2f(amax)) - 2 with the platform's log2f (as ggml; lowp clamps where ggml's cast
/// is undefined: amax < 2^-125 gives code 0); elements are the nearest E2M1 value with ties
/// to the smaller magnitude, and zero results are +0 (ggml's search never picks -0).
struct ggml_mxfp4_scale : scale_log2f {
  /// ggml's nearest search with strict comparison: ties toward zero.
  static constexpr rounding default_rounding = rounding::nearest_zero;
  /// ggml has no representation for NaN or inf: such blocks are rejected.
  static constexpr bool finite_only = true;
  /// One element: as the power-of-two rules, zero results positive.
  template <class B>
  static constexpr std::uint32_t encode(float x, const scale_plan& p, const element_policy& e,
                                        random_bits rb) noexcept {
    element_policy positive_zero = e;
    positive_zero.zeros = zero_sign::positive;
    return pow2_rule_base::encode<B>(x, p, positive_zero, rb);
  }
};

}  // namespace blocks
}  // namespace lowp
