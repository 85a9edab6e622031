// Derived properties of every catalogue format against formats-reference.md section 10.1
// (numbers typed from the table; lowp computes them from the descriptor).
#include <cstdint>

#include "lowp/format/formats.hpp"
#include "support/catch.hpp"

namespace fm = lowp::formats;
using lowp::float_format;

namespace {
struct row {
  float_format f;
  double max;
  double min_normal;
  double min_subnormal;
  std::uint64_t finite_codes;
  std::uint64_t finite_values;
  bool inf;
  std::uint64_t nan_codes;
};

constexpr double p2(int e) { return lowp::detail::pow2(e); }

constexpr bool matches(const row& r) {
  return lowp::max_finite(r.f) == r.max && lowp::min_normal(r.f) == r.min_normal &&
         lowp::min_positive(r.f) == r.min_subnormal &&
         lowp::finite_code_count(r.f) == r.finite_codes &&
         lowp::finite_value_count(r.f) == r.finite_values && lowp::has_inf(r.f) == r.inf &&
         lowp::nan_code_count(r.f) == r.nan_codes;
}

// name: max finite, min normal, min subnormal, finite codes, values, inf, NaN codes
static_assert(matches({fm::e4m3fn::value, 448, p2(-6), p2(-9), 254, 253, false, 2}));
static_assert(matches({fm::e5m2::value, 57344, p2(-14), p2(-16), 248, 247, true, 6}));
static_assert(matches({fm::e4m3::value, 240, p2(-6), p2(-9), 240, 239, true, 14}));
static_assert(matches({fm::e3m4::value, 15.5, p2(-2), p2(-6), 224, 223, true, 30}));
static_assert(matches({fm::e4m3fnuz::value, 240, p2(-7), p2(-10), 255, 255, false, 1}));
static_assert(matches({fm::e5m2fnuz::value, 57344, p2(-15), p2(-17), 255, 255, false, 1}));
static_assert(matches({fm::e4m3b11fnuz::value, 30, p2(-10), p2(-13), 255, 255, false, 1}));
static_assert(matches({fm::e8m0fnu::value, p2(127), p2(-127), p2(-127), 255, 255, false, 1}));
static_assert(matches({fm::e2m3fn::value, 7.5, 1, 0.125, 64, 63, false, 0}));
static_assert(matches({fm::e3m2fn::value, 28, 0.25, 0.0625, 64, 63, false, 0}));
static_assert(matches({fm::e2m1fn::value, 6, 1, 0.5, 16, 15, false, 0}));
static_assert(matches({fm::ue4m3::value, 448, p2(-6), p2(-9), 127, 127, false, 1}));
// Wider IEEE formats (IEEE 754 / vendor documentation).
// bfloat16: 2 x 127 NaN codes and 2 infinities.
static_assert(matches({fm::bfloat16::value, 0x1.fep127, p2(-126), p2(-133), 65536 - 254 - 2,
                       65536 - 254 - 2 - 1, true, 254}));
static_assert(matches({fm::binary16::value, 65504, p2(-14), p2(-24), 65536 - 2048, 65536 - 2048 - 1,
                       true, 2046}));
static_assert(lowp::max_finite(fm::tf32::value) == 0x1.ffcp127);
static_assert(lowp::max_finite(fm::binary32::value) == 0x1.fffffep127);

// Codes (formats-reference.md sections 2.1, 3.1, 5.1).
static_assert(lowp::max_code(fm::e4m3fn::value) == 0x7E &&
              lowp::nan_code(fm::e4m3fn::value) == 0x7F);
static_assert(lowp::inf_code(fm::e5m2::value) == 0x7C && lowp::nan_code(fm::e5m2::value) == 0x7E);
static_assert(lowp::inf_code(fm::e4m3::value) == 0x78 && lowp::nan_code(fm::e4m3::value) == 0x7C);
static_assert(lowp::nan_code(fm::e3m4::value) == 0x78);
static_assert(lowp::nan_code(fm::e4m3fnuz::value) == 0x80);
static_assert(lowp::nan_code(fm::e8m0fnu::value) == 0xFF &&
              lowp::max_code(fm::e8m0fnu::value) == 0xFE);
static_assert(lowp::nan_code(fm::ue4m3::value) == 0x7F);
static_assert(lowp::max_code(fm::e2m1fn::value) == 0x7 &&
              lowp::lowest_code(fm::e2m1fn::value) == 0xF);
static_assert(lowp::emax(fm::e4m3fn::value) == 8 && lowp::emax(fm::e5m2::value) == 15);
static_assert(lowp::emax(fm::e2m1fn::value) == 2 && lowp::emax(fm::e3m2fn::value) == 4);
static_assert(lowp::emax(fm::e2m3fn::value) == 2 && lowp::emax(fm::e8m0fnu::value) == 127);
static_assert(lowp::total_bits(fm::tf32::value) == 19);

// Storage: the smallest unsigned integer that holds the code.
static_assert(sizeof(lowp::storage_t<fm::e2m1fn>) == 1 &&
              sizeof(lowp::storage_t<fm::e8m0fnu>) == 1);
static_assert(sizeof(lowp::storage_t<fm::bfloat16>) == 2 && sizeof(lowp::storage_t<fm::tf32>) == 4);
static_assert(sizeof(lowp::storage_t<fm::int4>) == 1);

// P3109 (gfloat's format_info_p3109 parameters): binary8p3 signed extended has max
// 49152 (0x7E), +inf 0x7F, NaN 0x80; binary8p4 unsigned finite has NaN 0xFF.
static_assert(lowp::max_finite(lowp::p3109<8, 3>::value) == 49152);
static_assert(lowp::inf_code(lowp::p3109<8, 3>::value) == 0x7F);
static_assert(lowp::nan_code(lowp::p3109<8, 3>::value) == 0x80);
static_assert(!lowp::has_negative_zero(lowp::p3109<8, 3>::value));
static_assert(lowp::nan_code(lowp::p3109<8, 4, lowp::signedness::unsigned_,
                                         lowp::p3109_domain::finite>::value) == 0xFF);
static_assert(lowp::inf_code(lowp::p3109<8, 4, lowp::signedness::unsigned_>::value) == 0xFE);
}  // namespace

TEST_CASE("descriptor: the catalogue matches formats-reference 10.1 at run time", "[format]") {
  // The same facts, re-checked at run time so a failure prints the values.
  CHECK(lowp::max_finite(fm::e4m3fn::value) == 448.0);
  CHECK(lowp::max_finite(fm::e5m2fnuz::value) == 57344.0);
  CHECK(lowp::min_positive(fm::e4m3b11fnuz::value) == 0x1p-13);
  CHECK(lowp::finite_value_count(fm::e3m4::value) == 223u);
  CHECK(lowp::validate(fm::e4m3fn::value) == nullptr);
}

TEST_CASE("descriptor: invalid descriptors are reported with a reason", "[format]") {
  using lowp::signedness;
  using lowp::special_values;
  CHECK(lowp::validate({9, 3, 7, signedness::signed_, special_values::ieee}) != nullptr);
  CHECK(lowp::validate({4, 24, 7, signedness::signed_, special_values::ieee}) != nullptr);
  CHECK(lowp::validate({4, 0, 7, signedness::signed_, special_values::ieee}) != nullptr);
  CHECK(lowp::validate({4, 3, 7, signedness::unsigned_, special_values::fnuz}) != nullptr);
  CHECK(lowp::validate({8, 1, 127, signedness::unsigned_, special_values::e8m0}) != nullptr);
  CHECK(lowp::validate({4, 3, -200, signedness::signed_, special_values::fn}) != nullptr);
  CHECK(lowp::validate({8, 3, 100, signedness::signed_, special_values::fn}) != nullptr);
}
