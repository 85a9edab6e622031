/// \file plan.hpp
/// What every ISA's conversion kernels share: per-format constants (constexpr functions of
/// the descriptor), per-call codes for special inputs taken from the scalar codec, and decode
/// tables filled by the scalar codec. Nothing here is typed by hand.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "lowp/codec/float_codec.hpp"
#include "lowp/codec/pack.hpp"
#include "lowp/codec/unpacked.hpp"
#include "lowp/core/bits.hpp"
#include "lowp/core/policy.hpp"
#include "lowp/core/random.hpp"
#include "lowp/format/formats.hpp"

namespace lowp {
namespace simd {

/// Constants of the float32 -> Fmt encoder, all derived from the descriptor.
///
/// The kernels work on the float32 bit pattern: `a` = |x| bits, `ef` = a >> 23 (biased float
/// exponent), and the binade of the quantum `c` = max(ef, first_binade), where first_binade is
/// the biased float exponent of Fmt's smallest normal. The rounded significand n (implicit bit
/// included) then assembles to the magnitude code (c << M) + n - code_offset: pack.hpp step 7.
template <class Fmt>
struct encode_traits {
  static constexpr float_format f = descriptor_v<Fmt>;
  static constexpr int M = f.mantissa_bits;
  static constexpr int bits = total_bits(f);
  /// Biased float32 exponent of 2^emin (kernels need it >= 0: emin >= -127).
  static constexpr int first_binade = emin(f) + 127;
  /// Subtracted after (c << M) + n: ((127 - bias) + 1) << M, modulo 2^32.
  static constexpr std::uint32_t code_offset =
      static_cast<std::uint32_t>((128 - f.bias) * (std::int64_t{1} << M));
  static constexpr std::uint32_t max_magnitude =
      static_cast<std::uint32_t>(max_finite_magnitude(f));
  static constexpr std::uint32_t sign =
      is_signed(f) ? static_cast<std::uint32_t>(sign_mask(f)) : 0u;
  /// float32 bits of the largest finite value: inputs above it may overflow.
  static constexpr std::uint32_t max_bits =
      bit_cast<std::uint32_t>(static_cast<float>(max_finite(f)));
  /// The vector kernels cover formats whose every value is a float32 with emin >= -127.
  static constexpr bool vectorizable =
      is_valid(f) && bits <= 32 && M <= 23 && emin(f) >= -127 && emax(f) <= 127;
  /// Formats with float32's exponent field and subnormals (bfloat16, tf32, binary32): the
  /// magnitude code is the float32 magnitude shifted right by 23 - M, rounded.
  static constexpr bool float32_exponent =
      vectorizable && f.exponent_bits == 8 && f.bias == 127 && has_subnormals(f) && has_zero(f);
  /// The float-add path (fp_magic): the quantum of binade c is the ulp of 2^(c + 23 - M), so
  /// adding that power of two makes the FPU round |x| to Fmt's grid. It needs that power to be
  /// finite for 2^(emax + 1), float32 subnormal inputs to lie below half a quantum (then a
  /// flushed input rounds the same way), and a binade that cannot carry twice (M <= 21).
  static constexpr bool fp_magic =
      vectorizable && has_zero(f) && M <= 21 && emax(f) + 24 - M <= 127 && emin(f) - M - 1 > -126;
  /// float32 bits of 2^(emax + 1): the fp_magic path clamps |x| here (still an overflow).
  static constexpr std::uint32_t clamp_bits =
      fp_magic ? static_cast<std::uint32_t>(emax(f) + 1 + 127) << 23 : 0u;
  /// Binades the quantum takes for finite inputs (c from first_binade to emax + 127).
  static constexpr int binades = emax(f) - emin(f) + 1;
  /// The table-magic path: an fp_magic format with at most 32 binades, whose addend for
  /// binade c (magic_table) carries the code's exponent part (c - first_binade) << M in its
  /// mantissa, so the sum's low bits are the whole magnitude code. Every entry must stay a
  /// finite float32 whose mantissa cannot carry: M <= 17 and a biased exponent below 255.
  static constexpr bool table_magic =
      fp_magic && binades <= 32 && M <= 17 && first_binade + 31 + 23 - M <= 254;
  /// float32 bits of 2^emin, the smallest value whose quantum is not first_binade's.
  static constexpr std::uint32_t first_binade_bits =
      fp_magic ? static_cast<std::uint32_t>(first_binade) << 23 : 0u;
};

/// What the bits of an encoded lane above the format's width hold: zero (codes ready for
/// arithmetic and packing), or anything (the lanes go straight to a store that keeps only the
/// low bits, which lets the encoder skip a mask).
enum class high_bits { zero, unspecified };

/// The addends of the table-magic path (encode_traits::table_magic): entry c % 32, for every
/// binade c from first_binade to first_binade + 31, is 2^(c + 23 - M) (whose ulp is binade c's
/// quantum) with (c - first_binade) << M in its mantissa. Adding it to |x| of binade c rounds
/// |x| to Fmt's grid, and the sum's low 23 bits are ((c << M) + n - code_offset): the code.
template <class Fmt>
struct magic_table {
  using T = encode_traits<Fmt>;
  static_assert(T::table_magic, "lowp: magic_table needs a table_magic format");
  static constexpr std::array<std::uint32_t, 32> build() {
    std::array<std::uint32_t, 32> t{};
    for (int k = 0; k < 32; ++k) {
      const int c = T::first_binade + k;
      t[static_cast<std::size_t>(c % 32)] = (static_cast<std::uint32_t>(c + 23 - T::M) << 23) +
                                            (static_cast<std::uint32_t>(k) << T::M);
    }
    return t;
  }
  alignas(64) static constexpr std::array<std::uint32_t, 32> value = build();
};

/// The integer grid for round_integer (fixed-point block elements, affine integers): quantum
/// 2^-FractionBits for every |y| below 2^(24 - FractionBits) (larger values clamp anyway).
template <int FractionBits>
struct integer_grid {
  static constexpr int M = 23;                             ///< float32's mantissa
  static constexpr int first_binade = 150 - FractionBits;  ///< biased exponent of the quantum
};

/// Codes of the special cases of one conversion, for positive [0] and negative [1] inputs,
/// computed by the scalar codec (pack.hpp) under the caller's policy.
template <class Fmt>
struct encode_plan {
  conversion_policy policy;           ///< the conversion (policy.round is the kernel's mode)
  std::uint64_t seed = 0;             ///< stochastic rounding: the caller's seed
  std::uint32_t overflow[2] = {};     ///< rounded magnitude above the largest finite (step 8)
  std::uint32_t underflow[2] = {};    ///< non-zero value that rounds to zero (step 9)
  std::uint32_t zero[2] = {};         ///< +-0 inputs (step 3)
  std::uint32_t inf[2] = {};          ///< +-inf inputs (step 2)
  std::uint32_t nan[2] = {};          ///< NaN inputs (step 1)
  std::uint32_t negative_number = 0;  ///< unsigned Fmt: negative non-zero finite input (step 4)
  bool negative_is_magnitude = true;  ///< unsigned Fmt: negatives convert as |x|
  std::uint64_t key = 0;              ///< stochastic rounding: counter key of the seed
  std::uint64_t first_index = 0;      ///< stochastic rounding: stream index of element 0
  unsigned random_count = 32;         ///< stochastic rounding: bits used (1..32)
};

/// The plan of a conversion under `policy` (seed, random_count and first_index matter only to
/// stochastic rounding: element i uses counter_bits(seed, first_index + i)).
template <class Fmt>
encode_plan<Fmt> make_encode_plan(const conversion_policy& policy, std::uint64_t seed = 0,
                                  unsigned random_count = 32, std::uint64_t first_index = 0) {
  constexpr float_format f = descriptor_v<Fmt>;
  encode_plan<Fmt> p;
  p.policy = policy;
  p.seed = seed;
  for (int s = 0; s < 2; ++s) {
    const bool neg = s == 1;
    // Unsigned formats convert non-negatives only on the arithmetic path (step 4 folds the
    // sign away), so their overflow/underflow codes are those of a positive value.
    const bool arith_neg = neg && is_signed(f);
    p.overflow[s] = static_cast<std::uint32_t>(lowp::detail::overflow_code(f, policy, arith_neg));
    p.underflow[s] = static_cast<std::uint32_t>(lowp::detail::underflow_code(f, arith_neg));
    unpacked u;
    u.negative = neg;
    u.cls = value_class::zero;
    p.zero[s] = static_cast<std::uint32_t>(pack(f, u, policy));
    u.cls = value_class::infinite;
    p.inf[s] = static_cast<std::uint32_t>(pack(f, u, policy));
    u.cls = value_class::nan;
    p.nan[s] = static_cast<std::uint32_t>(pack(f, u, policy));
  }
  p.negative_is_magnitude = is_signed(f) || policy.negative == negative_substitute::magnitude;
  p.negative_number = static_cast<std::uint32_t>(pack(f, unpack(-1.0f), policy));
  p.key = lowp::detail::counter_key(seed);
  p.first_index = first_index;
  p.random_count = random_count < 1 ? 1u : (random_count > 32 ? 32u : random_count);
  return p;
}

/// Whether the vector kernels reproduce `policy` (library quirks run on the scalar codec).
constexpr bool vector_policy(const conversion_policy& policy) noexcept {
  return policy.compat == quirk::none;
}

/// float32 bit patterns of every code of an 8-bit-or-narrower format, from the scalar decoder.
template <class Fmt>
struct decode_table {
  static constexpr int bits = total_bits(descriptor_v<Fmt>);
  static_assert(bits <= 8, "decode tables cover formats of 8 bits or fewer");
  alignas(64) std::array<std::uint32_t, 256> value{};  ///< entry c: decode_as(c) bits
};

/// The decode table of Fmt under a NaN decoding, built once per process.
template <class Fmt>
const decode_table<Fmt>& get_decode_table(nan_decoding how) {
  auto build = [](nan_decoding h) {
    decode_table<Fmt> t;
    constexpr std::uint32_t codes = 1u << decode_table<Fmt>::bits;
    for (std::uint32_t c = 0; c < 256; ++c)
      t.value[c] =
          bit_cast<std::uint32_t>(decode_as<Fmt>(static_cast<storage_t<Fmt>>(c % codes), h));
    return t;
  };
  static const decode_table<Fmt> tables[] = {
      build(nan_decoding::keep_sign), build(nan_decoding::payload), build(nan_decoding::positive),
      build(nan_decoding::all_ones), build(nan_decoding::bf16_all_ones)};
  return tables[static_cast<int>(how)];
}

/// A decode table split into the four bytes of each float32 result (byte shuffles look them
/// up 64 codes at a time).
struct byte_planes {
  alignas(64) std::uint8_t plane[4][256] = {};  ///< plane[b][c]: byte b of the bits of code c
  bool low_zero = false;  ///< planes 0 and 1 are all zero (every FP8/FP6/FP4 value)
};

/// The byte planes of Fmt's decode table under a NaN decoding, built once per process.
template <class Fmt>
const byte_planes& get_byte_planes(nan_decoding how) {
  auto build = [](nan_decoding h) {
    const decode_table<Fmt>& t = get_decode_table<Fmt>(h);
    byte_planes p;
    p.low_zero = true;
    for (int c = 0; c < 256; ++c) {
      for (int b = 0; b < 4; ++b)
        p.plane[b][c] = static_cast<std::uint8_t>(t.value[static_cast<std::size_t>(c)] >> (8 * b));
      if ((t.value[static_cast<std::size_t>(c)] & 0xFFFFu) != 0) p.low_zero = false;
    }
    return p;
  };
  static const byte_planes planes[] = {build(nan_decoding::keep_sign), build(nan_decoding::payload),
                                       build(nan_decoding::positive), build(nan_decoding::all_ones),
                                       build(nan_decoding::bf16_all_ones)};
  return planes[static_cast<int>(how)];
}

}  // namespace simd
}  // namespace lowp
