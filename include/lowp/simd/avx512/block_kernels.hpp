/// \file avx512/block_kernels.hpp
/// The block-format kernels compiled for AVX-512 (generic/block_kernels.inl).
#pragma once

#include <cstring>
#include <limits>

#include "lowp/block/packing.hpp"
#include "lowp/simd/avx512/float_kernels.hpp"
#include "lowp/simd/avx512/packed_kernels.hpp"
#include "lowp/simd/avx512/vec.hpp"
#include "lowp/simd/block_plan.hpp"

#if LOWP_HAVE_AVX512
namespace lowp {
namespace simd {
namespace avx512 {
#define LOWP_SIMD_FN LOWP_AVX512_FN
#define LOWP_SIMD_KERNEL LOWP_AVX512_KERNEL
#define LOWP_SIMD_COLD LOWP_AVX512_KERNEL __attribute__((noinline, cold))
#define LOWP_SIMD_OUTLINE LOWP_AVX512_KERNEL __attribute__((noinline))
#include "lowp/simd/generic/block_kernels.inl"
#undef LOWP_SIMD_FN
#undef LOWP_SIMD_KERNEL
#undef LOWP_SIMD_COLD
#undef LOWP_SIMD_OUTLINE
}  // namespace avx512
}  // namespace simd
}  // namespace lowp
#endif
