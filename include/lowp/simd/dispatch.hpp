/// \file dispatch.hpp
/// The one dispatch point of each conversion kernel: the ISA's kernel when this build has it
/// and the format and policy are vectorized, else the scalar codec.
#pragma once

#include <cstddef>

#include "lowp/simd/avx2/float_kernels.hpp"
#include "lowp/simd/avx512/float_kernels.hpp"
#include "lowp/simd/avx512/packed_kernels.hpp"
#include "lowp/simd/detect.hpp"
#include "lowp/simd/float_env.hpp"
#include "lowp/simd/isa.hpp"
#include "lowp/simd/neon/float_kernels.hpp"
#include "lowp/simd/plan.hpp"
#include "lowp/simd/scalar/float_kernels.hpp"

namespace lowp {
namespace simd {

/// Whether `which` runs a vector kernel for encoding into Fmt under `policy` (otherwise the
/// scalar codec runs).
template <class Fmt>
constexpr bool encode_vectorized(isa which, const conversion_policy& policy) noexcept {
  return which != isa::scalar && compiled(which) && encode_traits<Fmt>::vectorizable &&
         vector_policy(policy);
}

/// Whether the vector decode kernels cover Fmt: a table for 8 bits or fewer, arithmetic for
/// wider IEEE-style formats whose values stay float32 normals or share float32's exponent.
template <class Fmt>
inline constexpr bool decode_vectorizable_v = [] {
  constexpr float_format f = descriptor_v<Fmt>;
  if (total_bits(f) <= 8) return true;
  const bool ieee = f.specials == special_values::ieee && total_bits(f) <= 32;
  const bool float32_exponent = f.exponent_bits == 8 && f.bias == 127;
  return ieee && (float32_exponent || emin(f) - f.mantissa_bits >= -126);
}();

/// Whether `which` runs a vector kernel for decoding Fmt (otherwise the scalar codec runs).
template <class Fmt>
constexpr bool decode_vectorized(isa which) noexcept {
  return which != isa::scalar && compiled(which) && decode_vectorizable_v<Fmt>;
}

/// float32 -> Fmt with rounding R on ISA `which` (which must be supported).
template <class Fmt, rounding R>
void encode_f32(isa which, const float* in, storage_t<Fmt>* out, std::size_t count,
                const encode_plan<Fmt>& p) {
  if constexpr (encode_traits<Fmt>::vectorizable) {
    if (encode_vectorized<Fmt>(which, p.policy)) {
      const ieee_denormals env;  // float_env.hpp
      switch (which) {
#if LOWP_HAVE_AVX512
        case isa::avx512:
          return avx512::encode_f32<Fmt, R>(in, out, count, p);
#endif
#if LOWP_HAVE_AVX2
        case isa::avx2:
          return avx2::encode_f32<Fmt, R>(in, out, count, p);
#endif
#if LOWP_HAVE_NEON
        case isa::neon:
          return neon::encode_f32<Fmt, R>(in, out, count, p);
#endif
        default:
          break;
      }
    }
  }
  scalar::encode_f32<Fmt, R>(in, out, count, p);
}

/// Fmt -> float32 on ISA `which` (which must be supported).
template <class Fmt>
void decode_f32(isa which, const storage_t<Fmt>* in, float* out, std::size_t count,
                nan_decoding how) {
  if constexpr (decode_vectorizable_v<Fmt>) {
    const ieee_denormals env;  // float_env.hpp
    switch (which) {
#if LOWP_HAVE_AVX512
      case isa::avx512:
        return avx512::decode_f32<Fmt>(in, out, count, how);
#endif
#if LOWP_HAVE_AVX2
      case isa::avx2:
        return avx2::decode_f32<Fmt>(in, out, count, how);
#endif
#if LOWP_HAVE_NEON
      case isa::neon:
        return neon::decode_f32<Fmt>(in, out, count, how);
#endif
      default:
        break;
    }
  }
  scalar::decode_f32<Fmt>(in, out, count, how);
}

/// Sub-byte codes packed as a bit stream (block/packing.hpp) -> float32 in one pass on ISA
/// `which`. Returns false, doing nothing, where no such kernel exists (the caller unpacks to
/// a buffer and runs decode_f32).
template <class Fmt>
bool decode_packed_f32(isa which, const std::uint8_t* in, float* out, std::size_t count,
                       nan_decoding how) {
  constexpr int bits = total_bits(descriptor_v<Fmt>);
#if LOWP_HAVE_AVX512
  if constexpr (avx512::unpack_width(bits)) {
    if (which == isa::avx512) {
      avx512::decode_packed<Fmt>(in, out, count, get_byte_planes<Fmt>(how));
      return true;
    }
  }
#endif
  (void)which, (void)in, (void)out, (void)count, (void)how, (void)bits;
  return false;
}

/// float32 -> sub-byte codes packed as a bit stream in one pass on ISA `which`. Returns false,
/// doing nothing, where no such kernel covers the call.
template <class Fmt, rounding R>
bool encode_packed_f32(isa which, const float* in, std::uint8_t* out, std::size_t count,
                       const encode_plan<Fmt>& p) {
  constexpr int bits = total_bits(descriptor_v<Fmt>);
#if LOWP_HAVE_AVX512
  if constexpr (avx512::pack_width(bits) && encode_traits<Fmt>::vectorizable) {
    if (which == isa::avx512 && encode_vectorized<Fmt>(which, p.policy)) {
      avx512::encode_packed<Fmt, R>(in, out, count, p);
      return true;
    }
  }
#endif
  (void)which, (void)in, (void)out, (void)count, (void)p, (void)bits;
  return false;
}

/// Affine integer quantization of `count` values under one parameter set (fp32 quotient:
/// divide, else multiply by fp32(1 / scale)) on ISA `which`. Returns false, doing nothing,
/// where no kernel covers the call (the caller then runs the scalar codec).
template <class Fmt, rounding R>
// ([[maybe_unused]]: with no vector ISA compiled in, LOWP_SIMD=scalar, only `which` is read.)
bool quantize_int_group(isa which, [[maybe_unused]] const float* in,
                        [[maybe_unused]] storage_t<Fmt>* out, [[maybe_unused]] std::size_t count,
                        [[maybe_unused]] float scale, [[maybe_unused]] bool divide,
                        std::int32_t zero_point, [[maybe_unused]] std::int64_t lo,
                        [[maybe_unused]] std::int64_t hi, [[maybe_unused]] std::uint64_t key,
                        [[maybe_unused]] std::uint64_t first,
                        [[maybe_unused]] unsigned random_count) {
  // The kernels stand in 2^25 for every quotient of magnitude 2^24 or more (above 2^24 the
  // lanes cannot hold the integer), which is exact only while each such quotient clamps:
  // hi - zero_point <= 2^24 and zero_point - lo <= 2^24. Bounds and zero point also travel
  // offset by 2^30 in unsigned lanes. Anything else runs the scalar codec.
  constexpr std::int64_t exact = std::int64_t{1} << 24;
  constexpr std::int64_t lane = std::int64_t{1} << 28;
  const std::int64_t zp = zero_point;
  if (zp >= lane || zp <= -lane || lo <= -lane || hi >= lane || hi - zp > exact || zp - lo > exact)
    return false;
  const ieee_denormals env;  // float_env.hpp
  switch (which) {
#if LOWP_HAVE_AVX512
    case isa::avx512:
      avx512::quantize_int_group<Fmt, R>(in, out, count, scale, divide, zero_point, lo, hi, key,
                                         first, random_count);
      return true;
#endif
#if LOWP_HAVE_AVX2
    case isa::avx2:
      avx2::quantize_int_group<Fmt, R>(in, out, count, scale, divide, zero_point, lo, hi, key,
                                       first, random_count);
      return true;
#endif
#if LOWP_HAVE_NEON
    case isa::neon:
      neon::quantize_int_group<Fmt, R>(in, out, count, scale, divide, zero_point, lo, hi, key,
                                       first, random_count);
      return true;
#endif
    default:
      return false;
  }
}

/// Affine integer dequantization of `count` codes under one parameter set on ISA `which`.
/// Returns false where no kernel covers the call.
template <class Fmt>
bool dequantize_int_group(isa which, [[maybe_unused]] const storage_t<Fmt>* in,
                          [[maybe_unused]] float* out, [[maybe_unused]] std::size_t count,
                          [[maybe_unused]] float scale, std::int32_t zero_point) {
  if (zero_point >= (1 << 23) || zero_point <= -(1 << 23)) return false;  // |q - zp| < 2^24
  const ieee_denormals env;                                               // float_env.hpp
  switch (which) {
#if LOWP_HAVE_AVX512
    case isa::avx512:
      avx512::dequantize_int_group<Fmt>(in, out, count, scale, zero_point);
      return true;
#endif
#if LOWP_HAVE_AVX2
    case isa::avx2:
      avx2::dequantize_int_group<Fmt>(in, out, count, scale, zero_point);
      return true;
#endif
#if LOWP_HAVE_NEON
    case isa::neon:
      neon::dequantize_int_group<Fmt>(in, out, count, scale, zero_point);
      return true;
#endif
    default:
      return false;
  }
}

}  // namespace simd
}  // namespace lowp
