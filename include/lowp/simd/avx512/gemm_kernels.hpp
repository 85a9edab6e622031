/// \file avx512/gemm_kernels.hpp
/// The LUT mpGEMM kernel for AVX-512 VBMI + VNNI: 64-entry `vpermb` lookups of the activation
/// tables by packed weight nibbles, exact `vpdpbusd` accumulation in int32 per scale group,
/// then the contract's float steps (gemm/reference.hpp) with explicit fused multiply-adds.
///
/// Per tile (16 rows), chunk (32 columns) and plane: one 64-byte load, three index
/// operations, four lookups, two byte adds and two `vpdpbusd`. The low tables' sums (two
/// lookups, at most 120) are unsigned bytes multiplied by the plane weight 2^i; the high
/// tables' sums (-64..56) are signed bytes multiplied by 16 * 2^i (gemm_args.hpp).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

#include "lowp/simd/avx512/vec.hpp"  // <immintrin.h> without GCC 12's false warnings
#include "lowp/simd/gemm_args.hpp"
#include "lowp/simd/isa.hpp"

#if LOWP_HAVE_AVX512

namespace lowp {
namespace simd {
namespace avx512 {

/// The tables of `chunks` whole chunks of int8 activations (gemm_args.hpp layout): entry
/// 16 j + e of a table is the sum over the bits q of e of column 4 j + q (+16 for the B
/// tables), four zero-masked `vpermb` gathers and three adds per table.
LOWP_TARGET_AVX512_VNNI __attribute__((noinline)) inline void lut_tables(const std::int8_t* x,
                                                                         std::size_t chunks,
                                                                         std::uint8_t* tables) {
  // Byte p of column_of: 4 * (p / 16), the first column of table group p / 16.
  const __m512i column_of = _mm512_set_epi32(
      0x0C0C0C0C, 0x0C0C0C0C, 0x0C0C0C0C, 0x0C0C0C0C, 0x08080808, 0x08080808, 0x08080808,
      0x08080808, 0x04040404, 0x04040404, 0x04040404, 0x04040404, 0, 0, 0, 0);
  const __m512i one = _mm512_set1_epi8(1), b_half = _mm512_set1_epi8(16);
  const __m512i low_nibble = _mm512_set1_epi8(0x0F), eight = _mm512_set1_epi8(8);
  // Bit p of bit_set[q]: bit q of e = p % 16.
  const __mmask64 bit_set[4] = {0xAAAAAAAAAAAAAAAAull, 0xCCCCCCCCCCCCCCCCull, 0xF0F0F0F0F0F0F0F0ull,
                                0xFF00FF00FF00FF00ull};
  for (std::size_t c = 0; c < chunks; ++c) {
    const __m512i v = _mm512_castsi256_si512(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + c * lut_chunk_cols)));
    const __m512i low = _mm512_and_si512(v, low_nibble);  // v = 16 h + low
    // h = ((v >> 4) & 15) ^ 8) - 8 bytewise; 0x6A: (a & b) ^ c.
    const __m512i high = _mm512_sub_epi8(
        _mm512_ternarylogic_epi32(_mm512_srli_epi16(v, 4), low_nibble, eight, 0x6A), eight);
    __m512i idx = column_of;
    __m512i low_a = _mm512_setzero_si512(), low_b = low_a, high_a = low_a, high_b = low_a;
    for (int q = 0; q < 4; ++q) {
      const __m512i idx_b = _mm512_add_epi8(idx, b_half);
      low_a = _mm512_add_epi8(low_a, _mm512_maskz_permutexvar_epi8(bit_set[q], idx, low));
      low_b = _mm512_add_epi8(low_b, _mm512_maskz_permutexvar_epi8(bit_set[q], idx_b, low));
      high_a = _mm512_add_epi8(high_a, _mm512_maskz_permutexvar_epi8(bit_set[q], idx, high));
      high_b = _mm512_add_epi8(high_b, _mm512_maskz_permutexvar_epi8(bit_set[q], idx_b, high));
      idx = _mm512_add_epi8(idx, one);
    }
    std::uint8_t* tb = tables + c * lut_table_bytes;
    _mm512_storeu_si512(tb, low_a);
    _mm512_storeu_si512(tb + 64, low_b);
    _mm512_storeu_si512(tb + 128, high_a);
    _mm512_storeu_si512(tb + 192, high_b);
  }
}

/// The sum of n int8 values, n a multiple of 64 (vpdpbusd with unsigned ones).
LOWP_TARGET_AVX512_VNNI inline std::int32_t sum_int8(const std::int8_t* x, std::size_t n) {
  __m512i acc = _mm512_setzero_si512();
  for (std::size_t k = 0; k < n; k += 64)
    acc = _mm512_dpbusd_epi32(acc, _mm512_set1_epi8(1), _mm512_loadu_si512(x + k));
  alignas(64) std::int32_t part[16];  // (GCC 12 warns inside _mm512_reduce_add_epi32)
  _mm512_store_si512(part, acc);
  std::int32_t sum = 0;
  for (std::int32_t v : part) sum += v;
  return sum;
}

/// max |x[k]| over a row of activations, NaN when the row holds NaN or ±inf (the dynamic int8
/// rule's step 1, gemm/activations.hpp).
LOWP_TARGET_AVX512 inline float row_amax(const float* x, std::size_t cols) {
  const __m512 inf = _mm512_set1_ps(std::numeric_limits<float>::infinity());
  __m512 amax = _mm512_setzero_ps();
  __mmask16 odd = 0;
  for (std::size_t k = 0; k < cols; k += 16) {
    const __mmask16 live =
        cols - k >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << (cols - k)) - 1u);
    const __m512 a = _mm512_abs_ps(_mm512_maskz_loadu_ps(live, x + k));
    odd = static_cast<__mmask16>(odd | _mm512_mask_cmp_ps_mask(live, a, inf, _CMP_NLT_UQ));
    amax = _mm512_max_ps(amax, a);
  }
  if (odd != 0) return std::numeric_limits<float>::quiet_NaN();
  alignas(64) float part[16];  // (GCC 12 warns inside _mm512_reduce_max_ps)
  _mm512_store_ps(part, amax);
  float m = 0.0f;
  for (float v : part) m = v > m ? v : m;  // finite, non-negative lanes
  return m;
}

/// values[k] = clamp(round_half_even(x[k] / d), -127, 127) for a row (rule step 4).
LOWP_TARGET_AVX512 inline void quantize_row_int8(const float* x, std::size_t cols, float d,
                                                 std::int8_t* out) {
  const __m512 dv = _mm512_set1_ps(d), top = _mm512_set1_ps(127.0f);
  const __m512 bottom = _mm512_set1_ps(-127.0f);
  for (std::size_t k = 0; k < cols; k += 16) {
    const __mmask16 live =
        cols - k >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << (cols - k)) - 1u);
    const __m512 r = _mm512_div_ps(_mm512_maskz_loadu_ps(live, x + k), dv);
// GCC's -O0 macro form of _mm512_roundscale_ps passes a mask of -1 through a signed short.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-conversion"
    __m512 t = _mm512_roundscale_ps(r, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
#pragma GCC diagnostic pop
    t = _mm512_min_ps(_mm512_max_ps(t, bottom), top);
    _mm512_mask_cvtepi32_storeu_epi8(out + k, live, _mm512_cvttps_epi32(t));
  }
}

/// The 16 codebook levels of coded weights in every 16-byte lane (for `vpshufb`).
LOWP_TARGET_AVX512_VNNI inline __attribute__((always_inline)) __m512i codebook_lanes(
    const lut_weight_view& w) {
  std::int32_t b[4];
  std::memcpy(b, w.codebook, 16);
  return _mm512_set4_epi32(b[3], b[2], b[1], b[0]);
}

/// How many blocks of tiles ahead the kernels prefetch.
inline constexpr std::size_t lut_prefetch_blocks = 2;

/// Asks for `bytes` (whole 64-byte lines) of the weights the next kernel call reads, into L2:
/// a block of tiles is a set of short streams that the hardware prefetchers pick up late, so
/// each call spreads the next block's lines over its chunks (GEMV from DRAM).
LOWP_TARGET_AVX512_VNNI inline __attribute__((always_inline)) void prefetch_next_block(
    const std::uint8_t* at, std::size_t bytes) {
  for (std::size_t b = 0; b < bytes; b += 64)
    _mm_prefetch(reinterpret_cast<const char*>(at + b), _MM_HINT_T1);
}

/// Contract steps 1-2 for tile t and group g: I_g = sum (a * level) - zero * sum a, then
/// acc = fma(float(I_g), scale, acc).
LOWP_TARGET_AVX512_VNNI inline __attribute__((always_inline)) __m512 end_group(
    const lut_weight_view& w, const lut_row_view& x, std::size_t t, std::size_t g, __m512i dot,
    __m512 acc) {
  const std::size_t at = (t * w.groups + g) * lut_tile_rows;
  const __m512 scale = _mm512_loadu_ps(w.scales + at);
  // zero * sum(a) modulo 2^32, like vpmulld: the difference is exact (the contract's bound).
  const __m512i offset =
      w.uniform_zero
          ? _mm512_set1_epi32(static_cast<std::int32_t>(static_cast<std::uint32_t>(w.zero) *
                                                        static_cast<std::uint32_t>(x.sums[g])))
          : _mm512_mullo_epi32(_mm512_loadu_si512(w.zeros + at), _mm512_set1_epi32(x.sums[g]));
  const __m512i sum = _mm512_sub_epi32(dot, offset);
  return _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum), scale, acc);
}

/// Contract step 3 for tile t: y = acc * d, NaN stored as 0x7FC00000, rows past M left alone.
LOWP_TARGET_AVX512_VNNI inline __attribute__((always_inline)) void store_tile(
    const lut_weight_view& w, const lut_row_view& x, std::size_t t, __m512 acc, float* y) {
  const std::size_t m0 = t * lut_tile_rows;
  if (m0 >= w.rows) return;
  __m512 out = _mm512_mul_ps(acc, _mm512_set1_ps(x.scale));
  out = _mm512_mask_mov_ps(out, _mm512_cmp_ps_mask(out, out, _CMP_UNORD_Q),
                           _mm512_castsi512_ps(_mm512_set1_epi32(static_cast<int>(gemm_nan_bits))));
  const std::size_t valid = std::min<std::size_t>(lut_tile_rows, w.rows - m0);
  _mm512_mask_storeu_ps(y + m0, static_cast<__mmask16>((1u << valid) - 1u), out);
}

/// R tiles from tile t for BN activation rows (y[n * ldy + m], masked at the last row). The
/// table indices of each weight vector serve all BN rows.
template <unsigned Bits, std::size_t R, std::size_t BN>
LOWP_TARGET_AVX512_VNNI __attribute__((noinline)) void lut_tiles(const lut_weight_view& w,
                                                                 const lut_row_view* x,
                                                                 std::size_t t, float* y,
                                                                 std::size_t ldy) {
  static_assert(Bits >= 1 && Bits <= lut_max_bits, "LUT kernel: 1 to 4 planes");
  const __m512i low_nibble = _mm512_set1_epi8(0x0F);
  const __m512i group_of_byte = _mm512_set1_epi32(0x30201000);  // byte p: 16 * (p % 4)
  const std::size_t unit_stride = Bits * lut_unit_bytes;
  const std::size_t tile_bytes = w.chunks * unit_stride;
  const std::uint8_t* planes = w.planes + t * tile_bytes;
  __m512 facc[BN][R];
#pragma GCC unroll 4
  for (std::size_t n = 0; n < BN; ++n)
#pragma GCC unroll 4
    for (std::size_t r = 0; r < R; ++r) facc[n][r] = _mm512_setzero_ps();

  for (std::size_t g = 0; g < w.groups; ++g) {
    const std::size_t c0 = g * w.chunks_per_group;
    const std::size_t c1 = std::min(w.chunks, c0 + w.chunks_per_group);
    __m512i iacc[BN][R];
#pragma GCC unroll 4
    for (std::size_t n = 0; n < BN; ++n)
#pragma GCC unroll 4
      for (std::size_t r = 0; r < R; ++r) iacc[n][r] = _mm512_setzero_si512();
    for (std::size_t c = c0; c < c1; ++c) {
      prefetch_next_block(planes + lut_prefetch_blocks * R * tile_bytes + c * R * unit_stride,
                          R * unit_stride);
#pragma GCC unroll 4
      for (std::size_t r = 0; r < R; ++r) {
        const std::uint8_t* u = planes + r * tile_bytes + c * unit_stride;
#pragma GCC unroll 4
        for (unsigned i = 0; i < Bits; ++i) {
          const __m512i v = _mm512_loadu_si512(u + i * lut_unit_bytes);
          // index = (nibble) | 16 * (p % 4); vpermb ignores bits 6-7. 0xEA: (a & b) | c.
          const __m512i ia = _mm512_ternarylogic_epi32(v, low_nibble, group_of_byte, 0xEA);
          const __m512i ib =
              _mm512_ternarylogic_epi32(_mm512_srli_epi16(v, 4), low_nibble, group_of_byte, 0xEA);
#pragma GCC unroll 4
          for (std::size_t n = 0; n < BN; ++n) {
            const std::uint8_t* tb = x[n].tables + c * lut_table_bytes;
            const __m512i lows =
                _mm512_add_epi8(_mm512_permutexvar_epi8(ia, _mm512_loadu_si512(tb)),
                                _mm512_permutexvar_epi8(ib, _mm512_loadu_si512(tb + 64)));
            const __m512i highs =
                _mm512_add_epi8(_mm512_permutexvar_epi8(ia, _mm512_loadu_si512(tb + 128)),
                                _mm512_permutexvar_epi8(ib, _mm512_loadu_si512(tb + 192)));
            iacc[n][r] =
                _mm512_dpbusd_epi32(iacc[n][r], lows, _mm512_set1_epi8(static_cast<char>(1 << i)));
            iacc[n][r] = _mm512_dpbusd_epi32(iacc[n][r],
                                             _mm512_set1_epi8(static_cast<char>(16 << i)), highs);
          }
        }
      }
    }
#pragma GCC unroll 4
    for (std::size_t n = 0; n < BN; ++n)
#pragma GCC unroll 4
      for (std::size_t r = 0; r < R; ++r)
        facc[n][r] = end_group(w, x[n], t + r, g, iacc[n][r], facc[n][r]);
  }
#pragma GCC unroll 4
  for (std::size_t n = 0; n < BN; ++n)
#pragma GCC unroll 4
    for (std::size_t r = 0; r < R; ++r) store_tile(w, x[n], t + r, facc[n][r], y + n * ldy);
}

/// Tiles [t0, t1) for BN activation rows with table lookups, R tiles at a time.
template <unsigned Bits, std::size_t R, std::size_t BN>
LOWP_TARGET_AVX512_VNNI void lut_rows(const lut_weight_view& w, const lut_row_view* x,
                                      std::size_t t0, std::size_t t1, float* y, std::size_t ldy) {
  std::size_t t = t0;
  for (; t + R <= t1; t += R) lut_tiles<Bits, R, BN>(w, x, t, y, ldy);
  for (; t < t1; ++t) lut_tiles<Bits, 1, BN>(w, x, t, y, ldy);
}

/// R tiles from tile t for BN activation rows with the int8 dot-product kernel: levels
/// masked in place out of crumbs (scaled by 4^e) or nibbles (by 16^e), one `vpdpbusd` per 16
/// rows x 4 columns into an accumulator per scale, the scales shifted out (exactly) at the
/// end of each group. Each masked weight vector serves all BN rows.
template <simd::packed_layout L, std::size_t R, std::size_t BN>
LOWP_TARGET_AVX512_VNNI __attribute__((noinline)) void dot_tiles(const lut_weight_view& w,
                                                                 const lut_row_view* x,
                                                                 std::size_t t, float* y,
                                                                 std::size_t ldy) {
  using shape = dot_shape<L>;  // (asserts a dot layout)
  constexpr bool coded = shape::coded;
  constexpr unsigned parts = shape::parts;
  constexpr unsigned field = shape::field;
  constexpr std::size_t vectors = shape::vectors;
  const std::size_t tile_bytes = w.chunks * vectors * lut_unit_bytes;
  const std::uint8_t* planes = w.planes + t * tile_bytes;
  const __m512i book = coded ? codebook_lanes(w) : _mm512_setzero_si512();
  __m512 facc[BN][R];
#pragma GCC unroll 4
  for (std::size_t n = 0; n < BN; ++n)
#pragma GCC unroll 4
    for (std::size_t r = 0; r < R; ++r) facc[n][r] = _mm512_setzero_ps();
  // A flush unit: one scale group, or with groups of 16 columns one chunk (two groups).
  const std::size_t units = w.half_groups ? w.chunks : w.groups;
  for (std::size_t g = 0; g < units; ++g) {
    const std::size_t c0 = g * w.chunks_per_group;
    const std::size_t c1 = std::min(w.chunks, c0 + w.chunks_per_group);
    __m512i acc[BN][R][parts];
#pragma GCC unroll 4
    for (std::size_t n = 0; n < BN; ++n)
#pragma GCC unroll 4
      for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
        for (unsigned e = 0; e < parts; ++e) acc[n][r][e] = _mm512_setzero_si512();
    for (std::size_t c = c0; c < c1; ++c) {
      const std::uint8_t* pc = planes + c * vectors * lut_unit_bytes;
      if constexpr (L == simd::packed_layout::crumbs)  // nibbles: the prefetchers keep up
        prefetch_next_block(
            planes + lut_prefetch_blocks * R * tile_bytes + c * R * vectors * lut_unit_bytes,
            R * vectors * lut_unit_bytes);
#pragma GCC unroll 4
      for (std::size_t u = 0; u < vectors; ++u) {
        // Field e of vector u covers columns 32 / parts * e + 4 u + q (gemm_args.hpp).
        __m512i lv[R][parts];
#pragma GCC unroll 4
        for (std::size_t r = 0; r < R; ++r) {
          const __m512i v = _mm512_loadu_si512(pc + r * tile_bytes + u * lut_unit_bytes);
          if constexpr (coded) {
            const __m512i nibble = _mm512_set1_epi8(0x0F);
            lv[r][0] = _mm512_shuffle_epi8(book, _mm512_and_si512(v, nibble));
            lv[r][1] = _mm512_shuffle_epi8(book, _mm512_and_si512(_mm512_srli_epi16(v, 4), nibble));
          } else {
#pragma GCC unroll 4
            for (unsigned e = 0; e < parts; ++e)
              lv[r][e] = _mm512_and_si512(
                  v, _mm512_set1_epi8(static_cast<char>(((1u << field) - 1u) << (field * e))));
          }
        }
#pragma GCC unroll 4
        for (std::size_t n = 0; n < BN; ++n) {
          const std::int8_t* xc = x[n].values + c * lut_chunk_cols + 4 * u;
#pragma GCC unroll 4
          for (unsigned e = 0; e < parts; ++e) {
            std::int32_t four;
            std::memcpy(&four, xc + lut_chunk_cols / parts * e, 4);
            const __m512i xb = _mm512_set1_epi32(four);
#pragma GCC unroll 4
            for (std::size_t r = 0; r < R; ++r)
              acc[n][r][e] = _mm512_dpbusd_epi32(acc[n][r][e], lv[r][e], xb);
          }
        }
      }
    }
    // Fields e < parts / 2 hold the chunk's low 16 columns, the others the high 16.
#pragma GCC unroll 4
    for (std::size_t n = 0; n < BN; ++n)
#pragma GCC unroll 4
      for (std::size_t r = 0; r < R; ++r) {
        __m512i low = acc[n][r][0], high = _mm512_setzero_si512();
#pragma GCC unroll 4
        for (unsigned e = 1; e < parts; ++e) {
          const __m512i part =
              coded ? acc[n][r][e] : _mm512_srai_epi32(acc[n][r][e], field * e);  // exact
          if (e < parts / 2)
            low = _mm512_add_epi32(low, part);
          else
            high = _mm512_add_epi32(high, part);
        }
        if (!w.half_groups) {
          facc[n][r] = end_group(w, x[n], t + r, g, _mm512_add_epi32(low, high), facc[n][r]);
        } else {
          facc[n][r] = end_group(w, x[n], t + r, 2 * g, low, facc[n][r]);
          if (2 * g + 1 < w.groups)
            facc[n][r] = end_group(w, x[n], t + r, 2 * g + 1, high, facc[n][r]);
        }
      }
  }
#pragma GCC unroll 4
  for (std::size_t n = 0; n < BN; ++n)
#pragma GCC unroll 4
    for (std::size_t r = 0; r < R; ++r) store_tile(w, x[n], t + r, facc[n][r], y + n * ldy);
}

/// Tiles [t0, t1) for BN activation rows, R tiles at a time.
template <simd::packed_layout L, std::size_t R, std::size_t BN>
LOWP_TARGET_AVX512_VNNI void dot_rows(const lut_weight_view& w, const lut_row_view* x,
                                      std::size_t t0, std::size_t t1, float* y, std::size_t ldy) {
  std::size_t t = t0;
  for (; t + R <= t1; t += R) dot_tiles<L, R, BN>(w, x, t, y, ldy);
  for (; t < t1; ++t) dot_tiles<L, 1, BN>(w, x, t, y, ldy);
}

/// One tile for BN float32 activation rows by the float32 contract: each column's 16 levels
/// are widened to float lanes (exact), then one `vfmadd` per row adds x[k] * (level - zero)
/// in ascending column order; columns past K are skipped, so no padding enters a sum.
template <simd::packed_layout L, std::size_t R, std::size_t BN>
LOWP_TARGET_AVX512_VNNI __attribute__((noinline)) void f32_tiles(const lut_weight_view& w,
                                                                 const lut_row_view* x,
                                                                 std::size_t t, float* y,
                                                                 std::size_t ldy) {
  using shape = dot_shape<L>;  // (asserts a dot layout)
  constexpr bool coded = shape::coded;
  constexpr unsigned parts = shape::parts;
  constexpr unsigned field = shape::field;
  constexpr std::size_t vectors = shape::vectors;
  constexpr std::size_t part_cols = shape::part_cols;
  const std::size_t cols = x[0].cols;
  const std::size_t tile_bytes = w.chunks * vectors * lut_unit_bytes;
  const std::uint8_t* planes = w.planes + t * tile_bytes;
  const __m512i book = coded ? codebook_lanes(w) : _mm512_setzero_si512();
  const __m512i byte = _mm512_set1_epi32(0xFF);
  const __m512i two23 = _mm512_set1_epi32(0x4B000000);  // the bits of 2^23
  // Every (row, tile) pair is its own chain of fused multiply-adds: R tiles side by side keep
  // a single activation row from waiting on one chain's latency.
  __m512 acc[BN][R];
#pragma GCC unroll 4
  for (std::size_t n = 0; n < BN; ++n)
#pragma GCC unroll 4
    for (std::size_t r = 0; r < R; ++r) acc[n][r] = _mm512_setzero_ps();
  const std::size_t units = w.half_groups ? w.chunks : w.groups;
  for (std::size_t g = 0; g < units; ++g) {
    const std::size_t c0 = g * w.chunks_per_group;
    const std::size_t c1 = std::min(w.chunks, c0 + w.chunks_per_group);
    std::size_t group = w.half_groups ? 2 * g : g;
    __m512 zero[R];
#pragma GCC unroll 4
    for (std::size_t r = 0; r < R; ++r)
      zero[r] = _mm512_add_ps(  // 2^23 + zero, exact
          _mm512_cvtepi32_ps(
              _mm512_loadu_si512(w.zeros + ((t + r) * w.groups + group) * lut_tile_rows)),
          _mm512_castsi512_ps(two23));
    __m512 sum[BN][R];
#pragma GCC unroll 4
    for (std::size_t n = 0; n < BN; ++n)
#pragma GCC unroll 4
      for (std::size_t r = 0; r < R; ++r) sum[n][r] = _mm512_setzero_ps();
    for (std::size_t c = c0; c < c1; ++c) {
      const std::uint8_t* pc = planes + c * vectors * lut_unit_bytes;
      for (unsigned e = 0; e < parts; ++e) {
        if (w.half_groups && e == parts / 2) {  // the chunk's high half: the next group
#pragma GCC unroll 4
          for (std::size_t n = 0; n < BN; ++n)
#pragma GCC unroll 4
            for (std::size_t r = 0; r < R; ++r) {
              acc[n][r] = _mm512_fmadd_ps(
                  sum[n][r],
                  _mm512_loadu_ps(w.scales + ((t + r) * w.groups + group) * lut_tile_rows),
                  acc[n][r]);
              sum[n][r] = _mm512_setzero_ps();
            }
          ++group;
          if (group >= w.groups) break;
#pragma GCC unroll 4
          for (std::size_t r = 0; r < R; ++r)
            zero[r] = _mm512_add_ps(  // 2^23 + zero, exact
                _mm512_cvtepi32_ps(
                    _mm512_loadu_si512(w.zeros + ((t + r) * w.groups + group) * lut_tile_rows)),
                _mm512_castsi512_ps(two23));
        }
        for (std::size_t u = 0; u < vectors; ++u) {
          __m512i levels[R];  // one level per byte: 16 rows x 4 columns
#pragma GCC unroll 4
          for (std::size_t r = 0; r < R; ++r) {
            const __m512i v = _mm512_loadu_si512(pc + r * tile_bytes + u * lut_unit_bytes);
            if constexpr (coded) {
              levels[r] = _mm512_shuffle_epi8(
                  book, _mm512_and_si512(srli_u16(v, field * e), _mm512_set1_epi8(0x0F)));
            } else {
              levels[r] = _mm512_and_si512(srli_u16(v, field * e),
                                           _mm512_set1_epi8(static_cast<char>((1u << field) - 1u)));
            }
          }
          const std::size_t k0 = c * lut_chunk_cols + part_cols * e + 4 * u;
#pragma GCC unroll 4
          for (unsigned q = 0; q < 4; ++q) {
            if (k0 + q >= cols) break;
#pragma GCC unroll 4
            for (std::size_t r = 0; r < R; ++r) {
              // 2^23 + level as float bits (0xEA: (a & b) | c), minus 2^23 + zero: exact.
              const __m512 level = _mm512_castsi512_ps(_mm512_ternarylogic_epi32(
                  _mm512_srli_epi32(levels[r], 8 * q), byte, two23, 0xEA));
              const __m512 weight = _mm512_sub_ps(level, zero[r]);
#pragma GCC unroll 4
              for (std::size_t n = 0; n < BN; ++n)
                sum[n][r] = _mm512_fmadd_ps(_mm512_set1_ps(x[n].floats[k0 + q]), weight, sum[n][r]);
            }
          }
        }
      }
    }
    if (group < w.groups) {
#pragma GCC unroll 4
      for (std::size_t n = 0; n < BN; ++n)
#pragma GCC unroll 4
        for (std::size_t r = 0; r < R; ++r)
          acc[n][r] = _mm512_fmadd_ps(
              sum[n][r], _mm512_loadu_ps(w.scales + ((t + r) * w.groups + group) * lut_tile_rows),
              acc[n][r]);
    }
  }
  const __m512 nan = _mm512_castsi512_ps(_mm512_set1_epi32(static_cast<int>(gemm_nan_bits)));
#pragma GCC unroll 4
  for (std::size_t r = 0; r < R; ++r) {
    const std::size_t m0 = (t + r) * lut_tile_rows;
    const std::size_t valid = std::min<std::size_t>(lut_tile_rows, w.rows - m0);
#pragma GCC unroll 4
    for (std::size_t n = 0; n < BN; ++n) {
      const __m512 out = _mm512_mask_mov_ps(
          acc[n][r], _mm512_cmp_ps_mask(acc[n][r], acc[n][r], _CMP_UNORD_Q), nan);
      _mm512_mask_storeu_ps(y + n * ldy + m0, static_cast<__mmask16>((1u << valid) - 1u), out);
    }
  }
}

/// Outputs of tiles [t0, t1) for `count` float32 activation rows (y[n * ldy + m]).
template <simd::packed_layout L>
LOWP_TARGET_AVX512_VNNI void f32_gemm(const lut_weight_view& w, const lut_row_view* x,
                                      std::size_t count, std::size_t t0, std::size_t t1, float* y,
                                      std::size_t ldy) {
  constexpr std::size_t BN = 4, R = 4;  // four rows share a tile, or four tiles one row
  std::size_t n = 0;
  for (; n + BN <= count; n += BN)
    for (std::size_t t = t0; t < t1; ++t) f32_tiles<L, 1, BN>(w, x + n, t, y + n * ldy, ldy);
  for (; n < count; ++n) {
    std::size_t t = t0;
    for (; t + R <= t1; t += R) f32_tiles<L, R, 1>(w, x + n, t, y + n * ldy, ldy);
    for (; t < t1; ++t) f32_tiles<L, 1, 1>(w, x + n, t, y + n * ldy, ldy);
  }
}

/// Outputs of tiles [t0, t1) for `count` activation rows (y[n * ldy + m]), table lookups.
template <unsigned Bits>
LOWP_TARGET_AVX512_VNNI void lut_gemm(const lut_weight_view& w, const lut_row_view* x,
                                      std::size_t count, std::size_t t0, std::size_t t1, float* y,
                                      std::size_t ldy) {
  // GEMV: four tiles share each chunk's tables; GEMM: four rows share each index vector.
  constexpr std::size_t BN = 4;
  std::size_t n = 0;
  for (; n + BN <= count; n += BN) lut_rows<Bits, 2, BN>(w, x + n, t0, t1, y + n * ldy, ldy);
  for (; n < count; ++n) lut_rows<Bits, 4, 1>(w, x + n, t0, t1, y + n * ldy, ldy);
}

/// Outputs of tiles [t0, t1) for `count` activation rows (y[n * ldy + m]), dot products.
template <simd::packed_layout L>
LOWP_TARGET_AVX512_VNNI void dot_gemm(const lut_weight_view& w, const lut_row_view* x,
                                      std::size_t count, std::size_t t0, std::size_t t1, float* y,
                                      std::size_t ldy) {
  // GEMV: four tiles per pass; GEMM: four activation rows share each weight vector.
  constexpr std::size_t R = L == simd::packed_layout::crumbs ? 2 : 4;
  constexpr std::size_t BN = 4, RN = L == simd::packed_layout::crumbs ? 1 : 2;
  std::size_t n = 0;
  for (; n + BN <= count; n += BN) dot_rows<L, RN, BN>(w, x + n, t0, t1, y + n * ldy, ldy);
  for (; n < count; ++n) dot_rows<L, R, 1>(w, x + n, t0, t1, y + n * ldy, ldy);
}

}  // namespace avx512
}  // namespace simd
}  // namespace lowp
#endif
