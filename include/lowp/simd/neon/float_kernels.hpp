/// \file neon/float_kernels.hpp
/// The float-format conversion kernels compiled for AArch64 NEON (generic/float_kernels.inl,
/// generic/int_kernels.inl).
#pragma once

#include "lowp/format/formats.hpp"
#include "lowp/simd/neon/vec.hpp"
#include "lowp/simd/plan.hpp"

#if LOWP_HAVE_NEON
namespace lowp {
namespace simd {
namespace neon {
#define LOWP_SIMD_FN LOWP_NEON_FN
#define LOWP_SIMD_KERNEL LOWP_NEON_KERNEL
#define LOWP_SIMD_COLD LOWP_NEON_KERNEL __attribute__((noinline, cold))
#include "lowp/simd/generic/float_kernels.inl"
#include "lowp/simd/generic/int_kernels.inl"
#undef LOWP_SIMD_FN
#undef LOWP_SIMD_KERNEL
#undef LOWP_SIMD_COLD
}  // namespace neon
}  // namespace simd
}  // namespace lowp
#endif
