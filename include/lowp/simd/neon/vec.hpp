/// \file neon/vec.hpp
/// The AArch64 NEON lane operations the generic kernels are written in (4 x uint32 per vector;
/// masks are vectors of all-ones / all-zeros lanes, as the NEON compares produce them).
/// Advanced SIMD is part of the AArch64 baseline: no target attribute is needed.
#pragma once

#include "lowp/simd/isa.hpp"

#if LOWP_HAVE_NEON
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "lowp/core/random.hpp"
#include "lowp/core/rounding.hpp"
#include "lowp/simd/plan.hpp"

namespace lowp {
namespace simd {
namespace neon {

/// Attributes of every NEON lane operation and kernel.
#define LOWP_NEON_FN inline __attribute__((always_inline))
// Never inlined into the dispatcher (see LOWP_AVX512_KERNEL: the ieee_denormals guard).
#define LOWP_NEON_KERNEL inline __attribute__((noinline))

/// The ISA these operations implement.
inline constexpr isa this_isa = isa::neon;
/// 32-bit lanes per vector.
inline constexpr std::size_t lanes = 4;
/// NEON float operations round by FPCR: the kernels use the integer path only.
inline constexpr bool has_embedded_rounding = false;

using vu32 = uint32x4_t;
using vmask = uint32x4_t;

/// x in every lane.
LOWP_NEON_FN vu32 splat(std::uint32_t x) { return vdupq_n_u32(x); }
/// 0 in every lane.
LOWP_NEON_FN vu32 zero() { return vdupq_n_u32(0); }
/// Four float32 bit patterns from p (no alignment needed).
LOWP_NEON_FN vu32 load_f32(const float* p) { return vreinterpretq_u32_f32(vld1q_f32(p)); }
/// Stores four lanes as float32 bit patterns to p.
LOWP_NEON_FN void store_f32(float* p, vu32 v) { vst1q_f32(p, vreinterpretq_f32_u32(v)); }
/// Four bytes from p, zero-extended (reads exactly 4 bytes).
LOWP_NEON_FN vu32 load_u8(const std::uint8_t* p) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  std::uint32_t w;
  std::memcpy(&w, p, 4);  // one 32-bit load; byte i lands in lane i
  const uint8x8_t b = vcreate_u8(w);
#else
  std::uint8_t bytes[8] = {};
  std::memcpy(bytes, p, 4);
  const uint8x8_t b = vld1_u8(bytes);
#endif
  return vmovl_u16(vget_low_u16(vmovl_u8(b)));
}
/// Four uint16 from p, zero-extended.
LOWP_NEON_FN vu32 load_u16(const std::uint16_t* p) { return vmovl_u16(vld1_u16(p)); }
/// Four uint32 from p.
LOWP_NEON_FN vu32 load_u32(const std::uint32_t* p) { return vld1q_u32(p); }
/// Low 8 bits of each lane to p[0..3] (writes exactly 4 bytes).
LOWP_NEON_FN void store_u8(std::uint8_t* p, vu32 v) {
  const uint16x4_t h = vmovn_u32(v);
  std::uint8_t b[8];
  vst1_u8(b, vmovn_u16(vcombine_u16(h, h)));
  std::memcpy(p, b, 4);
}
/// Low 16 bits of each lane to p[0..3].
LOWP_NEON_FN void store_u16(std::uint16_t* p, vu32 v) { vst1_u16(p, vmovn_u32(v)); }
/// Four uint32 to p.
LOWP_NEON_FN void store_u32(std::uint32_t* p, vu32 v) { vst1q_u32(p, v); }

/// Whether streaming stores are used (not on NEON: the stream_* functions are never called).
inline constexpr bool has_stream_stores = false;
/// Not available on NEON (declared so that the generic encode_f32 compiles).
void stream_u8(std::uint8_t* p, vu32 v);
/// Not available on NEON.
void stream_u16(std::uint16_t* p, vu32 v);
/// Not available on NEON.
void stream_u32(std::uint32_t* p, vu32 v);
/// Not available on NEON.
void stream_fence();

/// a + b per lane (modulo 2^32).
LOWP_NEON_FN vu32 add(vu32 a, vu32 b) { return vaddq_u32(a, b); }
/// a - b per lane (modulo 2^32).
LOWP_NEON_FN vu32 sub(vu32 a, vu32 b) { return vsubq_u32(a, b); }
/// Bitwise a & b.
LOWP_NEON_FN vu32 and_(vu32 a, vu32 b) { return vandq_u32(a, b); }
/// Bitwise a | b.
LOWP_NEON_FN vu32 or_(vu32 a, vu32 b) { return vorrq_u32(a, b); }
/// Bitwise a ^ b.
LOWP_NEON_FN vu32 xor_(vu32 a, vu32 b) { return veorq_u32(a, b); }
/// a << K per lane (K = 0 is a copy, K >= 32 gives 0, as the x86 shifts do).
template <int K>
LOWP_NEON_FN vu32 shl(vu32 a) {
  static_assert(K >= 0, "lowp: negative shift count");
  if constexpr (K == 0) {
    return a;
  } else if constexpr (K >= 32) {
    return vdupq_n_u32(0);
  } else {
    return vshlq_n_u32(a, K);  // the immediate form takes 0..31
  }
}
/// a >> K per lane, logical (K = 0 is a copy, K >= 32 gives 0).
template <int K>
LOWP_NEON_FN vu32 shr(vu32 a) {
  static_assert(K >= 0, "lowp: negative shift count");
  if constexpr (K == 0) {
    return a;  // the immediate form takes 1..32
  } else if constexpr (K >= 32) {
    return vdupq_n_u32(0);
  } else {
    return vshrq_n_u32(a, K);
  }
}
/// Per-lane shifts by unsigned counts; a count of 32 or more gives 0. USHL reads a signed
/// count from the low byte of each lane (0x100 would shift by 0, 0xE0 right by 32), so counts
/// are clamped to 32 first; a shift by +-32 of a 32-bit lane gives 0.
LOWP_NEON_FN vu32 shlv(vu32 a, vu32 n) {
  return vshlq_u32(a, vreinterpretq_s32_u32(vminq_u32(n, vdupq_n_u32(32))));
}
/// Per-lane logical right shift by unsigned counts; a count of 32 or more gives 0.
LOWP_NEON_FN vu32 shrv(vu32 a, vu32 n) {
  return vshlq_u32(a, vnegq_s32(vreinterpretq_s32_u32(vminq_u32(n, vdupq_n_u32(32)))));
}
/// Unsigned minimum per lane.
/// Low 32 bits of a * b per lane.
LOWP_NEON_FN vu32 mul_lo(vu32 a, vu32 b) { return vmulq_u32(a, b); }
/// 0, 1, ..., lanes - 1.
LOWP_NEON_FN vu32 lane_index() {
  alignas(16) static constexpr std::uint32_t idx[4] = {0, 1, 2, 3};
  return vld1q_u32(idx);
}
LOWP_NEON_FN vu32 min_u(vu32 a, vu32 b) { return vminq_u32(a, b); }
/// Unsigned maximum per lane.
LOWP_NEON_FN vu32 max_u(vu32 a, vu32 b) { return vmaxq_u32(a, b); }

/// a == b per lane.
LOWP_NEON_FN vmask eq(vu32 a, vu32 b) { return vceqq_u32(a, b); }
/// a != b per lane.
LOWP_NEON_FN vmask ne(vu32 a, vu32 b) { return vmvnq_u32(vceqq_u32(a, b)); }
/// Lanes where a & b is not zero.
LOWP_NEON_FN vmask test_any(vu32 a, vu32 b) { return vtstq_u32(a, b); }
/// a > b per lane, unsigned.
LOWP_NEON_FN vmask gt_u(vu32 a, vu32 b) { return vcgtq_u32(a, b); }
/// a < b per lane, unsigned.
LOWP_NEON_FN vmask lt_u(vu32 a, vu32 b) { return vcltq_u32(a, b); }
/// Lanes set in a or b.
LOWP_NEON_FN vmask mask_or(vmask a, vmask b) { return vorrq_u32(a, b); }
/// Lanes set in a and b.
LOWP_NEON_FN vmask mask_and(vmask a, vmask b) { return vandq_u32(a, b); }
/// Lanes set in a and not in b (BIC: a & ~b).
LOWP_NEON_FN vmask mask_andnot(vmask a, vmask b) { return vbicq_u32(a, b); }
/// No lane set.
LOWP_NEON_FN vmask mask_none() { return vdupq_n_u32(0); }
/// Whether any lane is set.
LOWP_NEON_FN bool any(vmask m) { return vmaxvq_u32(m) != 0; }
/// t where m, else f.
LOWP_NEON_FN vu32 select(vmask m, vu32 t, vu32 f) { return vbslq_u32(m, t, f); }
/// The bits of t where m has ones, of f elsewhere.
LOWP_NEON_FN vu32 bit_select(vu32 m, vu32 t, vu32 f) { return vbslq_u32(m, t, f); }
/// bit_select(m, t, f) in the lanes of keep, zero in the others.
LOWP_NEON_FN vu32 bit_select_or_zero(vmask keep, vu32 m, vu32 t, vu32 f) {
  return vandq_u32(keep, vbslq_u32(m, t, f));
}
/// v + 1 where m (a true lane is -1).
LOWP_NEON_FN vu32 inc_if(vmask m, vu32 v) { return vsubq_u32(v, m); }

/// table[idx] per lane (idx < 256; NEON has no gather: four scalar loads).
LOWP_NEON_FN vu32 lookup256(const std::uint32_t* table, vu32 idx) {
  vu32 r = vdupq_n_u32(table[vgetq_lane_u32(idx, 0)]);
  r = vsetq_lane_u32(table[vgetq_lane_u32(idx, 1)], r, 1);
  r = vsetq_lane_u32(table[vgetq_lane_u32(idx, 2)], r, 2);
  r = vsetq_lane_u32(table[vgetq_lane_u32(idx, 3)], r, 3);
  return r;
}
/// The float32 bits of each lane's value as an integer (exact below 2^24).
LOWP_NEON_FN vu32 int_to_float_bits(vu32 v) { return vreinterpretq_u32_f32(vcvtq_f32_u32(v)); }

/// IEEE float32 product, quotient and sum of bit patterns, each rounded once to nearest even
/// (FPCR.FZ is off under the ieee_denormals guard every dispatch point holds,
/// simd/float_env.hpp). The empty asm keeps each result a separate
/// instruction: the intrinsics are plain vector arithmetic, which -ffp-contract would fuse.
LOWP_NEON_FN vu32 fmul(vu32 a, vu32 b) {
  float32x4_t r = vmulq_f32(vreinterpretq_f32_u32(a), vreinterpretq_f32_u32(b));
  __asm__("" : "+w"(r));
  return vreinterpretq_u32_f32(r);
}
LOWP_NEON_FN vu32 fdiv(vu32 a, vu32 b) {
  float32x4_t r = vdivq_f32(vreinterpretq_f32_u32(a), vreinterpretq_f32_u32(b));
  __asm__("" : "+w"(r));
  return vreinterpretq_u32_f32(r);
}
LOWP_NEON_FN vu32 fadd(vu32 a, vu32 b) {
  float32x4_t r = vaddq_f32(vreinterpretq_f32_u32(a), vreinterpretq_f32_u32(b));
  __asm__("" : "+w"(r));
  return vreinterpretq_u32_f32(r);
}
/// The largest lane (unsigned).
LOWP_NEON_FN std::uint32_t reduce_max_u(vu32 v) { return vmaxvq_u32(v); }
/// Lanes (0, 2, 4, ...) of a then b, and lanes (1, 3, 5, ...) of a then b.
LOWP_NEON_FN void deinterleave(vu32 a, vu32 b, vu32& even, vu32& odd) {
  even = vuzp1q_u32(a, b);
  odd = vuzp2q_u32(a, b);
}
/// The inverse of deinterleave: lo = (e0, o0, e1, o1), hi = (e2, o2, e3, o3).
LOWP_NEON_FN void interleave(vu32 even, vu32 odd, vu32& lo, vu32& hi) {
  lo = vzip1q_u32(even, odd);
  hi = vzip2q_u32(even, odd);
}
#include "lowp/simd/generic/absent_ops.inl"
/// table[idx] per lane for idx < 16 (a 64-byte table lookup on bytes).
LOWP_NEON_FN vu32 lookup16(const std::uint32_t* table, vu32 idx) {
  uint8x16x4_t t;
  t.val[0] = vld1q_u8(reinterpret_cast<const std::uint8_t*>(table));
  t.val[1] = vld1q_u8(reinterpret_cast<const std::uint8_t*>(table) + 16);
  t.val[2] = vld1q_u8(reinterpret_cast<const std::uint8_t*>(table) + 32);
  t.val[3] = vld1q_u8(reinterpret_cast<const std::uint8_t*>(table) + 48);
  // Byte k of lane j reads table byte 4 * idx_j + k.
  const uint32x4_t base = vmulq_n_u32(idx, 0x04040404u);
  const uint8x16_t bytes =
      vaddq_u8(vreinterpretq_u8_u32(base), vreinterpretq_u8_u32(vdupq_n_u32(0x03020100u)));
  return vreinterpretq_u32_u8(vqtbl4q_u8(t, bytes));
}

/// Not available: the float-add path needs per-instruction rounding (AVX-512).
template <rounding R>
vu32 fadd_round(vu32 a, vu32 b);

/// Low 64 bits of a * b per 64-bit lane, b given as its 32-bit halves (NEON multiplies
/// Not available (needs per-instruction rounding): declared so that generic code compiles.
template <rounding R>
vu32 float_to_int_round(vu32 x);
vu32 abs_i32(vu32 v);

/// Whether decode_byte_planes exists here (it does not: decode uses lookup256).
inline constexpr bool has_byte_planes = false;
/// Not available on NEON (declared so that the generic decode_f32 compiles).
void decode_byte_planes(const std::uint8_t* in, float* out, std::size_t count,
                        const byte_planes& t);

}  // namespace neon
}  // namespace simd
}  // namespace lowp

#endif  // LOWP_HAVE_NEON
