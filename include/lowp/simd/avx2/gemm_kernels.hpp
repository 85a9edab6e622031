/// \file avx2/gemm_kernels.hpp
/// The mpGEMM kernels for AVX2 on the dot layouts (crumbs, nibbles and coded nibbles,
/// gemm_args.hpp): the int8 dot-product kernel, exact in int32 per scale group, then the int8
/// contract's float steps, and the float32 contract's kernel (gemm/reference.hpp), both with
/// explicit fused multiply-adds only.
///
/// Int8 dot products. AVX2 has no `vpdpbusd`. A 64-byte weight vector (16 rows x 4 columns,
/// byte 4 r + q) is taken as two 32-byte halves, rows 0-7 and rows 8-15. Each level is first
/// brought down to its value: a crumb or nibble field is shifted and masked, a code goes
/// through the codebook by `vpshufb` (the 16 levels in both 128-bit lanes). `vpmaddubsw` then
/// multiplies the levels (unsigned) by the four int8 activations of their columns (broadcast
/// as one 32-bit value, |a| <= 127) and adds pairs into int16, and `vpmaddwd` widens the sums
/// into an int32 lane per row. `vpmaddubsw` saturates, so every int16 sum must stay exact:
/// 4 of its pairs are added per lane before widening (one crumb vector, two nibble vectors, or
/// with groups of 16 columns one half chunk), at most 4 * 2 * top * 127 for levels up to top.
/// That holds for top = 15 (15240) and for codebooks whose levels are at most 32 (32512; FP4
/// needs 24). Larger codebook levels (up to 255) are split exactly as 16 hi + lo through two
/// 16-entry codebooks (hi and lo both <= 15); the hi sums are widened by `vpmaddwd` with 16s.
/// (Masking the fields in place, as the AVX-512 kernel does, would hand `vpmaddubsw` up to 16
/// or 64 times the level and saturate.)
///
/// Float32 activations. Each column's 8 levels of a row half go to int32 lanes (one byte of
/// every 32-bit lane: mask, shift or `vpshufb`), are ORed into the bits of 2^23 (the float
/// 2^23 + level) and 2^23 + zero is subtracted: level - zero exactly, no conversion. One
/// `vfmadd231ps` per activation row adds x[k] times them, in ascending column order; columns
/// past K are skipped.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "lowp/simd/avx2/vec.hpp"  // <immintrin.h> without GCC 12's false warnings
#include "lowp/simd/gemm_args.hpp"
#include "lowp/simd/isa.hpp"

#if LOWP_HAVE_AVX2

namespace lowp {
namespace simd {
namespace avx2 {

/// The largest codebook level the one-lookup coded kernel takes: 4 `vpmaddubsw` pairs per
/// int16 lane and half chunk stay exact (larger levels take the split codebook).
inline constexpr unsigned dot_narrow_level = 32;
static_assert(4 * 2 * dot_narrow_level * 127 <= 32767, "narrow codebook levels: exact int16 sums");

/// The largest level of a coded weight view's codebook.
inline unsigned codebook_top(const lut_weight_view& w) noexcept {
  unsigned top = 0;
  for (std::size_t i = 0; i < 16; ++i) top = std::max<unsigned>(top, w.codebook[i]);
  return top;
}

/// The 16 codebook levels in both 128-bit lanes (for `vpshufb`).
LOWP_TARGET_AVX2 inline __attribute__((always_inline)) __m256i codebook_lanes(
    const lut_weight_view& w) {
  return _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w.codebook)));
}

/// Contract steps 1-2 for the 8 rows of half h of tile t and group g: I_g = dot - zero * sum a,
/// then acc = fma(float(I_g), scale, acc).
LOWP_TARGET_AVX2 inline __attribute__((always_inline)) __m256 dot_end_group(
    const lut_weight_view& w, const lut_row_view& x, std::size_t t, std::size_t h, std::size_t g,
    __m256i dot, __m256 acc) {
  const std::size_t at = (t * w.groups + g) * lut_tile_rows + 8 * h;
  const __m256 scale = _mm256_loadu_ps(w.scales + at);
  // zero * sum(a) modulo 2^32, like vpmulld: the difference is exact (the contract's bound).
  const __m256i offset =
      w.uniform_zero
          ? _mm256_set1_epi32(static_cast<std::int32_t>(static_cast<std::uint32_t>(w.zero) *
                                                        static_cast<std::uint32_t>(x.sums[g])))
          : _mm256_mullo_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(w.zeros + at)),
                               _mm256_set1_epi32(x.sums[g]));
  const __m256i sum = _mm256_sub_epi32(dot, offset);
  return _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum), scale, acc);
}

/// Stores out for the 8 rows of half h of tile t, a NaN as 0x7FC00000, rows past M left alone.
LOWP_TARGET_AVX2 inline __attribute__((always_inline)) void store_half(const lut_weight_view& w,
                                                                       std::size_t t, std::size_t h,
                                                                       __m256 out, float* y) {
  const std::size_t m0 = t * lut_tile_rows + 8 * h;
  if (m0 >= w.rows) return;
  out =
      _mm256_blendv_ps(out, _mm256_castsi256_ps(_mm256_set1_epi32(static_cast<int>(gemm_nan_bits))),
                       _mm256_cmp_ps(out, out, _CMP_UNORD_Q));
  const std::size_t valid = std::min<std::size_t>(8, w.rows - m0);
  if (valid == 8) {
    _mm256_storeu_ps(y + m0, out);
    return;
  }
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i keep = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(valid)), lane);
  _mm256_maskstore_ps(y + m0, keep, out);
}

/// Contract step 3 for the 8 rows of half h of tile t: y = acc * d, stored by store_half.
LOWP_TARGET_AVX2 inline __attribute__((always_inline)) void dot_store_half(const lut_weight_view& w,
                                                                           const lut_row_view& x,
                                                                           std::size_t t,
                                                                           std::size_t h,
                                                                           __m256 acc, float* y) {
  store_half(w, t, h, _mm256_mul_ps(acc, _mm256_set1_ps(x.scale)), y);
}

/// The levels (one per byte, below 16 or a codebook's) of field e of the packed bytes v.
template <simd::packed_layout L>
LOWP_TARGET_AVX2 inline __attribute__((always_inline)) __m256i field_levels(__m256i v, unsigned e,
                                                                            __m256i book) {
  constexpr unsigned field = dot_shape<L>::field;
  const __m256i mask = _mm256_set1_epi8(static_cast<char>((1u << field) - 1u));
  // The 16-bit shift carries bits of the next byte in: the mask drops them.
  const __m256i f =
      _mm256_and_si256(e == 0 ? v : _mm256_srli_epi16(v, static_cast<int>(field * e)), mask);
  if constexpr (L == simd::packed_layout::coded_nibbles) return _mm256_shuffle_epi8(book, f);
  (void)book;
  return f;
}

/// The int32 row sums of int16 pair sums (`vpmaddwd`): part, plus 16 part_hi for
/// level_lookup::split.
template <level_lookup Lookup>
LOWP_TARGET_AVX2 inline __attribute__((always_inline)) __m256i widen(__m256i part,
                                                                     __m256i part_hi) {
  const __m256i sum = _mm256_madd_epi16(part, _mm256_set1_epi16(1));
  if constexpr (Lookup == level_lookup::single) return sum;
  return _mm256_add_epi32(sum, _mm256_madd_epi16(part_hi, _mm256_set1_epi16(16)));
}

/// R tiles from tile t for one activation row with the int8 dot-product kernel: y[m] for
/// their rows (none past M). level_lookup::split: coded levels above dot_narrow_level, looked up as
/// 16 hi + lo through two codebooks. group_cover::halves: groups of 16 columns, the low and high
/// halves of each chunk summed apart (groups 2 c and 2 c + 1).
template <simd::packed_layout L, level_lookup Lookup, group_cover Cover, std::size_t R>
LOWP_TARGET_AVX2 __attribute__((noinline)) void dot_tiles(const lut_weight_view& w,
                                                          const lut_row_view& x, std::size_t t,
                                                          float* y) {
  using shape = dot_shape<L>;                            // (asserts a dot layout)
  constexpr bool Split = Lookup == level_lookup::split;  // two lookups per code
  constexpr bool Half = Cover == group_cover::halves;    // groups of 16 columns
  constexpr bool coded = shape::coded;
  static_assert(coded || !Split, "only codebook levels are split");
  constexpr unsigned parts = shape::parts;
  constexpr std::size_t vectors = shape::vectors;
  constexpr std::size_t sets = Half ? 2 : 1;       // Half: the column halves one after the other
  constexpr std::size_t set_parts = parts / sets;  // fields per set
  // Vectors whose products share an int16 sum before it is widened: 4 vpmaddubsw pairs each.
  constexpr std::size_t widen_every = Half ? vectors : 4 / parts;
  constexpr unsigned top = coded && !Split ? dot_narrow_level : 15;
  static_assert(widen_every * set_parts * 2 * top * 127 <= 32767, "the int16 sums are exact");
  static_assert(vectors % widen_every == 0, "every chunk ends widened");
  __m256i book = _mm256_setzero_si256(), book_hi = book;
  if constexpr (coded) {
    book = codebook_lanes(w);
    if constexpr (Split) {
      const __m256i nibble = _mm256_set1_epi8(0x0F);
      book_hi = _mm256_and_si256(_mm256_srli_epi16(book, 4), nibble);
      book = _mm256_and_si256(book, nibble);
    }
  }
  const std::size_t tile_bytes = w.chunks * vectors * lut_unit_bytes;
  const std::uint8_t* planes = w.planes + t * tile_bytes;
  __m256 facc[R][2];
#pragma GCC unroll 4
  for (std::size_t r = 0; r < R; ++r) facc[r][0] = facc[r][1] = _mm256_setzero_ps();
  // A flush unit: one scale group, or with groups of 16 columns one chunk (two groups).
  const std::size_t units = Half ? w.chunks : w.groups;
  for (std::size_t g = 0; g < units; ++g) {
    const std::size_t c0 = g * w.chunks_per_group;
    const std::size_t c1 = std::min(w.chunks, c0 + w.chunks_per_group);
    __m256i iacc[R][2];
#pragma GCC unroll 4
    for (std::size_t r = 0; r < R; ++r) iacc[r][0] = iacc[r][1] = _mm256_setzero_si256();
    for (std::size_t c = c0; c < c1; ++c) {
      const std::int8_t* xc = x.values + c * lut_chunk_cols;
      const std::uint8_t* pc = planes + c * vectors * lut_unit_bytes;
      // Set s: fields s * set_parts .. (all fields, or with Half the column half s: columns
      // 32 c + 16 s .. + 15); field e of vector u covers columns 32 / parts * e + 4 u + q.
#pragma GCC unroll 2
      for (std::size_t s = 0; s < sets; ++s) {
        __m256i part[R][2], part_hi[R][2];  // int16 sums (part_hi: Split's hi codebook)
#pragma GCC unroll 4
        for (std::size_t r = 0; r < R; ++r)
          part[r][0] = part[r][1] = part_hi[r][0] = part_hi[r][1] = _mm256_setzero_si256();
#pragma GCC unroll 4
        for (std::size_t u = 0; u < vectors; ++u) {
          __m256i xb[set_parts];
#pragma GCC unroll 4
          for (unsigned j = 0; j < set_parts; ++j) {
            std::int32_t four;
            std::memcpy(&four, xc + lut_chunk_cols / parts * (set_parts * s + j) + 4 * u, 4);
            xb[j] = _mm256_set1_epi32(four);
          }
#pragma GCC unroll 4
          for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 2
            for (std::size_t h = 0; h < 2; ++h) {
              const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(
                  pc + r * tile_bytes + u * lut_unit_bytes + 32 * h));
#pragma GCC unroll 4
              for (unsigned j = 0; j < set_parts; ++j) {
                const unsigned e = static_cast<unsigned>(set_parts * s + j);
                part[r][h] = _mm256_add_epi16(
                    part[r][h], _mm256_maddubs_epi16(field_levels<L>(v, e, book), xb[j]));
                if constexpr (Split)
                  part_hi[r][h] = _mm256_add_epi16(
                      part_hi[r][h], _mm256_maddubs_epi16(field_levels<L>(v, e, book_hi), xb[j]));
              }
              if (Half || (u + 1) % widen_every != 0) continue;
              iacc[r][h] = _mm256_add_epi32(iacc[r][h], widen<Lookup>(part[r][h], part_hi[r][h]));
              part[r][h] = part_hi[r][h] = _mm256_setzero_si256();
            }
        }
        if constexpr (Half) {
          if (2 * c + s < w.groups) {  // column half s is group 2 c + s
#pragma GCC unroll 4
            for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 2
              for (std::size_t h = 0; h < 2; ++h)
                facc[r][h] = dot_end_group(w, x, t + r, h, 2 * c + s,
                                           widen<Lookup>(part[r][h], part_hi[r][h]), facc[r][h]);
          }
        }
      }
    }
    if (!Half) {
#pragma GCC unroll 4
      for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 2
        for (std::size_t h = 0; h < 2; ++h)
          facc[r][h] = dot_end_group(w, x, t + r, h, g, iacc[r][h], facc[r][h]);
    }
  }
#pragma GCC unroll 4
  for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 2
    for (std::size_t h = 0; h < 2; ++h) dot_store_half(w, x, t + r, h, facc[r][h], y);
}

/// Outputs of tiles [t0, t1) for one activation row with the int8 dot-product kernel.
template <simd::packed_layout L, level_lookup Lookup, group_cover Cover>
LOWP_TARGET_AVX2 void dot_gemv(const lut_weight_view& w, const lut_row_view& x, std::size_t t0,
                               std::size_t t1, float* y) {
  constexpr std::size_t R =
      Lookup == level_lookup::split ? 1 : 2;  // Split: twice the int16 sums, one tile
  std::size_t t = t0;
  for (; t + R <= t1; t += R) dot_tiles<L, Lookup, Cover, R>(w, x, t, y);
  for (; t < t1; ++t) dot_tiles<L, Lookup, Cover, 1>(w, x, t, y);
}

/// dot_gemv for `count` activation rows (y[n * ldy + m]).
template <simd::packed_layout L, level_lookup Lookup, group_cover Cover>
LOWP_TARGET_AVX2 void dot_rows(const lut_weight_view& w, const lut_row_view* x, std::size_t count,
                               std::size_t t0, std::size_t t1, float* y, std::size_t ldy) {
  for (std::size_t n = 0; n < count; ++n) dot_gemv<L, Lookup, Cover>(w, x[n], t0, t1, y + n * ldy);
}

/// Outputs of tiles [t0, t1) for `count` activation rows (y[n * ldy + m]), dot products.
template <simd::packed_layout L>
LOWP_TARGET_AVX2 void dot_gemm(const lut_weight_view& w, const lut_row_view* x, std::size_t count,
                               std::size_t t0, std::size_t t1, float* y, std::size_t ldy) {
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

/// The zero points of group g for R tiles from tile t as floats 2^23 + zero (rows 0-7, 8-15).
template <std::size_t R>
LOWP_TARGET_AVX2 inline __attribute__((always_inline)) void f32_load_zeros(const lut_weight_view& w,
                                                                           std::size_t t,
                                                                           std::size_t g,
                                                                           __m256 (&zero)[R][2]) {
#pragma GCC unroll 4
  for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 2
    for (std::size_t h = 0; h < 2; ++h)
      zero[r][h] = _mm256_castsi256_ps(
          _mm256_or_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(
                              w.zeros + ((t + r) * w.groups + g) * lut_tile_rows + 8 * h)),
                          _mm256_set1_epi32(0x4B000000)));
}

/// Float32 contract step 2 for group g of R tiles from tile t and BN rows:
/// acc = fma(S, scale, acc), then S = +0.
template <std::size_t R, std::size_t BN>
LOWP_TARGET_AVX2 inline __attribute__((always_inline)) void f32_flush(const lut_weight_view& w,
                                                                      std::size_t t, std::size_t g,
                                                                      __m256 (&sum)[BN][R][2],
                                                                      __m256 (&acc)[BN][R][2]) {
#pragma GCC unroll 4
  for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 2
    for (std::size_t h = 0; h < 2; ++h) {
      const __m256 scale =
          _mm256_loadu_ps(w.scales + ((t + r) * w.groups + g) * lut_tile_rows + 8 * h);
#pragma GCC unroll 4
      for (std::size_t n = 0; n < BN; ++n) {
        acc[n][r][h] = _mm256_fmadd_ps(sum[n][r][h], scale, acc[n][r][h]);
        sum[n][r][h] = _mm256_setzero_ps();
      }
    }
}

/// R tiles from tile t for BN float32 activation rows by the float32 contract (y[n * ldy + m],
/// none past M): per group S = fma(x[k], level - zero, S) over its columns in ascending order,
/// then acc = fma(S, scale, acc).
template <simd::packed_layout L, std::size_t R, std::size_t BN>
LOWP_TARGET_AVX2 __attribute__((noinline)) void f32_tiles(const lut_weight_view& w,
                                                          const lut_row_view* x, std::size_t t,
                                                          float* y, std::size_t ldy) {
  using shape = dot_shape<L>;  // (asserts a dot layout)
  constexpr bool coded = shape::coded;
  constexpr unsigned parts = shape::parts;
  constexpr std::size_t vectors = shape::vectors;
  constexpr std::size_t part_cols = shape::part_cols;
  const std::size_t cols = x[0].cols;
  const std::size_t tile_bytes = w.chunks * vectors * lut_unit_bytes;
  const std::uint8_t* planes = w.planes + t * tile_bytes;
  const __m256i book = coded ? codebook_lanes(w) : _mm256_setzero_si256();
  const __m256i low_byte = _mm256_set1_epi32(0xFF);
  // vpshufb indices: byte q of every 32-bit lane to its low byte, the others cleared (q = 1, 2;
  // the indices count within 128-bit lanes).
  const __m256i pick1 = _mm256_set_epi32(
      static_cast<int>(0x8080800Du), static_cast<int>(0x80808009u), static_cast<int>(0x80808005u),
      static_cast<int>(0x80808001u), static_cast<int>(0x8080800Du), static_cast<int>(0x80808009u),
      static_cast<int>(0x80808005u), static_cast<int>(0x80808001u));
  const __m256i pick2 = _mm256_add_epi32(pick1, _mm256_set1_epi32(1));
  __m256 acc[BN][R][2];
#pragma GCC unroll 4
  for (std::size_t n = 0; n < BN; ++n)
#pragma GCC unroll 4
    for (std::size_t r = 0; r < R; ++r) acc[n][r][0] = acc[n][r][1] = _mm256_setzero_ps();
  const std::size_t units = w.half_groups ? w.chunks : w.groups;
  for (std::size_t g = 0; g < units; ++g) {
    const std::size_t c0 = g * w.chunks_per_group;
    const std::size_t c1 = std::min(w.chunks, c0 + w.chunks_per_group);
    std::size_t group = w.half_groups ? 2 * g : g;
    __m256 zero[R][2], sum[BN][R][2];
    f32_load_zeros<R>(w, t, group, zero);
#pragma GCC unroll 4
    for (std::size_t n = 0; n < BN; ++n)
#pragma GCC unroll 4
      for (std::size_t r = 0; r < R; ++r) sum[n][r][0] = sum[n][r][1] = _mm256_setzero_ps();
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
          __m256i levels[R][2];  // one level per byte: 8 rows x 4 columns
#pragma GCC unroll 4
          for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 2
            for (std::size_t h = 0; h < 2; ++h)
              levels[r][h] =
                  field_levels<L>(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(
                                      pc + r * tile_bytes + u * lut_unit_bytes + 32 * h)),
                                  e, book);
#pragma GCC unroll 4
          for (unsigned q = 0; q < 4; ++q) {
            if (k0 + q >= cols) break;
            __m256 weight[R][2];
#pragma GCC unroll 4
            for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 2
              for (std::size_t h = 0; h < 2; ++h) {
                const __m256i lv = levels[r][h];
                const __m256i level = q == 0   ? _mm256_and_si256(lv, low_byte)
                                      : q == 3 ? _mm256_srli_epi32(lv, 24)
                                               : _mm256_shuffle_epi8(lv, q == 1 ? pick1 : pick2);
                // (2^23 + level) - (2^23 + zero): exact, both below 2^24.
                weight[r][h] = _mm256_sub_ps(
                    _mm256_castsi256_ps(_mm256_or_si256(level, _mm256_set1_epi32(0x4B000000))),
                    zero[r][h]);
              }
#pragma GCC unroll 4
            for (std::size_t n = 0; n < BN; ++n) {
              const __m256 xk = _mm256_broadcast_ss(x[n].floats + k0 + q);
#pragma GCC unroll 4
              for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 2
                for (std::size_t h = 0; h < 2; ++h)
                  sum[n][r][h] = _mm256_fmadd_ps(xk, weight[r][h], sum[n][r][h]);
            }
          }
        }
      }
    }
    if (group < w.groups) f32_flush<R, BN>(w, t, group, sum, acc);
  }
#pragma GCC unroll 4
  for (std::size_t n = 0; n < BN; ++n)
#pragma GCC unroll 4
    for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 2
      for (std::size_t h = 0; h < 2; ++h) store_half(w, t + r, h, acc[n][r][h], y + n * ldy);
}

/// Outputs of tiles [t0, t1) for `count` float32 activation rows (y[n * ldy + m]).
template <simd::packed_layout L>
LOWP_TARGET_AVX2 void f32_gemm(const lut_weight_view& w, const lut_row_view* x, std::size_t count,
                               std::size_t t0, std::size_t t1, float* y, std::size_t ldy) {
  // GEMM: four rows share each column's levels; GEMV: two tiles give four fma chains.
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

}  // namespace avx2
}  // namespace simd
}  // namespace lowp
#endif
