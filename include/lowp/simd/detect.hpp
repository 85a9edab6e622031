/// \file detect.hpp
/// CPU feature detection and the process-wide active ISA (`LOWP_FORCE_ISA` overrides it).
#pragma once

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "lowp/simd/isa.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#endif

namespace lowp {
namespace simd {
namespace detail {

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
struct x86_features {
  bool avx2 = false;
  bool avx512 = false;
  bool avx512_vnni = false;  ///< avx512 plus VNNI (the mpGEMM kernels)
};

inline x86_features probe_x86() noexcept {
  x86_features f;
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid_max(0, nullptr) < 7) return f;
  __cpuid(1, a, b, c, d);
  const bool osxsave = (c & (1u << 27)) != 0;
  const bool fma = (c & (1u << 12)) != 0;
  const bool f16c = (c & (1u << 29)) != 0;
  const bool avx = (c & (1u << 28)) != 0;
  if (!osxsave || !avx) return f;
  // XCR0: the OS saves the YMM (bits 1-2) and ZMM/opmask (bits 5-7) state.
  unsigned xcr0_lo = 0, xcr0_hi = 0;
  __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
  const bool ymm_os = (xcr0_lo & 0x6u) == 0x6u;
  const bool zmm_os = (xcr0_lo & 0xE6u) == 0xE6u;
  __cpuid_count(7, 0, a, b, c, d);
  const bool avx2 = (b & (1u << 5)) != 0;
  const bool bmi1 = (b & (1u << 3)) != 0;
  const bool bmi2 = (b & (1u << 8)) != 0;
  const bool avx512f = (b & (1u << 16)) != 0;
  const bool avx512dq = (b & (1u << 17)) != 0;
  const bool avx512cd = (b & (1u << 28)) != 0;
  const bool avx512bw = (b & (1u << 30)) != 0;
  const bool avx512vl = (b & (1u << 31)) != 0;
  const bool avx512vbmi = (c & (1u << 1)) != 0;
  const bool avx512vnni = (c & (1u << 11)) != 0;
  f.avx2 = ymm_os && avx2 && fma && f16c && bmi1 && bmi2;
  f.avx512 =
      f.avx2 && zmm_os && avx512f && avx512dq && avx512cd && avx512bw && avx512vl && avx512vbmi;
  f.avx512_vnni = f.avx512 && avx512vnni;
  return f;
}

inline const x86_features& x86() noexcept {
  static const x86_features f = probe_x86();
  return f;
}
#endif

}  // namespace detail

/// Whether this build has kernels for `i` and this CPU can run them.
inline bool supported(isa i) noexcept {
  if (!compiled(i)) return false;
  switch (i) {
    case isa::scalar:
      return true;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    case isa::avx2:
      return detail::x86().avx2;
    case isa::avx512:
      return detail::x86().avx512;
#endif
    case isa::neon:
      return LOWP_HAVE_NEON != 0;
    default:
      return false;
  }
}

/// Whether this CPU runs the AVX-512 mpGEMM kernels (the avx512 ISA plus AVX512-VNNI).
inline bool supports_avx512_vnni() noexcept {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  return compiled(isa::avx512) && detail::x86().avx512_vnni;
#else
  return false;
#endif
}

/// The preferred ISA this CPU supports (the last supported entry of all_isas).
inline isa best_isa() noexcept {
  isa best = isa::scalar;
  for (isa i : all_isas)
    if (supported(i)) best = i;
  return best;
}

namespace detail {
/// The ISA chosen at first use: LOWP_FORCE_ISA if set to a supported ISA, else best_isa().
/// A forced ISA that is unknown or unsupported is reported on stderr and ignored.
inline isa initial_isa() noexcept {
  const char* forced = std::getenv("LOWP_FORCE_ISA");
  if (forced == nullptr || *forced == '\0') return best_isa();
  isa i = isa::scalar;
  if (!parse_isa(forced, i)) {
    std::fprintf(stderr, "lowp: LOWP_FORCE_ISA=%s is not an ISA (scalar|avx2|avx512|neon)\n",
                 forced);
    return best_isa();
  }
  if (!supported(i)) {
    std::fprintf(stderr, "lowp: LOWP_FORCE_ISA=%s is not supported here, using %s\n", forced,
                 isa_name(best_isa()));
    return best_isa();
  }
  return i;
}

inline std::atomic<isa>& active_slot() noexcept {
  static std::atomic<isa> slot{initial_isa()};
  return slot;
}
}  // namespace detail

/// The ISA every dispatched kernel uses: chosen once per process (see initial_isa).
inline isa active_isa() noexcept { return detail::active_slot().load(std::memory_order_relaxed); }

/// Switches the active ISA for the whole process (tests, benchmarks). Returns false, and
/// changes nothing, if `i` is not supported here.
inline bool set_active_isa(isa i) noexcept {
  if (!supported(i)) return false;
  detail::active_slot().store(i, std::memory_order_relaxed);
  return true;
}

}  // namespace simd
}  // namespace lowp
