/// \file neon/gemm_kernels.hpp
/// The mpGEMM kernels for AArch64 Advanced SIMD (baseline, no dot-product extension): the
/// int8 dot-product kernel on crumbs and nibbles and the table-lookup kernel on bit planes
/// (gemm_args.hpp), exact in int32 per scale group, then the contract's float steps
/// (gemm/reference.hpp) with explicit fused multiply-adds.
///
/// Dot products: a 64-byte weight vector (16 rows x 4 columns, byte 4 r + q) is taken as
/// four 16-byte quarters, rows 4 i .. 4 i + 3. Each level field is shifted and masked down
/// to its value (below 16, so a valid int8) and `smull`/`smlal` multiply it by the four
/// activations of its columns (one 32-bit value repeated), one int16 lane per product. A
/// chunk puts 8 products of at most 15 * 128 = 1920 into each lane; one pairwise add (16
/// products, at most 30720) and one `sadalp` per chunk widen them into an int32 lane per row.
///
/// Table lookups: `ld4` splits a 64-byte plane unit by byte j = p % 4 into four registers
/// whose lane r is row r. Byte j of a row only ever indexes entries 16 j .. 16 j + 15 of the
/// 64-entry tables (gemm_args.hpp), so each lookup is a one-register `tbl` of the nibble
/// itself (indices 0..15; no four-register `tbl`, whose table tuples GCC 12 keeps
/// reloading from the stack). Per row, the low sums (0..120 per byte) plus 16 times the high
/// sums (-64..56) over j give the plane's exact sum of the activations whose bit is set
/// (|.| <= 32 * 128); planes 0-2 weighted 2^i share int16 sums (at most 7 * 4096 = 28672,
/// int16 arithmetic is modular, so only that final bound matters), plane 3 is widened into
/// int32 alone and times 8.
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
                                                              const lut_row_view& x, std::size_t t,
                                                              std::size_t i, float32x4_t acc,
                                                              float* y) {
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
  // One tile per call: two would spill accumulators out of the 32 registers.
  for (std::size_t t = t0; t < t1; ++t) dot_tiles<L, 1>(w, x, t, y);
}

/// Outputs of tiles [t0, t1) for `count` activation rows (y[n * ldy + m]), dot products.
template <simd::packed_layout L>
void dot_gemm(const lut_weight_view& w, const lut_row_view* x, std::size_t count, std::size_t t0,
              std::size_t t1, float* y, std::size_t ldy) {
  for (std::size_t n = 0; n < count; ++n) dot_gemv<L>(w, x[n], t0, t1, y + n * ldy);
}

/// Adds s (int16 lanes: rows 0-7, 8-15 of a tile) times `mult` to the int32 sums of rows
/// 0-3, 4-7, 8-11, 12-15.
inline __attribute__((always_inline)) void gemm_widen_rows(const int16x8_t (&s)[2],
                                                           std::int16_t mult, int32x4_t (&acc)[4]) {
  acc[0] = vmlal_n_s16(acc[0], vget_low_s16(s[0]), mult);
  acc[1] = vmlal_high_n_s16(acc[1], s[0], mult);
  acc[2] = vmlal_n_s16(acc[2], vget_low_s16(s[1]), mult);
  acc[3] = vmlal_high_n_s16(acc[3], s[1], mult);
}

/// R tiles from tile t for one activation row with the table-lookup kernel (Bits bit
/// planes): y[m] for their rows (none past M).
template <unsigned Bits, std::size_t R>
__attribute__((noinline)) void lut_tiles(const lut_weight_view& w, const lut_row_view& x,
                                         std::size_t t, float* y) {
  static_assert(Bits >= 1 && Bits <= lut_max_bits, "LUT kernel: 1 to 4 planes");
  // Planes 0-2 share int16 sums: 7 * 32 * 128 = 28672; plane 3 (8x) is widened alone.
  constexpr unsigned shared_planes = Bits < 3 ? Bits : 3;
  const uint8x16_t low_nibble = vdupq_n_u8(0x0F);
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
      // Entries 16 j .. 16 j + 15 of each table: the only ones byte j of a row indexes.
      const std::uint8_t* tb = x.tables + c * lut_table_bytes;
      uint8x16_t low_a[4], low_b[4], high_a[4], high_b[4];
#pragma GCC unroll 4
      for (std::size_t j = 0; j < 4; ++j) {
        low_a[j] = vld1q_u8(tb + 16 * j);
        low_b[j] = vld1q_u8(tb + 64 + 16 * j);
        high_a[j] = vld1q_u8(tb + 128 + 16 * j);
        high_b[j] = vld1q_u8(tb + 192 + 16 * j);
      }
#pragma GCC unroll 4
      for (std::size_t r = 0; r < R; ++r) {
        const std::uint8_t* u = planes + r * tile_bytes + c * unit_stride;
        int16x8_t sum[2] = {vdupq_n_s16(0), vdupq_n_s16(0)};  // rows 0-7, 8-15
#pragma GCC unroll 4
        for (unsigned b = 0; b < Bits; ++b) {
          if (b == shared_planes) {  // plane 3: widen planes 0-2 first
            gemm_widen_rows(sum, 1, iacc[r]);
            sum[0] = sum[1] = vdupq_n_s16(0);
          }
          // val[j], lane r: byte 4 r + j of the unit (row r, columns 4 j + q and 16 + 4 j + q).
          const uint8x16x4_t v = vld4q_u8(u + b * lut_unit_bytes);
          uint8x16_t lows[4];
          int8x16_t highs[4];
#pragma GCC unroll 4
          for (std::size_t j = 0; j < 4; ++j) {
            const uint8x16_t ia = vandq_u8(v.val[j], low_nibble);
            const uint8x16_t ib = vshrq_n_u8(v.val[j], 4);
            lows[j] = vaddq_u8(vqtbl1q_u8(low_a[j], ia), vqtbl1q_u8(low_b[j], ib));  // 0..120
            highs[j] = vreinterpretq_s8_u8(
                vaddq_u8(vqtbl1q_u8(high_a[j], ia), vqtbl1q_u8(high_b[j], ib)));  // -64..56
          }
          const uint8x16_t lows01 = vaddq_u8(lows[0], lows[1]);  // 0..240
          const uint8x16_t lows23 = vaddq_u8(lows[2], lows[3]);
          const int8x16_t highs01 = vaddq_s8(highs[0], highs[1]);  // -128..112
          const int8x16_t highs23 = vaddq_s8(highs[2], highs[3]);
          // The plane's exact row sums are lows + 16 highs (|.| <= 32 * 128).
          const std::int16_t weight = static_cast<std::int16_t>(b < shared_planes ? 1 << b : 1);
          const std::int16_t weight16 = static_cast<std::int16_t>(16 * weight);
          sum[0] = vmlaq_n_s16(
              sum[0], vreinterpretq_s16_u16(vaddl_u8(vget_low_u8(lows01), vget_low_u8(lows23))),
              weight);
          sum[1] =
              vmlaq_n_s16(sum[1], vreinterpretq_s16_u16(vaddl_high_u8(lows01, lows23)), weight);
          sum[0] =
              vmlaq_n_s16(sum[0], vaddl_s8(vget_low_s8(highs01), vget_low_s8(highs23)), weight16);
          sum[1] = vmlaq_n_s16(sum[1], vaddl_high_s8(highs01, highs23), weight16);
        }
        gemm_widen_rows(sum, static_cast<std::int16_t>(Bits > shared_planes ? 8 : 1), iacc[r]);
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
  // One tile per call: the 16 table registers leave no room for a second tile's sums.
  for (std::size_t t = t0; t < t1; ++t) lut_tiles<Bits, 1>(w, x, t, y);
}

/// Outputs of tiles [t0, t1) for `count` activation rows (y[n * ldy + m]), table lookups.
template <unsigned Bits>
void lut_gemm(const lut_weight_view& w, const lut_row_view* x, std::size_t count, std::size_t t0,
              std::size_t t1, float* y, std::size_t ldy) {
  for (std::size_t n = 0; n < count; ++n) lut_gemv<Bits>(w, x[n], t0, t1, y + n * ldy);
}

}  // namespace neon
}  // namespace simd
}  // namespace lowp
#endif
