/// \file neon/gemm_kernels.hpp
/// The mpGEMM kernels for AArch64 Advanced SIMD (baseline, no dot-product extension): the
/// int8 dot-product kernel on crumbs, nibbles and coded nibbles, the table-lookup kernel on
/// bit planes (gemm_args.hpp), both exact in int32 per scale group, then the int8 contract's
/// float steps, and the float32 contract's kernel on the dot layouts (gemm/reference.hpp), all
/// with explicit fused multiply-adds.
///
/// Dot products: a 64-byte weight vector (16 rows x 4 columns, byte 4 r + q) is taken as
/// four 16-byte quarters, rows 4 i .. 4 i + 3. Each level is brought down to its value: a
/// field is shifted and masked, a code goes through the codebook by `tbl` (a valid int8 for
/// levels up to 127). `smull`/`smlal` multiply it by the four activations of its columns (one
/// 32-bit value repeated, |a| <= 127), one int16 lane per product. A pairwise add and a
/// pairwise widening add then give an int32 lane per row. The int16 lanes must stay exact:
/// after the pairwise add a lane holds 16 products of levels up to 15 per chunk (at most
/// 30480), so fields are widened once per chunk; codebook levels up to 32 (FP4 needs 24) are
/// widened every 2 vectors (8 products, at most 32512); groups of 16 columns sum each half
/// chunk apart (8 products). Larger codebook levels (up to 255) are split exactly as
/// 16 hi + lo through two 16-entry codebooks (both <= 15), the hi sums widened, then shifted
/// left by 4.
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
///
/// Float32 activations: per column and quarter, one `tbl` moves the column's 4 levels to the
/// low bytes of 32-bit lanes (the rest cleared), then to float, minus the group's zero point
/// (exact: small integers), and one `fmla` per activation row adds x[k] times them, in
/// ascending column order; columns past K are skipped.
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
  out = vbslq_f32(vceqq_f32(out, out), out, vreinterpretq_f32_u32(vdupq_n_u32(gemm_nan_bits)));
  const std::size_t valid = std::min<std::size_t>(4, w.rows - m0);
  if (valid == 4) {
    vst1q_f32(y + m0, out);
    return;
  }
  float lanes4[4];
  vst1q_f32(lanes4, out);
  std::memcpy(y + m0, lanes4, valid * sizeof(float));
}

/// The largest codebook level the one-lookup coded kernel takes (larger levels are split).
inline constexpr unsigned dot_narrow_level = 32;
static_assert(8 * dot_narrow_level * 127 <= 32767, "narrow codebook levels: exact int16 sums");

/// The largest level of a coded weight view's codebook.
inline unsigned codebook_top(const lut_weight_view& w) noexcept {
  unsigned top = 0;
  for (std::size_t i = 0; i < 16; ++i) top = std::max<unsigned>(top, w.codebook[i]);
  return top;
}

/// The levels (one per byte, below 16 or a codebook's) of field e of the packed bytes v.
template <simd::packed_layout L>
inline __attribute__((always_inline)) int8x16_t field_levels(uint8x16_t v, unsigned e,
                                                             uint8x16_t book) {
  constexpr unsigned parts = dot_shape<L>::parts;
  constexpr unsigned field = dot_shape<L>::field;
  if constexpr (L == simd::packed_layout::coded_nibbles) {
    const uint8x16_t code = e == 0 ? vandq_u8(v, vdupq_n_u8(0x0F)) : vshrq_n_u8(v, 4);
    return vreinterpretq_s8_u8(vqtbl1q_u8(book, code));
  } else {
    (void)book;
    // A right shift by field * e (a register shift: e is no constant expression).
    const uint8x16_t shifted =
        e == 0 ? v : vshlq_u8(v, vdupq_n_s8(static_cast<std::int8_t>(-int(field * e))));
    return vreinterpretq_s8_u8(
        e + 1 == parts
            ? shifted
            : vandq_u8(shifted, vdupq_n_u8(static_cast<std::uint8_t>((1u << field) - 1u))));
  }
}

/// The int32 row sums (rows 4 i .. 4 i + 3) of the int16 products of rows 4 i, 4 i + 1 (lo)
/// and 4 i + 2, 4 i + 3 (hi), plus 16 times those of lo2, hi2 for level_lookup::split.
template <level_lookup Lookup>
inline __attribute__((always_inline)) int32x4_t widen_quarter(int16x8_t lo, int16x8_t hi,
                                                              int16x8_t lo2, int16x8_t hi2) {
  const int32x4_t sum = vpaddlq_s16(vpaddq_s16(lo, hi));
  if constexpr (Lookup == level_lookup::single) return sum;
  return vaddq_s32(sum, vshlq_n_s32(vpaddlq_s16(vpaddq_s16(lo2, hi2)), 4));
}

/// R tiles from tile t for one activation row with the int8 dot-product kernel: y[m] for
/// their rows (none past M). level_lookup::split: coded levels above dot_narrow_level, looked up as
/// 16 hi + lo through two codebooks. group_cover::halves: groups of 16 columns, the low and high
/// halves of each chunk summed apart (groups 2 c and 2 c + 1).
template <simd::packed_layout L, level_lookup Lookup, group_cover Cover, std::size_t R>
__attribute__((noinline)) void dot_tiles(const lut_weight_view& w, const lut_row_view& x,
                                         std::size_t t, float* y) {
  using shape = dot_shape<L>;                            // (asserts a dot layout)
  constexpr bool Split = Lookup == level_lookup::split;  // two lookups per code
  constexpr bool Half = Cover == group_cover::halves;    // groups of 16 columns
  constexpr bool coded = shape::coded;
  static_assert(coded || !Split, "only codebook levels are split");
  constexpr unsigned parts = shape::parts;
  constexpr std::size_t vectors = shape::vectors;
  constexpr std::size_t sets = Half ? 2 : 1;       // Half: the column halves one after the other
  constexpr std::size_t set_parts = parts / sets;  // fields per set
  constexpr unsigned top = coded && !Split ? dot_narrow_level : 15;
  // Vectors whose products share int16 lanes before they are widened: after the pairwise add
  // a lane holds 2 * widen_every * set_parts products of at most top * 127.
  constexpr std::size_t widen_every =
      2 * vectors * set_parts * top * 127 <= 32767 ? vectors : vectors / 2;
  static_assert(2 * widen_every * set_parts * top * 127 <= 32767, "the int16 sums are exact");
  static_assert(vectors % widen_every == 0, "every chunk ends widened");
  uint8x16_t book = vdupq_n_u8(0), book_hi = book;
  if constexpr (coded) {
    book = vld1q_u8(w.codebook);
    if constexpr (Split) {
      book_hi = vshrq_n_u8(book, 4);
      book = vandq_u8(book, vdupq_n_u8(0x0F));
    }
  }
  const std::size_t tile_bytes = w.chunks * vectors * lut_unit_bytes;
  const std::uint8_t* planes = w.planes + t * tile_bytes;
  float32x4_t facc[R][4];
#pragma GCC unroll 4
  for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (std::size_t i = 0; i < 4; ++i) facc[r][i] = vdupq_n_f32(0.0f);
  // A flush unit: one scale group, or with groups of 16 columns one chunk (two groups).
  const std::size_t units = Half ? w.chunks : w.groups;
  for (std::size_t g = 0; g < units; ++g) {
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
      // Set s: fields s * set_parts .. (all fields, or with Half the column half s: columns
      // 32 c + 16 s .. + 15); field e of vector u covers columns 32 / parts * e + 4 u + q.
#pragma GCC unroll 2
      for (std::size_t s = 0; s < sets; ++s) {
        // Products of rows 4 i, 4 i + 1 (lo) and 4 i + 2, 4 i + 3 (hi), one per int16 lane;
        // Split: those of the hi codebook in lo2, hi2.
        int16x8_t lo[R][4], hi[R][4], lo2[R][4], hi2[R][4];
#pragma GCC unroll 4
        for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
          for (std::size_t i = 0; i < 4; ++i)
            lo[r][i] = hi[r][i] = lo2[r][i] = hi2[r][i] = vdupq_n_s16(0);
#pragma GCC unroll 4
        for (std::size_t u = 0; u < vectors; ++u) {
          int8x16_t xb[set_parts];
#pragma GCC unroll 4
          for (unsigned j = 0; j < set_parts; ++j) {
            std::int32_t four;
            std::memcpy(&four, xc + lut_chunk_cols / parts * (set_parts * s + j) + 4 * u, 4);
            xb[j] = vreinterpretq_s8_s32(vdupq_n_s32(four));
          }
#pragma GCC unroll 4
          for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
            for (std::size_t i = 0; i < 4; ++i) {
              const uint8x16_t v = vld1q_u8(pc + r * tile_bytes + u * lut_unit_bytes + 16 * i);
#pragma GCC unroll 4
              for (unsigned j = 0; j < set_parts; ++j) {
                const unsigned e = static_cast<unsigned>(set_parts * s + j);
                const int8x16_t level = field_levels<L>(v, e, book);
                lo[r][i] = vmlal_s8(lo[r][i], vget_low_s8(level), vget_low_s8(xb[j]));
                hi[r][i] = vmlal_high_s8(hi[r][i], level, xb[j]);
                if constexpr (Split) {
                  const int8x16_t level_hi = field_levels<L>(v, e, book_hi);
                  lo2[r][i] = vmlal_s8(lo2[r][i], vget_low_s8(level_hi), vget_low_s8(xb[j]));
                  hi2[r][i] = vmlal_high_s8(hi2[r][i], level_hi, xb[j]);
                }
              }
              if (Half || (u + 1) % widen_every != 0) continue;
              if constexpr (Split)
                iacc[r][i] = vaddq_s32(
                    iacc[r][i], widen_quarter<Lookup>(lo[r][i], hi[r][i], lo2[r][i], hi2[r][i]));
              else
                iacc[r][i] = vpadalq_s16(iacc[r][i], vpaddq_s16(lo[r][i], hi[r][i]));
              lo[r][i] = hi[r][i] = lo2[r][i] = hi2[r][i] = vdupq_n_s16(0);
            }
        }
        if constexpr (Half) {
          if (2 * c + s < w.groups) {  // column half s is group 2 c + s
#pragma GCC unroll 4
            for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
              for (std::size_t i = 0; i < 4; ++i)
                facc[r][i] = gemm_end_group(
                    w, x, t + r, i, 2 * c + s,
                    widen_quarter<Lookup>(lo[r][i], hi[r][i], lo2[r][i], hi2[r][i]), facc[r][i]);
          }
        }
      }
    }
    if (!Half) {
#pragma GCC unroll 4
      for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
        for (std::size_t i = 0; i < 4; ++i)
          facc[r][i] = gemm_end_group(w, x, t + r, i, g, iacc[r][i], facc[r][i]);
    }
  }
#pragma GCC unroll 4
  for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (std::size_t i = 0; i < 4; ++i) gemm_store_quarter(w, x, t + r, i, facc[r][i], y);
}

/// Outputs of tiles [t0, t1) for one activation row with the int8 dot-product kernel.
template <simd::packed_layout L, level_lookup Lookup, group_cover Cover>
void dot_gemv(const lut_weight_view& w, const lut_row_view& x, std::size_t t0, std::size_t t1,
              float* y) {
  // One tile per call: two would spill accumulators out of the 32 registers.
  for (std::size_t t = t0; t < t1; ++t) dot_tiles<L, Lookup, Cover, 1>(w, x, t, y);
}

/// dot_gemv for `count` activation rows (y[n * ldy + m]).
template <simd::packed_layout L, level_lookup Lookup, group_cover Cover>
void dot_rows(const lut_weight_view& w, const lut_row_view* x, std::size_t count, std::size_t t0,
              std::size_t t1, float* y, std::size_t ldy) {
  for (std::size_t n = 0; n < count; ++n) dot_gemv<L, Lookup, Cover>(w, x[n], t0, t1, y + n * ldy);
}

/// Outputs of tiles [t0, t1) for `count` activation rows (y[n * ldy + m]), dot products.
template <simd::packed_layout L>
void dot_gemm(const lut_weight_view& w, const lut_row_view* x, std::size_t count, std::size_t t0,
              std::size_t t1, float* y, std::size_t ldy) {
  if constexpr (L == simd::packed_layout::coded_nibbles) {
    if (codebook_top(w) > dot_narrow_level) {
      if (w.half_groups)
        return dot_rows<L, level_lookup::split, group_cover::halves>(w, x, count, t0, t1, y, ldy);
      return dot_rows<L, level_lookup::split, group_cover::chunks>(w, x, count, t0, t1, y, ldy);
    }
  }
  if (w.half_groups)
    return dot_rows<L, level_lookup::single, group_cover::halves>(w, x, count, t0, t1, y, ldy);
  dot_rows<L, level_lookup::single, group_cover::chunks>(w, x, count, t0, t1, y, ldy);
}

/// The zero points of group g for R tiles from tile t, as floats (rows 4 i .. 4 i + 3).
template <std::size_t R>
inline __attribute__((always_inline)) void f32_load_zeros(const lut_weight_view& w, std::size_t t,
                                                          std::size_t g,
                                                          float32x4_t (&zero)[R][4]) {
#pragma GCC unroll 4
  for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (std::size_t i = 0; i < 4; ++i)
      zero[r][i] =
          vcvtq_f32_s32(vld1q_s32(w.zeros + ((t + r) * w.groups + g) * lut_tile_rows + 4 * i));
}

/// Float32 contract step 2 for group g of R tiles from tile t and BN rows:
/// acc = fma(S, scale, acc), then S = +0.
template <std::size_t R, std::size_t BN>
inline __attribute__((always_inline)) void f32_flush(const lut_weight_view& w, std::size_t t,
                                                     std::size_t g, float32x4_t (&sum)[BN][R][4],
                                                     float32x4_t (&acc)[BN][R][4]) {
#pragma GCC unroll 4
  for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (std::size_t i = 0; i < 4; ++i) {
      const float32x4_t scale =
          vld1q_f32(w.scales + ((t + r) * w.groups + g) * lut_tile_rows + 4 * i);
#pragma GCC unroll 4
      for (std::size_t n = 0; n < BN; ++n) {
        acc[n][r][i] = vfmaq_f32(acc[n][r][i], sum[n][r][i], scale);
        sum[n][r][i] = vdupq_n_f32(0.0f);
      }
    }
}

/// R tiles from tile t for BN float32 activation rows by the float32 contract (y[n * ldy + m],
/// none past M): per group S = fma(x[k], level - zero, S) over its columns in ascending order,
/// then acc = fma(S, scale, acc).
template <simd::packed_layout L, std::size_t R, std::size_t BN>
__attribute__((noinline)) void f32_tiles(const lut_weight_view& w, const lut_row_view* x,
                                         std::size_t t, float* y, std::size_t ldy) {
  using shape = dot_shape<L>;  // (asserts a dot layout)
  constexpr bool coded = shape::coded;
  constexpr unsigned parts = shape::parts;
  constexpr std::size_t vectors = shape::vectors;
  constexpr std::size_t part_cols = shape::part_cols;
  const std::size_t cols = x[0].cols;
  const std::size_t tile_bytes = w.chunks * vectors * lut_unit_bytes;
  const std::uint8_t* planes = w.planes + t * tile_bytes;
  const uint8x16_t book = coded ? vld1q_u8(w.codebook) : vdupq_n_u8(0);
  // tbl indices: byte q of every 32-bit lane (row) to its low byte, the others cleared.
  const std::uint32_t first[4] = {0xFFFFFF00u, 0xFFFFFF04u, 0xFFFFFF08u, 0xFFFFFF0Cu};
  uint8x16_t pick[4];
  pick[0] = vreinterpretq_u8_u32(vld1q_u32(first));
#pragma GCC unroll 4
  for (unsigned q = 1; q < 4; ++q)
    pick[q] = vreinterpretq_u8_u32(vaddq_u32(vreinterpretq_u32_u8(pick[q - 1]), vdupq_n_u32(1)));
  float32x4_t acc[BN][R][4];
#pragma GCC unroll 4
  for (std::size_t n = 0; n < BN; ++n)
#pragma GCC unroll 4
    for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
      for (std::size_t i = 0; i < 4; ++i) acc[n][r][i] = vdupq_n_f32(0.0f);
  const std::size_t units = w.half_groups ? w.chunks : w.groups;
  for (std::size_t g = 0; g < units; ++g) {
    const std::size_t c0 = g * w.chunks_per_group;
    const std::size_t c1 = std::min(w.chunks, c0 + w.chunks_per_group);
    std::size_t group = w.half_groups ? 2 * g : g;
    float32x4_t zero[R][4], sum[BN][R][4];
    f32_load_zeros<R>(w, t, group, zero);
#pragma GCC unroll 4
    for (std::size_t n = 0; n < BN; ++n)
#pragma GCC unroll 4
      for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
        for (std::size_t i = 0; i < 4; ++i) sum[n][r][i] = vdupq_n_f32(0.0f);
    for (std::size_t c = c0; c < c1; ++c) {
      const std::uint8_t* pc = planes + c * vectors * lut_unit_bytes;
      for (unsigned e = 0; e < parts; ++e) {
        if (w.half_groups && e == parts / 2) {  // the chunk's high half: the next group
          f32_flush<R, BN>(w, t, group, sum, acc);
          if (++group >= w.groups) break;  // its columns are past K
          f32_load_zeros<R>(w, t, group, zero);
        }
        for (std::size_t u = 0; u < vectors; ++u) {
          const std::size_t k0 = c * lut_chunk_cols + part_cols * e + 4 * u;
          if (k0 >= cols) break;
          uint8x16_t levels[R][4];  // one level per byte: 4 rows x 4 columns
#pragma GCC unroll 4
          for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
            for (std::size_t i = 0; i < 4; ++i)
              levels[r][i] = vreinterpretq_u8_s8(field_levels<L>(
                  vld1q_u8(pc + r * tile_bytes + u * lut_unit_bytes + 16 * i), e, book));
#pragma GCC unroll 4
          for (unsigned q = 0; q < 4; ++q) {
            if (k0 + q >= cols) break;
#pragma GCC unroll 4
            for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
              for (std::size_t i = 0; i < 4; ++i) {
                // Exact: integers below 256.
                const float32x4_t weight = vsubq_f32(
                    vcvtq_f32_u32(vreinterpretq_u32_u8(vqtbl1q_u8(levels[r][i], pick[q]))),
                    zero[r][i]);
#pragma GCC unroll 4
                for (std::size_t n = 0; n < BN; ++n)
                  sum[n][r][i] = vfmaq_f32(sum[n][r][i], vdupq_n_f32(x[n].floats[k0 + q]), weight);
              }
          }
        }
      }
    }
    if (group < w.groups) f32_flush<R, BN>(w, t, group, sum, acc);
  }
  const float32x4_t nan = vreinterpretq_f32_u32(vdupq_n_u32(gemm_nan_bits));
#pragma GCC unroll 4
  for (std::size_t n = 0; n < BN; ++n)
#pragma GCC unroll 4
    for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
      for (std::size_t i = 0; i < 4; ++i) {
        const std::size_t m0 = (t + r) * lut_tile_rows + 4 * i;
        if (m0 >= w.rows) continue;
        const float32x4_t out = vbslq_f32(vceqq_f32(acc[n][r][i], acc[n][r][i]), acc[n][r][i], nan);
        float* yn = y + n * ldy;
        if (w.rows - m0 >= 4) {
          vst1q_f32(yn + m0, out);
          continue;
        }
        float lanes4[4];
        vst1q_f32(lanes4, out);
        std::memcpy(yn + m0, lanes4, (w.rows - m0) * sizeof(float));
      }
}

/// Outputs of tiles [t0, t1) for `count` float32 activation rows (y[n * ldy + m]).
template <simd::packed_layout L>
void f32_gemm(const lut_weight_view& w, const lut_row_view* x, std::size_t count, std::size_t t0,
              std::size_t t1, float* y, std::size_t ldy) {
  // GEMM: four rows share each column's levels; GEMV: two tiles give eight fma chains.
  constexpr std::size_t BN = 4, R = 2;
  std::size_t n = 0;
  for (; n + BN <= count; n += BN)
    for (std::size_t t = t0; t < t1; ++t) f32_tiles<L, 1, BN>(w, x + n, t, y + n * ldy, ldy);
  for (; n < count; ++n) {
    std::size_t t = t0;
    for (; t + R <= t1; t += R) f32_tiles<L, R, 1>(w, x + n, t, y + n * ldy, ldy);
    for (; t < t1; ++t) f32_tiles<L, 1, 1>(w, x + n, t, y + n * ldy, ldy);
  }
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
