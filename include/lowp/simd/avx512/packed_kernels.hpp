/// \file avx512/packed_kernels.hpp
/// float32 <-> sub-byte formats packed as a little-endian bit stream (block/packing.hpp), 64
/// codes per step with VBMI byte permutes: unpacking is one vpermb and one vpmultishiftqb,
/// packing two multiply-adds and one vpermb, and the codes never leave the registers.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "lowp/block/packing.hpp"
#include "lowp/simd/avx512/float_kernels.hpp"
#include "lowp/simd/avx512/vec.hpp"
#include "lowp/simd/plan.hpp"

#if LOWP_HAVE_AVX512
namespace lowp {
namespace simd {
namespace avx512 {

/// Code widths the packed decoder covers (8 * Bits bits per 64-bit group of eight codes).
constexpr bool unpack_width(int bits) noexcept { return bits >= 1 && bits <= 7; }
/// Code widths the packed encoder covers: whole bytes per 2 or 4 codes (byte multiply-adds).
constexpr bool pack_width(int bits) noexcept { return bits == 2 || bits == 4 || bits == 6; }

/// Byte permutes and shift counts of one code width, computed once at compile time.
template <int Bits>
struct packed_layout {
  /// Unpack: qword q of the spread bytes holds input bytes [Bits*q, Bits*q + 8).
  static constexpr std::array<std::uint8_t, 64> spread = [] {
    std::array<std::uint8_t, 64> t{};
    for (std::size_t q = 0; q < 8; ++q)
      for (std::size_t k = 0; k < 8; ++k)
        t[8 * q + k] = static_cast<std::uint8_t>(static_cast<std::size_t>(Bits) * q + k);
    return t;
  }();
  /// Unpack: byte k of each qword takes the 8 bits from bit k * Bits (vpmultishiftqb).
  static constexpr std::array<std::uint8_t, 64> fields = [] {
    std::array<std::uint8_t, 64> t{};
    for (int i = 0; i < 64; ++i)
      t[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>((i % 8) * Bits);
    return t;
  }();
  /// Pack: after vpackusdw/vpackuswb of four vectors, byte position 16L + 4v + k holds
  /// element 16v + 4L + k; this is where element e sits.
  static constexpr int position(int e) { return 16 * ((e % 16) / 4) + 4 * (e / 16) + e % 4; }
  /// Pack: output byte o comes from the multiply-added groups (2 codes per word for 4 bits,
  /// 4 per dword for 2 and 6 bits); entries past 8 * Bits bytes are never stored.
  static constexpr std::array<std::uint8_t, 64> gather = [] {
    std::array<std::uint8_t, 64> t{};
    const int per_group = Bits == 4 ? 2 : 4;       // codes per word or dword
    const int group_bytes = per_group * Bits / 8;  // output bytes per group
    for (int o = 0; o < 8 * Bits && group_bytes > 0; ++o) {
      const int g = o / group_bytes;
      t[static_cast<std::size_t>(o)] =
          static_cast<std::uint8_t>(position(g * per_group) + o % group_bytes);
    }
    return t;
  }();
};

LOWP_AVX512_FN __m512i load_table64(const std::uint8_t* t) { return _mm512_loadu_si512(t); }

/// 64 codes of Bits bits from 8 * Bits bytes at p (a masked load: nothing past them is read).
/// Each byte holds one code in its low Bits bits; the bits above are not cleared.
template <int Bits>
LOWP_AVX512_FN __m512i unpack64(const std::uint8_t* p) {
  using L = packed_layout<Bits>;
  const __m512i raw =
      _mm512_maskz_loadu_epi8(_bzhi_u64(~std::uint64_t{0}, static_cast<unsigned>(8 * Bits)), p);
  const __m512i spread = _mm512_permutexvar_epi8(load_table64(L::spread.data()), raw);
  return _mm512_multishift_epi64_epi8(load_table64(L::fields.data()), spread);
}

/// Whether pack_lanes packs codes of this width.
template <int Bits>
inline constexpr bool has_pack_lanes = pack_width(Bits);

/// 16 codes of Bits bits from 2 * Bits bytes at p, one per lane (masked load: nothing past
/// them is read).
template <int Bits>
LOWP_AVX512_FN vu32 unpack16(const std::uint8_t* p) {
  using L = packed_layout<Bits>;
  const __m512i raw =
      _mm512_maskz_loadu_epi8(_bzhi_u64(~std::uint64_t{0}, static_cast<unsigned>(2 * Bits)), p);
  const __m512i spread = _mm512_permutexvar_epi8(load_table64(L::spread.data()), raw);
  const __m512i codes = _mm512_multishift_epi64_epi8(load_table64(L::fields.data()), spread);
  return _mm512_and_si512(_mm512_cvtepu8_epi32(_mm512_castsi512_si128(codes)),
                          _mm512_set1_epi32((1 << Bits) - 1));
}

/// Packs Count codes (Count / 16 vectors of 16 lanes, each lane < 2^Bits; the vectors past
/// Count / 16 are ignored) into Count * Bits / 8 bytes at p.
template <int Bits, int Count>
LOWP_AVX512_FN void pack_lanes(__m512i c0, __m512i c1, __m512i c2, __m512i c3, std::uint8_t* p) {
  static_assert(Count == 32 || Count == 64, "lowp: pack_lanes packs 32 or 64 codes");
  using L = packed_layout<Bits>;
  const __m512i bytes =
      _mm512_packus_epi16(_mm512_packus_epi32(c0, c1), _mm512_packus_epi32(c2, c3));
  // Neighbouring codes of one vector sit side by side: fold pairs (and quads) of fields.
  __m512i g =
      _mm512_maddubs_epi16(bytes, _mm512_set1_epi16(static_cast<short>((0x100 << Bits) | 1)));
  if constexpr (Bits != 4) g = _mm512_madd_epi16(g, _mm512_set1_epi32((1 << (16 + 2 * Bits)) | 1));
  const __m512i out = _mm512_permutexvar_epi8(load_table64(L::gather.data()), g);
  _mm512_mask_storeu_epi8(p, _bzhi_u64(~std::uint64_t{0}, Count * Bits / 8), out);
}

/// Byte codes (any bits above the format's ignored) -> float32 through the first 64 entries
/// of each byte plane; Fmt has at most 6 bits, so those entries cover every code.
template <bool Stream, bool LowZero>
LOWP_AVX512_FN void decode64_small(__m512i codes, const byte_planes& t, float* out) {
  const __m512i c = _mm512_permutexvar_epi8(plane_order(), codes);
  const __m512i p2 = _mm512_permutexvar_epi8(c, load_table64(t.plane[2]));
  const __m512i p3 = _mm512_permutexvar_epi8(c, load_table64(t.plane[3]));
  __m512i p0 = _mm512_setzero_si512();
  __m512i p1 = _mm512_setzero_si512();
  if constexpr (!LowZero) {
    p0 = _mm512_permutexvar_epi8(c, load_table64(t.plane[0]));
    p1 = _mm512_permutexvar_epi8(c, load_table64(t.plane[1]));
  }
  store_planes<Stream, LowZero>(p0, p1, p2, p3, out);
}

/// Sub-byte codes packed at `in` -> float32, `count` codes (unpack_width of its bits).
template <class Fmt, bool LowZero>
LOWP_AVX512_FN void decode_packed_run(const std::uint8_t* in, float* out, std::size_t count,
                                      const byte_planes& t) {
  constexpr int bits = total_bits(descriptor_v<Fmt>);
  std::size_t i = 0;
  for (; i + 64 <= count; i += 64) {
    const __m512i codes = unpack64<bits>(in + i / 8 * bits);
    if constexpr (bits <= 6) {
      decode64_small<false, LowZero>(codes, t, out + i);
    } else {
      decode64<false, LowZero>(codes, t, out + i);  // 128-entry planes through vpermi2b
    }
  }
  if (i < count) {
    // The last codes: unpack the stream's last bytes into a buffer, then decode it.
    alignas(64) std::uint8_t codes[64] = {};
    const std::size_t rest = count - i;
    blocks::detail::unpack_codes(in + i / 8 * bits, rest, bits, codes);
    alignas(64) float y[64];
    decode64<false, false>(_mm512_load_si512(codes), t, y);
    for (std::size_t j = 0; j < rest; ++j) out[i + j] = y[j];
  }
}

/// Sub-byte codes packed at `in` -> float32 (unpack_width(bits); count codes, the stream
/// starting on a byte).
template <class Fmt>
LOWP_AVX512_KERNEL void decode_packed(const std::uint8_t* in, float* out, std::size_t count,
                                      const byte_planes& t) {
  static_assert(unpack_width(total_bits(descriptor_v<Fmt>)), "lowp: no packed decoder here");
  if (t.low_zero) {
    decode_packed_run<Fmt, true>(in, out, count, t);
  } else {
    decode_packed_run<Fmt, false>(in, out, count, t);
  }
}

/// Stochastic rounding's bits for the next vector of elements (zero in other modes).
template <rounding R>
LOWP_AVX512_FN vu32 next_random(lowp::detail::counter_cursor& cursor) {
  if constexpr (R == rounding::stochastic) {
    const vu32 rnd = counter_bits_lanes(cursor);
    cursor.advance(lanes);
    return rnd;
  } else {
    return zero();
  }
}

/// float32 -> sub-byte Fmt packed at `out` (pack_width(bits)); the stream starts on a byte.
template <class Fmt, rounding R>
LOWP_AVX512_KERNEL void encode_packed(const float* in, std::uint8_t* out, std::size_t count,
                                      const encode_plan<Fmt>& p) {
  constexpr int bits = total_bits(descriptor_v<Fmt>);
  static_assert(pack_width(bits), "lowp: no packed encoder here");
  const unsigned r = p.random_count;
  const vu32 rmask = splat(~std::uint32_t{0} << (32 - r));
  const vu32 rshift = splat(32 - r);
  lowp::detail::counter_cursor cursor(p.key, p.first_index);
  std::size_t i = 0;
  for (; i + 64 <= count; i += 64) {
    const vu32 r0 = next_random<R>(cursor);
    const vu32 c0 = encode_vector<Fmt, R>(load_f32(in + i), p, r0, rmask, rshift);
    const vu32 r1 = next_random<R>(cursor);
    const vu32 c1 = encode_vector<Fmt, R>(load_f32(in + i + 16), p, r1, rmask, rshift);
    const vu32 r2 = next_random<R>(cursor);
    const vu32 c2 = encode_vector<Fmt, R>(load_f32(in + i + 32), p, r2, rmask, rshift);
    const vu32 r3 = next_random<R>(cursor);
    const vu32 c3 = encode_vector<Fmt, R>(load_f32(in + i + 48), p, r3, rmask, rshift);
    pack_lanes<bits, 64>(c0, c1, c2, c3, out + i / 8 * bits);
  }
  if (i < count) {
    // The last codes: encode them through the array kernel, then pack the buffer.
    alignas(64) std::uint8_t codes[64];
    encode_plan<Fmt> q = p;
    q.first_index = p.first_index + i;
    encode_f32<Fmt, R>(in + i, codes, count - i, q);
    blocks::detail::pack_codes(codes, count - i, bits, out + i / 8 * bits);
  }
}

}  // namespace avx512
}  // namespace simd
}  // namespace lowp
#endif  // LOWP_HAVE_AVX512
