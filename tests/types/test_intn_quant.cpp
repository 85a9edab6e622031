// Narrow integers and affine integer quantization against an independent oracle: integer
// wrap/saturate by modular arithmetic on int64, and round(x / scale) decided by exact double
// comparisons (n * scale and (n + 1/2) * scale are exact in double for |n| < 2^28).
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define LOWP_TEST_MXCSR 1
#endif

#include "lowp/lowp.hpp"
#include "support/bits.hpp"
#include "support/catch.hpp"

namespace {

using lowp::rounding;
using lowp::signedness;

// ---- oracle -----------------------------------------------------------------------------
std::int64_t o_wrap(std::int64_t v, int bits, bool is_signed) {
  const std::int64_t m = std::int64_t{1} << bits;
  std::int64_t r = ((v % m) + m) % m;
  if (is_signed && r >= m / 2) r -= m;
  return r;
}
std::int64_t o_min(int bits, bool s) { return s ? -(std::int64_t{1} << (bits - 1)) : 0; }
std::int64_t o_max(int bits, bool s) {
  return s ? (std::int64_t{1} << (bits - 1)) - 1 : (std::int64_t{1} << bits) - 1;
}

// round(y) where y = x / scale exactly, for finite x and positive finite scale, |y| < 2^27.
// `rbits`/`count` (count <= 16) for stochastic rounding.
std::int64_t o_round_div(double x, double scale, rounding md, std::uint32_t rbits = 0,
                         unsigned count = 16) {
  const bool neg = x < 0;
  const double ax = std::fabs(x);
  std::int64_t n = static_cast<std::int64_t>(std::floor(ax / scale));
  // Correct the estimate with exact comparisons.
  while (static_cast<double>(n) * scale > ax) --n;
  while (static_cast<double>(n + 1) * scale <= ax) ++n;
  const double lo = static_cast<double>(n) * scale;
  const double mid = (static_cast<double>(n) + 0.5) * scale;
  const bool exact = lo == ax;
  bool up = false;
  if (!exact) {
    switch (md) {
      case rounding::nearest_even:
        up = ax > mid || (ax == mid && (n % 2) != 0);
        break;
      case rounding::nearest_away:
        up = ax >= mid;
        break;
      case rounding::nearest_zero:
        up = ax > mid;
        break;
      case rounding::toward_zero:
        up = false;
        break;
      case rounding::toward_positive:
        up = !neg;
        break;
      case rounding::toward_negative:
        up = neg;
        break;
      case rounding::to_odd:
        up = (n % 2) == 0;
        break;
      case rounding::stochastic: {
        // t = floor((ax - lo) / scale * 2^count): the largest k with k * scale <= diff * 2^c
        const double diff = (ax - lo) * std::ldexp(1.0, static_cast<int>(count));
        std::int64_t t = static_cast<std::int64_t>(std::floor(diff / scale));
        while (static_cast<double>(t) * scale > diff) --t;
        while (static_cast<double>(t + 1) * scale <= diff) ++t;
        const std::int64_t r = rbits & ((1u << count) - 1);
        up = t + r >= (std::int64_t{1} << count);
        break;
      }
    }
  }
  const std::int64_t m = n + (up ? 1 : 0);
  return neg ? -m : m;
}

constexpr rounding all_modes[] = {rounding::nearest_even,    rounding::nearest_away,
                                  rounding::nearest_zero,    rounding::toward_zero,
                                  rounding::toward_positive, rounding::toward_negative,
                                  rounding::to_odd,          rounding::stochastic};

template <int Bits, signedness S>
void check_intn() {
  using T = lowp::intn<Bits, S>;
  constexpr bool sg = S == signedness::signed_;
  for (std::int64_t v = -70000; v <= 70000; v += (Bits > 8 ? 7 : 1)) {
    REQUIRE(T::wrap(v).value() == o_wrap(v, Bits, sg));
    const std::int64_t c = std::min(std::max(v, o_min(Bits, sg)), o_max(Bits, sg));
    REQUIRE(T::saturate(v).value() == c);
  }
  const std::int64_t lo = o_min(Bits, sg), hi = o_max(Bits, sg);
  const std::int64_t step = Bits > 8 ? 97 : 1;
  for (std::int64_t a = lo; a <= hi; a += step)
    for (std::int64_t b = lo; b <= hi; b += step) {
      const T x = T::wrap(a), y = T::wrap(b);
      REQUIRE((x + y).value() == o_wrap(a + b, Bits, sg));
      REQUIRE((x - y).value() == o_wrap(a - b, Bits, sg));
      REQUIRE((x * y).value() == o_wrap(a * b, Bits, sg));
      REQUIRE((x < y) == (a < b));
    }
}

}  // namespace

TEST_CASE("intn: named wrapping and saturating conversions and wrapping arithmetic", "[types]") {
  check_intn<1, signedness::signed_>();
  check_intn<1, signedness::unsigned_>();
  check_intn<2, signedness::signed_>();
  check_intn<2, signedness::unsigned_>();
  check_intn<4, signedness::signed_>();
  check_intn<4, signedness::unsigned_>();
  check_intn<8, signedness::signed_>();
  check_intn<12, signedness::unsigned_>();
  check_intn<16, signedness::signed_>();
  static_assert(sizeof(lowp::int4) == 1 && sizeof(lowp::intn<12>) == 2);
  static_assert(
      lowp::int4::from_float<rounding::toward_zero, lowp::int_overflow::wrap>(9.7f).value() ==
      -7);  // ml_dtypes int4(9.7f)
  static_assert(lowp::int4::from_float(9.7f).value() == 7);
  static_assert(lowp::uint4::from_float(-3.0f).value() == 0);
}

TEST_CASE("quantize_int: round(x / scale) + zero point in every mode against the oracle",
          "[types]") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::uniform_int_distribution<int> ex(-40, 20);
  std::uniform_int_distribution<int> zp(-3, 3);
  std::size_t checked = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    const float scale = static_cast<float>(std::ldexp(1.0 + std::fabs(u(rng)), ex(rng)));
    const lowp::affine_params p{scale, zp(rng)};
    std::vector<float> xs;
    for (int n = -10; n <= 10; ++n) {
      // exact multiples, ties (n + 1/2) * scale, and their float neighbours
      for (double k : {static_cast<double>(n), n + 0.5, n + 0.25}) {
        const auto x = static_cast<float>(k * scale);
        xs.push_back(x);
        xs.push_back(std::nextafter(x, 1e30f));
        xs.push_back(std::nextafter(x, -1e30f));
      }
    }
    for (int k = 0; k < 20; ++k) xs.push_back(static_cast<float>(u(rng) * 12 * scale));
    for (float x : xs) {
      for (rounding md : all_modes) {
        const std::uint32_t rv = static_cast<std::uint32_t>(rng());
        const auto got = lowp::quantize_int<lowp::formats::int4>(
            x, p, {md, lowp::int_range::full, lowp::scale_division::exact},
            lowp::random_bits{rv, 16});
        std::int64_t want = o_round_div(x, scale, md, rv, 16) + p.zero_point;
        want = std::min<std::int64_t>(std::max<std::int64_t>(want, -8), 7);
        REQUIRE(lowp::int_value<lowp::formats::int4>(got) == want);
        // narrow range and the fp32 division forms
        const auto narrow = lowp::quantize_int<lowp::formats::int4>(
            x, p, {md, lowp::int_range::narrow, lowp::scale_division::exact},
            lowp::random_bits{rv, 16});
        REQUIRE(lowp::int_value<lowp::formats::int4>(narrow) == std::max<std::int64_t>(want, -7));
        if (md != rounding::stochastic) {
          const float yd = x / scale;
          const float yr = x * (1.0f / scale);
          std::int64_t wd = o_round_div(yd, 1.0, md) + p.zero_point;
          std::int64_t wr = o_round_div(yr, 1.0, md) + p.zero_point;
          wd = std::min<std::int64_t>(std::max<std::int64_t>(wd, -8), 7);
          wr = std::min<std::int64_t>(std::max<std::int64_t>(wr, -8), 7);
          REQUIRE(lowp::int_value<lowp::formats::int4>(lowp::quantize_int<lowp::formats::int4>(
                      x, p, {md, lowp::int_range::full, lowp::scale_division::fp32_divide})) == wd);
          REQUIRE(lowp::int_value<lowp::formats::int4>(lowp::quantize_int<lowp::formats::int4>(
                      x, p, {md, lowp::int_range::full, lowp::scale_division::fp32_reciprocal})) ==
                  wr);
        }
        ++checked;
      }
    }
  }
  CHECK(checked > 1000000);
}

TEST_CASE("quantize_int: reference behaviours (formats-reference 7 and D-22)", "[types]") {
  namespace fm = lowp::formats;
  // torchao SYMMETRIC int4: scale = amax / 7.5, so +amax -> 7.5 -> 8 -> clamped 7, -amax -> -8.
  const auto p =
      lowp::choose_symmetric<fm::int4>(3.0f, lowp::symmetric_scale::amax_over_half_range);
  CHECK(p.scale == 3.0f / 7.5f);
  CHECK(lowp::int_value<fm::int4>(
            lowp::quantize_int<fm::int4>(3.0f, p, lowp::profiles::torchao_affine)) == 7);
  CHECK(lowp::int_value<fm::int4>(
            lowp::quantize_int<fm::int4>(-3.0f, p, lowp::profiles::torchao_affine)) == -8);
  // ggml Q8_0: d = amax / 127, roundf (ties away): 2.5 -> 3, -2.5 -> -3.
  const lowp::affine_params one{1.0f, 0};
  CHECK(lowp::int_value<fm::int8>(
            lowp::quantize_int<fm::int8>(2.5f, one, lowp::profiles::ggml_q8_0)) == 3);
  CHECK(lowp::int_value<fm::int8>(
            lowp::quantize_int<fm::int8>(-2.5f, one, lowp::profiles::ggml_q8_0)) == -3);
  CHECK(lowp::int_value<fm::int8>(
            lowp::quantize_int<fm::int8>(-300.0f, one, lowp::profiles::ggml_q8_0)) == -127);
  CHECK(lowp::int_value<fm::int8>(
            lowp::quantize_int<fm::int8>(2.5f, one, lowp::profiles::torch_divide)) == 2);
  // Asymmetric uint8 over [-1, 3]: scale 4/255, zero point 0 - round(-1 / (4/255)) = 64.
  const auto a = lowp::choose_asymmetric<fm::uint8>(-1.0f, 3.0f);
  CHECK(a.scale == 4.0f / 255.0f);
  CHECK(a.zero_point == 64);
  // NaN gives the zero point; infinities clamp.
  CHECK(lowp::int_value<fm::uint8>(lowp::quantize_int<fm::uint8>(NAN, a)) == 64);
  CHECK(lowp::int_value<fm::uint8>(lowp::quantize_int<fm::uint8>(INFINITY, a)) == 255);
  CHECK(lowp::int_value<fm::uint8>(lowp::quantize_int<fm::uint8>(-INFINITY, a)) == 0);
}

TEST_CASE("quantize_int arrays: grouping - exact dequantization - bad input", "[types]") {
  namespace fm = lowp::formats;
  std::vector<float> x(100);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(static_cast<float>(i)) * 3.0f;
  std::vector<lowp::affine_params> groups;
  for (int g = 0; g < 4; ++g) groups.push_back({0.1f * static_cast<float>(g + 1), g - 1});
  std::vector<std::uint8_t> q(100);
  lowp::quantize_int<fm::int4>(lowp::span<const float>(x), lowp::span<std::uint8_t>(q),
                               lowp::span<const lowp::affine_params>(groups), 32);
  for (std::size_t i = 0; i < x.size(); ++i)
    REQUIRE(q[i] == lowp::quantize_int<fm::int4>(x[i], groups[i / 32]));
  std::vector<float> back(100);
  lowp::dequantize_int<fm::int4>(lowp::span<const std::uint8_t>(q), lowp::span<float>(back),
                                 lowp::span<const lowp::affine_params>(groups), 32);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const auto& p = groups[i / 32];
    const float want = static_cast<float>(lowp::int_value<fm::int4>(q[i]) - p.zero_point) * p.scale;
    REQUIRE(lowp_test::u32(back[i]) == lowp_test::u32(want));
  }
  // Stochastic rounding: reproducible from the seed, different for another seed.
  std::vector<std::uint8_t> s1(100), s2(100), s3(100);
  const lowp::int_quant_policy sr{rounding::stochastic, lowp::int_range::full,
                                  lowp::scale_division::exact};
  auto run = [&](std::vector<std::uint8_t>& out, std::uint64_t seed) {
    lowp::quantize_int<fm::int4>(lowp::span<const float>(x), lowp::span<std::uint8_t>(out),
                                 lowp::span<const lowp::affine_params>(groups), 32, sr, seed);
  };
  run(s1, 1);
  run(s2, 1);
  run(s3, 2);
  CHECK(s1 == s2);
  CHECK(s1 != s3);
  // Bad input: a clear exception, nothing written out of bounds.
  std::vector<std::uint8_t> small(99);
  CHECK_THROWS_AS(
      lowp::quantize_int<fm::int4>(lowp::span<const float>(x), lowp::span<std::uint8_t>(small),
                                   lowp::span<const lowp::affine_params>(groups), 32),
      std::invalid_argument);
  CHECK_THROWS_AS(
      lowp::quantize_int<fm::int4>(lowp::span<const float>(x), lowp::span<std::uint8_t>(q),
                                   lowp::span<const lowp::affine_params>(groups), 16),
      std::invalid_argument);
  CHECK_THROWS_AS(
      lowp::quantize_int<fm::int4>(lowp::span<const float>(x), lowp::span<std::uint8_t>(q),
                                   lowp::span<const lowp::affine_params>(groups), 0),
      std::invalid_argument);
  for (float bad : {0.0f, -1.0f, NAN, INFINITY}) {
    const std::vector<lowp::affine_params> one{{bad, 0}};
    CHECK_THROWS_AS(
        lowp::quantize_int<fm::int4>(lowp::span<const float>(x), lowp::span<std::uint8_t>(q),
                                     lowp::span<const lowp::affine_params>(one), 100),
        std::invalid_argument);
  }
}

#if defined(LOWP_TEST_MXCSR)
TEST_CASE("quantize_int: scale rules and argument checks ignore MXCSR's DAZ and FTZ", "[types]") {
  // A -ffast-math caller runs with DAZ/FTZ set: subnormal amax, range and scale must give the
  // parameters they give without (a float comparison or division would flush them to 0).
  namespace fm = lowp::formats;
  volatile float tiny = 3e-39f, tiny_lo = -2e-39f;  // subnormal, kept out of constant folding
  const auto sym = lowp::choose_symmetric<fm::int8>(tiny, lowp::symmetric_scale::amax_over_qmax);
  const auto asym = lowp::choose_asymmetric<fm::uint8>(tiny_lo, tiny);
  const unsigned saved = _mm_getcsr();
  _mm_setcsr(saved | 0x8040u);  // FTZ (bit 15) | DAZ (bit 6)
  const auto sym_daz =
      lowp::choose_symmetric<fm::int8>(tiny, lowp::symmetric_scale::amax_over_qmax);
  const auto asym_daz = lowp::choose_asymmetric<fm::uint8>(tiny_lo, tiny);
  bool threw = false;
  try {
    const std::vector<float> x{1e-40f, -2e-40f};
    std::vector<std::uint8_t> q(2);
    const lowp::affine_params p{tiny, 0};
    lowp::quantize_int<fm::int8>(lowp::span<const float>(x), lowp::span<std::uint8_t>(q),
                                 lowp::span<const lowp::affine_params>(&p, 1), 2);
  } catch (const std::invalid_argument&) {
    threw = true;
  }
  _mm_setcsr(saved);
  CHECK_FALSE(threw);
  CHECK(lowp_test::u32(sym_daz.scale) == lowp_test::u32(sym.scale));
  CHECK(lowp_test::u32(asym_daz.scale) == lowp_test::u32(asym.scale));
  CHECK(asym_daz.zero_point == asym.zero_point);
  CHECK(sym.scale != 1.0f);  // the subnormal range was not taken for zero
}
#endif
