/// \file avx2/block_kernels.hpp
/// The block-format kernels compiled for AVX2 (generic/block_kernels.inl).
#pragma once

#include <cstring>
#include <limits>

#include "lowp/block/packing.hpp"
#include "lowp/simd/avx2/float_kernels.hpp"
#include "lowp/simd/avx2/vec.hpp"
#include "lowp/simd/block_plan.hpp"

#if LOWP_HAVE_AVX2
namespace lowp {
namespace simd {
namespace avx2 {
#define LOWP_SIMD_FN LOWP_AVX2_FN
#define LOWP_SIMD_KERNEL LOWP_AVX2_KERNEL
#define LOWP_SIMD_COLD LOWP_AVX2_KERNEL __attribute__((noinline, cold))
#define LOWP_SIMD_OUTLINE LOWP_AVX2_KERNEL __attribute__((noinline))
#include "lowp/simd/generic/block_kernels.inl"
#undef LOWP_SIMD_FN
#undef LOWP_SIMD_KERNEL
#undef LOWP_SIMD_COLD
#undef LOWP_SIMD_OUTLINE
}  // namespace avx2
}  // namespace simd
}  // namespace lowp
#endif
