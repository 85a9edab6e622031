// Shared pieces of the oracle-based tests: the mode/policy lists and their oracle names,
// deterministic per-input random bits, and a thread-safe mismatch log that reports the
// first few mismatches and fails the test on any.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "lowp/core/policy.hpp"
#include "lowp/core/rounding.hpp"
#include "support/catch.hpp"
#include "support/oracle.hpp"

namespace lowp_test {

/// The stride a float32 sweep uses when asked for `stride`: `stride` itself, or 61 times it
/// (at most 2^23) when the environment sets LOWP_TEST_SWEEP=sparse. The sanitizer presets set
/// it: under ASan + UBSan the sweeps look for memory errors and undefined behaviour on the same
/// code paths, and the exhaustive value checks themselves run in every other build.
inline std::uint32_t sweep_stride(std::uint32_t stride) {
  static const bool sparse = [] {
    const char* v = std::getenv("LOWP_TEST_SWEEP");
    return v != nullptr && std::string(v) == "sparse";
  }();
  if (!sparse) return stride;
  constexpr std::uint32_t factor = 61, cap = 1u << 23;
  return stride >= cap / factor ? cap : stride * factor;
}

inline constexpr lowp::rounding all_modes[] = {
    lowp::rounding::nearest_even, lowp::rounding::nearest_away,    lowp::rounding::nearest_zero,
    lowp::rounding::toward_zero,  lowp::rounding::toward_positive, lowp::rounding::toward_negative,
    lowp::rounding::to_odd,       lowp::rounding::stochastic};

inline constexpr lowp::overflow all_overflows[] = {
    lowp::overflow::saturate, lowp::overflow::saturate_keep_inf, lowp::overflow::to_nonfinite,
    lowp::overflow::ieee};

/// The oracle's name of a lowp rounding mode (same order as the enum).
inline oracle::mode to_oracle(lowp::rounding r) {
  constexpr oracle::mode m[] = {oracle::mode::rne, oracle::mode::rna, oracle::mode::rnz,
                                oracle::mode::rz,  oracle::mode::ru,  oracle::mode::rd,
                                oracle::mode::odd, oracle::mode::sr};
  return m[static_cast<int>(r)];
}

/// The oracle's name of a lowp overflow policy (same order as the enum).
inline oracle::ovf to_oracle(lowp::overflow o) {
  constexpr oracle::ovf m[] = {oracle::ovf::sat, oracle::ovf::sat_keep_inf, oracle::ovf::nonfinite,
                               oracle::ovf::ieee};
  return m[static_cast<int>(o)];
}

/// Deterministic 32 random bits for input i (SplitMix64 finaliser).
inline std::uint32_t mix32(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return static_cast<std::uint32_t>((z ^ (z >> 31)) >> 16);
}

/// A varying number of random bits (1..32) for input i.
inline unsigned count_for(std::uint64_t i) {
  constexpr unsigned counts[] = {32, 8, 3, 1, 16, 24};
  return counts[i % 6];
}

/// Collects mismatches from several threads; report() prints the first few and checks.
struct mismatch_log {
  std::atomic<std::uint64_t> count{0};
  std::mutex m;
  std::vector<std::string> first;
  void add(const std::string& s) {
    if (++count <= 8) {
      std::lock_guard<std::mutex> g(m);
      first.push_back(s);
    }
  }
  void report() {
    for (auto& s : first) UNSCOPED_INFO(s);
    CHECK(count.load() == 0);
  }
};

}  // namespace lowp_test
