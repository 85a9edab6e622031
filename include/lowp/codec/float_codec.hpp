/// \file float_codec.hpp
/// Public scalar codec: encode from float/double, decode to float, convert between formats.
///
/// This is the specification of every minifloat conversion in lowp: SIMD kernels and lookup
/// tables only accelerate it. Every function rounds exactly once (from float, from double
/// and from any format to any format) and is constexpr.
#pragma once

#include <cstdint>

#include "lowp/codec/pack.hpp"
#include "lowp/codec/unpacked.hpp"
#include "lowp/core/bits.hpp"
#include "lowp/core/policy.hpp"
#include "lowp/format/formats.hpp"

namespace lowp {

/// The overflow behaviour `encode` uses when none is named: to_nonfinite (inf where the format
/// has it, else NaN, else max), which is what IEEE casts and ml_dtypes/NumPy `astype` do.
template <class Fmt>
inline constexpr overflow default_overflow_v = overflow::to_nonfinite;

namespace detail {
template <class Fmt>
constexpr storage_t<Fmt> to_storage(std::uint64_t code) noexcept {
  return static_cast<storage_t<Fmt>>(code);
}
template <rounding R>
constexpr void require_bits_for_stochastic() noexcept {
  static_assert(R != rounding::stochastic,
                "lowp: rounding::stochastic needs random bits: pass a lowp::random_bits "
                "argument, e.g. encode<Fmt, rounding::stochastic>(x, random_bits{r, 8})");
}
}  // namespace detail

/// Encodes a float into `Fmt` under a full conversion policy (see core/policy.hpp).
template <class Fmt>
constexpr storage_t<Fmt> encode_as(float x, const conversion_policy& policy,
                                   random_bits rb = {}) noexcept {
  return detail::to_storage<Fmt>(pack(descriptor_v<Fmt>, unpack(x), policy, rb));
}

/// Encodes a double into `Fmt` under a full conversion policy, rounding once.
template <class Fmt>
constexpr storage_t<Fmt> encode_as(double x, const conversion_policy& policy,
                                   random_bits rb = {}) noexcept {
  return detail::to_storage<Fmt>(pack(descriptor_v<Fmt>, unpack(x), policy, rb));
}

/// Encodes a float into `Fmt` with rounding `R` and overflow behaviour `O`.
template <class Fmt, rounding R = rounding::nearest_even, overflow O = default_overflow_v<Fmt>>
constexpr storage_t<Fmt> encode(float x) noexcept {
  detail::require_bits_for_stochastic<R>();
  return encode_as<Fmt>(x, conversion_policy{}.with(R).with(O));
}

/// Encodes a double into `Fmt` with rounding `R` and overflow `O` (one rounding, no detour
/// through float).
template <class Fmt, rounding R = rounding::nearest_even, overflow O = default_overflow_v<Fmt>>
constexpr storage_t<Fmt> encode(double x) noexcept {
  detail::require_bits_for_stochastic<R>();
  return encode_as<Fmt>(x, conversion_policy{}.with(R).with(O));
}

/// Encodes a float with explicit random bits (used by rounding::stochastic).
template <class Fmt, rounding R, overflow O = default_overflow_v<Fmt>>
constexpr storage_t<Fmt> encode(float x, random_bits rb) noexcept {
  return encode_as<Fmt>(x, conversion_policy{}.with(R).with(O), rb);
}

/// Encodes a double with explicit random bits (used by rounding::stochastic).
template <class Fmt, rounding R, overflow O = default_overflow_v<Fmt>>
constexpr storage_t<Fmt> encode(double x, random_bits rb) noexcept {
  return encode_as<Fmt>(x, conversion_policy{}.with(R).with(O), rb);
}

/// float32 bit pattern of a NaN under a decoding policy.
constexpr std::uint32_t nan_bits(const unpacked& u, nan_decoding how) noexcept {
  constexpr std::uint32_t quiet = 0x7FC00000u;
  const std::uint32_t sign = u.negative ? 0x80000000u : 0u;
  switch (how) {
    case nan_decoding::keep_sign:
      return sign | quiet;
    case nan_decoding::payload: {
      const auto field = static_cast<std::uint32_t>(u.payload >> 41);
      return sign | 0x7F800000u | (field != 0 ? field : 0x00400000u);
    }
    case nan_decoding::positive:
      return quiet;
    case nan_decoding::all_ones:
      return 0x7FFFFFFFu;
    case nan_decoding::bf16_all_ones:
      return 0x7FFF0000u;
  }
  return quiet;
}

/// Decodes a code of `Fmt` to float, exactly; NaN codes follow `how`.
template <class Fmt>
constexpr float decode_as(storage_t<Fmt> code, nan_decoding how) noexcept {
  const unpacked u = unpack(descriptor_v<Fmt>, code);
  if (u.cls == value_class::nan) return bit_cast<float>(nan_bits(u, how));
  // Every value of a valid format is a float32, so this pack is exact.
  const auto bits = pack(detail::binary32_layout, u, conversion_policy{});
  return bit_cast<float>(static_cast<std::uint32_t>(bits));
}

/// Decodes a code of `Fmt` to float, exactly; NaN codes give +-0x7FC00000 with their sign.
template <class Fmt>
constexpr float decode(storage_t<Fmt> code) noexcept {
  return decode_as<Fmt>(code, nan_decoding::keep_sign);
}

/// Converts a code of `From` to `To` under a full policy, rounding once.
template <class To, class From>
constexpr storage_t<To> convert_as(storage_t<From> code, const conversion_policy& policy,
                                   random_bits rb = {}) noexcept {
  return detail::to_storage<To>(
      pack(descriptor_v<To>, unpack(descriptor_v<From>, code), policy, rb));
}

/// Converts a code of `From` to `To` with rounding `R` and overflow `O`, rounding once.
template <class To, class From, rounding R = rounding::nearest_even,
          overflow O = default_overflow_v<To>>
constexpr storage_t<To> convert(storage_t<From> code) noexcept {
  detail::require_bits_for_stochastic<R>();
  return convert_as<To, From>(code, conversion_policy{}.with(R).with(O));
}

}  // namespace lowp
