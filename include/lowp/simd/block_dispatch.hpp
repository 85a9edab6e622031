/// \file block_dispatch.hpp
/// The one dispatch point of each block-format kernel: whole blocks on the chosen ISA's kernel
/// when this build has it and the block format is covered, everything else (the padded last
/// block, uncovered formats, the scalar ISA) on the scalar reference.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "lowp/block/reference.hpp"
#include "lowp/simd/avx2/block_kernels.hpp"
#include "lowp/simd/avx512/block_kernels.hpp"
#include "lowp/simd/block_plan.hpp"
#include "lowp/simd/detect.hpp"
#include "lowp/simd/float_env.hpp"
#include "lowp/simd/isa.hpp"
#include "lowp/simd/neon/block_kernels.hpp"

namespace lowp {
namespace simd {

/// Whether the block kernels of an ISA with `lanes` lanes cover block format B.
template <class B>
constexpr bool block_vectorized(std::size_t lanes) noexcept {
  return block_traits<B>::vectorizable && B::block_size % lanes == 0 && B::block_size / lanes <= 64;
}

/// Whether `which` runs a kernel for block format B (otherwise the scalar reference runs).
template <class B>
constexpr bool block_vectorized(isa which) noexcept {
  switch (which) {
#if LOWP_HAVE_AVX512
    case isa::avx512:
      return block_vectorized<B>(avx512::lanes);
#endif
#if LOWP_HAVE_AVX2
    case isa::avx2:
      return block_vectorized<B>(avx2::lanes);
#endif
#if LOWP_HAVE_NEON
    case isa::neon:
      return block_vectorized<B>(neon::lanes);
#endif
    default:
      return false;
  }
}

/// The largest |x| of an array, NaN if it holds one, on ISA `which`.
inline float array_amax(isa which, const float* x, std::size_t n) {
  switch (which) {
#if LOWP_HAVE_AVX512
    case isa::avx512:
      return avx512::array_amax(x, n);
#endif
#if LOWP_HAVE_AVX2
    case isa::avx2:
      return avx2::array_amax(x, n);
#endif
#if LOWP_HAVE_NEON
    case isa::neon:
      return neon::array_amax(x, n);
#endif
    default:
      return blocks::gather_stats(x, n).amax;
  }
}

/// Quantizes blocks [b0, b1) of an n-element array into block format B under tensor scale t
/// (sizes checked by the caller): whole blocks on ISA `which`, the rest on the reference.
template <class B, rounding R>
void quantize_blocks(isa which, const float* in, std::size_t n, std::size_t b0, std::size_t b1,
                     std::uint8_t* elements, typename B::scale_storage* scales,
                     const blocks::tensor_scale_state& t, const blocks::block_options& o) {
  std::size_t done = b0;
  if constexpr (block_traits<B>::vectorizable) {
    const std::size_t whole = std::min(b1, n / B::block_size);
    if (block_vectorized<B>(which) && whole > b0) {
      const block_encode_plan<B> p = make_block_encode_plan<B, R>(t, o);
      const float* x = in + b0 * B::block_size;
      std::uint8_t* e = elements + b0 * B::block_bytes;
      typename B::scale_storage* s = scales + b0;
      const std::uint64_t first = b0 * B::block_size;
      const ieee_denormals env;  // float_env.hpp
      // With no SIMD ISA compiled in (LOWP_SIMD=scalar) the switch below uses none of these.
      static_cast<void>(x), static_cast<void>(e), static_cast<void>(s), static_cast<void>(first);
      switch (which) {
#if LOWP_HAVE_AVX512
        case isa::avx512:
          if constexpr (block_vectorized<B>(avx512::lanes))
            avx512::quantize_blocks<B, R>(x, whole - b0, e, s, p, first);
          break;
#endif
#if LOWP_HAVE_AVX2
        case isa::avx2:
          if constexpr (block_vectorized<B>(avx2::lanes))
            avx2::quantize_blocks<B, R>(x, whole - b0, e, s, p, first);
          break;
#endif
#if LOWP_HAVE_NEON
        case isa::neon:
          if constexpr (block_vectorized<B>(neon::lanes))
            neon::quantize_blocks<B, R>(x, whole - b0, e, s, p, first);
          break;
#endif
        default:
          break;
      }
      done = whole;
    }
  }
  blocks::reference::quantize_blocks<B, R>(in, n, done, b1, elements, scales, t, o);
}

/// Quantizes a whole n-element array (every block).
template <class B, rounding R>
void quantize_blocks(isa which, const float* in, std::size_t n, std::uint8_t* elements,
                     typename B::scale_storage* scales, const blocks::tensor_scale_state& t,
                     const blocks::block_options& o) {
  quantize_blocks<B, R>(which, in, n, 0, blocks::block_count<B>(n), elements, scales, t, o);
}

/// Dequantizes n elements of block format B on ISA `which` (sizes checked by the caller).
template <class B>
void dequantize_blocks(isa which, const std::uint8_t* elements,
                       const typename B::scale_storage* scales, const blocks::tensor_scale_state& t,
                       float* out, std::size_t n) {
  std::size_t done = 0;
  if constexpr (block_traits<B>::vectorizable) {
    if (block_vectorized<B>(which)) {
      const std::size_t whole = n / B::block_size;
      const ieee_denormals env;  // float_env.hpp
      switch (which) {
#if LOWP_HAVE_AVX512
        case isa::avx512:
          if constexpr (block_vectorized<B>(avx512::lanes))
            avx512::dequantize_blocks<B>(elements, scales, t, out, whole);
          break;
#endif
#if LOWP_HAVE_AVX2
        case isa::avx2:
          if constexpr (block_vectorized<B>(avx2::lanes))
            avx2::dequantize_blocks<B>(elements, scales, t, out, whole);
          break;
#endif
#if LOWP_HAVE_NEON
        case isa::neon:
          if constexpr (block_vectorized<B>(neon::lanes))
            neon::dequantize_blocks<B>(elements, scales, t, out, whole);
          break;
#endif
        default:
          break;
      }
      done = whole * B::block_size;
    }
  }
  blocks::reference::dequantize_elements<B>(elements, scales, t, out, done, n);
}

}  // namespace simd
}  // namespace lowp
