// Parity of the block-format kernels (simd/block_dispatch.hpp) with the scalar reference
// (block/reference.hpp): every ISA this machine runs, called explicitly, must write the
// reference's element bytes and scale codes byte for byte, and decode to the reference's
// float32 bit patterns. Inputs are stratified per block: random magnitudes across the whole
// float32 range (subnormal maxima included), values on and between the element grid (ties),
// maxima a few ulps below powers of two, all-zero blocks, NaN and inf inside blocks, blocks
// whose small elements underflow under the scale, and raw random bit patterns; lengths are
// odd (a padded last block) and guard bytes after every output must stay untouched.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define LOWP_TEST_MXCSR 1
#endif

#include "lowp/array/convert.hpp"
#include "lowp/block/codec.hpp"
#include "lowp/codec/quantize_int.hpp"
#include "lowp/simd/block_dispatch.hpp"
#include "support/bits.hpp"
#include "support/catch.hpp"
#include "support/isas.hpp"

namespace {

namespace simd = lowp::simd;
namespace blk = lowp::blocks;
using lowp::rounding;

/// The vector ISAs this build and CPU run (each is compared with the scalar reference).
std::vector<simd::isa> vector_isas() {
  return lowp_test::supported_isas(lowp_test::scalar_path::exclude);
}

using lowp_test::f32;
using lowp_test::u32;

/// Stratified block inputs (n values, blocks of `bs`); `finite` leaves out NaN and inf.
std::vector<float> block_inputs(std::size_t n, std::size_t bs, std::uint64_t seed, bool finite) {
  std::mt19937_64 rng(seed);
  std::vector<float> x(n);
  auto pick = [&](std::uint64_t k) { return static_cast<std::uint32_t>(rng() % k); };
  for (std::size_t b0 = 0; b0 < n; b0 += bs) {
    const std::size_t b1 = b0 + bs < n ? b0 + bs : n;
    const int kind = static_cast<int>(pick(10));
    const int e = static_cast<int>(pick(280)) - 150;  // block binade: subnormal .. huge
    for (std::size_t i = b0; i < b1; ++i) {
      const std::uint32_t sign = static_cast<std::uint32_t>(rng() & 1u) << 31;
      float v = 0.0f;
      switch (kind) {
        case 0:  // random values within a few binades below 2^e
          v = std::ldexp(std::ldexp(static_cast<float>(rng() >> 40), -24),
                         e - static_cast<int>(pick(6)));
          break;
        case 1:  // short mantissas: element grid points and midpoints (ties) under the scale
          v = std::ldexp(static_cast<float>(pick(64)), e - 6);
          break;
        case 2:  // zeros of both signs
          v = 0.0f;
          break;
        case 3:  // maxima a few ulps below a power of two
          v = f32((static_cast<std::uint32_t>(std::clamp(e + 127, 1, 254)) << 23) |
                  (0x7FFFFFu - pick(300)));
          break;
        case 4:  // a wide spread: small elements underflow under the scale
          v = std::ldexp(1.0f + static_cast<float>(pick(8)) / 8.0f,
                         e - static_cast<int>(pick(160)));
          break;
        case 5:  // raw bit patterns
          v = f32(static_cast<std::uint32_t>(rng()));
          if (finite && !std::isfinite(v)) v = 1.0f;
          break;
        case 6:  // NaN or inf somewhere in a normal block
          v = std::ldexp(static_cast<float>(pick(1000) + 1), e / 4 - 10);
          break;
        case 7:  // float32 subnormal blocks
          v = f32(pick(1u << 23));
          break;
        case 8:  // zeros under a maximum in float32's lowest normal binades: ggml's
                 // d = amax / 127 is subnormal there, so 1 / d overflows to inf
          v = pick(2) != 0 ? 0.0f
                           : std::ldexp(1.0f + static_cast<float>(pick(8)) / 8.0f, -126 + (e & 3));
          break;
        default:  // ordinary data
          v = std::ldexp(static_cast<float>(rng() >> 40), -24 - static_cast<int>(pick(3)));
          break;
      }
      x[i] = f32(u32(v) | sign);
    }
    if (kind == 6 && !finite) {
      const std::size_t at = b0 + pick(static_cast<std::uint64_t>(b1 - b0));
      const std::uint32_t specials[] = {0x7F800000u, 0xFF800000u, 0x7FC00000u, 0xFFC00001u,
                                        0x7F800001u};
      x[at] = f32(specials[pick(5)]);
    }
  }
  return x;
}

constexpr std::uint8_t guard = 0xA5;
constexpr std::size_t guard_bytes = 64;

/// Quantizes with the reference and with each vector ISA; compares bytes and guards.
template <class B, rounding R>
void check_quantize(const char* name, const std::vector<float>& x, const blk::block_options& o) {
  using S = typename B::scale_storage;
  const std::size_t nb = blk::block_count<B>(x.size());
  blk::tensor_scale_state t;
  if constexpr (B::two_level)
    t = B::scale_rule::template tensor<B>(
        o.tensor_amax ? *o.tensor_amax : blk::gather_stats(x.data(), x.size()).amax);
  std::vector<std::uint8_t> ref_e(nb * B::block_bytes, 0);
  std::vector<S> ref_s(nb, 0);
  bool ref_threw = false;
  try {
    blk::reference::quantize_blocks<B, R>(x.data(), x.size(), 0, nb, ref_e.data(), ref_s.data(), t,
                                          o);
  } catch (const std::domain_error&) {
    ref_threw = true;
  }
  for (simd::isa which : vector_isas()) {
    INFO(name << " isa=" << simd::isa_name(which) << " round=" << static_cast<int>(R)
              << " n=" << x.size() << " zeros=" << static_cast<int>(o.zeros) << " specials="
              << static_cast<int>(o.specials) << " random_count=" << o.random_count);
    std::vector<std::uint8_t> e(nb * B::block_bytes + guard_bytes, guard);
    std::vector<S> s(nb + guard_bytes / sizeof(S) + 1, static_cast<S>(0xA5A5));
    std::fill(e.begin(), e.begin() + static_cast<std::ptrdiff_t>(nb * B::block_bytes), 0);
    bool threw = false;
    try {
      simd::quantize_blocks<B, R>(which, x.data(), x.size(), e.data(), s.data(), t, o);
    } catch (const std::domain_error&) {
      threw = true;
    }
    CHECK(threw == ref_threw);
    if (threw || ref_threw) continue;
    std::size_t bad_e = 0;
    std::size_t first_bad = 0;
    for (std::size_t i = 0; i < ref_e.size(); ++i)
      if (e[i] != ref_e[i] && bad_e++ == 0) first_bad = i;
    std::size_t bad_s = 0;
    std::size_t first_bad_s = 0;
    for (std::size_t b = 0; b < nb; ++b)
      if (s[b] != ref_s[b] && bad_s++ == 0) first_bad_s = b;
    INFO("first element byte mismatch at " << first_bad << " (block " << first_bad / B::block_bytes
                                           << ")");
    INFO("first scale mismatch at block " << first_bad_s);
    CHECK(bad_e == 0);
    CHECK(bad_s == 0);
    for (std::size_t i = ref_e.size(); i < e.size(); ++i) REQUIRE(e[i] == guard);
    for (std::size_t b = nb; b < s.size(); ++b) REQUIRE(s[b] == static_cast<S>(0xA5A5));
  }
}

/// Decodes random element bytes and every scale code with the reference and each vector ISA.
template <class B>
void check_dequantize(const char* name, std::size_t n, std::uint64_t seed,
                      const blk::tensor_scale_state& t) {
  using S = typename B::scale_storage;
  std::mt19937_64 rng(seed);
  const std::size_t nb = blk::block_count<B>(n);
  std::vector<std::uint8_t> e(nb * B::block_bytes);
  for (auto& v : e) v = static_cast<std::uint8_t>(rng());
  std::vector<S> s(nb);
  for (std::size_t b = 0; b < nb; ++b)
    s[b] = static_cast<S>(b < 256 ? b : rng());  // every 8-bit scale code, then random
  if constexpr (sizeof(S) == 2) {
    // Non-finite binary16 scales (ggml): infinities times zero elements give NaN. The
    // infinities have a group of blocks without NaN scales to themselves.
    const std::size_t at[] = {256, 257, 288, 289, 290};
    const S special[] = {0x7C00, 0xFC00, 0x7E00, 0xFE01, 0x7BFF};
    for (std::size_t k = 0; k < 5; ++k)
      if (at[k] < nb) s[at[k]] = special[k];
  }
  std::vector<float> ref(n);
  blk::reference::dequantize_elements<B>(e.data(), s.data(), t, ref.data(), 0, n);
  for (simd::isa which : vector_isas()) {
    INFO(name << " decode isa=" << simd::isa_name(which) << " n=" << n);
    std::vector<float> out(n + 16, f32(0xDEADBEEFu));
    simd::dequantize_blocks<B>(which, e.data(), s.data(), t, out.data(), n);
    std::size_t bad = 0;
    std::size_t first = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (u32(out[i]) != u32(ref[i]) && bad++ == 0) first = i;
    INFO("first mismatch at " << first << ": " << std::hex << u32(out[first]) << " vs "
                              << u32(ref[first]));
    CHECK(bad == 0);
    for (std::size_t i = n; i < out.size(); ++i) REQUIRE(u32(out[i]) == 0xDEADBEEFu);
  }
}

template <class B, rounding R>
void quantize_cases(const char* name, std::uint64_t seed) {
  const bool finite = B::scale_rule::finite_only;
  const std::size_t lengths[] = {B::block_size * 67 + 5, B::block_size * 16, B::block_size * 3 + 1};
  for (std::size_t n : lengths) {
    const std::vector<float> x = block_inputs(n, B::block_size, seed + n, finite);
    for (blk::zero_sign z :
         {blk::zero_sign::keep, blk::zero_sign::positive, blk::zero_sign::from_nonzero}) {
      blk::block_options o;
      o.zeros = z;
      o.seed = seed;
      check_quantize<B, R>(name, x, o);
    }
    blk::block_options o;
    o.specials = blk::nonfinite::saturate_inf;
    o.no_nan = lowp::nan_substitute::zero;
    o.random_count = 5;
    check_quantize<B, R>(name, x, o);
    if constexpr (B::two_level) {
      o.tensor_amax = 3.0f;  // a calibrated amax below the data's: block scales saturate
      check_quantize<B, R>(name, x, o);
    }
  }
}

template <class B>
void all_modes(const char* name) {
  const std::uint64_t seed = std::hash<std::string>{}(name);
  quantize_cases<B, rounding::nearest_even>(name, seed);
  quantize_cases<B, rounding::nearest_away>(name, seed);
  quantize_cases<B, rounding::nearest_zero>(name, seed);
  quantize_cases<B, rounding::toward_zero>(name, seed);
  quantize_cases<B, rounding::toward_positive>(name, seed);
  quantize_cases<B, rounding::toward_negative>(name, seed);
  quantize_cases<B, rounding::to_odd>(name, seed);
  quantize_cases<B, rounding::stochastic>(name, seed);
}

template <class B>
void decode_cases(const char* name) {
  const std::uint64_t seed = std::hash<std::string>{}(name) ^ 0x5EEDu;
  blk::tensor_scale_state t;
  if constexpr (B::two_level) t = B::scale_rule::template tensor<B>(1234.5f);
  check_dequantize<B>(name, B::block_size * 300 + 7, seed, t);
  check_dequantize<B>(name, B::block_size * 17, seed + 1, t);
}

}  // namespace

TEST_CASE("block kernels: the kernels cover the named block formats", "[simd][blocks]") {
  // Coverage: each of these runs a vector kernel on every vector ISA (not the scalar fallback).
  CHECK(simd::block_traits<blk::mxfp8_e4m3>::vectorizable);
  CHECK(simd::block_traits<blk::mxfp8_e5m2>::vectorizable);
  CHECK(simd::block_traits<blk::mxfp6_e2m3>::vectorizable);
  CHECK(simd::block_traits<blk::mxfp6_e3m2>::vectorizable);
  CHECK(simd::block_traits<blk::mxfp4>::vectorizable);
  CHECK(simd::block_traits<blk::mxint8>::vectorizable);
  CHECK(simd::block_traits<blk::nvfp4>::vectorizable);
  CHECK(simd::block_traits<blk::nvfp4_torchao_order>::vectorizable);
  CHECK(simd::block_traits<blk::msfp12>::vectorizable);
  CHECK(simd::block_traits<blk::msfp16>::vectorizable);
  CHECK(simd::block_traits<blk::q8_0>::vectorizable);
  CHECK(simd::block_traits<blk::q4_0>::vectorizable);
  CHECK(simd::block_traits<blk::ggml_mxfp4>::vectorizable);
}

TEST_CASE("block kernels: MX formats match the reference in every mode", "[simd][blocks]") {
  all_modes<blk::mxfp8_e4m3>("mxfp8_e4m3");
  all_modes<blk::mxfp8_e5m2>("mxfp8_e5m2");
  all_modes<blk::mxfp6_e2m3>("mxfp6_e2m3");
  all_modes<blk::mxfp6_e3m2>("mxfp6_e3m2");
  all_modes<blk::mxfp4>("mxfp4");
  all_modes<blk::mxint8>("mxint8");
  all_modes<blk::mxint8_full>("mxint8_full");
}

TEST_CASE("block kernels: scale rules FLOOR, CEIL, EVEN, RCEIL, log2f", "[simd][blocks]") {
  using blk::with_scale_rule_t;
  all_modes<with_scale_rule_t<blk::mxfp4, blk::scale_ceil>>("mxfp4 ceil");
  all_modes<with_scale_rule_t<blk::mxfp8_e4m3, blk::scale_even>>("mxfp8_e4m3 even");
  all_modes<with_scale_rule_t<blk::mxfp8_e4m3, blk::scale_rceil>>("mxfp8_e4m3 rceil");
  quantize_cases<with_scale_rule_t<blk::mxfp4, blk::scale_rceil>, rounding::nearest_even>(
      "mxfp4 rceil", 11);
  quantize_cases<with_scale_rule_t<blk::mxint8, blk::scale_even>, rounding::nearest_even>(
      "mxint8 even", 12);
  quantize_cases<with_scale_rule_t<blk::mxfp6_e3m2, blk::scale_log2f>, rounding::nearest_even>(
      "mxfp6_e3m2 log2f", 13);
}

TEST_CASE("block kernels: NVFP4, BFP and ggml layouts match the reference", "[simd][blocks]") {
  all_modes<blk::nvfp4>("nvfp4");
  all_modes<blk::nvfp4_torchao_order>("nvfp4_torchao_order");
  quantize_cases<blk::nvfp4_single, rounding::nearest_even>("nvfp4_single", 21);
  all_modes<blk::msfp12>("msfp12");
  all_modes<blk::msfp16>("msfp16");
  all_modes<blk::q8_0>("q8_0");
  quantize_cases<blk::q4_0, rounding::toward_zero>("q4_0", 22);
  quantize_cases<blk::ggml_mxfp4, rounding::nearest_zero>("ggml_mxfp4", 23);
  quantize_cases<blk::ggml_mxfp4, rounding::stochastic>("ggml_mxfp4 stochastic", 24);
}

TEST_CASE("block kernels: dequantize matches the reference for every scale code",
          "[simd][blocks]") {
  decode_cases<blk::mxfp8_e4m3>("mxfp8_e4m3");
  decode_cases<blk::mxfp8_e5m2>("mxfp8_e5m2");
  decode_cases<blk::mxfp6_e2m3>("mxfp6_e2m3");
  decode_cases<blk::mxfp6_e3m2>("mxfp6_e3m2");
  decode_cases<blk::mxfp4>("mxfp4");
  decode_cases<blk::mxint8>("mxint8");
  decode_cases<blk::nvfp4>("nvfp4");
  decode_cases<blk::nvfp4_torchao_order>("nvfp4_torchao_order");
  decode_cases<blk::nvfp4_single>("nvfp4_single");
  decode_cases<blk::msfp12>("msfp12");
  decode_cases<blk::msfp16>("msfp16");
  decode_cases<blk::q8_0>("q8_0");
  decode_cases<blk::q4_0>("q4_0");
  decode_cases<blk::ggml_mxfp4>("ggml_mxfp4");
}

TEST_CASE("block kernels: the public API gives the reference's result on the active ISA",
          "[simd][blocks]") {
  // blocks::quantize / dequantize / fake_quantize dispatch to the active ISA: compare them
  // with the reference loops directly.
  const std::vector<float> x = block_inputs(32 * 101 + 9, 32, 99, false);
  const auto q = blk::quantize<blk::mxfp4>(lowp::span<const float>(x));
  std::vector<std::uint8_t> e(q.elements.size());
  std::vector<std::uint8_t> s(q.scales.size());
  blk::reference::quantize_blocks<blk::mxfp4, rounding::nearest_even>(
      x.data(), x.size(), 0, s.size(), e.data(), s.data(), {}, {});
  CHECK(e == q.elements);
  CHECK(s == q.scales);
  std::vector<float> ref(x.size());
  blk::reference::dequantize_elements<blk::mxfp4>(e.data(), s.data(), {}, ref.data(), 0, x.size());
  const std::vector<float> out = blk::dequantize(q);
  REQUIRE(out.size() == ref.size());
  CHECK(std::memcmp(out.data(), ref.data(), out.size() * 4) == 0);
  // The tensor amax of two-level formats: the kernel's reduction equals the reference's.
  for (simd::isa which : vector_isas()) {
    CHECK(u32(simd::array_amax(which, x.data(), x.size())) ==
          u32(blk::gather_stats(x.data(), x.size()).amax));
    std::vector<float> finite_x = block_inputs(1000 + 3, 16, 5, true);
    CHECK(u32(simd::array_amax(which, finite_x.data(), finite_x.size())) ==
          u32(blk::gather_stats(finite_x.data(), finite_x.size()).amax));
  }
}

namespace {

/// quantize_int / dequantize_int on each vector ISA (set active) against the scalar element
/// functions, every mode, both fp32 quotient forms, both ranges, per-group parameters.
template <class Fmt>
void check_affine(const char* name) {
  std::mt19937_64 rng(std::hash<std::string>{}(name));
  const std::size_t n = 1000 + 37;
  const std::size_t group = 64;
  std::vector<float> x = block_inputs(n, group, rng(), false);
  std::vector<lowp::affine_params> params((n + group - 1) / group);
  for (auto& p : params) {
    p.scale = std::ldexp(1.0f + static_cast<float>(rng() % 1000) / 1000.0f,
                         static_cast<int>(rng() % 60) - 30);
    p.zero_point = static_cast<std::int32_t>(rng() % 21) - 10;
  }
  params[0].zero_point = 1 << 29;  // beyond the kernel's range: the scalar path
  using S = lowp::storage_t<Fmt>;
  const lowp::span<const lowp::affine_params> ps(params);
  for (rounding r : {rounding::nearest_even, rounding::nearest_away, rounding::nearest_zero,
                     rounding::toward_zero, rounding::toward_positive, rounding::toward_negative,
                     rounding::to_odd, rounding::stochastic}) {
    for (auto div : {lowp::scale_division::fp32_divide, lowp::scale_division::fp32_reciprocal}) {
      for (auto range : {lowp::int_range::full, lowp::int_range::narrow}) {
        const lowp::int_quant_policy q{r, range, div};
        std::vector<S> ref(n);
        for (std::size_t i = 0; i < n; ++i)
          ref[i] = lowp::quantize_int<Fmt>(x[i], params[i / group], q,
                                           lowp::counter_random_bits(7, i, 32));
        for (simd::isa which : vector_isas()) {
          simd::set_active_isa(which);
          std::vector<S> out(n);
          lowp::quantize_int<Fmt>(lowp::span<const float>(x), lowp::span<S>(out), ps, group, q, 7);
          simd::set_active_isa(simd::best_isa());
          std::size_t bad = 0;
          for (std::size_t i = 0; i < n; ++i) bad += out[i] != ref[i];
          INFO(name << " isa=" << simd::isa_name(which) << " round=" << static_cast<int>(r)
                    << " divide=" << static_cast<int>(div) << " range=" << static_cast<int>(range));
          CHECK(bad == 0);
        }
      }
    }
  }
  // Every code back to float32.
  std::vector<S> codes(n);
  for (std::size_t i = 0; i < n; ++i) codes[i] = static_cast<S>(rng());
  std::vector<float> ref(n);
  for (std::size_t i = 0; i < n; ++i)
    ref[i] = lowp::dequantize_int<Fmt>(codes[i], params[i / group]);
  for (simd::isa which : vector_isas()) {
    simd::set_active_isa(which);
    std::vector<float> out(n);
    lowp::dequantize_int<Fmt>(lowp::span<const S>(codes), lowp::span<float>(out), ps, group);
    simd::set_active_isa(simd::best_isa());
    std::size_t bad = 0;
    for (std::size_t i = 0; i < n; ++i) bad += u32(out[i]) != u32(ref[i]);
    INFO(name << " decode isa=" << simd::isa_name(which));
    CHECK(bad == 0);
  }
}

}  // namespace

TEST_CASE("affine integer kernels match the scalar codec", "[simd][int]") {
  check_affine<lowp::formats::int8>("int8");
  check_affine<lowp::formats::uint8>("uint8");
  check_affine<lowp::formats::int4>("int4");
  check_affine<lowp::formats::uint4>("uint4");
}

TEST_CASE("fake_quantize: the element formats' round trip in one pass", "[simd][fake]") {
  const std::vector<float> x = block_inputs(5000 + 3, 32, 77, false);
  for (simd::isa which : vector_isas()) {
    simd::set_active_isa(which);
    std::vector<float> out(x.size());
    lowp::fake_quantize<lowp::formats::e4m3fn, rounding::stochastic>(
        lowp::span<const float>(x), lowp::span<float>(out),
        {3, 32, 10, lowp::nan_decoding::positive});
    std::vector<float> par(x.size());
    lowp::fake_quantize<lowp::formats::e4m3fn, rounding::stochastic>(
        lowp::parallel{3, 100}, lowp::span<const float>(x), lowp::span<float>(par),
        {3, 32, 10, lowp::nan_decoding::positive});
    std::vector<float> in_place = x;
    lowp::fake_quantize_as<lowp::formats::e2m1fn>(
        lowp::span<const float>(in_place), lowp::span<float>(in_place), lowp::conversion_policy{});
    simd::set_active_isa(simd::best_isa());
    std::size_t bad = 0;
    std::size_t bad_par = 0;
    std::size_t bad_fp4 = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const auto c = lowp::encode_as<lowp::formats::e4m3fn>(
          x[i], lowp::conversion_policy{}.with(rounding::stochastic),
          lowp::counter_random_bits(3, 10 + i, 32));
      const float ref = lowp::decode_as<lowp::formats::e4m3fn>(c, lowp::nan_decoding::positive);
      bad += u32(out[i]) != u32(ref);
      bad_par += u32(par[i]) != u32(ref);
      const float ref4 = lowp::decode_as<lowp::formats::e2m1fn>(
          lowp::encode_as<lowp::formats::e2m1fn>(x[i], lowp::conversion_policy{}),
          lowp::nan_decoding::keep_sign);
      bad_fp4 += u32(in_place[i]) != u32(ref4);
    }
    INFO("isa=" << simd::isa_name(which));
    CHECK(bad == 0);
    CHECK(bad_par == 0);
    CHECK(bad_fp4 == 0);
  }
  std::vector<float> wrong(3);
  CHECK_THROWS_AS(lowp::fake_quantize<lowp::formats::e4m3fn>(lowp::span<const float>(x),
                                                             lowp::span<float>(wrong)),
                  std::invalid_argument);
}

TEST_CASE("blocks::fake_quantize equals dequantize(quantize) of the reference",
          "[simd][blocks][fake]") {
  const std::vector<float> x = block_inputs(16 * 77 + 5, 16, 78, false);
  std::vector<float> out(x.size());
  blk::fake_quantize<blk::nvfp4>(lowp::span<const float>(x), lowp::span<float>(out));
  const std::size_t nb = blk::block_count<blk::nvfp4>(x.size());
  std::vector<std::uint8_t> e(nb * blk::nvfp4::block_bytes);
  std::vector<std::uint8_t> s(nb);
  const auto t =
      blk::nvfp4::scale_rule::tensor<blk::nvfp4>(blk::gather_stats(x.data(), x.size()).amax);
  blk::reference::quantize_blocks<blk::nvfp4, rounding::nearest_even>(x.data(), x.size(), 0, nb,
                                                                      e.data(), s.data(), t, {});
  std::vector<float> ref(x.size());
  blk::reference::dequantize_elements<blk::nvfp4>(e.data(), s.data(), t, ref.data(), 0, x.size());
  CHECK(std::memcmp(out.data(), ref.data(), out.size() * 4) == 0);
}

#ifdef LOWP_TEST_MXCSR
TEST_CASE("block kernels: the same codes with MXCSR's DAZ and FTZ set", "[simd][blocks]") {
  // -ffast-math programs run with denormals-are-zero and flush-to-zero; a kernel's float32
  // operations must not let that change a code (the AVX-512 block maxima, for one, check DAZ).
  const unsigned saved = _mm_getcsr();
  _mm_setcsr(saved | 0x8040u);  // FTZ (bit 15) | DAZ (bit 6)
  quantize_cases<blk::mxfp8_e4m3, rounding::nearest_even>("mxfp8_e4m3 daz", 31);
  quantize_cases<blk::mxfp4, rounding::nearest_even>("mxfp4 daz", 32);
  quantize_cases<blk::mxint8, rounding::nearest_even>("mxint8 daz", 33);
  quantize_cases<blk::q8_0, rounding::nearest_away>("q8_0 daz", 34);
  decode_cases<blk::mxfp8_e4m3>("mxfp8_e4m3 daz");
  decode_cases<blk::mxfp4>("mxfp4 daz");
  decode_cases<blk::q4_0>("q4_0 daz");
  const unsigned now = _mm_getcsr();
  _mm_setcsr(saved);
  CHECK((now & 0x8040u) == 0x8040u);  // the kernels gave the caller's setting back
}
#endif

TEST_CASE("block kernels: Q4_0 rounds fp32(x * id) before adding 8.5 (no FMA)", "[simd][blocks]") {
  // 1008 * fp32(1 / -224) lands a hair beyond -4.5: fp32(fp32(x * id) + 8.5) is 4.0 with two
  // roundings, and an FMA would give 3.99999976 (code 3). GCC contracts vector intrinsics.
  const std::uint32_t bits[32] = {
      0xc2000000, 0xc4180000, 0x44b20000, 0x44a00000, 0xc48a0000, 0xc4840000, 0x44ae0000,
      0x43880000, 0xc4600000, 0x44e00000, 0x44b00000, 0x44c40000, 0xc3980000, 0x448c0000,
      0xc4cc0000, 0x43d80000, 0x446c0000, 0x44a80000, 0xc2a00000, 0xc3700000, 0x44c60000,
      0x444c0000, 0xc4600000, 0x43d00000, 0x42c00000, 0x44ca0000, 0x42c00000, 0x44780000,
      0x448a0000, 0xc3600000, 0x447c0000, 0x442c0000};
  std::vector<float> x(32);
  for (std::size_t i = 0; i < 32; ++i) x[i] = f32(bits[i]);
  check_quantize<blk::q4_0, rounding::toward_zero>("q4_0 fma case", x, {});
  std::uint8_t e[16];
  std::uint16_t s[1];
  blk::reference::quantize_blocks<blk::q4_0, rounding::toward_zero>(x.data(), 32, 0, 1, e, s, {},
                                                                    {});
  CHECK((e[14] >> 4) == 4);  // element 30: 1008 / 224 = 4.5 below the offset, truncated to 4
}

TEST_CASE("block codec on threads equals the single-thread call", "[simd][blocks][parallel]") {
  const std::vector<float> x = block_inputs(16 * 1001 + 7, 16, 5150, false);
  const std::size_t nb = blk::block_count<blk::nvfp4>(x.size());
  blk::block_options o;
  o.seed = 9;
  std::vector<std::uint8_t> e1(nb * blk::nvfp4::block_bytes);
  std::vector<std::uint8_t> e2(e1.size());
  std::vector<std::uint8_t> s1(nb);
  std::vector<std::uint8_t> s2(nb);
  const auto t1 = blk::quantize<blk::nvfp4, rounding::stochastic>(
      lowp::span<const float>(x), lowp::span<std::uint8_t>(e1), lowp::span<std::uint8_t>(s1), o);
  const auto t2 = blk::quantize<blk::nvfp4, rounding::stochastic>(
      lowp::parallel{3, 100}, lowp::span<const float>(x), lowp::span<std::uint8_t>(e2),
      lowp::span<std::uint8_t>(s2), o);
  CHECK(e1 == e2);
  CHECK(s1 == s2);
  CHECK(u32(t1.decode) == u32(t2.decode));
  std::vector<float> d1(x.size());
  std::vector<float> d2(x.size());
  blk::dequantize<blk::nvfp4>(lowp::span<const std::uint8_t>(e1),
                              lowp::span<const std::uint8_t>(s1), t1, lowp::span<float>(d1));
  blk::dequantize<blk::nvfp4>(lowp::parallel{4, 64}, lowp::span<const std::uint8_t>(e1),
                              lowp::span<const std::uint8_t>(s1), t1, lowp::span<float>(d2));
  CHECK(std::memcmp(d1.data(), d2.data(), d1.size() * 4) == 0);
  // A finite-only format names a bad block from some thread, and still throws.
  std::vector<float> bad(32 * 500, 1.0f);
  bad[32 * 321 + 3] = std::numeric_limits<float>::infinity();
  std::vector<std::uint8_t> qe(blk::block_count<blk::q8_0>(bad.size()) * blk::q8_0::block_bytes);
  std::vector<std::uint16_t> qs(blk::block_count<blk::q8_0>(bad.size()));
  CHECK_THROWS_AS(
      blk::quantize<blk::q8_0>(lowp::parallel{2, 32}, lowp::span<const float>(bad),
                               lowp::span<std::uint8_t>(qe), lowp::span<std::uint16_t>(qs)),
      std::domain_error);
}
