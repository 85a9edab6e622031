// The named policies and profiles on the disagreements catalogued in formats-reference.md
// section 9 (D-1 ... D-22): each expected code below is the value the reference document
// reports for the named library, typed from the document.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "lowp/lowp.hpp"
#include "support/bits.hpp"
#include "support/catch.hpp"

namespace fm = lowp::formats;
namespace profiles = lowp::profiles;
using lowp::conversion_policy;
using lowp::overflow;
using lowp::rounding;

namespace {
using lowp_test::f32;
const float inf = std::numeric_limits<float>::infinity();
const float qnan = std::numeric_limits<float>::quiet_NaN();
}  // namespace

TEST_CASE("policies: saturation of infinities (D-1 - D-2)", "[policy]") {
  CHECK(lowp::encode_as<fm::e4m3fn>(inf, profiles::cuda_satfinite) == 0x7E);
  CHECK(lowp::encode_as<fm::e4m3fn>(inf, profiles::mldtypes_rne_sat) == 0x7F);
  CHECK(lowp::encode_as<fm::e4m3fn>(-inf, profiles::cuda_satfinite) == 0xFE);
  CHECK(lowp::encode_as<fm::e4m3fn>(-inf, profiles::mldtypes_rne_sat) == 0xFF);
  CHECK(lowp::encode_as<fm::e5m2>(inf, profiles::cuda_satfinite) == 0x7B);
  CHECK(lowp::encode_as<fm::e5m2>(-inf, profiles::mldtypes_rne_sat) == 0xFC);
  CHECK(lowp::encode<fm::e5m2, rounding::nearest_even, overflow::saturate>(-inf) == 0xFB);
  CHECK(lowp::encode<fm::e5m2, rounding::nearest_even, overflow::saturate_keep_inf>(-inf) == 0xFC);
}

TEST_CASE("policies: NaN sign and pattern on encode (D-3 - D-4 - D-5)", "[policy]") {
  const float nneg = f32(0xFFC00000u);
  CHECK(lowp::encode_as<fm::e4m3fn>(nneg, profiles::cuda_nosat) == 0x7F);
  CHECK(lowp::encode_as<fm::e4m3fn>(nneg, profiles::mldtypes_rne) == 0xFF);
  CHECK(lowp::encode_as<fm::e5m2>(nneg, profiles::cuda_nosat) == 0x7F);
  CHECK(lowp::encode_as<fm::e5m2>(nneg, profiles::mldtypes_rne) == 0xFE);
  CHECK(lowp::encode_as<fm::e5m2>(qnan, profiles::mldtypes_rne) == 0x7E);
  // D-5: NaN into FP4/FP6.
  CHECK(lowp::encode_as<fm::e2m1fn>(qnan, profiles::cuda_nosat) == 0x7);
  CHECK(lowp::encode_as<fm::e2m1fn>(nneg, profiles::cuda_nosat) == 0x7);
  CHECK(lowp::encode_as<fm::e2m1fn>(qnan, profiles::mldtypes_rne) == 0x8);
  CHECK(lowp::encode_as<fm::e2m1fn>(nneg, profiles::mldtypes_rne) == 0x0);
  CHECK(lowp::encode_as<fm::e2m3fn>(qnan, profiles::cuda_nosat) == 0x1F);
  CHECK(lowp::encode_as<fm::e2m3fn>(qnan, profiles::mldtypes_rne) == 0x20);
  CHECK(lowp::encode_as<fm::e3m2fn>(qnan, profiles::cuda_nosat) == 0x1F);
  conversion_policy ggml;
  ggml.no_nan = lowp::nan_substitute::zero;
  CHECK(lowp::encode_as<fm::e2m1fn>(nneg, ggml) == 0x0);
}

TEST_CASE("policies: E8M0 conventions (D-6 ... D-10)", "[policy]") {
  const auto rz = profiles::cuda_satfinite.with(rounding::toward_zero);
  const auto rp = profiles::cuda_satfinite.with(rounding::toward_positive);
  const auto rp_nosat = profiles::cuda_nosat.with(rounding::toward_positive);
  // D-6 zero
  CHECK(lowp::encode_as<fm::e8m0fnu>(0.0f, rz) == 0x00);
  CHECK(lowp::encode_as<fm::e8m0fnu>(0.0f, profiles::mldtypes_rne) == 0xFF);
  CHECK(lowp::encode_as<fm::e8m0fnu>(0.0f, profiles::mldtypes_rne_sat) == 0x00);
  // D-7 negatives
  CHECK(lowp::encode_as<fm::e8m0fnu>(-3.0f, rz) == 0x80);
  CHECK(lowp::encode_as<fm::e8m0fnu>(-3.0f, rp) == 0x81);
  CHECK(lowp::encode_as<fm::e8m0fnu>(-3.0f, profiles::mldtypes_rne) == 0xFF);
  CHECK(lowp::encode_as<fm::e8m0fnu>(-3.0f, profiles::mldtypes_rne_sat) == 0x00);
  CHECK(lowp::encode_as<fm::e8m0fnu>(-0.1f, rz) == 0x7B);
  CHECK(lowp::encode_as<fm::e8m0fnu>(-0.1f, rp) == 0x7C);
  // D-8 rounding rule: nearest ties up
  CHECK(lowp::encode_as<fm::e8m0fnu>(1.5f, rz) == 0x7F);
  CHECK(lowp::encode_as<fm::e8m0fnu>(1.5f, rp) == 0x80);
  CHECK(lowp::encode<fm::e8m0fnu>(1.5f) == 0x80);
  CHECK(lowp::encode<fm::e8m0fnu>(1.0000001f) == 0x7F);
  CHECK(lowp::encode<fm::e8m0fnu>(3.0f) == 0x81);
  // D-9 overflow and inf
  CHECK(lowp::encode_as<fm::e8m0fnu>(f32(0x7F400000u), rz) == 0xFE);
  CHECK(lowp::encode_as<fm::e8m0fnu>(f32(0x7F400000u), rp) == 0xFE);
  CHECK(lowp::encode_as<fm::e8m0fnu>(f32(0x7F400000u), rp_nosat) == 0xFF);
  CHECK(lowp::encode_as<fm::e8m0fnu>(f32(0x7F400000u), profiles::mldtypes_rne) == 0xFF);
  CHECK(lowp::encode_as<fm::e8m0fnu>(f32(0x7F400000u), profiles::mldtypes_rne_sat) == 0xFE);
  CHECK(lowp::encode_as<fm::e8m0fnu>(inf, rp) == 0xFE);
  CHECK(lowp::encode_as<fm::e8m0fnu>(inf, rp_nosat) == 0xFF);
  CHECK(lowp::encode_as<fm::e8m0fnu>(inf, profiles::mldtypes_rne_sat) == 0xFF);
  // D-10 float32 subnormal 0x1.2p-127: exact nearest 00, CUDA RZ 00, RP 01, ml_dtypes 01
  const float sub = f32(0x00480000u);
  CHECK(lowp::encode<fm::e8m0fnu>(sub) == 0x00);
  CHECK(lowp::encode_as<fm::e8m0fnu>(sub, rz) == 0x00);
  CHECK(lowp::encode_as<fm::e8m0fnu>(sub, rp) == 0x01);
  CHECK(lowp::encode_as<fm::e8m0fnu>(sub, profiles::mldtypes_rne) == 0x01);
}

TEST_CASE("policies: decode NaN patterns (D-11)", "[policy]") {
  const auto bits = lowp_test::u32;
  CHECK(bits(lowp::decode<fm::e4m3fn>(0xFF)) == 0xFFC00000u);
  CHECK(bits(lowp::decode_as<fm::e4m3fn>(0xFF, lowp::nan_decoding::all_ones)) == 0x7FFFFFFFu);
  CHECK(bits(lowp::decode_as<fm::e8m0fnu>(0xFF, lowp::nan_decoding::bf16_all_ones)) == 0x7FFF0000u);
  CHECK(bits(lowp::decode<fm::e8m0fnu>(0xFF)) == 0x7FC00000u);
  CHECK(bits(lowp::decode<fm::e8m0fnu>(0x00)) == 0x00400000u);
  CHECK(bits(lowp::decode_as<fm::binary16>(0x7C01, lowp::nan_decoding::payload)) == 0x7F802000u);
}

TEST_CASE("policies: double inputs round once (D-12) and truncation overflow (D-13)", "[policy]") {
  CHECK(lowp::encode<fm::e4m3fn>(1.0625 + std::ldexp(1.0, -40)) == 0x39);
  CHECK(lowp::encode<fm::e4m3fn>(static_cast<float>(1.0625 + std::ldexp(1.0, -40))) == 0x38);
  CHECK(lowp::encode<fm::e4m3fn>(-431.99999999999994) == 0xFD);  // -416
  CHECK(lowp::encode_as<fm::e5m2>(65536.0f, profiles::mldtypes_rz) == 0x7C);
  CHECK(lowp::encode<fm::e5m2, rounding::toward_zero, overflow::ieee>(65536.0f) == 0x7B);
  CHECK(lowp::encode<fm::e5m2, rounding::toward_positive, overflow::ieee>(-65536.0f) == 0xFB);
  CHECK(lowp::encode<fm::e5m2, rounding::toward_negative, overflow::ieee>(-65536.0f) == 0xFC);
}

TEST_CASE("policies: overflow thresholds are decided after rounding (pitfall 1)", "[policy]") {
  CHECK(lowp::encode<fm::e4m3fn>(464.0f) == 0x7E);
  CHECK(lowp::encode<fm::e4m3fn>(std::nextafter(464.0f, 1000.0f)) == 0x7F);
  CHECK(lowp::encode<fm::e5m2>(61440.0f) == 0x7C);
  CHECK(lowp::encode<fm::e5m2>(std::nextafter(61440.0f, 0.0f)) == 0x7B);
  CHECK(lowp::encode<fm::e4m3fn, rounding::nearest_even, overflow::saturate>(1e30f) == 0x7E);
}

TEST_CASE("policies: signed zero (D-21) and small integers (D-22)", "[policy]") {
  CHECK(lowp::encode<fm::e4m3fn>(-0.0f) == 0x80);
  CHECK(lowp::encode<fm::e4m3fnuz>(-0.0f) == 0x00);
  CHECK(lowp::encode<fm::e4m3fnuz>(-1e-30f) == 0x00);
  CHECK(lowp::encode<fm::e2m3fn>(-0.0f) == 0x20);
  CHECK(lowp::encode<fm::e2m1fn>(-0.0f) == 0x8);
  CHECK(lowp::encode_int_as<fm::int4>(9.7f, profiles::mldtypes_int_cast) == 0x9);  // -7
  CHECK(lowp::encode_int<fm::int4>(9.7f) == 0x7);                                  // clamp
  CHECK(lowp::encode_int<fm::int4>(2.5f) == 0x2);
  CHECK(lowp::encode_int<fm::int4, rounding::nearest_away>(2.5f) == 0x3);
  CHECK(lowp::encode_int<fm::int4, rounding::nearest_away>(-2.5f) == 0xD);  // -3
  CHECK(lowp::encode_int<fm::int4, rounding::toward_zero>(-2.5f) == 0xE);   // -2
  CHECK(lowp::encode_int<fm::int4>(-100.0f) == 0x8);                        // -8
  CHECK(lowp::encode_int<fm::uint4>(-3.0f) == 0x0);
  CHECK(lowp::encode_int<fm::int4>(qnan) == 0x0);
  CHECK(lowp::int_value<fm::int4>(0x9) == -7);
}

TEST_CASE("stochastic rounding: exact probability and reproducibility", "[policy]") {
  // x = 1 + 5/16 ulp above 1.0 in e4m3fn (ulp 1/8): discarded fraction 5/16 exactly.
  const float x = 1.0f + 5.0f / 128.0f;
  for (unsigned count : {4u, 8u, 12u}) {
    unsigned ups = 0;
    for (std::uint32_t r = 0; r < (1u << count); ++r)
      ups += lowp::encode<fm::e4m3fn, rounding::stochastic>(x, lowp::random_bits{r, count}) == 0x39;
    CHECK(ups == (5u << count) / 16u);  // P(up) = 5/16 exactly with >= 4 random bits
  }
  // Fewer bits than discarded bits: the fraction is truncated to the top `count` bits.
  unsigned ups2 = 0;
  for (std::uint32_t r = 0; r < 4; ++r)
    ups2 += lowp::encode<fm::e4m3fn, rounding::stochastic>(x, lowp::random_bits{r, 2}) == 0x39;
  CHECK(ups2 == 1u);  // floor(5/16 * 4) = 1
  // Exact inputs never move, whatever the bits.
  CHECK(lowp::encode<fm::e4m3fn, rounding::stochastic>(1.0f, lowp::random_bits{~0u, 32}) == 0x38);
  // Same bits, same result.
  CHECK(lowp::encode<fm::e4m3fn, rounding::stochastic>(x, lowp::random_bits{0xDEADBEEF, 32}) ==
        lowp::encode<fm::e4m3fn, rounding::stochastic>(x, lowp::random_bits{0xDEADBEEF, 32}));
}

TEST_CASE("codec: constexpr evaluation", "[policy]") {
  static_assert(lowp::encode<fm::e4m3fn>(448.0f) == 0x7E);
  static_assert(lowp::decode<fm::e2m1fn>(0x7) == 6.0f);
  static_assert(lowp::convert<fm::e4m3fn, fm::bfloat16>(0x3F80) == 0x38);
  static_assert(lowp::encode_int<fm::int4>(-8.5f) == 0x8);
  SUCCEED("evaluated at compile time");
}
