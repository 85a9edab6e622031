/// \file avx2/gemm_kernels.hpp
/// The int8 dot-product mpGEMM kernel for AVX2 (crumbs and nibbles, gemm_args.hpp), exact in
/// int32 per scale group, then the contract's float steps (gemm/reference.hpp) with explicit
/// fused multiply-adds.
///
/// AVX2 has no `vpdpbusd`. A 64-byte weight vector (16 rows x 4 columns, byte 4 r + q) is
/// taken as two 32-byte halves, rows 0-7 and rows 8-15. Each level field is first shifted and
/// masked down to its value (at most 15), then `vpmaddubsw` multiplies it by the four int8
/// activations of its columns (broadcast as one 32-bit value) and adds pairs into int16.
/// `vpmaddubsw` saturates, but its pairs stay within 2 * 15 * 128 = 3840 (2 * 3 * 128 = 768
/// for crumbs). Four of them (one crumb vector, or two nibble vectors) are added in int16,
/// at most 4 * 3840 = 15360, and `vpmaddwd` by ones widens the sum into an int32 lane per
/// row. (Masking the fields in place, as the AVX-512 kernel does, would hand `vpmaddubsw` up
/// to 16 or 64 times the level and saturate.)
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

/// Contract steps 1-2 for the 8 rows of half h of tile t and group g: I_g = dot - zero * sum a,
/// then acc = fma(float(I_g), scale, acc).
LOWP_TARGET_AVX2 inline __attribute__((always_inline)) __m256 dot_end_group(
    const lut_weight_view& w, const lut_row_view& x, std::size_t t, std::size_t h, std::size_t g,
    __m256i dot, __m256 acc) {
  const std::size_t at = (t * w.groups + g) * lut_tile_rows + 8 * h;
  const __m256i zp = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w.zeros + at));
  const __m256 scale = _mm256_loadu_ps(w.scales + at);
  const __m256i sum = _mm256_sub_epi32(dot, _mm256_mullo_epi32(zp, _mm256_set1_epi32(x.sums[g])));
  return _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum), scale, acc);
}

/// Contract step 3 for the 8 rows of half h of tile t: y = acc * d, NaN stored as
/// 0x7FC00000, rows past M left alone.
LOWP_TARGET_AVX2 inline __attribute__((always_inline)) void dot_store_half(const lut_weight_view& w,
                                                                           const lut_row_view& x,
                                                                           std::size_t t,
                                                                           std::size_t h,
                                                                           __m256 acc, float* y) {
  const std::size_t m0 = t * lut_tile_rows + 8 * h;
  if (m0 >= w.rows) return;
  __m256 out = _mm256_mul_ps(acc, _mm256_set1_ps(x.scale));
  out = _mm256_blendv_ps(out, _mm256_castsi256_ps(_mm256_set1_epi32(0x7FC00000)),
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

/// R tiles from tile t for one activation row with the int8 dot-product kernel: y[m] for
/// their rows (none past M).
template <simd::packed_layout L, std::size_t R>
LOWP_TARGET_AVX2 __attribute__((noinline)) void dot_tiles(const lut_weight_view& w,
                                                          const lut_row_view& x, std::size_t t,
                                                          float* y) {
  static_assert(L == simd::packed_layout::crumbs || L == simd::packed_layout::nibbles,
                "dot layouts only");
  constexpr unsigned parts = L == simd::packed_layout::crumbs ? 4 : 2;  // fields per byte
  constexpr unsigned field = 8 / parts;                                 // bits per field
  constexpr std::size_t vectors = L == simd::packed_layout::crumbs ? 2 : 4;
  // Vectors whose products share an int16 sum before it is widened: 4 vpmaddubsw pairs.
  constexpr std::size_t widen_every = 4 / parts;
  static_assert(widen_every * parts * 2 * 15 * 128 <= 32767, "the int16 sums are exact");
  static_assert(vectors % widen_every == 0, "every chunk ends widened");
  const __m256i field_mask = _mm256_set1_epi8(static_cast<char>((1u << field) - 1u));
  const __m256i ones16 = _mm256_set1_epi16(1);
  const std::size_t tile_bytes = w.chunks * vectors * lut_unit_bytes;
  const std::uint8_t* planes = w.planes + t * tile_bytes;
  __m256 facc[R][2];
#pragma GCC unroll 4
  for (std::size_t r = 0; r < R; ++r) facc[r][0] = facc[r][1] = _mm256_setzero_ps();
  for (std::size_t g = 0; g < w.groups; ++g) {
    const std::size_t c0 = g * w.chunks_per_group;
    const std::size_t c1 = std::min(w.chunks, c0 + w.chunks_per_group);
    __m256i iacc[R][2];
#pragma GCC unroll 4
    for (std::size_t r = 0; r < R; ++r) iacc[r][0] = iacc[r][1] = _mm256_setzero_si256();
    for (std::size_t c = c0; c < c1; ++c) {
      const std::int8_t* xc = x.values + c * lut_chunk_cols;
      const std::uint8_t* pc = planes + c * vectors * lut_unit_bytes;
      __m256i part[R][2];  // int16 sums of up to widen_every vectors
#pragma GCC unroll 4
      for (std::size_t r = 0; r < R; ++r) part[r][0] = part[r][1] = _mm256_setzero_si256();
#pragma GCC unroll 4
      for (std::size_t u = 0; u < vectors; ++u) {
        // Field e of vector u covers columns 32 / parts * e + 4 u + q (gemm_args.hpp).
        __m256i xb[parts];
#pragma GCC unroll 4
        for (unsigned e = 0; e < parts; ++e) {
          std::int32_t four;
          std::memcpy(&four, xc + lut_chunk_cols / parts * e + 4 * u, 4);
          xb[e] = _mm256_set1_epi32(four);
        }
#pragma GCC unroll 4
        for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 2
          for (std::size_t h = 0; h < 2; ++h) {
            const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(
                pc + r * tile_bytes + u * lut_unit_bytes + 32 * h));
#pragma GCC unroll 4
            for (unsigned e = 0; e < parts; ++e) {
              // The 16-bit shift carries bits of the next byte in: the mask drops them.
              const __m256i level = _mm256_and_si256(
                  e == 0 ? v : _mm256_srli_epi16(v, static_cast<int>(field * e)), field_mask);
              part[r][h] = _mm256_add_epi16(part[r][h], _mm256_maddubs_epi16(level, xb[e]));
            }
            if ((u + 1) % widen_every == 0) {
              iacc[r][h] = _mm256_add_epi32(iacc[r][h], _mm256_madd_epi16(part[r][h], ones16));
              part[r][h] = _mm256_setzero_si256();
            }
          }
      }
    }
#pragma GCC unroll 4
    for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 2
      for (std::size_t h = 0; h < 2; ++h)
        facc[r][h] = dot_end_group(w, x, t + r, h, g, iacc[r][h], facc[r][h]);
  }
#pragma GCC unroll 4
  for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 2
    for (std::size_t h = 0; h < 2; ++h) dot_store_half(w, x, t + r, h, facc[r][h], y);
}

/// Outputs of tiles [t0, t1) for one activation row with the int8 dot-product kernel.
template <simd::packed_layout L>
LOWP_TARGET_AVX2 void dot_gemv(const lut_weight_view& w, const lut_row_view& x, std::size_t t0,
                               std::size_t t1, float* y) {
  constexpr std::size_t R = 2;
  std::size_t t = t0;
  for (; t + R <= t1; t += R) dot_tiles<L, R>(w, x, t, y);
  for (; t < t1; ++t) dot_tiles<L, 1>(w, x, t, y);
}

/// Outputs of tiles [t0, t1) for `count` activation rows (y[n * ldy + m]), dot products.
template <simd::packed_layout L>
LOWP_TARGET_AVX2 void dot_gemm(const lut_weight_view& w, const lut_row_view* x, std::size_t count,
                               std::size_t t0, std::size_t t1, float* y, std::size_t ldy) {
  for (std::size_t n = 0; n < count; ++n) dot_gemv<L>(w, x[n], t0, t1, y + n * ldy);
}

}  // namespace avx2
}  // namespace simd
}  // namespace lowp
#endif
