/// \file block_plan.hpp
/// What the block-format kernels of every ISA share: which block formats they cover, the
/// element and scale codes' constants, and tables filled by the scalar codec. Nothing here is
/// typed by hand; the scalar reference (block/reference.hpp) stays the specification.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "lowp/block/block_format.hpp"
#include "lowp/block/element.hpp"
#include "lowp/block/reference.hpp"
#include "lowp/block/scale_rules.hpp"
#include "lowp/codec/float_codec.hpp"
#include "lowp/simd/plan.hpp"

namespace lowp {
namespace simd {

/// How a block kernel chooses scales: the rule families with a vector formula. Any other rule
/// (a user's own) runs on the scalar reference.
enum class block_rule_kind : std::uint8_t {
  none,           ///< no kernel: the scalar reference runs
  pow2_floor,     ///< blocks::scale_floor
  pow2_ceil,      ///< blocks::scale_ceil
  pow2_even,      ///< blocks::scale_even
  pow2_rceil,     ///< blocks::scale_rceil
  pow2_scalar,    ///< scale_log2f, ggml_mxfp4_scale: the scale from the scalar rule, per block
  nvfp4_te,       ///< blocks::nvfp4_te
  nvfp4_torchao,  ///< blocks::nvfp4_torchao
  ggml_q8_0,      ///< blocks::ggml_q8_0_scale
  ggml_q4_0,      ///< blocks::ggml_q4_0_scale
};

/// The kernel family of a scale rule.
template <class Rule>
inline constexpr block_rule_kind rule_kind_v =
    std::is_same_v<Rule, blocks::scale_floor>        ? block_rule_kind::pow2_floor
    : std::is_same_v<Rule, blocks::scale_ceil>       ? block_rule_kind::pow2_ceil
    : std::is_same_v<Rule, blocks::scale_even>       ? block_rule_kind::pow2_even
    : std::is_same_v<Rule, blocks::scale_rceil>      ? block_rule_kind::pow2_rceil
    : std::is_same_v<Rule, blocks::scale_log2f>      ? block_rule_kind::pow2_scalar
    : std::is_same_v<Rule, blocks::ggml_mxfp4_scale> ? block_rule_kind::pow2_scalar
    : std::is_same_v<Rule, blocks::nvfp4_te>         ? block_rule_kind::nvfp4_te
    : std::is_same_v<Rule, blocks::nvfp4_torchao>    ? block_rule_kind::nvfp4_torchao
    : std::is_same_v<Rule, blocks::ggml_q8_0_scale>  ? block_rule_kind::ggml_q8_0
    : std::is_same_v<Rule, blocks::ggml_q4_0_scale>  ? block_rule_kind::ggml_q4_0
                                                     : block_rule_kind::none;

/// Whether a kind divides a power of two out of the elements (element_map::shift).
constexpr bool is_pow2_kind(block_rule_kind k) noexcept {
  return k == block_rule_kind::pow2_floor || k == block_rule_kind::pow2_ceil ||
         k == block_rule_kind::pow2_even || k == block_rule_kind::pow2_rceil ||
         k == block_rule_kind::pow2_scalar;
}

/// Constants of a block format's kernels.
template <class B>
struct block_traits {
  using elem = typename B::element;
  using scale_fmt = typename B::scale_format;
  using et = blocks::element_traits<elem>;
  /// The element is a minifloat (else fixed point).
  static constexpr bool minifloat = blocks::detail::has_float_descriptor<elem>::value;
  static constexpr block_rule_kind kind = rule_kind_v<typename B::scale_rule>;
  static constexpr float_format sf = descriptor_v<scale_fmt>;

  /// Minifloat elements: encode_traits covers them, and their smallest quantum lies far above
  /// float32's subnormals (a shift that underflows in float32 rounds like the exact value).
  static constexpr bool element_ok = [] {
    if constexpr (minifloat) {
      constexpr float_format f = descriptor_v<elem>;
      return encode_traits<elem>::vectorizable && total_bits(f) <= 8 &&
             emin(f) - f.mantissa_bits >= -100;
    } else {
      return elem::bits <= 8;
    }
  }();
  /// The scale format: 8-bit scales (E8M0, UE4M3) or binary16 (ggml), encodable by the vector
  /// float kernels.
  static constexpr bool scale_ok =
      encode_traits<scale_fmt>::vectorizable &&
      (total_bits(sf) <= 8 ||
       (std::is_same_v<scale_fmt, formats::binary16> &&
        (kind == block_rule_kind::ggml_q8_0 || kind == block_rule_kind::ggml_q4_0)));
  /// Whether a kernel exists for B (the ISA adds block_size % lanes == 0).
  static constexpr bool vectorizable = kind != block_rule_kind::none && element_ok && scale_ok;

  /// Power-of-two rules: the clamp range of the scale exponent and the scale code's bias.
  static constexpr int s_min = emin(sf);
  static constexpr int s_max = lowp::emax(sf);
  static constexpr int scale_bias = sf.bias;
};

/// Element values of every code (the reference's element_value), built once per process.
template <class Elem>
const std::array<std::uint32_t, 256>& element_value_table() {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    constexpr int bits = blocks::element_traits<Elem>::bits;
    for (std::uint32_t c = 0; c < 256; ++c)
      t[c] = bit_cast<std::uint32_t>(
          blocks::detail::element_value<Elem>(c & ((std::uint32_t{1} << bits) - 1u)));
    return t;
  }();
  return table;
}

/// The element value table split into byte planes (plan.hpp), built once per process.
template <class Elem>
const byte_planes& element_byte_planes() {
  static const byte_planes planes = [] {
    const std::array<std::uint32_t, 256>& t = element_value_table<Elem>();
    byte_planes p;
    p.low_zero = true;
    for (std::size_t c = 0; c < 256; ++c) {
      for (int b = 0; b < 4; ++b) p.plane[b][c] = static_cast<std::uint8_t>(t[c] >> (8 * b));
      if ((t[c] & 0xFFFFu) != 0) p.low_zero = false;
    }
    return p;
  }();
  return planes;
}

/// Values of every scale code of an 8-bit-or-narrower scale format (the reference's
/// scale_value), built once per process.
template <class B>
const std::array<std::uint32_t, 256>& scale_value_table() {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    constexpr int bits = total_bits(descriptor_v<typename B::scale_format>);
    if constexpr (bits <= 8) {
      for (std::uint32_t c = 0; c < 256; ++c)
        t[c] = bit_cast<std::uint32_t>(
            blocks::detail::scale_value<B>(c & ((std::uint32_t{1} << bits) - 1u)));
    }
    return t;
  }();
  return table;
}

/// Per-call state of a block quantization kernel.
template <class B>
struct block_encode_plan {
  blocks::tensor_scale_state tensor;  ///< the tensor scale (two-level formats)
  blocks::block_options options;      ///< the caller's options
  /// Element encoding of minifloat elements: saturate, positive NaN, the caller's no_nan.
  encode_plan<std::conditional_t<block_traits<B>::minifloat, typename B::element, formats::e4m3fn>>
      element;
  /// The scale conversion of the NVFP4 and ggml rules (RNE; saturating for NVFP4).
  encode_plan<
      std::conditional_t<block_traits<B>::scale_ok, typename B::scale_format, formats::e4m3fn>>
      scale;
  std::uint64_t key = 0;   ///< stochastic rounding: counter key of the seed
  float per_block = 0.0f;  ///< nvfp4_te: fp32(S_enc * fp32(1 / 6)); rceil: fp32(1 / max_elem)
};

/// The plan of a block quantization under rounding R.
template <class B, rounding R>
block_encode_plan<B> make_block_encode_plan(const blocks::tensor_scale_state& t,
                                            const blocks::block_options& o) {
  using T = block_traits<B>;
  block_encode_plan<B> p;
  p.tensor = t;
  p.options = o;
  // ggml's MXFP4 search never picks -0 (ggml_mxfp4_scale::encode).
  if constexpr (std::is_same_v<typename B::scale_rule, blocks::ggml_mxfp4_scale>)
    p.options.zeros = blocks::zero_sign::positive;
  if constexpr (T::minifloat) {
    conversion_policy cp;
    cp.round = R;
    cp.over = overflow::saturate;
    cp.nan = nan_encoding::positive;
    cp.no_nan = o.no_nan;
    p.element = make_encode_plan<typename B::element>(cp, o.seed, o.random_count);
  }
  if constexpr (T::scale_ok) {
    using S = typename B::scale_format;
    conversion_policy cp;  // as the rules' scale conversions (scale_rules.hpp)
    if constexpr (T::kind == block_rule_kind::nvfp4_te ||
                  T::kind == block_rule_kind::nvfp4_torchao) {
      cp.over = overflow::saturate;
    } else {
      cp = conversion_policy{}.with(rounding::nearest_even).with(default_overflow_v<S>);
    }
    p.scale = make_encode_plan<S>(cp);
  }
  p.key = lowp::detail::counter_key(o.seed);
  constexpr auto elem_max = static_cast<float>(T::et::max_value);
  if constexpr (T::kind == block_rule_kind::nvfp4_te) {
    const float s_enc = B::two_level ? t.encode : 1.0f;
    p.per_block = fp32::mul(s_enc, fp32::div(1.0f, elem_max));
  } else if constexpr (T::kind == block_rule_kind::pow2_rceil) {
    p.per_block = fp32::div(1.0f, elem_max);
  }
  return p;
}

}  // namespace simd
}  // namespace lowp
