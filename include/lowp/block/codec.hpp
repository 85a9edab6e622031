/// \file codec.hpp
/// The block codec: quantize arrays into packed struct-of-arrays storage, dequantize them, and
/// fake-quantize (both at once). The loops run the active ISA's kernels (simd/block_dispatch.hpp),
/// which reproduce the scalar reference (block/reference.hpp) bit for bit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "lowp/block/reference.hpp"
#include "lowp/core/checked.hpp"
#include "lowp/core/parallel.hpp"
#include "lowp/simd/block_dispatch.hpp"

namespace lowp {
namespace blocks {

namespace detail {
/// The checks of a storage quantize and the tensor scale (the input's amax on ISA `which`,
/// unless a calibrated amax is given).
template <class Block, rounding R>
tensor_scale_state prepare_quantize(simd::isa which, span<const float> in,
                                    span<std::uint8_t> elements,
                                    span<typename Block::scale_storage> scales,
                                    const block_options& o) {
  check_rounding<Block, R>();
  check_sizes<Block>(in.size(), elements.size(), scales.size(), o.tail);
  return tensor_state_with<Block>(o, [&] { return simd::array_amax(which, in.data(), in.size()); });
}
}  // namespace detail

/// Quantizes `in` into caller-provided storage: `elements` holds block_count(n) *
/// Block::block_bytes bytes, `scales` block_count(n) codes. Returns the tensor scale (all ones
/// for single-level formats). Element i of a stochastic rounding uses counter_bits(seed, i).
/// Throws std::invalid_argument on mismatched sizes, a rejected tail or a negative or NaN
/// tensor_amax, std::domain_error when a format that cannot hold NaN/inf (the ggml layouts)
/// meets one.
template <class Block, rounding R = default_rounding_v<Block>>
tensor_scale_state quantize(span<const float> in, span<std::uint8_t> elements,
                            span<typename Block::scale_storage> scales,
                            const block_options& o = {}) {
  const simd::isa which = simd::active_isa();
  const tensor_scale_state t = detail::prepare_quantize<Block, R>(which, in, elements, scales, o);
  simd::quantize_blocks<Block, R>(which, in.data(), in.size(), elements.data(), scales.data(), t,
                                  o);
  return t;
}

/// quantize on several threads: the array is split at block boundaries, the tensor scale
/// chosen once; the result is identical to the single-thread call (stochastic rounding
/// included). With several bad blocks, the error names the first bad block of the first piece
/// that has one, which is the block the single-thread call names.
template <class Block, rounding R = default_rounding_v<Block>>
tensor_scale_state quantize(const parallel& par, span<const float> in, span<std::uint8_t> elements,
                            span<typename Block::scale_storage> scales,
                            const block_options& o = {}) {
  const simd::isa which = simd::active_isa();
  const tensor_scale_state t = detail::prepare_quantize<Block, R>(which, in, elements, scales, o);
  lowp::detail::run_parallel(par, in.size(), Block::block_size, [&](std::size_t b, std::size_t e) {
    simd::quantize_blocks<Block, R>(which, in.data(), in.size(), b / Block::block_size,
                                    block_count<Block>(e), elements.data(), scales.data(), t, o);
  });
  return t;
}

/// Quantizes `in` into a new block_tensor (see the storage overload for the rules).
template <class Block, rounding R = default_rounding_v<Block>>
block_tensor<Block> quantize(span<const float> in, const block_options& o = {}) {
  block_tensor<Block> q;
  const std::size_t blocks = block_count<Block>(in.size());
  q.size = in.size();
  q.elements.assign(lowp::detail::checked_mul(blocks, Block::block_bytes, "element bytes"), 0);
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
  if (cols % Block::block_size != 0 ||
      lowp::detail::checked_mul(rows, cols, "quantize_tiles: rows * cols") != in.size() ||
      tile_rows == 0)
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
  simd::dequantize_blocks<Block>(simd::active_isa(), elements.data(), scales.data(), t, out.data(),
                                 out.size());
}

/// dequantize on several threads (identical result).
template <class Block>
void dequantize(const parallel& par, span<const std::uint8_t> elements,
                span<const typename Block::scale_storage> scales, const tensor_scale_state& t,
                span<float> out) {
  detail::check_sizes<Block>(out.size(), elements.size(), scales.size(), tail_rule::pad_zero);
  const simd::isa which = simd::active_isa();
  lowp::detail::run_parallel(par, out.size(), Block::block_size, [&](std::size_t b, std::size_t e) {
    const std::size_t b0 = b / Block::block_size;
    simd::dequantize_blocks<Block>(which, elements.data() + b0 * Block::block_bytes,
                                   scales.data() + b0, t, out.data() + b, e - b);
  });
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
  detail::check_tail<Block>(in.size(), o.tail);
  if (scales.size() != blocks)
    throw std::invalid_argument("lowp: " + std::to_string(in.size()) + " values need " +
                                std::to_string(blocks) + " scales, got " +
                                std::to_string(scales.size()));
  q.elements.assign(lowp::detail::checked_mul(blocks, Block::block_bytes, "element bytes"), 0);
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
  detail::check_sizes<Block>(q.size, q.elements.size(), q.scales.size(), tail_rule::pad_zero);
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
  const std::size_t need =
      lowp::detail::checked_mul(blocks, interleaved_block_bytes<Block>, "interleaved bytes");
  if (bytes.size() != need)
    throw std::invalid_argument("lowp: " + std::to_string(size) + " values need " +
                                std::to_string(need) + " interleaved bytes, got " +
                                std::to_string(bytes.size()));
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
