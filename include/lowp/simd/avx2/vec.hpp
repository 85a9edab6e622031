/// \file avx2/vec.hpp
/// The AVX2 lane operations the generic kernels are written in (8 x uint32 per vector;
/// masks are vectors of all-ones / all-zeros lanes).
#pragma once

#include "lowp/simd/isa.hpp"

#if LOWP_HAVE_AVX2
// GCC 12 reports -Wmaybe-uninitialized inside its own intrinsics headers (the placeholder
// operand of _mm*_undefined_*, GCC bug 105593): silence it for those headers only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#else
#include <immintrin.h>
#endif

#include <cstddef>
#include <cstdint>

#include "lowp/core/random.hpp"
#include "lowp/core/rounding.hpp"
#include "lowp/simd/plan.hpp"

namespace lowp {
namespace simd {
namespace avx2 {

/// Attributes of every AVX2 lane operation and kernel.
#define LOWP_AVX2_FN LOWP_TARGET_AVX2 inline __attribute__((always_inline))
// Never inlined into the dispatcher (see LOWP_AVX512_KERNEL: the ieee_denormals guard).
#define LOWP_AVX2_KERNEL LOWP_TARGET_AVX2 inline __attribute__((noinline))

/// The ISA these operations implement.
inline constexpr isa this_isa = isa::avx2;
/// 32-bit lanes per vector.
inline constexpr std::size_t lanes = 8;
/// AVX2 float operations round by MXCSR: the kernels use the integer path only.
inline constexpr bool has_embedded_rounding = false;

using vu32 = __m256i;
using vmask = __m256i;

LOWP_AVX2_FN vu32 splat(std::uint32_t x) { return _mm256_set1_epi32(static_cast<int>(x)); }
LOWP_AVX2_FN vu32 zero() { return _mm256_setzero_si256(); }
LOWP_AVX2_FN vu32 load_f32(const float* p) { return _mm256_castps_si256(_mm256_loadu_ps(p)); }
LOWP_AVX2_FN void store_f32(float* p, vu32 v) { _mm256_storeu_ps(p, _mm256_castsi256_ps(v)); }
LOWP_AVX2_FN vu32 load_u8(const std::uint8_t* p) {
  return _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}
LOWP_AVX2_FN vu32 load_u16(const std::uint16_t* p) {
  return _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
LOWP_AVX2_FN vu32 load_u32(const std::uint32_t* p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}
/// Low 16 bits of each lane, in lane order.
LOWP_AVX2_FN __m128i narrow16(vu32 v) {
  const __m256i low = _mm256_and_si256(v, _mm256_set1_epi32(0xFFFF));
  return _mm_packus_epi32(_mm256_castsi256_si128(low), _mm256_extracti128_si256(low, 1));
}
/// Low 8 bits of each lane to p[0..7] (the kernels rely on the truncation).
LOWP_AVX2_FN void store_u8(std::uint8_t* p, vu32 v) {
  const __m128i w = _mm_and_si128(narrow16(v), _mm_set1_epi16(0xFF));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(p), _mm_packus_epi16(w, w));
}
/// Low 16 bits of each lane to p[0..7].
LOWP_AVX2_FN void store_u16(std::uint16_t* p, vu32 v) {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p), narrow16(v));
}
LOWP_AVX2_FN void store_u32(std::uint32_t* p, vu32 v) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v);
}

/// Whether streaming stores are used (not on AVX2: the stream_* functions are never called).
inline constexpr bool has_stream_stores = false;
void stream_u8(std::uint8_t* p, vu32 v);
void stream_u16(std::uint16_t* p, vu32 v);
void stream_u32(std::uint32_t* p, vu32 v);
void stream_fence();

LOWP_AVX2_FN vu32 add(vu32 a, vu32 b) { return _mm256_add_epi32(a, b); }
LOWP_AVX2_FN vu32 sub(vu32 a, vu32 b) { return _mm256_sub_epi32(a, b); }
LOWP_AVX2_FN vu32 and_(vu32 a, vu32 b) { return _mm256_and_si256(a, b); }
LOWP_AVX2_FN vu32 or_(vu32 a, vu32 b) { return _mm256_or_si256(a, b); }
LOWP_AVX2_FN vu32 xor_(vu32 a, vu32 b) { return _mm256_xor_si256(a, b); }
template <int K>
LOWP_AVX2_FN vu32 shl(vu32 a) {
  return _mm256_slli_epi32(a, K);
}
template <int K>
LOWP_AVX2_FN vu32 shr(vu32 a) {
  return _mm256_srli_epi32(a, K);
}
/// Per-lane shifts; a count of 32 or more gives 0.
LOWP_AVX2_FN vu32 shlv(vu32 a, vu32 n) { return _mm256_sllv_epi32(a, n); }
LOWP_AVX2_FN vu32 shrv(vu32 a, vu32 n) { return _mm256_srlv_epi32(a, n); }
LOWP_AVX2_FN vu32 mul_lo(vu32 a, vu32 b) { return _mm256_mullo_epi32(a, b); }
/// 0, 1, ..., lanes - 1.
LOWP_AVX2_FN vu32 lane_index() { return _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0); }
LOWP_AVX2_FN vu32 min_u(vu32 a, vu32 b) { return _mm256_min_epu32(a, b); }
LOWP_AVX2_FN vu32 max_u(vu32 a, vu32 b) { return _mm256_max_epu32(a, b); }

LOWP_AVX2_FN vmask eq(vu32 a, vu32 b) { return _mm256_cmpeq_epi32(a, b); }
LOWP_AVX2_FN vmask ne(vu32 a, vu32 b) {
  return _mm256_xor_si256(_mm256_cmpeq_epi32(a, b), _mm256_set1_epi32(-1));
}
/// Lanes where a & b is not zero.
LOWP_AVX2_FN vmask test_any(vu32 a, vu32 b) { return ne(_mm256_and_si256(a, b), zero()); }
LOWP_AVX2_FN vmask gt_u(vu32 a, vu32 b) {
  const __m256i bias = _mm256_set1_epi32(static_cast<int>(0x80000000u));
  return _mm256_cmpgt_epi32(_mm256_xor_si256(a, bias), _mm256_xor_si256(b, bias));
}
LOWP_AVX2_FN vmask lt_u(vu32 a, vu32 b) { return gt_u(b, a); }
LOWP_AVX2_FN vmask mask_or(vmask a, vmask b) { return _mm256_or_si256(a, b); }
LOWP_AVX2_FN vmask mask_and(vmask a, vmask b) { return _mm256_and_si256(a, b); }
LOWP_AVX2_FN vmask mask_andnot(vmask a, vmask b) { return _mm256_andnot_si256(b, a); }
LOWP_AVX2_FN vmask mask_none() { return _mm256_setzero_si256(); }
LOWP_AVX2_FN bool any(vmask m) { return _mm256_testz_si256(m, m) == 0; }
/// t where m, else f.
LOWP_AVX2_FN vu32 select(vmask m, vu32 t, vu32 f) { return _mm256_blendv_epi8(f, t, m); }
/// The bits of t where m has ones, of f elsewhere.
LOWP_AVX2_FN vu32 bit_select(vu32 m, vu32 t, vu32 f) {
  return _mm256_or_si256(_mm256_and_si256(m, t), _mm256_andnot_si256(m, f));
}
/// bit_select(m, t, f) in the lanes of keep, zero in the others.
LOWP_AVX2_FN vu32 bit_select_or_zero(vmask keep, vu32 m, vu32 t, vu32 f) {
  return _mm256_and_si256(keep, bit_select(m, t, f));
}
/// v + 1 where m (a true lane is -1).
LOWP_AVX2_FN vu32 inc_if(vmask m, vu32 v) { return _mm256_sub_epi32(v, m); }

/// table[idx] per lane (idx < 256).
LOWP_AVX2_FN vu32 lookup256(const std::uint32_t* table, vu32 idx) {
  return _mm256_i32gather_epi32(reinterpret_cast<const int*>(table), idx, 4);
}
/// The float32 bits of each lane's value as an integer (exact below 2^24).
LOWP_AVX2_FN vu32 int_to_float_bits(vu32 v) { return _mm256_castps_si256(_mm256_cvtepi32_ps(v)); }

/// IEEE float32 product, quotient and sum of bit patterns, each rounded once to nearest even
/// (flush-to-zero and denormals-are-zero are off: each dispatch point holds an ieee_denormals
/// guard, simd/float_env.hpp; the rounding field must be nearest). The empty asm keeps each result
/// a separate instruction: GCC's intrinsics are plain vector arithmetic, which -ffp-contract would
/// otherwise fuse into an FMA.
LOWP_AVX2_FN vu32 fmul(vu32 a, vu32 b) {
  __m256 r = _mm256_mul_ps(_mm256_castsi256_ps(a), _mm256_castsi256_ps(b));
  __asm__("" : "+x"(r));
  return _mm256_castps_si256(r);
}
LOWP_AVX2_FN vu32 fdiv(vu32 a, vu32 b) {
  __m256 r = _mm256_div_ps(_mm256_castsi256_ps(a), _mm256_castsi256_ps(b));
  __asm__("" : "+x"(r));
  return _mm256_castps_si256(r);
}
LOWP_AVX2_FN vu32 fadd(vu32 a, vu32 b) {
  __m256 r = _mm256_add_ps(_mm256_castsi256_ps(a), _mm256_castsi256_ps(b));
  __asm__("" : "+x"(r));
  return _mm256_castps_si256(r);
}
/// The largest lane (unsigned).
LOWP_AVX2_FN std::uint32_t reduce_max_u(vu32 v) {
  __m128i m = _mm_max_epu32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  m = _mm_max_epu32(m, _mm_shuffle_epi32(m, 0x4E));
  m = _mm_max_epu32(m, _mm_shuffle_epi32(m, 0xB1));
  return static_cast<std::uint32_t>(_mm_cvtsi128_si32(m));
}
/// Lanes (0, 2, 4, ...) of a then b, and lanes (1, 3, 5, ...) of a then b.
LOWP_AVX2_FN void deinterleave(vu32 a, vu32 b, vu32& even, vu32& odd) {
  const __m256 fa = _mm256_castsi256_ps(a);
  const __m256 fb = _mm256_castsi256_ps(b);
  // In-lane shuffles give (a0 a2 b0 b2 | a4 a6 b4 b6); the 64-bit permute restores order.
  even = _mm256_permute4x64_epi64(_mm256_castps_si256(_mm256_shuffle_ps(fa, fb, 0x88)), 0xD8);
  odd = _mm256_permute4x64_epi64(_mm256_castps_si256(_mm256_shuffle_ps(fa, fb, 0xDD)), 0xD8);
}
/// The inverse of deinterleave: lo = (e0, o0, e1, o1, ...), hi = the second half.
LOWP_AVX2_FN void interleave(vu32 even, vu32 odd, vu32& lo, vu32& hi) {
  const __m256i l = _mm256_unpacklo_epi32(even, odd);  // e0 o0 e1 o1 | e4 o4 e5 o5
  const __m256i h = _mm256_unpackhi_epi32(even, odd);  // e2 o2 e3 o3 | e6 o6 e7 o7
  lo = _mm256_permute2x128_si256(l, h, 0x20);
  hi = _mm256_permute2x128_si256(l, h, 0x31);
}
#include "lowp/simd/generic/absent_ops.inl"
/// table[idx] per lane for idx < 16 (two register lookups).
LOWP_AVX2_FN vu32 lookup16(const std::uint32_t* table, vu32 idx) {
  const __m256i t0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(table));
  const __m256i t1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(table + 8));
  const __m256i high = _mm256_slli_epi32(idx, 28);  // bit 3 into the sign bit
  return _mm256_castps_si256(_mm256_blendv_ps(
      _mm256_castsi256_ps(_mm256_permutevar8x32_epi32(t0, idx)),
      _mm256_castsi256_ps(_mm256_permutevar8x32_epi32(t1, idx)), _mm256_castsi256_ps(high)));
}

/// Not available: the float-add path needs per-instruction rounding (AVX-512).
template <rounding R>
vu32 fadd_round(vu32 a, vu32 b);

/// Not available (needs per-instruction rounding): declared so that generic code compiles.
template <rounding R>
vu32 float_to_int_round(vu32 x);
vu32 abs_i32(vu32 v);

/// Whether decode_byte_planes exists here (it does not: decode uses lookup256).
inline constexpr bool has_byte_planes = false;
void decode_byte_planes(const std::uint8_t* in, float* out, std::size_t count,
                        const byte_planes& t);

}  // namespace avx2
}  // namespace simd
}  // namespace lowp

#endif  // LOWP_HAVE_AVX2
