/// \file codec.hpp
/// The scalar reference block codec: quantize arrays into packed struct-of-arrays storage,
/// dequantize them, and fake-quantize (both at once). SIMD kernels only accelerate this.
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
#include "lowp/core/random.hpp"
#include "lowp/core/span.hpp"

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

template <class Block>
void check_sizes(std::size_t n, std::size_t element_bytes, std::size_t scale_count,
                 tail_rule tail) {
  if (tail == tail_rule::reject && n % Block::block_size != 0)
    throw std::invalid_argument("lowp: " + std::to_string(n) +
                                " values are not a whole number of blocks of " +
                                std::to_string(Block::block_size) + " (tail_rule::reject)");
  const std::size_t blocks = block_count<Block>(n);
  if (element_bytes != blocks * Block::block_bytes)
    throw std::invalid_argument("lowp: " + std::to_string(n) + " values need " +
                                std::to_string(blocks * Block::block_bytes) +
                                " element bytes, got " + std::to_string(element_bytes));
  if (scale_count != blocks)
    throw std::invalid_argument("lowp: " + std::to_string(n) + " values need " +
                                std::to_string(blocks) + " scales, got " +
                                std::to_string(scale_count));
}

/// Largest |x| of an array (NaN if any NaN) for the tensor scale.
inline float array_amax(span<const float> in) noexcept {
  return gather_stats(in.data(), in.size()).amax;
}

template <class Block>
tensor_scale_state tensor_state(span<const float> in, const block_options& o) {
  if (!Block::two_level) return {};
  const float amax = o.tensor_amax ? *o.tensor_amax : array_amax(in);
  return Block::scale_rule::template tensor<Block>(amax);
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

/// Quantizes `in` into caller-provided storage: `elements` holds block_count(n) *
/// Block::block_bytes bytes, `scales` block_count(n) codes. Returns the tensor scale (all ones
/// for single-level formats). Element i of a stochastic rounding uses counter_bits(seed, i).
/// Throws std::invalid_argument on mismatched sizes or a rejected tail, std::domain_error when
/// a format that cannot hold NaN/inf (the ggml layouts) meets one.
template <class Block, rounding R = default_rounding_v<Block>>
tensor_scale_state quantize(span<const float> in, span<std::uint8_t> elements,
                            span<typename Block::scale_storage> scales,
                            const block_options& o = {}) {
  detail::check_rounding<Block, R>();
  detail::check_sizes<Block>(in.size(), elements.size(), scales.size(), o.tail);
  const tensor_scale_state t = detail::tensor_state<Block>(in, o);
  const std::size_t n = in.size();
  for (std::size_t b = 0; b < scales.size(); ++b) {
    const std::size_t first = b * Block::block_size;
    const std::size_t count = n - first < Block::block_size ? n - first : Block::block_size;
    const block_stats st = gather_stats(in.data() + first, count);
    detail::check_finite<Block>(st, b);
    detail::quantize_block<Block, R>(in.data() + first, count, first, st, t, o,
                                     elements.data() + b * Block::block_bytes, scales[b]);
  }
  return t;
}

/// Quantizes `in` into a new block_tensor (see the storage overload for the rules).
template <class Block, rounding R = default_rounding_v<Block>>
block_tensor<Block> quantize(span<const float> in, const block_options& o = {}) {
  block_tensor<Block> q;
  const std::size_t blocks = block_count<Block>(in.size());
  q.size = in.size();
  q.elements.assign(blocks * Block::block_bytes, 0);
  q.scales.assign(blocks, 0);
  q.tensor = blocks::quantize<Block, R>(in, span<std::uint8_t>(q.elements),
                                span<typename Block::scale_storage>(q.scales), o);
  return q;
}

/// Quantizes a row-major rows x cols matrix with one scale per `tile_rows` x block_size tile
/// (NVFP4 weights use 16 x 16): every 1 x block_size block of a tile stores the tile's scale,
/// so dequantize is the ordinary one. `cols` must be a multiple of the block size.
template <class Block, rounding R = default_rounding_v<Block>>
block_tensor<Block> quantize_tiles(span<const float> in, std::size_t rows, std::size_t cols,
                                   std::size_t tile_rows, const block_options& o = {}) {
  detail::check_rounding<Block, R>();
  if (cols % Block::block_size != 0 || rows * cols != in.size() || tile_rows == 0)
    throw std::invalid_argument(
        "lowp: quantize_tiles needs rows * cols == in.size(), cols a "
        "multiple of the block size and tile_rows > 0");
  block_tensor<Block> q;
  q.size = in.size();
  q.elements.assign(block_count<Block>(in.size()) * Block::block_bytes, 0);
  q.scales.assign(block_count<Block>(in.size()), 0);
  q.tensor = detail::tensor_state<Block>(in, o);
  const std::size_t col_blocks = cols / Block::block_size;
  for (std::size_t r0 = 0; r0 < rows; r0 += tile_rows) {
    const std::size_t r1 = r0 + tile_rows < rows ? r0 + tile_rows : rows;
    for (std::size_t cb = 0; cb < col_blocks; ++cb) {
      // The tile's statistics: its rows' blocks combined.
      block_stats st;
      for (std::size_t r = r0; r < r1; ++r)
        st = combine(
            st, gather_stats(in.data() + r * cols + cb * Block::block_size, Block::block_size));
      detail::check_finite<Block>(st, r0 * col_blocks + cb);
      for (std::size_t r = r0; r < r1; ++r) {
        const std::size_t b = r * col_blocks + cb;
        detail::quantize_block<Block, R>(in.data() + b * Block::block_size, Block::block_size,
                                         b * Block::block_size, st, q.tensor, o,
                                         q.elements.data() + b * Block::block_bytes, q.scales[b]);
      }
    }
  }
  return q;
}

/// Dequantizes caller-provided storage into `out` (out.size() real elements).
template <class Block>
void dequantize(span<const std::uint8_t> elements, span<const typename Block::scale_storage> scales,
                const tensor_scale_state& t, span<float> out) {
  detail::check_sizes<Block>(out.size(), elements.size(), scales.size(), tail_rule::pad_zero);
  using rule = typename Block::scale_rule;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::size_t b = i / Block::block_size;
    const std::uint32_t code =
        detail::get_element(elements.data() + b * Block::block_bytes, Block::block_size,
                            i % Block::block_size, Block::element_bits, Block::order);
    out[i] = rule::template decode<Block>(code, scales[b], t);
  }
}

/// Dequantizes a block_tensor into `out`, which must hold q.size values.
template <class Block>
void dequantize(const block_tensor<Block>& q, span<float> out) {
  if (out.size() != q.size)
    throw std::invalid_argument("lowp: dequantize of " + std::to_string(q.size) + " values into " +
                                std::to_string(out.size()));
  blocks::dequantize<Block>(span<const std::uint8_t>(q.elements),
                    span<const typename Block::scale_storage>(q.scales), q.tensor, out);
}

/// Dequantizes a block_tensor into a new vector.
template <class Block>
std::vector<float> dequantize(const block_tensor<Block>& q) {
  std::vector<float> out(q.size);
  blocks::dequantize<Block>(q, span<float>(out));
  return out;
}

/// dequantize(quantize(in)) into `out` (same size as `in`): what a block format does to a
/// tensor, in the value domain (microxcaling's quantize_mx_op, torchao's round trips).
template <class Block, rounding R = default_rounding_v<Block>>
void fake_quantize(span<const float> in, span<float> out, const block_options& o = {}) {
  if (in.size() != out.size())
    throw std::invalid_argument("lowp: fake_quantize input and output sizes differ (" +
                                std::to_string(in.size()) + " vs " + std::to_string(out.size()) +
                                ")");
  const block_tensor<Block> q = blocks::quantize<Block, R>(in, o);
  blocks::dequantize<Block>(q, out);
}

/// Quantizes with given scale codes (one per block) instead of the scale rule: for scales
/// calibrated elsewhere, or to reproduce another implementation's scale choice.
template <class Block, rounding R = default_rounding_v<Block>>
block_tensor<Block> quantize_with_scales(span<const float> in,
                                         span<const typename Block::scale_storage> scales,
                                         const block_options& o = {}) {
  static_assert(std::is_base_of_v<pow2_rule_base, typename Block::scale_rule>,
                "lowp: quantize_with_scales applies to power-of-two (E8M0) scale rules");
  block_tensor<Block> q;
  q.size = in.size();
  const std::size_t blocks = block_count<Block>(in.size());
  if (scales.size() != blocks)
    throw std::invalid_argument("lowp: " + std::to_string(in.size()) + " values need " +
                                std::to_string(blocks) + " scales, got " +
                                std::to_string(scales.size()));
  q.elements.assign(blocks * Block::block_bytes, 0);
  q.scales.assign(scales.begin(), scales.end());
  constexpr float_format sf = descriptor_v<typename Block::scale_format>;
  for (std::size_t b = 0; b < blocks; ++b) {
    scale_plan p;
    p.code = scales[b];
    if (is_nan_code(sf, scales[b])) {
      p.map = element_map::nan_block;
    } else {
      p.shift = static_cast<int>(scales[b]) - sf.bias;
    }
    const std::size_t first = b * Block::block_size;
    const std::size_t count =
        in.size() - first < Block::block_size ? in.size() - first : Block::block_size;
    detail::encode_block<Block, R>(in.data() + first, count, first, p, o,
                                   q.elements.data() + b * Block::block_bytes);
  }
  return q;
}

/// Bytes of one block in the array-of-structs layout: the scale code (little-endian), then the
/// packed elements. For q8_0, q4_0 and ggml_mxfp4 this is GGUF's block_q8_0 / block_q4_0 /
/// block_mxfp4 byte for byte.
template <class Block>
inline constexpr std::size_t interleaved_block_bytes =
    sizeof(typename Block::scale_storage) + Block::block_bytes;

/// The array-of-structs (GGUF) bytes of a block_tensor. Single-level formats only.
template <class Block>
std::vector<std::uint8_t> to_interleaved(const block_tensor<Block>& q) {
  static_assert(!Block::two_level, "lowp: the interleaved layout has no place for a tensor scale");
  constexpr std::size_t scale_bytes = sizeof(typename Block::scale_storage);
  std::vector<std::uint8_t> out(q.blocks() * interleaved_block_bytes<Block>);
  for (std::size_t b = 0; b < q.blocks(); ++b) {
    std::uint8_t* dst = out.data() + b * interleaved_block_bytes<Block>;
    for (std::size_t k = 0; k < scale_bytes; ++k)
      dst[k] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(q.scales[b]) >> (8 * k));
    for (std::size_t k = 0; k < Block::block_bytes; ++k)
      dst[scale_bytes + k] = q.elements[b * Block::block_bytes + k];
  }
  return out;
}

/// A block_tensor of `size` elements from array-of-structs (GGUF) bytes.
/// Throws std::invalid_argument when the byte count does not match.
template <class Block>
block_tensor<Block> from_interleaved(span<const std::uint8_t> bytes, std::size_t size) {
  static_assert(!Block::two_level, "lowp: the interleaved layout has no place for a tensor scale");
  constexpr std::size_t scale_bytes = sizeof(typename Block::scale_storage);
  const std::size_t blocks = block_count<Block>(size);
  if (bytes.size() != blocks * interleaved_block_bytes<Block>)
    throw std::invalid_argument("lowp: " + std::to_string(size) + " values need " +
                                std::to_string(blocks * interleaved_block_bytes<Block>) +
                                " interleaved bytes, got " + std::to_string(bytes.size()));
  block_tensor<Block> q;
  q.size = size;
  q.scales.assign(blocks, 0);
  q.elements.assign(blocks * Block::block_bytes, 0);
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::uint8_t* src = bytes.data() + b * interleaved_block_bytes<Block>;
    std::uint64_t s = 0;
    for (std::size_t k = 0; k < scale_bytes; ++k)
      s |= static_cast<std::uint64_t>(src[k]) << (8 * k);
    q.scales[b] = static_cast<typename Block::scale_storage>(s);
    for (std::size_t k = 0; k < Block::block_bytes; ++k)
      q.elements[b * Block::block_bytes + k] = src[scale_bytes + k];
  }
  return q;
}

}  // namespace blocks
}  // namespace lowp
