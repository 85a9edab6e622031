/// \file random.hpp
/// Counter-based random bits: the bits for element i depend only on (seed, i), so stochastic
/// rounding gives the same result on every ISA, thread count and chunking.
#pragma once

#include <cstdint>

#include "lowp/core/rounding.hpp"

namespace lowp {

/// 32 random bits for element `index` of a stream keyed by `seed`: two rounds of the
/// SplitMix64 finaliser (Steele, Lea and Flood, OOPSLA 2014) over seed and index.
constexpr std::uint32_t counter_bits(std::uint64_t seed, std::uint64_t index) noexcept {
  auto mix = [](std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  const std::uint64_t z = mix(seed + 0x9E3779B97F4A7C15ull) ^ (index * 0xD1B54A32D192ED03ull);
  return static_cast<std::uint32_t>(mix(z + 0x9E3779B97F4A7C15ull) >> 32);
}

/// random_bits for element `index`, using `count` of the 32 bits.
constexpr random_bits counter_random_bits(std::uint64_t seed, std::uint64_t index,
                                          unsigned count = 32) noexcept {
  return random_bits{counter_bits(seed, index), count};
}

}  // namespace lowp
