/// \file neon/gemm_kernels.hpp
/// The mpGEMM kernels for AArch64 Advanced SIMD (baseline, no dot-product extension): the
/// int8 dot-product kernel on crumbs and nibbles and the table-lookup kernel on bit planes
/// (gemm_args.hpp), exact in int32 per scale group, then the contract's float steps
/// (gemm/reference.hpp) with explicit fused multiply-adds.
///
/// A 64-byte weight vector (16 rows x 4 columns, byte 4 r + q) is taken as four 16-byte
/// quarters, rows 4 i .. 4 i + 3.
///
/// Dot products: each level field is shifted and masked down to its value (below 16, so a
/// valid int8) and `smull`/`smlal` multiply it by the four activations of its columns (one
/// 32-bit value repeated), one int16 lane per product. A chunk puts 8 products of at most
/// 15 * 128 = 1920 into each lane; one pairwise add (16 products, at most 30720) and one
/// `sadalp` per chunk widen them into an int32 lane per row.
///
/// Table lookups: `tbl` with four registers reads the 64-byte tables exactly as `vpermb`
/// does; the indices (nibble | 16 (p % 4)) are below 64 by construction, so none falls in
/// `tbl`'s zero range. Per byte, the low sums (0..120) plus 16 times the high sums (-64..56)
/// give the exact sum of the activations over the byte's 8 columns whose bit is set; a
/// chunk's 2^i-weighted planes stay within 15 * 2048 = 30720 per int16 lane (two bytes), and
/// int16 arithmetic is modular, so the intermediate steps may wrap. One `sadalp` per chunk
/// widens into an int32 lane per row.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "lowp/simd/gemm_args.hpp"
#include "lowp/simd/isa.hpp"
#include "lowp/simd/neon/vec.hpp"  // <arm_neon.h>

#if LOWP_HAVE_NEON

namespace lowp {
namespace simd {
namespace neon {

/// Contract steps 1-2 for rows 4 i .. 4 i + 3 of tile t and group g: I_g = dot - zero * sum a
/// (modular int32, exact since I_g fits), then acc = fma(float(I_g), scale, acc).
inline __attribute__((always_inline)) float32x4_t gemm_end_group(const lut_weight_view& w,
                                                                 const lut_row_view& x,
                                                                 std::size_t t, std::size_t i,
                                                                 std::size_t g, int32x4_t dot,
                                                                 float32x4_t acc) {
  const std::size_t at = (t * w.groups + g) * lut_tile_rows + 4 * i;
  const int32x4_t zp = vld1q_s32(w.zeros + at);
  const float32x4_t scale = vld1q_f32(w.scales + at);
  const int32x4_t sum = vmlsq_s32(dot, zp, vdupq_n_s32(x.sums[g]));
  return vfmaq_f32(acc, vcvtq_f32_s32(sum), scale);
}

/// Contract step 3 for rows 4 i .. 4 i + 3 of tile t: y = acc * d, NaN stored as 0x7FC00000,
/// rows past M left alone.
inline __attribute__((always_inline)) void gemm_store_quarter(const lut_weight_view& w,
                                                              const lut_row_view& x,
                                                              std::size_t t, std::size_t i,
                                                              float32x4_t acc, float* y) {
  const std::size_t m0 = t * lut_tile_rows + 4 * i;
  if (m0 >= w.rows) return;
  float32x4_t out = vmulq_f32(acc, vdupq_n_f32(x.scale));
  out = vbslq_f32(vceqq_f32(out, out), out, vreinterpretq_f32_u32(vdupq_n_u32(0x7FC00000u)));
  const std::size_t valid = std::min<std::size_t>(4, w.rows - m0);
  if (valid == 4) {
    vst1q_f32(y + m0, out);
    return;
  }
  float lanes4[4];
  vst1q_f32(lanes4, out);
  std::memcpy(y + m0, lanes4, valid * sizeof(float));
}

/// R tiles from tile t for one activation row with the int8 dot-product kernel: y[m] for
/// their rows (none past M).
template <simd::packed_layout L, std::size_t R>
__attribute__((noinline)) void dot_tiles(const lut_weight_view& w, const lut_row_view& x,
                                         std::size_t t, float* y) {
  static_assert(L == simd::packed_layout::crumbs || L == simd::packed_layout::nibbles,
                "dot layouts only");
  constexpr unsigned parts = L == simd::packed_layout::crumbs ? 4 : 2;  // fields per byte
  constexpr unsigned field = 8 / parts;                                 // bits per field
  constexpr std::size_t vectors = L == simd::packed_layout::crumbs ? 2 : 4;
  // Per chunk and int16 lane after the pairwise add: 2 * vectors * parts products.
  static_assert(2 * vectors * parts * 15 * 128 <= 32767, "int16 sums of one chunk are exact");
  const uint8x16_t field_mask = vdupq_n_u8(static_cast<std::uint8_t>((1u << field) - 1u));
  const std::size_t tile_bytes = w.chunks * vectors * lut_unit_bytes;
  const std::uint8_t* planes = w.planes + t * tile_bytes;
  float32x4_t facc[R][4];
#pragma GCC unroll 4
  for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (std::size_t i = 0; i < 4; ++i) facc[r][i] = vdupq_n_f32(0.0f);
  for (std::size_t g = 0; g < w.groups; ++g) {
    const std::size_t c0 = g * w.chunks_per_group;
    const std::size_t c1 = std::min(w.chunks, c0 + w.chunks_per_group);
    int32x4_t iacc[R][4];
#pragma GCC unroll 4
    for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
      for (std::size_t i = 0; i < 4; ++i) iacc[r][i] = vdupq_n_s32(0);
    for (std::size_t c = c0; c < c1; ++c) {
      const std::int8_t* xc = x.values + c * lut_chunk_cols;
      const std::uint8_t* pc = planes + c * vectors * lut_unit_bytes;
      // Products of rows 4 i, 4 i + 1 (lo) and 4 i + 2, 4 i + 3 (hi), one per int16 lane.
      int16x8_t lo[R][4], hi[R][4];
#pragma GCC unroll 4
      for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
        for (std::size_t i = 0; i < 4; ++i) lo[r][i] = hi[r][i] = vdupq_n_s16(0);
#pragma GCC unroll 4
      for (std::size_t u = 0; u < vectors; ++u) {
        // Field e of vector u covers columns 32 / parts * e + 4 u + q (gemm_args.hpp).
        int8x16_t xb[parts];
#pragma GCC unroll 4
        for (unsigned e = 0; e < parts; ++e) {
          std::int32_t four;
          std::memcpy(&four, xc + lut_chunk_cols / parts * e + 4 * u, 4);
          xb[e] = vreinterpretq_s8_s32(vdupq_n_s32(four));
        }
#pragma GCC unroll 4
        for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
          for (std::size_t i = 0; i < 4; ++i) {
            const uint8x16_t v = vld1q_u8(pc + r * tile_bytes + u * lut_unit_bytes + 16 * i);
#pragma GCC unroll 4
            for (unsigned e = 0; e < parts; ++e) {
              // A right shift by field * e (a register shift: e is no constant expression).
              const uint8x16_t shifted =
                  e == 0 ? v : vshlq_u8(v, vdupq_n_s8(static_cast<std::int8_t>(-int(field * e))));
              const int8x16_t level =
                  vreinterpretq_s8_u8(e + 1 == parts ? shifted : vandq_u8(shifted, field_mask));
              lo[r][i] = vmlal_s8(lo[r][i], vget_low_s8(level), vget_low_s8(xb[e]));
              hi[r][i] = vmlal_high_s8(hi[r][i], level, xb[e]);
            }
          }
      }
#pragma GCC unroll 4
      for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
        for (std::size_t i = 0; i < 4; ++i)
          iacc[r][i] = vpadalq_s16(iacc[r][i], vpaddq_s16(lo[r][i], hi[r][i]));
    }
#pragma GCC unroll 4
    for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
      for (std::size_t i = 0; i < 4; ++i)
        facc[r][i] = gemm_end_group(w, x, t + r, i, g, iacc[r][i], facc[r][i]);
  }
#pragma GCC unroll 4
  for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (std::size_t i = 0; i < 4; ++i) gemm_store_quarter(w, x, t + r, i, facc[r][i], y);
}

/// Outputs of tiles [t0, t1) for one activation row with the int8 dot-product kernel.
template <simd::packed_layout L>
void dot_gemv(const lut_weight_view& w, const lut_row_view& x, std::size_t t0, std::size_t t1,
              float* y) {
  constexpr std::size_t R = 2;
  std::size_t t = t0;
  for (; t + R <= t1; t += R) dot_tiles<L, R>(w, x, t, y);
  for (; t < t1; ++t) dot_tiles<L, 1>(w, x, t, y);
}

/// Outputs of tiles [t0, t1) for `count` activation rows (y[n * ldy + m]), dot products.
template <simd::packed_layout L>
void dot_gemm(const lut_weight_view& w, const lut_row_view* x, std::size_t count,
              std::size_t t0, std::size_t t1, float* y, std::size_t ldy) {
  for (std::size_t n = 0; n < count; ++n) dot_gemv<L>(w, x[n], t0, t1, y + n * ldy);
}

/// One 64-byte activation table in four registers, the operand of `tbl` (vqtbl4q_u8).
inline __attribute__((always_inline)) uint8x16x4_t gemm_load_table(const std::uint8_t* p) {
  uint8x16x4_t tb;
  tb.val[0] = vld1q_u8(p);
  tb.val[1] = vld1q_u8(p + 16);
  tb.val[2] = vld1q_u8(p + 32);
  tb.val[3] = vld1q_u8(p + 48);
  return tb;
}

/// R tiles from tile t for one activation row with the table-lookup kernel (Bits bit
/// planes): y[m] for their rows (none past M).
template <unsigned Bits, std::size_t R>
__attribute__((noinline)) void lut_tiles(const lut_weight_view& w, const lut_row_view& x,
                                         std::size_t t, float* y) {
  static_assert(Bits >= 1 && Bits <= lut_max_bits, "LUT kernel: 1 to 4 planes");
  static_assert(((1u << Bits) - 1u) * 16 * 128 <= 32768, "int16 sums of one chunk are exact");
  const uint8x16_t low_nibble = vdupq_n_u8(0x0F);
  const uint8x16_t group_of_byte = vreinterpretq_u8_u32(vdupq_n_u32(0x30201000u));  // 16 (p%4)
  const std::size_t unit_stride = Bits * lut_unit_bytes;
  const std::size_t tile_bytes = w.chunks * unit_stride;
  const std::uint8_t* planes = w.planes + t * tile_bytes;
  float32x4_t facc[R][4];
#pragma GCC unroll 4
  for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (std::size_t i = 0; i < 4; ++i) facc[r][i] = vdupq_n_f32(0.0f);
  for (std::size_t g = 0; g < w.groups; ++g) {
    const std::size_t c0 = g * w.chunks_per_group;
    const std::size_t c1 = std::min(w.chunks, c0 + w.chunks_per_group);
    int32x4_t iacc[R][4];
#pragma GCC unroll 4
    for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
      for (std::size_t i = 0; i < 4; ++i) iacc[r][i] = vdupq_n_s32(0);
    for (std::size_t c = c0; c < c1; ++c) {
      const std::uint8_t* tb = x.tables + c * lut_table_bytes;
      const uint8x16x4_t low_a = gemm_load_table(tb), low_b = gemm_load_table(tb + 64);
      const uint8x16x4_t high_a = gemm_load_table(tb + 128), high_b = gemm_load_table(tb + 192);
#pragma GCC unroll 4
      for (std::size_t r = 0; r < R; ++r) {
        const std::uint8_t* u = planes + r * tile_bytes + c * unit_stride;
#pragma GCC unroll 4
        for (std::size_t i = 0; i < 4; ++i) {
          // Per int16 lane (bytes 2 k, 2 k + 1): sum over planes of 2^i (lows + 16 highs).
          int16x8_t sum = vdupq_n_s16(0);
#pragma GCC unroll 4
          for (unsigned b = 0; b < Bits; ++b) {
            const uint8x16_t v = vld1q_u8(u + b * lut_unit_bytes + 16 * i);
            const uint8x16_t ia = vorrq_u8(vandq_u8(v, low_nibble), group_of_byte);
            const uint8x16_t ib = vorrq_u8(vshrq_n_u8(v, 4), group_of_byte);
            const uint8x16_t lows = vaddq_u8(vqtbl4q_u8(low_a, ia), vqtbl4q_u8(low_b, ib));
            const int8x16_t highs = vreinterpretq_s8_u8(
                vaddq_u8(vqtbl4q_u8(high_a, ia), vqtbl4q_u8(high_b, ib)));
            sum = vmlaq_n_s16(sum, vreinterpretq_s16_u16(vpaddlq_u8(lows)),
                              static_cast<std::int16_t>(1 << b));
            sum = vmlaq_n_s16(sum, vpaddlq_s8(highs), static_cast<std::int16_t>(16 << b));
          }
          iacc[r][i] = vpadalq_s16(iacc[r][i], sum);  // lane j: bytes 4 j .. 4 j + 3, row 4 i + j
        }
      }
    }
#pragma GCC unroll 4
    for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
      for (std::size_t i = 0; i < 4; ++i)
        facc[r][i] = gemm_end_group(w, x, t + r, i, g, iacc[r][i], facc[r][i]);
  }
#pragma GCC unroll 4
  for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (std::size_t i = 0; i < 4; ++i) gemm_store_quarter(w, x, t + r, i, facc[r][i], y);
}

/// Outputs of tiles [t0, t1) for one activation row with the table-lookup kernel.
template <unsigned Bits>
void lut_gemv(const lut_weight_view& w, const lut_row_view& x, std::size_t t0, std::size_t t1,
              float* y) {
  constexpr std::size_t R = 2;
  std::size_t t = t0;
  for (; t + R <= t1; t += R) lut_tiles<Bits, R>(w, x, t, y);
  for (; t < t1; ++t) lut_tiles<Bits, 1>(w, x, t, y);
}

/// Outputs of tiles [t0, t1) for `count` activation rows (y[n * ldy + m]), table lookups.
template <unsigned Bits>
void lut_gemm(const lut_weight_view& w, const lut_row_view* x, std::size_t count,
              std::size_t t0, std::size_t t1, float* y, std::size_t ldy) {
  for (std::size_t n = 0; n < count; ++n) lut_gemv<Bits>(w, x[n], t0, t1, y + n * ldy);
}

}  // namespace neon
}  // namespace simd
}  // namespace lowp
#endif
