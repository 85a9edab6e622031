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
/// The odd multiplier that spreads the element index.
inline constexpr std::uint64_t counter_index_multiplier = 0xD1B54A32D192ED03ull;

/// The per-stream key: depends on the seed only (SIMD kernels compute it once per call).
constexpr std::uint64_t counter_key(std::uint64_t seed) noexcept {
  return splitmix_mix(seed + splitmix_gamma);
}

/// counter_bits from a precomputed key: the step every SIMD kernel reproduces lane by lane.
constexpr std::uint32_t counter_bits_keyed(std::uint64_t key, std::uint64_t index) noexcept {
  const std::uint64_t z = key ^ (index * counter_index_multiplier);
  return static_cast<std::uint32_t>(splitmix_mix(z + splitmix_gamma) >> 32);
}
}  // namespace detail

/// 32 random bits for element `index` of a stream keyed by `seed`: two rounds of the
/// SplitMix64 finaliser over seed and index.
constexpr std::uint32_t counter_bits(std::uint64_t seed, std::uint64_t index) noexcept {
  return detail::counter_bits_keyed(detail::counter_key(seed), index);
}

/// random_bits for element `index`, using `count` of the 32 bits.
constexpr random_bits counter_random_bits(std::uint64_t seed, std::uint64_t index,
                                          unsigned count = 32) noexcept {
  return random_bits{counter_bits(seed, index), count};
}

}  // namespace lowp
