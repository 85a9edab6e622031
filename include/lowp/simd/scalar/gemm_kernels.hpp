/// \file scalar/gemm_kernels.hpp
/// The LUT mpGEMM contract on pre-packed weights without vector instructions: each level read
/// back from its bit planes, exact integer group sums, then the contract's float steps. The
/// fallback of every ISA without a kernel, and a check of the packing itself.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "lowp/codec/fp32.hpp"
#include "lowp/core/bits.hpp"
#include "lowp/simd/gemm_args.hpp"

namespace lowp {
namespace simd {
namespace scalar {

/// The level of row m, column k, read back from packed weights (gemm_args.hpp layouts).
inline unsigned lut_level(const lut_weight_view& w, std::size_t m, std::size_t k) noexcept {
  const level_slot s = locate_level(w.layout, w.bits, w.chunks, m, k);
  if (s.width != 1) {
    const unsigned field =
        (static_cast<unsigned>(w.planes[s.byte]) >> s.shift) & ((1u << s.width) - 1u);
    return w.layout == packed_layout::coded_nibbles ? w.codebook[field] : field;
  }
  unsigned level = 0;
  for (unsigned i = 0; i < w.bits; ++i)
    level |= ((static_cast<unsigned>(w.planes[s.byte + i * lut_unit_bytes]) >> s.shift) & 1u) << i;
  return level;
}

/// The four tables of one chunk from its first `cols` (at most 32) int8 values; missing
/// columns count as 0 (gemm_args.hpp layout).
inline void lut_chunk_tables(const std::int8_t* x, std::size_t cols, std::uint8_t* tables) {
  std::int8_t v[lut_chunk_cols] = {};
  for (std::size_t k = 0; k < cols && k < lut_chunk_cols; ++k) v[k] = x[k];
  // Group u (= 4 * half + j) covers columns 4 u .. 4 u + 3; entry e sums the columns of its
  // set bits, built from the entry without its lowest set bit.
  for (std::size_t u = 0; u < 8; ++u) {
    std::uint8_t* low = tables + 64 * (u / 4) + 16 * (u % 4);
    std::uint8_t* high = low + 128;
    int sl[16] = {}, sh[16] = {};
    for (unsigned e = 1; e < 16; ++e) {
      const unsigned q = (e & 1u) != 0 ? 0u : (e & 2u) != 0 ? 1u : (e & 4u) != 0 ? 2u : 3u;
      const int value = static_cast<int>(v[4 * u + q]);
      const int l = value & 15;  // value = 16 * h + l, h in -8..7
      sl[e] = sl[e & (e - 1)] + l;
      sh[e] = sh[e & (e - 1)] + (value - l) / 16;
    }
    for (unsigned e = 0; e < 16; ++e) {
      low[e] = static_cast<std::uint8_t>(sl[e]);
      high[e] = static_cast<std::uint8_t>(sh[e] & 0xFF);
    }
  }
}

/// Outputs of tiles [t0, t1) for one activation row (y[m] for the rows of those tiles), by
/// the int8 contract of gemm/reference.hpp.
inline void lut_gemv(const lut_weight_view& w, const lut_row_view& x, std::size_t t0,
                     std::size_t t1, float* y) {
  const std::size_t m1 = std::min(w.rows, t1 * lut_tile_rows);
  for (std::size_t m = t0 * lut_tile_rows; m < m1; ++m) {
    const std::size_t t = m / lut_tile_rows, r = m % lut_tile_rows;
    float acc = 0.0f;
    for (std::size_t g = 0; g < w.groups; ++g) {
      const std::size_t k0 = g * group_columns(w);
      const std::size_t k1 = std::min(x.cols, k0 + group_columns(w));
      const std::size_t at = (t * w.groups + g) * lut_tile_rows + r;
      const std::int32_t z = w.zeros[at];
      std::int32_t sum = 0;
      for (std::size_t k = k0; k < k1; ++k)
        sum += std::int32_t{x.values[k]} * (static_cast<std::int32_t>(lut_level(w, m, k)) - z);
      acc = std::fma(static_cast<float>(sum), w.scales[at], acc);
    }
    const float out = acc * x.scale;
    y[m] = fp32::is_nan(out) ? bit_cast<float>(gemm_nan_bits) : out;
  }
}

/// Outputs of tiles [t0, t1) for `count` activation rows: y[n * ldy + m].
inline void lut_gemm(const lut_weight_view& w, const lut_row_view* x, std::size_t count,
                     std::size_t t0, std::size_t t1, float* y, std::size_t ldy) {
  for (std::size_t n = 0; n < count; ++n) lut_gemv(w, x[n], t0, t1, y + n * ldy);
}

/// Outputs of tiles [t0, t1) for `count` float32 activation rows (y[n * ldy + m]) by the
/// float32 contract of gemm/reference.hpp.
inline void f32_gemm(const lut_weight_view& w, const lut_row_view* x, std::size_t count,
                     std::size_t t0, std::size_t t1, float* y, std::size_t ldy) {
  const std::size_t m1 = std::min(w.rows, t1 * lut_tile_rows);
  for (std::size_t n = 0; n < count; ++n)
    for (std::size_t m = t0 * lut_tile_rows; m < m1; ++m) {
      const std::size_t t = m / lut_tile_rows, r = m % lut_tile_rows;
      float acc = 0.0f;
      for (std::size_t g = 0; g < w.groups; ++g) {
        const std::size_t k0 = g * group_columns(w);
        const std::size_t k1 = std::min(x[n].cols, k0 + group_columns(w));
        const std::size_t at = (t * w.groups + g) * lut_tile_rows + r;
        const std::int32_t z = w.zeros[at];
        float sum = 0.0f;
        for (std::size_t k = k0; k < k1; ++k)
          sum =
              std::fma(x[n].floats[k],
                       static_cast<float>(static_cast<std::int32_t>(lut_level(w, m, k)) - z), sum);
        acc = std::fma(sum, w.scales[at], acc);
      }
      y[n * ldy + m] = fp32::is_nan(acc) ? bit_cast<float>(gemm_nan_bits) : acc;
    }
}

}  // namespace scalar
}  // namespace simd
}  // namespace lowp
