/// \file random.hpp
/// Counter-based random bits: the bits for element i depend only on (seed, i), so stochastic
/// rounding gives the same result on every ISA, thread count and chunking.
#pragma once

#include <cstdint>

#include "lowp/core/rounding.hpp"

namespace lowp {

namespace detail {
/// The two multipliers of the SplitMix64 finaliser.
inline constexpr std::uint64_t splitmix_m1 = 0xBF58476D1CE4E5B9ull;
inline constexpr std::uint64_t splitmix_m2 = 0x94D049BB133111EBull;
/// The SplitMix64 finaliser (Steele, Lea and Flood, OOPSLA 2014).
constexpr std::uint64_t splitmix_mix(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * splitmix_m1;
  z = (z ^ (z >> 27)) * splitmix_m2;
  return z ^ (z >> 31);
}
/// The golden-ratio increment of SplitMix64.
inline constexpr std::uint64_t splitmix_gamma = 0x9E3779B97F4A7C15ull;

/// A 3-round xorshift-multiply permutation of 32-bit integers with parameters
/// [17 ed5ad4bb 11 ac4c1b51 15 31848bab 14] (found by C. Wellons' hash-prospector, "triple32";
/// avalanche bias 0.021, indistinguishable from a random permutation by that measure).
inline constexpr std::uint32_t mix32_m1 = 0xED5AD4BBu;
inline constexpr std::uint32_t mix32_m2 = 0xAC4C1B51u;
inline constexpr std::uint32_t mix32_m3 = 0x31848BABu;
constexpr std::uint32_t mix32(std::uint32_t x) noexcept {
  x ^= x >> 17;
  x *= mix32_m1;
  x ^= x >> 11;
  x *= mix32_m2;
  x ^= x >> 15;
  x *= mix32_m3;
  x ^= x >> 14;
  return x;
}

/// The per-stream key: depends on the seed only (SIMD kernels compute it once per call).
constexpr std::uint64_t counter_key(std::uint64_t seed) noexcept {
  return splitmix_mix(seed + splitmix_gamma);
}

/// The word XORed into the low 32 index bits of the indices [hi * 2^32, (hi + 1) * 2^32).
constexpr std::uint32_t counter_block(std::uint64_t key, std::uint32_t hi) noexcept {
  return mix32(hi ^ static_cast<std::uint32_t>(key >> 32)) ^ static_cast<std::uint32_t>(key);
}

/// counter_bits from a precomputed key: mix32(low index word ^ counter_block(key, high
/// word)). SIMD kernels reproduce it lane by lane with 32-bit multiplies.
constexpr std::uint32_t counter_bits_keyed(std::uint64_t key, std::uint64_t index) noexcept {
  return mix32(static_cast<std::uint32_t>(index) ^
               counter_block(key, static_cast<std::uint32_t>(index >> 32)));
}

/// Walks a stream: the low index word of the next element and the block words of the current
/// and the next 2^32 indices (what a vector of consecutive lanes needs).
struct counter_cursor {
  std::uint64_t key = 0;
  std::uint32_t lo = 0;    ///< low 32 bits of the current index
  std::uint32_t hi = 0;    ///< high 32 bits of the current index
  std::uint32_t now = 0;   ///< counter_block(key, hi)
  std::uint32_t next = 0;  ///< counter_block(key, hi + 1): lanes whose low word wrapped

  constexpr counter_cursor(std::uint64_t k, std::uint64_t index) noexcept
      : key(k),
        lo(static_cast<std::uint32_t>(index)),
        hi(static_cast<std::uint32_t>(index >> 32)),
        now(counter_block(k, static_cast<std::uint32_t>(index >> 32))),
        next(counter_block(k, static_cast<std::uint32_t>(index >> 32) + 1u)) {}

  /// Moves n elements on.
  constexpr void advance(std::uint32_t n) noexcept {
    const std::uint32_t old = lo;
    lo += n;
    if (lo < old) {
      ++hi;
      now = next;
      next = counter_block(key, hi + 1u);
    }
  }
};
}  // namespace detail

/// 32 random bits for element `index` of a stream keyed by `seed`: the SplitMix64 finaliser
/// turns the seed into a 64-bit key, and a 32-bit permutation (mix32) of the index XOR key
/// words gives the bits.
constexpr std::uint32_t counter_bits(std::uint64_t seed, std::uint64_t index) noexcept {
  return detail::counter_bits_keyed(detail::counter_key(seed), index);
}

/// random_bits for element `index`, using `count` of the 32 bits.
constexpr random_bits counter_random_bits(std::uint64_t seed, std::uint64_t index,
                                          unsigned count = 32) noexcept {
  return random_bits{counter_bits(seed, index), count};
}

}  // namespace lowp
