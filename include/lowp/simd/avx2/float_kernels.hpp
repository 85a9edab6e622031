/// \file avx2/float_kernels.hpp
/// The float-format conversion kernels compiled for AVX2 (generic/float_kernels.inl,
/// generic/int_kernels.inl).
#pragma once

#include "lowp/format/formats.hpp"
#include "lowp/simd/avx2/vec.hpp"
#include "lowp/simd/plan.hpp"

#if LOWP_HAVE_AVX2
namespace lowp {
namespace simd {
namespace avx2 {
#define LOWP_SIMD_FN LOWP_AVX2_FN
#define LOWP_SIMD_KERNEL LOWP_AVX2_KERNEL
#define LOWP_SIMD_COLD LOWP_AVX2_KERNEL __attribute__((noinline, cold))
#include "lowp/simd/generic/float_kernels.inl"
#include "lowp/simd/generic/int_kernels.inl"
#undef LOWP_SIMD_FN
#undef LOWP_SIMD_KERNEL
#undef LOWP_SIMD_COLD
}  // namespace avx2
}  // namespace simd
}  // namespace lowp
#endif
