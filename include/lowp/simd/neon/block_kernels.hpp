/// \file neon/block_kernels.hpp
/// The block-format kernels compiled for NEON (generic/block_kernels.inl).
#pragma once

#include <cstring>
#include <limits>

#include "lowp/block/packing.hpp"
#include "lowp/simd/block_plan.hpp"
#include "lowp/simd/neon/float_kernels.hpp"
#include "lowp/simd/neon/vec.hpp"

#if LOWP_HAVE_NEON
namespace lowp {
namespace simd {
namespace neon {
#define LOWP_SIMD_FN LOWP_NEON_FN
#define LOWP_SIMD_KERNEL LOWP_NEON_KERNEL
#define LOWP_SIMD_COLD LOWP_NEON_KERNEL __attribute__((noinline, cold))
#define LOWP_SIMD_OUTLINE LOWP_NEON_KERNEL __attribute__((noinline))
#include "lowp/simd/generic/block_kernels.inl"
#undef LOWP_SIMD_FN
#undef LOWP_SIMD_KERNEL
#undef LOWP_SIMD_COLD
#undef LOWP_SIMD_OUTLINE
}  // namespace neon
}  // namespace simd
}  // namespace lowp
#endif
