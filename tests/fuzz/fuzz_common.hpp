// Pieces shared by the libFuzzer targets of tests/fuzz: a reader that takes the fuzzer's bytes
// front to back (the layout of each target is written down in tests/fuzz/README.md, and
// make_seeds.py writes seed files in it), hex and enum names for reports, the ISAs this CPU
// runs, and the one way a target reports a mismatch: print the case, then abort, so that
// libFuzzer saves the input as a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "lowp/core/policy.hpp"
#include "lowp/core/rounding.hpp"
#include "lowp/simd/detect.hpp"
#include "lowp/simd/isa.hpp"
#include "support/bits.hpp"
#include "support/isas.hpp"

namespace lowp_fuzz {

/// Reads the fuzzer's bytes front to back. Past the end every read gives zeros, so any input,
/// however short, is a valid case.
class reader {
 public:
  reader(const std::uint8_t* data, std::size_t size) : p_(data), n_(size) {}

  std::size_t left() const { return n_; }

  std::uint8_t u8() {
    if (n_ == 0) return 0;
    --n_;
    return *p_++;
  }
  std::uint16_t u16() {
    const unsigned lo = u8();
    return static_cast<std::uint16_t>(lo | (unsigned{u8()} << 8));
  }
  std::uint32_t u32() {
    const std::uint32_t lo = u16();
    return lo | (std::uint32_t{u16()} << 16);
  }
  std::uint64_t u64() {
    const std::uint64_t lo = u32();
    return lo | (std::uint64_t{u32()} << 32);
  }
  /// A byte reduced to [0, n) (n >= 1).
  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(u8()) % n; }
  /// A 16-bit value reduced to [0, n) (n >= 1).
  std::size_t pick16(std::size_t n) { return static_cast<std::size_t>(u16()) % n; }
  /// The rest of the bytes.
  std::vector<std::uint8_t> rest() {
    std::vector<std::uint8_t> v(p_, p_ + n_);
    p_ += n_;
    n_ = 0;
    return v;
  }

 private:
  const std::uint8_t* p_;
  std::size_t n_;
};

using lowp_test::f32;

/// The bit pattern of `x` (tests/support/bits.hpp).
inline std::uint32_t bits(float x) { return lowp_test::u32(x); }

inline double f64(std::uint64_t b) {
  double x;
  std::memcpy(&x, &b, 8);
  return x;
}

/// `v` in hex with a 0x prefix.
inline std::string hex(std::uint64_t v) { return "0x" + lowp_test::hex(v); }

/// Whether LOWP_FUZZ_VERBOSE is set: the targets then print each case they run (to see what
/// an input file does: LOWP_FUZZ_VERBOSE=1 fuzz_<name> <file>).
inline bool verbose() {
  static const bool v = std::getenv("LOWP_FUZZ_VERBOSE") != nullptr;
  return v;
}

/// Whether LOWP_FUZZ_AVOID_KNOWN_BUGS is set: the targets then steer their inputs away from
/// the library bugs listed in README.md ("Regressions") that are still open, so that a long
/// run can look for new ones. CTest never sets it (a known bug fails the tests until it is
/// fixed); when a bug is fixed, its avoidance is deleted from the target.
inline bool avoid_known_bugs() {
  static const bool v = std::getenv("LOWP_FUZZ_AVOID_KNOWN_BUGS") != nullptr;
  return v;
}

/// Prints the case when LOWP_FUZZ_VERBOSE is set.
inline void trace(const std::string& what) {
  if (verbose()) std::fprintf(stderr, "lowp fuzz case: %s\n", what.c_str());
}

/// Prints what went wrong and the case, then aborts (libFuzzer keeps the input as a crash).
[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "\n*** lowp fuzz: MISMATCH\n%s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

inline constexpr lowp::rounding all_modes[] = {
    lowp::rounding::nearest_even, lowp::rounding::nearest_away,    lowp::rounding::nearest_zero,
    lowp::rounding::toward_zero,  lowp::rounding::toward_positive, lowp::rounding::toward_negative,
    lowp::rounding::to_odd,       lowp::rounding::stochastic};

inline constexpr lowp::overflow all_overflows[] = {
    lowp::overflow::saturate, lowp::overflow::saturate_keep_inf, lowp::overflow::to_nonfinite,
    lowp::overflow::ieee};

inline constexpr lowp::nan_decoding all_nan_decodings[] = {
    lowp::nan_decoding::keep_sign, lowp::nan_decoding::payload, lowp::nan_decoding::positive,
    lowp::nan_decoding::all_ones, lowp::nan_decoding::bf16_all_ones};

template <std::size_t N>
const char* name_in(std::size_t i, const char* const (&names)[N]) {
  return i < N ? names[i] : "?";
}

inline const char* name_of(lowp::rounding r) {
  static const char* const n[] = {"nearest_even", "nearest_away",    "nearest_zero",
                                  "toward_zero",  "toward_positive", "toward_negative",
                                  "to_odd",       "stochastic"};
  return name_in(static_cast<std::size_t>(r), n);
}

inline const char* name_of(lowp::overflow o) {
  static const char* const n[] = {"saturate", "saturate_keep_inf", "to_nonfinite", "ieee"};
  return name_in(static_cast<std::size_t>(o), n);
}

inline const char* name_of(lowp::nan_decoding d) {
  static const char* const n[] = {"keep_sign", "payload", "positive", "all_ones", "bf16_all_ones"};
  return name_in(static_cast<std::size_t>(d), n);
}

/// Every field of a conversion policy, for reports.
inline std::string describe(const lowp::conversion_policy& p) {
  return std::string("round=") + name_of(p.round) + " over=" + name_of(p.over) +
         " nan=" + std::to_string(static_cast<int>(p.nan)) +
         " no_nan=" + std::to_string(static_cast<int>(p.no_nan)) +
         " no_zero=" + std::to_string(static_cast<int>(p.no_zero)) +
         " negative=" + std::to_string(static_cast<int>(p.negative)) +
         " compat=" + std::to_string(static_cast<int>(p.compat));
}

/// The ISAs this build and CPU run, scalar first (tests/support/isas.hpp), computed once.
inline const std::vector<lowp::simd::isa>& isas() {
  static const std::vector<lowp::simd::isa> v = lowp_test::supported_isas();
  return v;
}

/// Makes `which` the active ISA until the end of the scope (the guard restores the previous one).
struct forced_isa {
  lowp_test::isa_guard guard;
  explicit forced_isa(lowp::simd::isa which) {
    if (!lowp::simd::set_active_isa(which)) fail("cannot activate a supported ISA");
  }
};

}  // namespace lowp_fuzz
