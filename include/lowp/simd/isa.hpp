/// \file isa.hpp
/// Instruction-set tags, the build's SIMD mode and the target attribute of each ISA.
///
/// `LOWP_SIMD_MODE_DYNAMIC` (the default) compiles every kernel the architecture has and picks
/// one at run time; `LOWP_SIMD_MODE_STATIC` compiles only the ISA the compiler flags enable
/// (e.g. -march=native); `LOWP_SIMD_MODE_SCALAR` compiles the scalar codec loops only. CMake sets
/// the macro from the `LOWP_SIMD` cache variable.
#pragma once

#include <cstdint>
#include <cstring>

#include "lowp/config.hpp"

#if !defined(LOWP_SIMD_MODE_DYNAMIC) && !defined(LOWP_SIMD_MODE_STATIC) && \
    !defined(LOWP_SIMD_MODE_SCALAR)
#define LOWP_SIMD_MODE_DYNAMIC 1
#endif

// Which kernel folders this build compiles.
#if defined(LOWP_SIMD_MODE_SCALAR) || !(defined(__GNUC__) || defined(__clang__))
#define LOWP_HAVE_AVX2 0
#define LOWP_HAVE_AVX512 0
#define LOWP_HAVE_NEON 0
#elif defined(__x86_64__)
#if defined(LOWP_SIMD_MODE_STATIC)
#if defined(__AVX2__) && defined(__F16C__) && defined(__FMA__)
#define LOWP_HAVE_AVX2 1
#else
#define LOWP_HAVE_AVX2 0
#endif
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512DQ__) && \
    defined(__AVX512VL__) && defined(__AVX512VBMI__)
#define LOWP_HAVE_AVX512 1
#else
#define LOWP_HAVE_AVX512 0
#endif
#else
#define LOWP_HAVE_AVX2 1
#define LOWP_HAVE_AVX512 1
#endif
#define LOWP_HAVE_NEON 0
#elif defined(__aarch64__)
#define LOWP_HAVE_AVX2 0
#define LOWP_HAVE_AVX512 0
#define LOWP_HAVE_NEON 1  // Advanced SIMD is part of the AArch64 baseline
#else
#define LOWP_HAVE_AVX2 0
#define LOWP_HAVE_AVX512 0
#define LOWP_HAVE_NEON 0
#endif

// Function-level target attributes: kernels need no -m flags.
#define LOWP_TARGET_AVX2 __attribute__((target("avx2,fma,f16c,bmi,bmi2,popcnt")))
#define LOWP_TARGET_AVX512                                                       \
  __attribute__((                                                                \
      target("avx2,fma,f16c,bmi,bmi2,popcnt,avx512f,avx512bw,avx512dq,avx512vl," \
             "avx512vbmi,avx512cd")))

// The mpGEMM kernels' AVX-512 target: the avx512 ISA plus VNNI (vpdpbusd), checked apart.
#define LOWP_TARGET_AVX512_VNNI                                                  \
  __attribute__((                                                                \
      target("avx2,fma,f16c,bmi,bmi2,popcnt,avx512f,avx512bw,avx512dq,avx512vl," \
             "avx512vbmi,avx512cd,avx512vnni")))

namespace lowp {
namespace simd {

/// An instruction set lowp has kernels for. Later entries are preferred when supported.
enum class isa : std::uint8_t {
  scalar,  ///< the scalar codec, element by element (always available)
  avx2,    ///< x86-64 AVX2 + FMA + F16C (Haswell, Zen 1 and later)
  avx512,  ///< x86-64 AVX-512 F/BW/DQ/VL/VBMI (Ice Lake, Zen 4 and later)
  neon,    ///< AArch64 Advanced SIMD
};

/// Every ISA, in order of preference (lowest first).
inline constexpr isa all_isas[] = {isa::scalar, isa::avx2, isa::avx512, isa::neon};

/// The lower-case name of an ISA ("scalar", "avx2", "avx512", "neon").
constexpr const char* isa_name(isa i) noexcept {
  switch (i) {
    case isa::scalar:
      return "scalar";
    case isa::avx2:
      return "avx2";
    case isa::avx512:
      return "avx512";
    case isa::neon:
      return "neon";
  }
  return "?";
}

/// Parses an ISA name (as written by isa_name); false if the name is unknown.
inline bool parse_isa(const char* name, isa& out) noexcept {
  for (isa i : all_isas) {
    if (std::strcmp(name, isa_name(i)) == 0) {
      out = i;
      return true;
    }
  }
  return false;
}

/// Whether this build contains kernels for `i` (independent of the CPU).
constexpr bool compiled(isa i) noexcept {
  return i == isa::scalar || (i == isa::avx2 && LOWP_HAVE_AVX2 != 0) ||
         (i == isa::avx512 && LOWP_HAVE_AVX512 != 0) || (i == isa::neon && LOWP_HAVE_NEON != 0);
}

}  // namespace simd
}  // namespace lowp
