/// \file avx512/vec.hpp
/// The AVX-512 lane operations the generic kernels are written in (16 x uint32 per vector).
/// Every function carries the AVX-512 target attribute: no -m flags are needed.
#pragma once

#include "lowp/simd/isa.hpp"

#if LOWP_HAVE_AVX512
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
namespace avx512 {

/// Attributes of every AVX-512 lane operation and kernel.
#define LOWP_AVX512_FN LOWP_TARGET_AVX512 inline __attribute__((always_inline))
// Kernels (whole-array loops) are never inlined into their dispatcher: the ieee_denormals
// guard there sets MXCSR around the call, and the compiler may move an inlined kernel's float
// operations across those writes (it does not model MXCSR). A call that writes memory stays
// between the two writes. The cost is one call per array (not measured).
#define LOWP_AVX512_KERNEL LOWP_TARGET_AVX512 inline __attribute__((noinline))

/// The ISA these operations implement.
inline constexpr isa this_isa = isa::avx512;
/// 32-bit lanes per vector.
inline constexpr std::size_t lanes = 16;
/// Whether fadd_round honours a rounding mode per instruction (no MXCSR dependence).
inline constexpr bool has_embedded_rounding = true;

using vu32 = __m512i;
using vmask = __mmask16;

LOWP_AVX512_FN vu32 splat(std::uint32_t x) { return _mm512_set1_epi32(static_cast<int>(x)); }
LOWP_AVX512_FN vu32 zero() { return _mm512_setzero_si512(); }
LOWP_AVX512_FN vu32 load_f32(const float* p) { return _mm512_castps_si512(_mm512_loadu_ps(p)); }
LOWP_AVX512_FN void store_f32(float* p, vu32 v) { _mm512_storeu_ps(p, _mm512_castsi512_ps(v)); }
LOWP_AVX512_FN vu32 load_u8(const std::uint8_t* p) {
  return _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
LOWP_AVX512_FN vu32 load_u16(const std::uint16_t* p) {
  return _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}
LOWP_AVX512_FN vu32 load_u32(const std::uint32_t* p) { return _mm512_loadu_si512(p); }
/// Low 8 bits of each lane to p[0..15] (the kernels rely on the truncation).
LOWP_AVX512_FN void store_u8(std::uint8_t* p, vu32 v) {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm512_cvtepi32_epi8(v));
}
/// Low 16 bits of each lane to p[0..15].
LOWP_AVX512_FN void store_u16(std::uint16_t* p, vu32 v) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), _mm512_cvtepi32_epi16(v));
}
LOWP_AVX512_FN void store_u32(std::uint32_t* p, vu32 v) { _mm512_storeu_si512(p, v); }

/// Whether the stream_* stores exist (non-temporal, aligned to a whole vector of codes).
inline constexpr bool has_stream_stores = true;
LOWP_AVX512_FN void stream_u8(std::uint8_t* p, vu32 v) {
  _mm_stream_si128(reinterpret_cast<__m128i*>(p), _mm512_cvtepi32_epi8(v));
}
LOWP_AVX512_FN void stream_u16(std::uint16_t* p, vu32 v) {
  _mm256_stream_si256(reinterpret_cast<__m256i*>(p), _mm512_cvtepi32_epi16(v));
}
LOWP_AVX512_FN void stream_u32(std::uint32_t* p, vu32 v) {
  _mm512_stream_si512(reinterpret_cast<__m512i*>(p), v);
}
/// Orders streaming stores before later stores (call after a streaming loop).
LOWP_AVX512_FN void stream_fence() { _mm_sfence(); }

LOWP_AVX512_FN vu32 add(vu32 a, vu32 b) { return _mm512_add_epi32(a, b); }
LOWP_AVX512_FN vu32 sub(vu32 a, vu32 b) { return _mm512_sub_epi32(a, b); }
LOWP_AVX512_FN vu32 and_(vu32 a, vu32 b) { return _mm512_and_si512(a, b); }
LOWP_AVX512_FN vu32 or_(vu32 a, vu32 b) { return _mm512_or_si512(a, b); }
LOWP_AVX512_FN vu32 xor_(vu32 a, vu32 b) { return _mm512_xor_si512(a, b); }
template <int K>
LOWP_AVX512_FN vu32 shl(vu32 a) {
  return _mm512_slli_epi32(a, K);
}
template <int K>
LOWP_AVX512_FN vu32 shr(vu32 a) {
  return _mm512_srli_epi32(a, K);
}
/// 16-bit lanes shifted right by `n` bits (n < 16). The intrinsic's count is an `int` in GCC and
/// an `unsigned` in clang; this takes either without a sign-conversion warning.
LOWP_AVX512_FN __m512i srli_u16(__m512i v, unsigned n) {
#if defined(__clang__)
  return _mm512_srli_epi16(v, n);
#else
  return _mm512_srli_epi16(v, static_cast<int>(n));
#endif
}
/// Per-lane shifts; a count of 32 or more gives 0.
LOWP_AVX512_FN vu32 shlv(vu32 a, vu32 n) { return _mm512_sllv_epi32(a, n); }
LOWP_AVX512_FN vu32 shrv(vu32 a, vu32 n) { return _mm512_srlv_epi32(a, n); }
LOWP_AVX512_FN vu32 mul_lo(vu32 a, vu32 b) { return _mm512_mullo_epi32(a, b); }
/// 0, 1, ..., lanes - 1.
LOWP_AVX512_FN vu32 lane_index() {
  return _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
}
LOWP_AVX512_FN vu32 min_u(vu32 a, vu32 b) { return _mm512_min_epu32(a, b); }
LOWP_AVX512_FN vu32 max_u(vu32 a, vu32 b) { return _mm512_max_epu32(a, b); }

LOWP_AVX512_FN vmask eq(vu32 a, vu32 b) { return _mm512_cmpeq_epu32_mask(a, b); }
LOWP_AVX512_FN vmask ne(vu32 a, vu32 b) { return _mm512_cmpneq_epu32_mask(a, b); }
/// Lanes where a & b is not zero.
LOWP_AVX512_FN vmask test_any(vu32 a, vu32 b) { return _mm512_test_epi32_mask(a, b); }
LOWP_AVX512_FN vmask gt_u(vu32 a, vu32 b) { return _mm512_cmpgt_epu32_mask(a, b); }
LOWP_AVX512_FN vmask lt_u(vu32 a, vu32 b) { return _mm512_cmplt_epu32_mask(a, b); }
LOWP_AVX512_FN vmask mask_or(vmask a, vmask b) { return static_cast<vmask>(a | b); }
LOWP_AVX512_FN vmask mask_and(vmask a, vmask b) { return static_cast<vmask>(a & b); }
LOWP_AVX512_FN vmask mask_andnot(vmask a, vmask b) { return static_cast<vmask>(a & ~b); }
LOWP_AVX512_FN vmask mask_none() { return 0; }
LOWP_AVX512_FN bool any(vmask m) { return m != 0; }
/// t where m, else f.
LOWP_AVX512_FN vu32 select(vmask m, vu32 t, vu32 f) { return _mm512_mask_blend_epi32(m, f, t); }
/// The bits of t where m has ones, of f elsewhere.
LOWP_AVX512_FN vu32 bit_select(vu32 m, vu32 t, vu32 f) {
  // t first (imm 0xE2 = B ? A : C): the result takes t's register, which is usually dead.
  return _mm512_ternarylogic_epi32(t, m, f, 0xE2);
}
/// bit_select(m, t, f) in the lanes of keep, zero in the others.
LOWP_AVX512_FN vu32 bit_select_or_zero(vmask keep, vu32 m, vu32 t, vu32 f) {
  return _mm512_maskz_ternarylogic_epi32(keep, t, m, f, 0xE2);
}
/// v + 1 where m.
LOWP_AVX512_FN vu32 inc_if(vmask m, vu32 v) {
  return _mm512_mask_add_epi32(v, m, v, _mm512_set1_epi32(1));
}

/// table[idx & 31 + 32 * chunk] for one 32-entry chunk of a table.
LOWP_AVX512_FN __m512i lookup_chunk(const std::uint32_t* chunk, __m512i idx) {
  return _mm512_permutex2var_epi32(_mm512_loadu_si512(chunk), idx, _mm512_loadu_si512(chunk + 16));
}
/// table[idx] per lane (idx < 256): eight 32-entry register lookups and a selection by bits 5
/// to 7 (a gather costs several times as much on AMD's AVX-512).
LOWP_AVX512_FN vu32 lookup256(const std::uint32_t* table, vu32 idx) {
  const __mmask16 b5 = _mm512_test_epi32_mask(idx, _mm512_set1_epi32(32));
  const __mmask16 b6 = _mm512_test_epi32_mask(idx, _mm512_set1_epi32(64));
  const __mmask16 b7 = _mm512_test_epi32_mask(idx, _mm512_set1_epi32(128));
  const __m512i q0 =
      _mm512_mask_blend_epi32(b5, lookup_chunk(table, idx), lookup_chunk(table + 32, idx));
  const __m512i q1 =
      _mm512_mask_blend_epi32(b5, lookup_chunk(table + 64, idx), lookup_chunk(table + 96, idx));
  const __m512i q2 =
      _mm512_mask_blend_epi32(b5, lookup_chunk(table + 128, idx), lookup_chunk(table + 160, idx));
  const __m512i q3 =
      _mm512_mask_blend_epi32(b5, lookup_chunk(table + 192, idx), lookup_chunk(table + 224, idx));
  return _mm512_mask_blend_epi32(b7, _mm512_mask_blend_epi32(b6, q0, q1),
                                 _mm512_mask_blend_epi32(b6, q2, q3));
}
/// The float32 bits of each lane's value as an integer (exact below 2^24).
LOWP_AVX512_FN vu32 int_to_float_bits(vu32 v) { return _mm512_castps_si512(_mm512_cvtepi32_ps(v)); }

/// IEEE float32 product, quotient and sum of bit patterns, each rounded once to nearest even
/// (the embedded-rounding forms: builtins that no -ffp-contract setting fuses into an FMA, and
/// that ignore MXCSR's rounding field; flush-to-zero and denormals-are-zero are off under the
/// ieee_denormals guard every dispatch point holds, simd/float_env.hpp).
LOWP_AVX512_FN vu32 fmul(vu32 a, vu32 b) {
  return _mm512_castps_si512(_mm512_mul_round_ps(_mm512_castsi512_ps(a), _mm512_castsi512_ps(b),
                                                 _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}
LOWP_AVX512_FN vu32 fdiv(vu32 a, vu32 b) {
  return _mm512_castps_si512(_mm512_div_round_ps(_mm512_castsi512_ps(a), _mm512_castsi512_ps(b),
                                                 _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}
LOWP_AVX512_FN vu32 fadd(vu32 a, vu32 b) {
  return _mm512_castps_si512(_mm512_add_round_ps(_mm512_castsi512_ps(a), _mm512_castsi512_ps(b),
                                                 _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}
/// The largest lane (unsigned).
LOWP_AVX512_FN std::uint32_t reduce_max_u(vu32 v) {
  // Full-width shuffles only: GCC 12 warns inside _mm512_reduce_max_epu32 and the 512-to-256
  // casts (bug 105593).
  __m512i m = _mm512_max_epu32(v, _mm512_shuffle_i64x2(v, v, 0x4E));
  m = _mm512_max_epu32(m, _mm512_shuffle_i64x2(m, m, 0xB1));
  m = _mm512_max_epu32(m, _mm512_shuffle_epi32(m, _MM_PERM_BADC));
  m = _mm512_max_epu32(m, _mm512_shuffle_epi32(m, _MM_PERM_CDAB));
  return static_cast<std::uint32_t>(_mm512_cvtsi512_si32(m));
}
/// Whether group_max exists (block kernels reduce a group of blocks at once).
inline constexpr bool has_group_max = true;
/// Lane j = the largest lane (unsigned) of v[j]: sixteen reductions at once, merging pairs of
/// vectors level by level (46 instructions instead of 16 x 8).
LOWP_AVX512_FN vu32 group_max(const vu32 (&v)[16]) {
  // Level 1: vector 2k's lanes 0-7 meet its lanes 8-15 in the low half, 2k+1's in the high.
  __m512i a[8];
#pragma GCC unroll 8
  for (std::size_t k = 0; k < 8; ++k)
    a[k] = _mm512_max_epu32(_mm512_shuffle_i32x4(v[2 * k], v[2 * k + 1], 0x44),
                            _mm512_shuffle_i32x4(v[2 * k], v[2 * k + 1], 0xEE));
  // Level 2: 128-bit lane q of b[j] holds four candidates of vector 4j + q.
  __m512i b[4];
#pragma GCC unroll 4
  for (std::size_t j = 0; j < 4; ++j)
    b[j] = _mm512_max_epu32(_mm512_shuffle_i32x4(a[2 * j], a[2 * j + 1], 0x88),
                            _mm512_shuffle_i32x4(a[2 * j], a[2 * j + 1], 0xDD));
  // Level 3: lane q of c[i] holds two candidates of vectors 8i + q and 8i + 4 + q.
  const __m512i c0 =
      _mm512_max_epu32(_mm512_unpacklo_epi64(b[0], b[1]), _mm512_unpackhi_epi64(b[0], b[1]));
  const __m512i c1 =
      _mm512_max_epu32(_mm512_unpacklo_epi64(b[2], b[3]), _mm512_unpackhi_epi64(b[2], b[3]));
  // Level 4: position 4q + t holds vector 4t + q; one permute puts vector j at lane j.
  const __m512 e0 = _mm512_castsi512_ps(c0);
  const __m512 e1 = _mm512_castsi512_ps(c1);
  const __m512i d = _mm512_max_epu32(_mm512_castps_si512(_mm512_shuffle_ps(e0, e1, 0x88)),
                                     _mm512_castps_si512(_mm512_shuffle_ps(e0, e1, 0xDD)));
  const __m512i order = _mm512_set_epi32(15, 11, 7, 3, 14, 10, 6, 2, 13, 9, 5, 1, 12, 8, 4, 0);
  return _mm512_permutexvar_epi32(order, d);
}
/// Lanes (0, 2, 4, ...) of a then b, and lanes (1, 3, 5, ...) of a then b.
LOWP_AVX512_FN void deinterleave(vu32 a, vu32 b, vu32& even, vu32& odd) {
  const __m512i ie = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i io = _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
  even = _mm512_permutex2var_epi32(a, ie, b);
  odd = _mm512_permutex2var_epi32(a, io, b);
}
/// The inverse of deinterleave: lo = (e0, o0, e1, o1, ...), hi = the second half.
LOWP_AVX512_FN void interleave(vu32 even, vu32 odd, vu32& lo, vu32& hi) {
  const __m512i il = _mm512_set_epi32(23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
  const __m512i ih = _mm512_set_epi32(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8);
  lo = _mm512_permutex2var_epi32(even, il, odd);
  hi = _mm512_permutex2var_epi32(even, ih, odd);
}
/// table[idx] per lane for idx < 16 (one register lookup).
LOWP_AVX512_FN vu32 lookup16(const std::uint32_t* table, vu32 idx) {
  return _mm512_permutexvar_epi32(idx, _mm512_loadu_si512(table));
}

/// Whether unpack16<Bits> (avx512/packed_kernels.hpp) unpacks a packed bit stream.
inline constexpr bool has_unpack16 = true;

/// Whether lookup64 is cheaper than a gather (block decoders of 5- and 6-bit elements).
inline constexpr bool has_lookup64 = true;
/// table[idx & 63] per lane (two vpermi2d, chosen by bit 5).
LOWP_AVX512_FN vu32 lookup64(const std::uint32_t* table, vu32 idx) {
  const __m512i lo =
      _mm512_permutex2var_epi32(_mm512_loadu_si512(table), idx, _mm512_loadu_si512(table + 16));
  const __m512i hi = _mm512_permutex2var_epi32(_mm512_loadu_si512(table + 32), idx,
                                               _mm512_loadu_si512(table + 48));
  return _mm512_mask_blend_epi32(_mm512_test_epi32_mask(idx, _mm512_set1_epi32(32)), lo, hi);
}

/// Whether lookup32 is one instruction (the table-magic encoder uses it).
inline constexpr bool has_lookup32 = true;
/// table[idx & 31] per lane (vpermi2d over two registers).
LOWP_AVX512_FN vu32 lookup32(const std::uint32_t* table, vu32 idx) {
  return _mm512_permutex2var_epi32(_mm512_loadu_si512(table), idx, _mm512_loadu_si512(table + 16));
}

/// Float addition of two bit patterns, rounded by R (one of the four IEEE directed/nearest
/// modes), independent of MXCSR.
template <rounding R>
LOWP_AVX512_FN vu32 fadd_round(vu32 a, vu32 b) {
  constexpr int mode = R == rounding::nearest_even ? (_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
                       : R == rounding::toward_zero ? (_MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC)
                       : R == rounding::toward_positive
                           ? (_MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC)
                           : (_MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  return _mm512_castps_si512(
      _mm512_add_round_ps(_mm512_castsi512_ps(a), _mm512_castsi512_ps(b), mode));
}

/// The integer of each float lane (bits; |x| < 2^31) rounded by R, one of the four IEEE modes,
/// as a two's complement lane (vcvtps2dq with the mode embedded).
template <rounding R>
LOWP_AVX512_FN vu32 float_to_int_round(vu32 x) {
  constexpr int mode = R == rounding::nearest_even ? (_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
                       : R == rounding::toward_zero ? (_MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC)
                       : R == rounding::toward_positive
                           ? (_MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC)
                           : (_MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  return _mm512_cvt_roundps_epi32(_mm512_castsi512_ps(x), mode);
}
/// Float lanes with their magnitude limited to that of `limit` (a positive float), sign kept;
/// NaN lanes are unspecified.
// GCC's unoptimised (-O0) macro form of _mm512_range_ps passes a mask of -1 through a signed
// short: silence -Wsign-conversion for it.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-conversion"
LOWP_AVX512_FN vu32 clamp_abs(vu32 v, vu32 limit) {
  // vrangeps: the operand of smaller magnitude (imm bits 1:0 = 10) with the sign of the first
  // operand (bits 3:2 = 00; checked: -inf and -1e30 give -limit).
  return _mm512_castps_si512(
      _mm512_range_ps(_mm512_castsi512_ps(v), _mm512_castsi512_ps(limit), 0x2));
}
#pragma GCC diagnostic pop
/// |v| of two's complement lanes.
LOWP_AVX512_FN vu32 abs_i32(vu32 v) { return _mm512_abs_epi32(v); }

/// Whether decode_byte_planes exists here (bulk byte lookups, 64 codes per step).
inline constexpr bool has_byte_planes = true;

/// One plane's byte for 64 codes: two 128-entry lookups (vpermi2b) chosen by bit 7.
LOWP_AVX512_FN __m512i plane_lookup(const std::uint8_t* plane, __m512i codes, __mmask64 high) {
  const __m512i t0 = _mm512_load_si512(plane);
  const __m512i t1 = _mm512_load_si512(plane + 64);
  const __m512i t2 = _mm512_load_si512(plane + 128);
  const __m512i t3 = _mm512_load_si512(plane + 192);
  return _mm512_mask_blend_epi8(high, _mm512_permutex2var_epi8(t0, codes, t1),
                                _mm512_permutex2var_epi8(t2, codes, t3));
}

/// One 64-byte store, streaming or not.
template <bool Stream>
LOWP_AVX512_FN void store64(float* out, __m512i v) {
  if constexpr (Stream) {
    _mm512_stream_si512(reinterpret_cast<__m512i*>(out), v);
  } else {
    _mm512_storeu_si512(out, v);
  }
}

/// The byte permute before plane lookups: position 16L + 4j + k takes code 16j + 4L + k (a
/// 4x4 transpose of 4-byte groups), so that store_planes' in-lane unpacks leave results in
/// order.
LOWP_AVX512_FN __m512i plane_order() {
  return _mm512_set_epi32(0x3F3E3D3C, 0x2F2E2D2C, 0x1F1E1D1C, 0x0F0E0D0C, 0x3B3A3938, 0x2B2A2928,
                          0x1B1A1918, 0x0B0A0908, 0x37363534, 0x27262524, 0x17161514, 0x07060504,
                          0x33323130, 0x23222120, 0x13121110, 0x03020100);
}

/// Interleaves four byte planes (positions permuted as decode64's `order` leaves them) into
/// 64 float32 and stores them. LowZero: p0 and p1 are zero. No arrays of vectors: at -O2 GCC
/// would keep them in memory.
template <bool Stream, bool LowZero>
LOWP_AVX512_FN void store_planes(__m512i p0, __m512i p1, __m512i p2, __m512i p3, float* out) {
  const __m512i hi_lo = _mm512_unpacklo_epi8(p2, p3);
  const __m512i hi_hi = _mm512_unpackhi_epi8(p2, p3);
  __m512i lo_lo = _mm512_setzero_si512();
  __m512i lo_hi = _mm512_setzero_si512();
  if constexpr (!LowZero) {
    lo_lo = _mm512_unpacklo_epi8(p0, p1);
    lo_hi = _mm512_unpackhi_epi8(p0, p1);
  }
  store64<Stream>(out, _mm512_unpacklo_epi16(lo_lo, hi_lo));
  store64<Stream>(out + 16, _mm512_unpackhi_epi16(lo_lo, hi_lo));
  store64<Stream>(out + 32, _mm512_unpacklo_epi16(lo_hi, hi_hi));
  store64<Stream>(out + 48, _mm512_unpackhi_epi16(lo_hi, hi_hi));
}

/// float32 bits of 64 byte codes: byte-plane lookups interleaved into four vectors. The codes
/// are first permuted (plane_order). LowZero: planes
/// 0 and 1 are zero (byte_planes::low_zero).
template <bool Stream, bool LowZero>
LOWP_AVX512_FN void decode64(__m512i codes, const byte_planes& t, float* out) {
  const __m512i c = _mm512_permutexvar_epi8(plane_order(), codes);
  const __mmask64 high = _mm512_movepi8_mask(c);
  const __m512i p2 = plane_lookup(t.plane[2], c, high);
  const __m512i p3 = plane_lookup(t.plane[3], c, high);
  __m512i p0 = _mm512_setzero_si512();
  __m512i p1 = _mm512_setzero_si512();
  if constexpr (!LowZero) {
    p0 = plane_lookup(t.plane[0], c, high);
    p1 = plane_lookup(t.plane[1], c, high);
  }
  store_planes<Stream, LowZero>(p0, p1, p2, p3, out);
}

/// Codes [i, count) in steps of 64 from i; returns where it stopped.
template <bool Stream, bool LowZero>
LOWP_AVX512_FN std::size_t decode_run(const std::uint8_t* in, float* out, std::size_t i,
                                      std::size_t count, const byte_planes& t) {
  // Two steps per iteration keep the loop as fast at -O2 as at -O3.
  for (; i + 128 <= count; i += 128) {
    decode64<Stream, LowZero>(_mm512_loadu_si512(in + i), t, out + i);
    decode64<Stream, LowZero>(_mm512_loadu_si512(in + i + 64), t, out + i + 64);
  }
  if (i + 64 <= count) {
    decode64<Stream, LowZero>(_mm512_loadu_si512(in + i), t, out + i);
    i += 64;
  }
  return i;
}

/// Decodes rest < 64 codes (masked load, buffered store: no access past the arrays).
LOWP_AVX512_FN void decode_partial(const std::uint8_t* in, float* out, std::size_t rest,
                                   const byte_planes& t) {
  alignas(64) float y[64];
  const __mmask64 m = _bzhi_u64(~std::uint64_t{0}, static_cast<unsigned>(rest));
  decode64<false, false>(_mm512_maskz_loadu_epi8(m, in), t, y);
  for (std::size_t j = 0; j < rest; ++j) out[j] = y[j];
}

/// Byte codes -> float32 through byte planes, 64 codes per step (tail through a buffer). The
/// output is first aligned to 64 bytes (a store split across two cache lines costs twice).
LOWP_TARGET_AVX512 inline void decode_byte_planes(const std::uint8_t* in, float* out,
                                                  std::size_t count, const byte_planes& t) {
  std::size_t i = 0;
  if (count >= 128 && reinterpret_cast<std::uintptr_t>(out) % sizeof(float) == 0) {
    i = ((64 - reinterpret_cast<std::uintptr_t>(out) % 64) % 64) / sizeof(float);
    if (i != 0) decode_partial(in, out, i, t);
    if (count * sizeof(float) >= (std::size_t{8} << 20)) {
      // Large arrays: stream the output past the caches.
      i = t.low_zero ? decode_run<true, true>(in, out, i, count, t)
                     : decode_run<true, false>(in, out, i, count, t);
      _mm_sfence();
    }
  }
  i = t.low_zero ? decode_run<false, true>(in, out, i, count, t)
                 : decode_run<false, false>(in, out, i, count, t);
  if (i < count) decode_partial(in + i, out + i, count - i, t);
}

}  // namespace avx512
}  // namespace simd
}  // namespace lowp

#endif  // LOWP_HAVE_AVX512
