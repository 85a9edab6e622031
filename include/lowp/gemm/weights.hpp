/// \file gemm/weights.hpp
/// Low-bit weight matrices on an integer grid, the operand every lowp mpGEMM kernel takes:
/// W[m][k] = (level[m][k] - zero[m][g]) * scale[m][g] with g = k / group. b-bit GPTQ/AWQ codes,
/// BitNet ternary and round-to-nearest quantization of float weights all map onto it
/// (docs/gemm.md).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "lowp/codec/fp32.hpp"
#include "lowp/core/checked.hpp"
#include "lowp/simd/float_env.hpp"

namespace lowp {
namespace gemm {

/// The widest level the kernels take (a GEMM contract bound: |level - zero| * 127 * group must
/// fit int32).
inline constexpr unsigned max_level_bits = 8;

/// The largest group (columns sharing one scale and zero point) a weight matrix may have.
inline constexpr std::size_t max_group = std::size_t{1} << 20;

/// A weight matrix of `rows` x `cols` on an integer grid, row-major, unpacked (one byte per
/// level). Value: (level(m, k) - zeros[m*groups + k/group]) * scales[m*groups + k/group], where
/// level(m, k) is levels[m*cols + k], or, with a codebook, codebook[levels[m*cols + k]] (the
/// bytes are then 4-bit codes: FP4 E2M1 weights keep their codes).
struct int_weights {
  std::size_t rows = 0;                ///< M: output rows
  std::size_t cols = 0;                ///< K: the reduction length
  unsigned level_bits = 0;             ///< b: every level and zero point is below 2^b
  std::size_t group = 0;               ///< columns per scale group (the last group may be shorter)
  std::vector<std::uint8_t> levels;    ///< rows * cols levels, each < 2^level_bits
  std::vector<std::uint8_t> zeros;     ///< rows * groups() zero points, each < 2^level_bits
  std::vector<float> scales;           ///< rows * groups() scales, used as given
  std::vector<std::uint8_t> codebook;  ///< empty, or the 16 levels of 4-bit codes

  /// The level of row m, column k (through the codebook when there is one).
  unsigned level(std::size_t m, std::size_t k) const noexcept {
    const unsigned b = levels[m * cols + k];
    return codebook.empty() ? b : codebook[b];
  }

  /// Scale groups per row: ceil(cols / group).
  std::size_t groups() const noexcept { return group == 0 ? 0 : (cols + group - 1) / group; }
  /// The integer weight level[m][k] - zero[m][k / group].
  int centered(std::size_t m, std::size_t k) const noexcept {
    return static_cast<int>(level(m, k)) - int{zeros[m * groups() + k / group]};
  }
  /// The weight's value in float32: centered(m, k) * scale (one rounding).
  float value(std::size_t m, std::size_t k) const noexcept {
    return static_cast<float>(centered(m, k)) * scales[m * groups() + k / group];
  }
};

/// Throws std::invalid_argument naming the first broken rule of an int_weights.
inline void validate(const int_weights& w) {
  auto fail = [](const std::string& what) { throw std::invalid_argument("lowp::gemm: " + what); };
  if (w.level_bits < 1 || w.level_bits > max_level_bits)
    fail("level_bits " + std::to_string(w.level_bits) + " is outside 1..8");
  if (w.rows == 0 || w.cols == 0) fail("a weight matrix needs at least one row and one column");
  if (w.group == 0 || w.group > max_group)
    fail("group " + std::to_string(w.group) + " is outside 1..2^20");
  const std::size_t n = lowp::detail::checked_mul(w.rows, w.cols, "gemm weights: rows * cols");
  if (w.levels.size() != n)
    fail("levels holds " + std::to_string(w.levels.size()) + " entries, rows * cols is " +
         std::to_string(n));
  const std::size_t g = w.rows * w.groups();  // <= rows * cols
  if (w.zeros.size() != g || w.scales.size() != g)
    fail("zeros and scales need rows * ceil(cols / group) = " + std::to_string(g) + " entries");
  const unsigned limit = 1u << w.level_bits;
  if (!w.codebook.empty() && w.codebook.size() != 16)
    fail("a codebook holds the levels of the 16 4-bit codes");
  for (std::uint8_t l : w.codebook)
    if (l >= limit) fail("a codebook level is not below 2^level_bits");
  const unsigned code_limit = w.codebook.empty() ? limit : 16u;
  for (std::uint8_t l : w.levels)
    if (l >= code_limit)
      fail(w.codebook.empty() ? "a level is not below 2^level_bits" : "a code is not below 16");
  for (std::uint8_t z : w.zeros)
    if (z >= limit) fail("a zero point is not below 2^level_bits");
}

/// How quantize_weights chooses a group's scale and zero point.
enum class weight_rule {
  /// min/max ("asymmetric", GPTQ's RTN): the range [min(x, 0), max(x, 0)] maps onto levels
  /// 0 .. 2^b - 1; scale = (hi - lo) / (2^b - 1), zero = clamp(round(-lo / scale)).
  min_max,
  /// symmetric: zero = 2^(b-1), scale = max|x| / 2^(b-1) (the top level is clipped to
  /// 2^b - 1), T-MAC's default zero point.
  symmetric,
};

/// Quantizes a row-major float matrix by round-to-nearest-even within groups of `group`
/// columns (the baseline every GPTQ/AWQ paper starts from). NaN weights throw; ±inf weights
/// throw (no finite scale holds them).
inline int_weights quantize_weights(const float* w, std::size_t rows, std::size_t cols,
                                    unsigned bits, std::size_t group,
                                    weight_rule rule = weight_rule::min_max) {
  const simd::ieee_denormals env;  // scales and levels whatever the caller's FTZ/DAZ
  int_weights q;
  q.rows = rows;
  q.cols = cols;
  q.level_bits = bits;
  q.group = group;
  if (bits < 1 || bits > max_level_bits || group == 0 || group > max_group || rows == 0 ||
      cols == 0) {
    validate(q);  // throws with the reason
  }
  const std::size_t groups = q.groups();
  q.levels.assign(lowp::detail::checked_mul(rows, cols, "quantize_weights: rows * cols"), 0);
  q.zeros.assign(rows * groups, 0);
  q.scales.assign(rows * groups, 0.0f);
  const int top = (1 << bits) - 1;
  for (std::size_t m = 0; m < rows; ++m) {
    for (std::size_t g = 0; g < groups; ++g) {
      const std::size_t k0 = g * group, k1 = std::min(cols, k0 + group);
      float lo = 0.0f, hi = 0.0f;
      for (std::size_t k = k0; k < k1; ++k) {
        const float x = w[m * cols + k];
        if (!fp32::is_finite(x))
          throw std::invalid_argument("lowp::gemm::quantize_weights: a weight is NaN or inf");
        lo = std::min(lo, x);
        hi = std::max(hi, x);
      }
      float scale = 0.0f;
      int zero = 0;
      if (rule == weight_rule::min_max) {
        scale = (hi - lo) / static_cast<float>(top);
        if (scale > 0.0f)
          zero = static_cast<int>(std::min(std::max(fp32::round_half_even(-lo / scale), 0.0f),
                                           static_cast<float>(top)));
      } else {
        const int half = 1 << (bits - 1);
        scale = std::max(hi, -lo) / static_cast<float>(half);
        zero = half;
      }
      if (!fp32::is_finite(scale))
        throw std::invalid_argument("lowp::gemm::quantize_weights: a group's range overflows");
      q.scales[m * groups + g] = scale;
      q.zeros[m * groups + g] = static_cast<std::uint8_t>(zero);
      for (std::size_t k = k0; k < k1; ++k) {
        int level = zero;
        if (scale > 0.0f) {
          const float r = fp32::round_half_even(w[m * cols + k] / scale) + static_cast<float>(zero);
          level = static_cast<int>(std::min(std::max(r, 0.0f), static_cast<float>(top)));
        }
        q.levels[m * cols + k] = static_cast<std::uint8_t>(level);
      }
    }
  }
  return q;
}

/// BitNet b1.58 weights: entries of `t` in {-1, 0, +1} (row-major rows x cols) with one
/// tensor scale; stored as 2-bit levels t + 1 with zero point 1 and one group per row.
inline int_weights ternary_weights(const std::int8_t* t, std::size_t rows, std::size_t cols,
                                   float scale) {
  int_weights q;
  q.rows = rows;
  q.cols = cols;
  q.level_bits = 2;
  q.group = cols;
  q.levels.resize(lowp::detail::checked_mul(rows, cols, "ternary_weights: rows * cols"));
  for (std::size_t i = 0; i < rows * cols; ++i) {
    if (t[i] < -1 || t[i] > 1)
      throw std::invalid_argument("lowp::gemm::ternary_weights: an entry is not -1, 0 or +1");
    q.levels[i] = static_cast<std::uint8_t>(t[i] + 1);
  }
  q.zeros.assign(rows, 1);
  q.scales.assign(rows, scale);
  validate(q);
  return q;
}

}  // namespace gemm
}  // namespace lowp
