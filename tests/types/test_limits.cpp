// Acceptance 2 of the value types: std::numeric_limits against formats-reference.md 10.1,
// every expected value written as a literal here.
#include <cmath>
#include <limits>

#include "lowp/types/hash.hpp"
#include "lowp/types/limits.hpp"
#include "support/catch.hpp"

namespace {

template <class T>
constexpr float F(T x) {
  return static_cast<float>(x);
}

template <class T>
constexpr bool floats(float max, float lowest, float min, float denorm_min, float epsilon) {
  using L = std::numeric_limits<T>;
  return F(L::max()) == max && F(L::lowest()) == lowest && F(L::min()) == min &&
         F(L::denorm_min()) == denorm_min && F(L::epsilon()) == epsilon &&
         F(L::round_error()) == 0.5f;
}

template <class T>
constexpr bool ints(int digits, int min_exponent, int max_exponent, bool inf, bool nan,
                    bool is_signed) {
  using L = std::numeric_limits<T>;
  return L::is_specialized && !L::is_integer && !L::is_exact && L::radix == 2 &&
         L::digits == digits && L::min_exponent == min_exponent &&
         L::max_exponent == max_exponent && L::has_infinity == inf && L::has_quiet_NaN == nan &&
         L::is_signed == is_signed && L::is_bounded;
}

using namespace lowp;

//                                  max        lowest      min        denorm_min  epsilon
static_assert(floats<float8_e4m3fn>(448, -448, 0x1p-6f, 0x1p-9f, 0.125f));
static_assert(floats<float8_e5m2>(57344, -57344, 0x1p-14f, 0x1p-16f, 0.25f));
static_assert(floats<float8_e4m3>(240, -240, 0x1p-6f, 0x1p-9f, 0.125f));
static_assert(floats<float8_e3m4>(15.5f, -15.5f, 0.25f, 0x1p-6f, 0.0625f));
static_assert(floats<float8_e4m3fnuz>(240, -240, 0x1p-7f, 0x1p-10f, 0.125f));
static_assert(floats<float8_e5m2fnuz>(57344, -57344, 0x1p-15f, 0x1p-17f, 0.25f));
static_assert(floats<float8_e4m3b11fnuz>(30, -30, 0x1p-10f, 0x1p-13f, 0.125f));
static_assert(floats<float8_e8m0fnu>(0x1p127f, 0x1p-127f, 0x1p-127f, 0x1p-127f, 1.0f));
static_assert(floats<float6_e2m3fn>(7.5f, -7.5f, 1.0f, 0.125f, 0.125f));
static_assert(floats<float6_e3m2fn>(28, -28, 0.25f, 0.0625f, 0.25f));
static_assert(floats<float4_e2m1fn>(6, -6, 1.0f, 0.5f, 0.5f));
static_assert(floats<float8_ue4m3>(448, 0, 0x1p-6f, 0x1p-9f, 0.125f));
static_assert(floats<bfloat16>(0x1.fep127f, -0x1.fep127f, 0x1p-126f, 0x1p-133f, 0x1p-7f));
static_assert(floats<float16>(65504, -65504, 0x1p-14f, 0x1p-24f, 0x1p-10f));
static_assert(floats<tfloat32>(0x1.ffcp127f, -0x1.ffcp127f, 0x1p-126f, 0x1p-136f, 0x1p-10f));

//                                 digits min_exp max_exp inf    nan    signed
static_assert(ints<float8_e4m3fn>(4, -5, 9, false, true, true));
static_assert(ints<float8_e5m2>(3, -13, 16, true, true, true));
static_assert(ints<float8_e4m3>(4, -5, 8, true, true, true));
static_assert(ints<float8_e3m4>(5, -1, 4, true, true, true));
static_assert(ints<float8_e4m3fnuz>(4, -6, 8, false, true, true));
static_assert(ints<float8_e5m2fnuz>(3, -14, 16, false, true, true));
static_assert(ints<float8_e4m3b11fnuz>(4, -9, 5, false, true, true));
static_assert(ints<float8_e8m0fnu>(1, -126, 128, false, true, false));
static_assert(ints<float6_e2m3fn>(4, 1, 3, false, false, true));
static_assert(ints<float6_e3m2fn>(3, -1, 5, false, false, true));
static_assert(ints<float4_e2m1fn>(2, 1, 3, false, false, true));
static_assert(ints<float8_ue4m3>(4, -5, 9, false, true, false));
static_assert(ints<bfloat16>(8, -125, 128, true, true, true));
static_assert(ints<float16>(11, -13, 16, true, true, true));

// Denormals, decimal digits and exponents where C's <float.h> gives the reference values.
static_assert(std::numeric_limits<float16>::digits10 == 3);
static_assert(std::numeric_limits<float16>::max_digits10 == 5);
static_assert(std::numeric_limits<float16>::max_exponent10 == 4);
static_assert(std::numeric_limits<float16>::min_exponent10 == -4);
static_assert(std::numeric_limits<float8_e4m3fn>::max_exponent10 == 2);
static_assert(std::numeric_limits<float8_e8m0fnu>::has_denorm == std::denorm_absent);
static_assert(std::numeric_limits<float8_e4m3fn>::has_denorm == std::denorm_present);
static_assert(std::numeric_limits<float8_e5m2>::has_signaling_NaN);
static_assert(!std::numeric_limits<float8_e4m3fn>::has_signaling_NaN);

// binary32 through lowp agrees with the compiler's float in every member.
using LF = std::numeric_limits<float>;
using LB = std::numeric_limits<minifloat<formats::binary32>>;
static_assert(LF::digits == LB::digits && LF::digits10 == LB::digits10 &&
              LF::max_digits10 == LB::max_digits10 && LF::min_exponent == LB::min_exponent &&
              LF::min_exponent10 == LB::min_exponent10 && LF::max_exponent == LB::max_exponent &&
              LF::max_exponent10 == LB::max_exponent10 && LF::has_infinity == LB::has_infinity &&
              LF::has_quiet_NaN == LB::has_quiet_NaN && LF::is_iec559 == LB::is_iec559);
static_assert(F(LB::max()) == LF::max() && F(LB::min()) == LF::min() &&
              F(LB::denorm_min()) == LF::denorm_min() && F(LB::epsilon()) == LF::epsilon() &&
              F(LB::lowest()) == LF::lowest());

}  // namespace

TEST_CASE("limits: special values behave", "[types]") {
  CHECK(std::isinf(F(std::numeric_limits<float8_e5m2>::infinity())));
  CHECK(std::isnan(F(std::numeric_limits<float8_e4m3fn>::quiet_NaN())));
  CHECK(std::isnan(F(std::numeric_limits<float8_e4m3fn>::infinity())));  // no inf: NaN
  CHECK(F(std::numeric_limits<float4_e2m1fn>::infinity()) == 6.0f);      // no specials: max
  CHECK(std::isnan(F(std::numeric_limits<bfloat16>::signaling_NaN())));
  CHECK(std::numeric_limits<float8_e4m3fn>::max().bits() == 0x7E);
}

TEST_CASE("value types: layout - hashing and comparisons", "[types]") {
  static_assert(sizeof(float8_e4m3fn) == 1 && sizeof(float4_e2m1fn) == 1);
  static_assert(sizeof(bfloat16) == 2 && sizeof(float16) == 2 && sizeof(tfloat32) == 4);
  static_assert(std::is_trivially_copyable_v<float8_e5m2>);
  const float8_e4m3fn pz{0.0f}, nz{-0.0f};
  CHECK(pz == nz);
  CHECK(pz.bits() != nz.bits());
  CHECK(std::hash<float8_e4m3fn>{}(pz) == std::hash<float8_e4m3fn>{}(nz));
  const auto nan = std::numeric_limits<float8_e4m3fn>::quiet_NaN();
  CHECK_FALSE(nan == nan);
  CHECK(nan != nan);
  CHECK_FALSE(nan < pz);
  CHECK_FALSE(nan >= pz);
  CHECK(float8_e4m3fn{1.0f} < float8_e4m3fn{1.125f});
  CHECK((-float8_e4m3fn{2.0f}).bits() == 0xC0);
  CHECK(abs(float8_e4m3fn{-2.0f}).bits() == 0x40);
  CHECK((-float8_e4m3fnuz{0.0f}).bits() == 0x00);  // fnuz has no -0
  CHECK(float8_e4m3fn{3}.bits() == 0x44);          // from an integer
  CHECK(float8_e4m3fn{1000000}.bits() == 0x7F);    // overflow -> NaN (default policy)
  CHECK(float16{2049}.bits() == 0x6800);           // 2049 -> 2048 (tie to even)
  CHECK(float16{-9007199254740993LL}.bits() == 0xFC00);
  float8_e4m3fn acc{1.0f};
  acc += float8_e4m3fn{0.0625f};  // 1.0625: a tie between 1.0 and 1.125 -> even (1.0)
  CHECK(acc.bits() == 0x38);
  acc += float8_e4m3fn{0.078125f};  // 1.078125: nearer 1.125
  CHECK(acc.bits() == 0x39);
}
