/// \file scalar/float_kernels.hpp
/// The scalar path: the codec called element by element (the reference every ISA matches).
#pragma once

#include <cstddef>
#include <cstdint>

#include "lowp/codec/float_codec.hpp"
#include "lowp/core/random.hpp"
#include "lowp/simd/plan.hpp"

namespace lowp {
namespace simd {
namespace scalar {

/// float32 -> Fmt for `count` elements under plan p.
template <class Fmt, rounding R>
void encode_f32(const float* in, storage_t<Fmt>* out, std::size_t count,
                const encode_plan<Fmt>& p) {
  const conversion_policy policy = p.policy.with(R);
  for (std::size_t i = 0; i < count; ++i) {
    const random_bits rb{lowp::detail::counter_bits_keyed(p.key, p.first_index + i),
                         p.random_count};
    out[i] = encode_as<Fmt>(in[i], policy, rb);
  }
}

/// Fmt -> float32 for `count` elements.
template <class Fmt>
void decode_f32(const storage_t<Fmt>* in, float* out, std::size_t count, nan_decoding how) {
  for (std::size_t i = 0; i < count; ++i) out[i] = decode_as<Fmt>(in[i], how);
}

}  // namespace scalar
}  // namespace simd
}  // namespace lowp
