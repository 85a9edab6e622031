/// \file float_env.hpp
/// The floating-point environment the vector kernels need: denormals as IEEE 754 defines them.
/// Programs built with -ffast-math start with flush-to-zero and denormals-are-zero set (x86
/// MXCSR.FTZ/DAZ, AArch64 FPCR.FZ), which would turn float32 subnormal operands and results of
/// the kernels' float operations into zeros (a subnormal element times a block's factor of
/// 2^127, a small element value times a scale of 2^-127). Each dispatch point holds an
/// ieee_denormals guard while a kernel runs; the scalar reference uses integer arithmetic only.
#pragma once

#include <cstdint>

#include "lowp/simd/isa.hpp"

#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64)
#include <xmmintrin.h>
#define LOWP_FLOAT_ENV_X86 1
#elif defined(__aarch64__)
#define LOWP_FLOAT_ENV_A64 1
#endif

namespace lowp {
namespace simd {

/// Clears flush-to-zero and denormals-are-zero for its lifetime and then restores the
/// caller's setting (the calling thread's control register only; nothing when both are off).
class ieee_denormals {
 public:
  ieee_denormals() noexcept {
#if defined(LOWP_FLOAT_ENV_X86)
    saved_ = _mm_getcsr();
    if ((saved_ & mxcsr_bits) != 0) _mm_setcsr(saved_ & ~mxcsr_bits);
#elif defined(LOWP_FLOAT_ENV_A64)
    std::uint64_t fpcr = 0;
    __asm__ __volatile__("mrs %0, fpcr" : "=r"(fpcr));
    saved_ = fpcr;
    if ((fpcr & fpcr_fz) != 0) __asm__ __volatile__("msr fpcr, %0" : : "r"(fpcr & ~fpcr_fz));
#endif
  }
  ~ieee_denormals() {
#if defined(LOWP_FLOAT_ENV_X86)
    if ((saved_ & mxcsr_bits) != 0) _mm_setcsr(saved_);
#elif defined(LOWP_FLOAT_ENV_A64)
    if ((saved_ & fpcr_fz) != 0) __asm__ __volatile__("msr fpcr, %0" : : "r"(saved_));
#endif
  }
  ieee_denormals(const ieee_denormals&) = delete;
  ieee_denormals& operator=(const ieee_denormals&) = delete;

 private:
#if defined(LOWP_FLOAT_ENV_X86)
  static constexpr unsigned mxcsr_bits = 0x8040u;  ///< FTZ (bit 15) | DAZ (bit 6)
  unsigned saved_ = 0;
#elif defined(LOWP_FLOAT_ENV_A64)
  static constexpr std::uint64_t fpcr_fz = std::uint64_t{1} << 24;  ///< FPCR.FZ
  std::uint64_t saved_ = 0;
#endif
};

}  // namespace simd
}  // namespace lowp
