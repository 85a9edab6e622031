/// \file fp32.hpp
/// IEEE binary32 arithmetic emulated exactly: the fp32 steps that other libraries' scale
/// recipes perform, reproduced bit for bit whatever the compiler does.
///
/// Block-scale recipes (NVFP4 in torchao and TransformerEngine, ggml's Q4_0/Q8_0) are defined
/// by sequences of float32 operations. Written as C++ float expressions they would be exposed
/// to -ffp-contract (a multiply followed by an add may become one fma) and to x87 excess
/// precision; here each operation is computed exactly and rounded once to nearest even, so
/// the sequence is the documented one on every compiler, and constexpr. A NaN result is the
/// default NaN, +0x7FC00000, whatever the operands (as on NVIDIA GPUs, whose recipes these
/// are; x86 keeps a NaN operand's sign and payload, and makes its own NaNs negative).
#pragma once

#include <cstdint>

#include "lowp/codec/arith.hpp"
#include "lowp/codec/pack.hpp"
#include "lowp/codec/unpacked.hpp"
#include "lowp/core/bits.hpp"
#include "lowp/core/policy.hpp"

namespace lowp {
namespace fp32 {
namespace detail {
/// Rounds an exact value to binary32, nearest even, overflow to infinity (IEEE default).
constexpr float round(const unpacked& u) noexcept {
  const auto bits = pack(lowp::detail::binary32_layout, u, conversion_policy{});
  return bit_cast<float>(static_cast<std::uint32_t>(bits));
}
}  // namespace detail

/// a * b in binary32, round to nearest even (IEEE 754 multiplication).
constexpr float mul(float a, float b) noexcept {
  return detail::round(exact_mul(unpack(a), unpack(b)));
}

/// a / b in binary32, round to nearest even (IEEE 754 division; x / 0 is a signed infinity).
constexpr float div(float a, float b) noexcept {
  return detail::round(exact_div(unpack(a), unpack(b)));
}

/// a + b in binary32, round to nearest even (IEEE 754 addition).
constexpr float add(float a, float b) noexcept {
  return detail::round(exact_add(unpack(a), unpack(b), rounding::nearest_even));
}

/// Whether x is a NaN (constexpr, independent of -ffast-math).
constexpr bool is_nan(float x) noexcept {
  return (bit_cast<std::uint32_t>(x) & 0x7FFFFFFFu) > 0x7F800000u;
}

/// Whether x is finite (not NaN, not ±inf), from its bits (independent of -ffast-math).
constexpr bool is_finite(float x) noexcept {
  return (bit_cast<std::uint32_t>(x) & 0x7F800000u) != 0x7F800000u;
}

namespace detail {
/// x's bits through an empty asm statement, so that the optimizer cannot turn a test of them
/// back into a float comparison: clang 19 folds (bits & 0x7FFFFFFF) == 0 into x == 0.0f, which
/// denormals-are-zero makes true for subnormals.
inline std::uint32_t opaque_bits(float x) noexcept {
  auto b = bit_cast<std::uint32_t>(x);
#if defined(__GNUC__) || defined(__clang__)
  __asm__("" : "+r"(b));
#endif
  return b;
}

/// x's bits: opaque to the optimizer at run time, plain in constant evaluation.
constexpr std::uint32_t env_proof_bits(float x) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  if (!__builtin_is_constant_evaluated()) return opaque_bits(x);
#endif
  return bit_cast<std::uint32_t>(x);
}
}  // namespace detail

/// Whether x is +0 or -0, from its bits (a float comparison would count subnormals as zero
/// under denormals-are-zero, as -ffast-math programs run).
constexpr bool is_zero(float x) noexcept { return (detail::env_proof_bits(x) & 0x7FFFFFFFu) == 0; }

/// Whether x > 0, from its bits (false for zeros, negatives and NaN; true for subnormals
/// whatever the floating-point environment).
constexpr bool is_positive(float x) noexcept {
  const std::uint32_t b = detail::env_proof_bits(x);
  return b != 0 && b <= 0x7F800000u;
}

/// |x| by clearing the sign bit.
constexpr float abs(float x) noexcept {
  return bit_cast<float>(bit_cast<std::uint32_t>(x) & 0x7FFFFFFFu);
}

/// x rounded to an integer, ties to even, whatever the floating-point environment's rounding
/// mode (NaN, infinities and |x| >= 2^23, already integers, come back unchanged).
constexpr float round_half_even(float x) noexcept {
  if (!(abs(x) < 8388608.0f)) return x;
  const auto t = static_cast<std::int32_t>(x);  // toward zero
  const float f = x - static_cast<float>(t);    // exact below 2^23
  std::int32_t r = t;
  if (f > 0.5f || (f == 0.5f && (t & 1) != 0)) ++r;
  if (f < -0.5f || (f == -0.5f && (t & 1) != 0)) --r;
  if (r == 0) return bit_cast<float>(bit_cast<std::uint32_t>(x) & 0x80000000u);  // keeps -0
  return static_cast<float>(r);
}

}  // namespace fp32
}  // namespace lowp
