/// \file convert.hpp
/// Array conversions between float32 and element formats: one code per storage element, or
/// sub-byte codes packed into bytes. They run the active ISA's kernel (simd/dispatch.hpp) and
/// are bit-identical to the scalar codec on every ISA, thread count and chunking.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "lowp/block/packing.hpp"
#include "lowp/codec/float_codec.hpp"
#include "lowp/core/parallel.hpp"
#include "lowp/core/policy.hpp"
#include "lowp/core/span.hpp"
#include "lowp/simd/dispatch.hpp"

namespace lowp {

/// Per-call options of the array conversions.
struct array_options {
  /// Stochastic rounding: element i uses counter_bits(seed, first_index + i).
  std::uint64_t seed = 0;
  unsigned random_count = 32;     ///< stochastic rounding: random bits per element (1..32)
  std::uint64_t first_index = 0;  ///< stream position of element 0 (for arrays in pieces)
  nan_decoding nan = nan_decoding::keep_sign;  ///< dequantize: float32 bits of NaN codes
};

/// Bytes that `count` packed codes of Fmt occupy (little-endian bit stream, as
/// blocks::element_order::sequential: 4-bit code 2i in the low nibble of byte i).
template <class Fmt>
constexpr std::size_t packed_bytes(std::size_t count) noexcept {
  constexpr auto bits = static_cast<std::size_t>(total_bits(descriptor_v<Fmt>));
  return (count / 8) * bits + ((count % 8) * bits + 7) / 8;
}

namespace detail {

/// storage_t<Fmt> for float formats; no member otherwise, so that these overloads drop out of
/// overload sets (e.g. when argument-dependent lookup meets blocks::quantize).
template <class Fmt, bool = is_float_format_v<Fmt>>
struct float_storage {};
template <class Fmt>
struct float_storage<Fmt, true> {
  using type = storage_t<Fmt>;
};
template <class Fmt>
using float_storage_t = typename float_storage<Fmt>::type;

/// span<float> for float formats only (as float_storage_t: block formats drop out).
template <class Fmt>
using float_values_t = span<std::conditional_t<true, float, float_storage_t<Fmt>>>;

inline void check_sizes(std::size_t in, std::size_t out, const char* what) {
  if (in != out)
    throw std::invalid_argument(std::string("lowp: ") + what + ": input has " + std::to_string(in) +
                                " elements, output " + std::to_string(out));
}

/// Encodes [in, in + count) with the plan's rounding mode on the active ISA.
template <class Fmt>
void encode_runtime(const float* in, storage_t<Fmt>* out, std::size_t count,
                    const simd::encode_plan<Fmt>& p) {
  const simd::isa which = simd::active_isa();
  // A plain switch, not with_rounding: through the generic lambda GCC stops inlining the
  // scalar codec into its loop (the scalar path ran at half speed).
  switch (p.policy.round) {
    case rounding::nearest_even:
      return simd::encode_f32<Fmt, rounding::nearest_even>(which, in, out, count, p);
    case rounding::nearest_away:
      return simd::encode_f32<Fmt, rounding::nearest_away>(which, in, out, count, p);
    case rounding::nearest_zero:
      return simd::encode_f32<Fmt, rounding::nearest_zero>(which, in, out, count, p);
    case rounding::toward_zero:
      return simd::encode_f32<Fmt, rounding::toward_zero>(which, in, out, count, p);
    case rounding::toward_positive:
      return simd::encode_f32<Fmt, rounding::toward_positive>(which, in, out, count, p);
    case rounding::toward_negative:
      return simd::encode_f32<Fmt, rounding::toward_negative>(which, in, out, count, p);
    case rounding::to_odd:
      return simd::encode_f32<Fmt, rounding::to_odd>(which, in, out, count, p);
    case rounding::stochastic:
      return simd::encode_f32<Fmt, rounding::stochastic>(which, in, out, count, p);
  }
}

/// Encodes [in, in + count) into a packed bit stream in one pass where the active ISA has
/// such a kernel; returns false, doing nothing, otherwise.
template <class Fmt>
bool encode_packed_runtime(const float* in, std::uint8_t* out, std::size_t count,
                           const simd::encode_plan<Fmt>& p) {
  const simd::isa which = simd::active_isa();
  return with_rounding(p.policy.round, [&](auto mode) {
    return simd::encode_packed_f32<Fmt, decltype(mode)::value>(which, in, out, count, p);
  });
}

/// Elements per chunk of the packed conversions (a multiple of 8: chunks start on bytes).
inline constexpr std::size_t packed_chunk = 2048;

template <class Fmt>
void quantize_span(span<const float> in, span<storage_t<Fmt>> out, const conversion_policy& policy,
                   const array_options& opt, std::size_t begin, std::size_t end) {
  const auto plan =
      simd::make_encode_plan<Fmt>(policy, opt.seed, opt.random_count, opt.first_index + begin);
  encode_runtime<Fmt>(in.data() + begin, out.data() + begin, end - begin, plan);
}

template <class Fmt>
void quantize_packed_span(span<const float> in, span<std::uint8_t> out,
                          const conversion_policy& policy, const array_options& opt,
                          std::size_t begin, std::size_t end) {
  constexpr int bits = total_bits(descriptor_v<Fmt>);
  alignas(64) std::uint8_t codes[packed_chunk];
  auto plan = simd::make_encode_plan<Fmt>(policy, opt.seed, opt.random_count);
  plan.first_index = opt.first_index + begin;
  if (encode_packed_runtime<Fmt>(in.data() + begin, out.data() + packed_bytes<Fmt>(begin),
                                 end - begin, plan))
    return;
  for (std::size_t at = begin; at < end; at += packed_chunk) {
    const std::size_t n = std::min(packed_chunk, end - at);
    plan.first_index = opt.first_index + at;
    encode_runtime<Fmt>(in.data() + at, codes, n, plan);
    blocks::detail::pack_codes(codes, n, bits, out.data() + packed_bytes<Fmt>(at));
  }
}

template <class Fmt>
void fake_quantize_span(span<const float> in, span<float> out, const conversion_policy& policy,
                        const array_options& opt, std::size_t begin, std::size_t end) {
  alignas(64) storage_t<Fmt> codes[packed_chunk];
  const simd::isa which = simd::active_isa();
  auto plan = simd::make_encode_plan<Fmt>(policy, opt.seed, opt.random_count);
  for (std::size_t at = begin; at < end; at += packed_chunk) {
    const std::size_t n = std::min(packed_chunk, end - at);
    plan.first_index = opt.first_index + at;
    encode_runtime<Fmt>(in.data() + at, codes, n, plan);
    simd::decode_f32<Fmt>(which, codes, out.data() + at, n, opt.nan);
  }
}

template <class Fmt>
void dequantize_packed_span(span<const std::uint8_t> in, span<float> out, nan_decoding how,
                            std::size_t begin, std::size_t end) {
  constexpr int bits = total_bits(descriptor_v<Fmt>);
  alignas(64) std::uint8_t codes[packed_chunk];
  const simd::isa which = simd::active_isa();
  if (simd::decode_packed_f32<Fmt>(which, in.data() + packed_bytes<Fmt>(begin), out.data() + begin,
                                   end - begin, how))
    return;
  for (std::size_t at = begin; at < end; at += packed_chunk) {
    const std::size_t n = std::min(packed_chunk, end - at);
    blocks::detail::unpack_codes(in.data() + packed_bytes<Fmt>(at), n, bits, codes);
    simd::decode_f32<Fmt>(which, codes, out.data() + at, n, how);
  }
}

template <class Fmt>
constexpr void require_float_format() noexcept {
  static_assert(is_float_format_v<Fmt>,
                "lowp: quantize/dequantize take a float format (integers: quantize_int)");
}

template <class Fmt>
constexpr void require_sub_byte() noexcept {
  require_float_format<Fmt>();
  static_assert(total_bits(descriptor_v<Fmt>) < 8,
                "lowp: the packed overloads are for formats narrower than 8 bits");
}

}  // namespace detail

/// Quantizes float32 to Fmt under a full conversion policy, one code per storage element.
/// Throws std::invalid_argument if the sizes differ.
template <class Fmt>
void quantize_as(span<const float> in, span<detail::float_storage_t<Fmt>> out,
                 const conversion_policy& policy, const array_options& opt = {}) {
  detail::require_float_format<Fmt>();
  detail::check_sizes(in.size(), out.size(), "quantize");
  detail::quantize_span<Fmt>(in, out, policy, opt, 0, in.size());
}

/// quantize_as on several threads (identical result).
template <class Fmt>
void quantize_as(const parallel& par, span<const float> in, span<detail::float_storage_t<Fmt>> out,
                 const conversion_policy& policy, const array_options& opt = {}) {
  detail::require_float_format<Fmt>();
  detail::check_sizes(in.size(), out.size(), "quantize");
  detail::run_parallel(par, in.size(), 64, [&](std::size_t b, std::size_t e) {
    detail::quantize_span<Fmt>(in, out, policy, opt, b, e);
  });
}

/// Quantizes float32 to Fmt with rounding R and overflow O, one code per storage element
/// (every other policy at its default; rounding::stochastic takes its seed from `opt`).
template <class Fmt, rounding R = rounding::nearest_even, overflow O = default_overflow_v<Fmt>>
void quantize(span<const float> in, span<detail::float_storage_t<Fmt>> out,
              const array_options& opt = {}) {
  quantize_as<Fmt>(in, out, conversion_policy{}.with(R).with(O), opt);
}

/// quantize on several threads (identical result).
template <class Fmt, rounding R = rounding::nearest_even, overflow O = default_overflow_v<Fmt>>
void quantize(const parallel& par, span<const float> in, span<detail::float_storage_t<Fmt>> out,
              const array_options& opt = {}) {
  quantize_as<Fmt>(par, in, out, conversion_policy{}.with(R).with(O), opt);
}

/// Decodes codes of Fmt to float32 (exact; NaN codes as opt.nan says).
template <class Fmt>
void dequantize(span<const detail::float_storage_t<Fmt>> in, span<float> out,
                const array_options& opt = {}) {
  detail::require_float_format<Fmt>();
  detail::check_sizes(in.size(), out.size(), "dequantize");
  simd::decode_f32<Fmt>(simd::active_isa(), in.data(), out.data(), in.size(), opt.nan);
}

/// dequantize on several threads (identical result).
template <class Fmt>
void dequantize(const parallel& par, span<const detail::float_storage_t<Fmt>> in, span<float> out,
                const array_options& opt = {}) {
  detail::require_float_format<Fmt>();
  detail::check_sizes(in.size(), out.size(), "dequantize");
  const simd::isa which = simd::active_isa();
  detail::run_parallel(par, in.size(), 64, [&](std::size_t b, std::size_t e) {
    simd::decode_f32<Fmt>(which, in.data() + b, out.data() + b, e - b, opt.nan);
  });
}

/// Quantizes float32 to a sub-byte Fmt under a full policy, packed: out.size() must be
/// packed_bytes<Fmt>(in.size()) (std::invalid_argument otherwise); unused high bits of the
/// last byte are 0.
template <class Fmt>
void quantize_packed_as(span<const float> in, span<std::uint8_t> out,
                        const conversion_policy& policy, const array_options& opt = {}) {
  detail::require_sub_byte<Fmt>();
  detail::check_sizes(packed_bytes<Fmt>(in.size()), out.size(), "quantize_packed (bytes)");
  detail::quantize_packed_span<Fmt>(in, out, policy, opt, 0, in.size());
}

/// quantize_packed_as on several threads (identical result).
template <class Fmt>
void quantize_packed_as(const parallel& par, span<const float> in, span<std::uint8_t> out,
                        const conversion_policy& policy, const array_options& opt = {}) {
  detail::require_sub_byte<Fmt>();
  detail::check_sizes(packed_bytes<Fmt>(in.size()), out.size(), "quantize_packed (bytes)");
  detail::run_parallel(par, in.size(), detail::packed_chunk, [&](std::size_t b, std::size_t e) {
    detail::quantize_packed_span<Fmt>(in, out, policy, opt, b, e);
  });
}

/// Quantizes float32 to a sub-byte Fmt with rounding R and overflow O, packed.
template <class Fmt, rounding R = rounding::nearest_even, overflow O = default_overflow_v<Fmt>>
void quantize_packed(span<const float> in, span<std::uint8_t> out, const array_options& opt = {}) {
  quantize_packed_as<Fmt>(in, out, conversion_policy{}.with(R).with(O), opt);
}

/// quantize_packed on several threads (identical result).
template <class Fmt, rounding R = rounding::nearest_even, overflow O = default_overflow_v<Fmt>>
void quantize_packed(const parallel& par, span<const float> in, span<std::uint8_t> out,
                     const array_options& opt = {}) {
  quantize_packed_as<Fmt>(par, in, out, conversion_policy{}.with(R).with(O), opt);
}

/// Decodes out.size() packed codes of a sub-byte Fmt; in.size() must be
/// packed_bytes<Fmt>(out.size()).
template <class Fmt>
void dequantize_packed(span<const std::uint8_t> in, span<float> out,
                       const array_options& opt = {}) {
  detail::require_sub_byte<Fmt>();
  detail::check_sizes(in.size(), packed_bytes<Fmt>(out.size()), "dequantize_packed (bytes)");
  detail::dequantize_packed_span<Fmt>(in, out, opt.nan, 0, out.size());
}

/// dequantize_packed on several threads (identical result).
template <class Fmt>
void dequantize_packed(const parallel& par, span<const std::uint8_t> in, span<float> out,
                       const array_options& opt = {}) {
  detail::require_sub_byte<Fmt>();
  detail::check_sizes(in.size(), packed_bytes<Fmt>(out.size()), "dequantize_packed (bytes)");
  detail::run_parallel(par, out.size(), detail::packed_chunk, [&](std::size_t b, std::size_t e) {
    detail::dequantize_packed_span<Fmt>(in, out, opt.nan, b, e);
  });
}

/// quantize then dequantize in one pass, through a small buffer: the float32 values Fmt gives
/// the inputs under a full policy (NaN codes decode as opt.nan says). `out` may be `in`.
/// Throws std::invalid_argument if the sizes differ.
template <class Fmt>
void fake_quantize_as(span<const float> in, detail::float_values_t<Fmt> out,
                      const conversion_policy& policy, const array_options& opt = {}) {
  detail::require_float_format<Fmt>();
  detail::check_sizes(in.size(), out.size(), "fake_quantize");
  detail::fake_quantize_span<Fmt>(in, out, policy, opt, 0, in.size());
}

/// fake_quantize_as on several threads (identical result).
template <class Fmt>
void fake_quantize_as(const parallel& par, span<const float> in, detail::float_values_t<Fmt> out,
                      const conversion_policy& policy, const array_options& opt = {}) {
  detail::require_float_format<Fmt>();
  detail::check_sizes(in.size(), out.size(), "fake_quantize");
  detail::run_parallel(par, in.size(), 1, [&](std::size_t b, std::size_t e) {
    detail::fake_quantize_span<Fmt>(in, out, policy, opt, b, e);
  });
}

/// quantize then dequantize with rounding R and overflow O, in one pass.
template <class Fmt, rounding R = rounding::nearest_even, overflow O = default_overflow_v<Fmt>>
void fake_quantize(span<const float> in, detail::float_values_t<Fmt> out,
                   const array_options& opt = {}) {
  fake_quantize_as<Fmt>(in, out, conversion_policy{}.with(R).with(O), opt);
}

/// fake_quantize on several threads (identical result).
template <class Fmt, rounding R = rounding::nearest_even, overflow O = default_overflow_v<Fmt>>
void fake_quantize(const parallel& par, span<const float> in, detail::float_values_t<Fmt> out,
                   const array_options& opt = {}) {
  fake_quantize_as<Fmt>(par, in, out, conversion_policy{}.with(R).with(O), opt);
}

}  // namespace lowp
