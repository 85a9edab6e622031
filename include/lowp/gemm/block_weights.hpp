/// \file gemm/block_weights.hpp
/// Block-format weight matrices (MXFP4, NVFP4, ggml q4_0 and other formats with 4-bit
/// elements whose values are integers or half-integers) as int_weights for the mpGEMM kernels,
/// without changing a value: element codes stay codes, and each block's scale becomes its
/// group's scale (docs/gemm.md, "Block-format weights").
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "lowp/block/reference.hpp"
#include "lowp/block/scale_rules.hpp"
#include "lowp/codec/fp32.hpp"
#include "lowp/core/checked.hpp"
#include "lowp/gemm/weights.hpp"

namespace lowp {
namespace gemm {

namespace detail {

/// The grid of a 4-bit element format: its 16 values times 2^shift are integers from
/// -zero to 255 - zero; `unit` is a code whose value is 1.
struct element_grid {
  std::uint8_t levels[16] = {};  ///< value(c) * 2^shift + zero
  int zero = 0;
  int shift = 0;
  std::uint32_t unit = 0;
  bool identity = true;  ///< levels[c] == c: no codebook needed
};

/// Finds the grid of Block's element format from its decoded values, or throws.
template <class Block>
element_grid grid_of() {
  static_assert(Block::element_bits == 4, "block_weights: 4-bit elements only");
  element_grid grid;
  float values[16];
  bool have_unit = false;
  for (std::uint32_t c = 0; c < 16; ++c) {
    values[c] = blocks::detail::element_value<typename Block::element>(c);
    if (values[c] == 1.0f && !have_unit) {
      grid.unit = c;
      have_unit = true;
    }
  }
  if (!have_unit)
    throw std::invalid_argument("lowp::gemm::from_blocks: the element format has no 1.0");
  for (grid.shift = 0; grid.shift <= 2; ++grid.shift) {
    bool integral = true;
    float low = 0.0f;
    for (float v : values) {
      const float scaled = v * static_cast<float>(1 << grid.shift);
      if (!fp32::is_finite(v) || fp32::round_half_even(scaled) != scaled) integral = false;
      if (scaled < low) low = scaled;
    }
    if (!integral) continue;
    grid.zero = static_cast<int>(-low);
    for (std::uint32_t c = 0; c < 16; ++c) {
      const int level =
          static_cast<int>(values[c] * static_cast<float>(1 << grid.shift)) + grid.zero;
      if (level < 0 || level > 255)
        throw std::invalid_argument("lowp::gemm::from_blocks: element values span over 255 steps");
      grid.levels[c] = static_cast<std::uint8_t>(level);
      grid.identity = grid.identity && level == static_cast<int>(c);
    }
    return grid;
  }
  throw std::invalid_argument(
      "lowp::gemm::from_blocks: element values are not multiples of 1/4 (or one is not finite)");
}

}  // namespace detail

/// The weights of a row-major rows x cols matrix stored as block format Block (one block
/// tensor over all rows * cols elements; cols a multiple of the block size), as int_weights:
///   level = value(code) * 2^s + z (s = 1 for E2M1: levels 0..24, zero 12; s = 0 for q4_0:
///   levels = codes, zero 8), kept as 4-bit codes with a codebook unless levels equal codes;
///   group = the block size; the scale of block b = S_b * 2^-s, where S_b is the block codec's
///   decoded value of an element equal to 1 (MX: 2^(e - 127); NVFP4: fp32(ue4m3 * tensor
///   scale); q4_0: d). The GEMM's weights (level - zero) * scale then equal the block codec's
///   decoded values whenever those are exact products (always for MX, NVFP4 without a tensor
///   scale, and q4_0), except that -0 becomes +0.
template <class Block>
int_weights from_blocks(const blocks::block_tensor<Block>& q, std::size_t rows, std::size_t cols) {
  if (cols == 0 || cols % Block::block_size != 0)
    throw std::invalid_argument("lowp::gemm::from_blocks: cols " + std::to_string(cols) +
                                " is not a multiple of the block size " +
                                std::to_string(Block::block_size));
  const std::size_t n = lowp::detail::checked_mul(rows, cols, "from_blocks: rows * cols");
  if (q.size != n)
    throw std::invalid_argument("lowp::gemm::from_blocks: the block tensor holds " +
                                std::to_string(q.size) + " elements, rows * cols is " +
                                std::to_string(n));
  blocks::detail::check_sizes<Block>(q.size, q.elements.size(), q.scales.size(),
                                     blocks::tail_rule::pad_zero);  // a consistent tensor
  const detail::element_grid grid = detail::grid_of<Block>();
  int_weights w;
  w.rows = rows;
  w.cols = cols;
  w.group = Block::block_size;
  unsigned top = 0;
  for (std::uint8_t l : grid.levels) top = l > top ? l : top;
  w.level_bits = 1;
  while ((1u << w.level_bits) <= top) ++w.level_bits;
  w.levels.resize(rows * cols);
  for (std::size_t i = 0; i < rows * cols; ++i) w.levels[i] = static_cast<std::uint8_t>(q.code(i));
  if (!grid.identity) w.codebook.assign(grid.levels, grid.levels + 16);
  w.zeros.assign(q.blocks(), static_cast<std::uint8_t>(grid.zero));
  w.scales.resize(q.blocks());
  const float step = 1.0f / static_cast<float>(1 << grid.shift);
  using rule = typename Block::scale_rule;
  for (std::size_t b = 0; b < q.blocks(); ++b)
    w.scales[b] = fp32::mul(rule::template decode<Block>(grid.unit, q.scales[b], q.tensor), step);
  validate(w);
  return w;
}

}  // namespace gemm
}  // namespace lowp
