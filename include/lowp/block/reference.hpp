/// \file reference.hpp
/// The scalar reference of the block codec: options, storage, and the block-by-block loops
/// that define quantize and dequantize. The public entry points (codec.hpp) run SIMD kernels
/// that reproduce these loops bit for bit; this header is what they are checked against.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "lowp/block/block_format.hpp"
#include "lowp/block/element.hpp"
#include "lowp/block/packing.hpp"
#include "lowp/block/scale_rules.hpp"
#include "lowp/core/checked.hpp"
#include "lowp/core/random.hpp"
#include "lowp/core/span.hpp"
#include "lowp/simd/float_env.hpp"

namespace lowp {
namespace blocks {

/// What happens to an array whose length is not a multiple of the block size.
enum class tail_rule : std::uint8_t {
  pad_zero,  ///< the last block is completed with zeros (they never change amax), as
             ///< microxcaling pads; dequantize writes only the real elements
  reject,    ///< std::invalid_argument (torchao and ggml require whole blocks)
};

/// Per-call options of the block codec (the element rounding and scale rule are template
/// parameters).
struct block_options {
  std::uint64_t seed = 0;             ///< stochastic rounding: element i uses counter_bits(seed, i)
  unsigned random_count = 32;         ///< stochastic rounding: random bits per element (1..32)
  zero_sign zeros = zero_sign::keep;  ///< sign of elements that round to zero
  nonfinite specials = nonfinite::nan_scale;             ///< NaN / inf inside a block
  nan_substitute no_nan = nan_substitute::max_positive;  ///< NaN elements in FP6/FP4
  tail_rule tail = tail_rule::pad_zero;                  ///< incomplete last block
  /// Two-level formats: the tensor amax to derive the tensor scale from (a calibrated value);
  /// when empty, the amax of the input.
  std::optional<float> tensor_amax;
};

namespace profiles {
/// microxcaling's C++ path (quantize_mx_cpp): FLOOR scale from the exponent bits, every zero
/// element +0. Element rounding: rounding::nearest_away for its 'nearest', nearest_even for
/// 'even'.
inline constexpr block_options microxcaling_cpp{0,
                                                32,
                                                zero_sign::positive,
                                                nonfinite::nan_scale,
                                                nan_substitute::max_positive,
                                                tail_rule::pad_zero,
                                                std::nullopt};
/// microxcaling's PyTorch path, elements only: -0 for non-zero negatives that round to zero,
/// +0 for +-0 inputs. Its scale comes from a float32 log2 (scale_log2f), which is one too large
/// just below powers of two (formats-reference D-14).
inline constexpr block_options microxcaling_pytorch{0,
                                                    32,
                                                    zero_sign::from_nonzero,
                                                    nonfinite::nan_scale,
                                                    nan_substitute::max_positive,
                                                    tail_rule::pad_zero,
                                                    std::nullopt};
}  // namespace profiles

/// Quantized data of a block format, struct-of-arrays.
template <class Block>
struct block_tensor {
  std::size_t size = 0;                               ///< number of real elements
  std::vector<std::uint8_t> elements;                 ///< packed, Block::block_bytes per block
  std::vector<typename Block::scale_storage> scales;  ///< one scale code per block
  tensor_scale_state tensor;                          ///< tensor scale (two-level formats)
  /// Number of blocks.
  std::size_t blocks() const noexcept { return scales.size(); }
  /// Element code i (unpacked from its block).
  std::uint32_t code(std::size_t i) const noexcept {
    return detail::get_element(elements.data() + (i / Block::block_size) * Block::block_bytes,
                               Block::block_size, i % Block::block_size, Block::element_bits,
                               Block::order);
  }
};

/// Number of blocks that hold n elements (the last one possibly padded).
template <class Block>
constexpr std::size_t block_count(std::size_t n) noexcept {
  return n / Block::block_size + (n % Block::block_size != 0 ? 1 : 0);
}

namespace detail {

template <class Block, rounding R>
constexpr void check_rounding() noexcept {
  static_assert(
      !std::is_same_v<typename Block::scale_rule, ggml_q4_0_scale> || R == rounding::toward_zero,
      "lowp: ggml Q4_0 has one element rule (truncation of fp32(x * id) + 8.5); use "
      "the default rounding or another block format");
}

inline std::string block_where(std::size_t b) { return "block " + std::to_string(b); }

/// Throws std::invalid_argument when `tail` rejects an incomplete last block of n values.
template <class Block>
void check_tail(std::size_t n, tail_rule tail) {
  if (tail == tail_rule::reject && n % Block::block_size != 0)
    throw std::invalid_argument("lowp: " + std::to_string(n) +
                                " values are not a whole number of blocks of " +
                                std::to_string(Block::block_size) + " (tail_rule::reject)");
}

/// Throws std::invalid_argument when a calibrated tensor amax is negative or NaN (zero, +inf
/// and every positive value are amaxes the two-level rules define a tensor scale for).
inline void check_tensor_amax(const std::optional<float>& amax) {
  if (!amax) return;
  const auto b = bit_cast<std::uint32_t>(*amax);
  if (b > 0x7F800000u && b != 0x80000000u)
    throw std::invalid_argument("lowp: tensor_amax " + std::to_string(*amax) +
                                " is not an amax (negative or NaN)");
}

template <class Block>
void check_sizes(std::size_t n, std::size_t element_bytes, std::size_t scale_count,
                 tail_rule tail) {
  check_tail<Block>(n, tail);
  const std::size_t blocks = block_count<Block>(n);
  const std::size_t need = lowp::detail::checked_mul(blocks, Block::block_bytes, "element bytes");
  if (element_bytes != need)
    throw std::invalid_argument("lowp: " + std::to_string(n) + " values need " +
                                std::to_string(need) + " element bytes, got " +
                                std::to_string(element_bytes));
  if (scale_count != blocks)
    throw std::invalid_argument("lowp: " + std::to_string(n) + " values need " +
                                std::to_string(blocks) + " scales, got " +
                                std::to_string(scale_count));
}

/// Largest |x| of an array (NaN if any NaN) for the tensor scale.
inline float array_amax(span<const float> in) noexcept {
  return gather_stats(in.data(), in.size()).amax;
}

/// The tensor scale of a two-level format (all ones otherwise): from the calibrated
/// o.tensor_amax when given (checked), else from `input_amax()`, the input's amax.
template <class Block, class InputAmax>
tensor_scale_state tensor_state_with(const block_options& o, InputAmax&& input_amax) {
  if constexpr (Block::two_level) {
    check_tensor_amax(o.tensor_amax);
    const float amax = o.tensor_amax ? *o.tensor_amax : input_amax();
    const simd::ieee_denormals env;  // the rule's float arithmetic, whatever the caller's FTZ/DAZ
    return Block::scale_rule::template tensor<Block>(amax);
  } else {
    return {};
  }
}

template <class Block>
tensor_scale_state tensor_state(span<const float> in, const block_options& o) {
  return tensor_state_with<Block>(o, [&] { return array_amax(in); });
}

/// Encodes one block of `count` (<= block size) values at global index `first` under a
/// chosen scale; the rest of the block is padding (zeros).
template <class Block, rounding R>
void encode_block(const float* x, std::size_t count, std::size_t first, const scale_plan& p,
                  const block_options& o, std::uint8_t* bytes) {
  const element_policy e{R, o.zeros, o.no_nan};
  for (std::size_t i = 0; i < Block::block_size; ++i) {
    const float v = i < count ? x[i] : 0.0f;
    const random_bits rb = R == rounding::stochastic
                               ? counter_random_bits(o.seed, first + i, o.random_count)
                               : random_bits{};
    put_element(bytes, Block::block_size, i, Block::scale_rule::template encode<Block>(v, p, e, rb),
                Block::element_bits, Block::order);
  }
}

/// Chooses a block's scale with its rule, stores it, and encodes the block.
template <class Block, rounding R>
void quantize_block(const float* x, std::size_t count, std::size_t first, const block_stats& st,
                    const tensor_scale_state& t, const block_options& o, std::uint8_t* bytes,
                    typename Block::scale_storage& scale) {
  const scale_plan p = Block::scale_rule::template plan<Block>(st, t, rule_options{o.specials});
  scale = static_cast<typename Block::scale_storage>(p.code);
  encode_block<Block, R>(x, count, first, p, o, bytes);
}

template <class Block>
void check_finite(const block_stats& st, std::size_t b) {
  if (Block::scale_rule::finite_only && (st.has_nan || st.has_inf))
    throw std::domain_error("lowp: " + block_where(b) +
                            " holds NaN or inf, which this block format cannot represent");
}

}  // namespace detail

namespace reference {

/// Quantizes blocks [b0, b1) of an n-element array under a tensor scale already chosen:
/// statistics, scale rule and element rounding block by block (the specification).
template <class Block, rounding R>
void quantize_blocks(const float* in, std::size_t n, std::size_t b0, std::size_t b1,
                     std::uint8_t* elements, typename Block::scale_storage* scales,
                     const tensor_scale_state& t, const block_options& o) {
  for (std::size_t b = b0; b < b1; ++b) {
    const std::size_t first = b * Block::block_size;
    const std::size_t count = n - first < Block::block_size ? n - first : Block::block_size;
    const block_stats st = gather_stats(in + first, count);
    detail::check_finite<Block>(st, b);
    detail::quantize_block<Block, R>(in + first, count, first, st, t, o,
                                     elements + b * Block::block_bytes, scales[b]);
  }
}

/// Dequantizes elements [i0, i1) element by element with the rule's decode.
template <class Block>
void dequantize_elements(const std::uint8_t* elements, const typename Block::scale_storage* scales,
                         const tensor_scale_state& t, float* out, std::size_t i0, std::size_t i1) {
  using rule = typename Block::scale_rule;
  for (std::size_t i = i0; i < i1; ++i) {
    const std::size_t b = i / Block::block_size;
    const std::uint32_t code =
        detail::get_element(elements + b * Block::block_bytes, Block::block_size,
                            i % Block::block_size, Block::element_bits, Block::order);
    out[i] = rule::template decode<Block>(code, scales[b], t);
  }
}

}  // namespace reference
}  // namespace blocks
}  // namespace lowp
