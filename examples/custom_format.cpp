// Custom formats end to end: a format that is in no catalogue, defined in one line, used with
// every part of lowp exactly as the named formats are.
//
//   - E3M4 with bias 5 and the OCP "fn" convention (no inf, NaN at the all-ones magnitude),
//     defined as a tag type with a float_format descriptor, and again with lowp::exmy;
//   - IEEE P3109 binary8p3 (lowp::formats::binary8p<3> = lowp::p3109<8, 3>) and its
//     finite-domain variant.
//
// It shows the derived properties (constexpr functions of the descriptor, checked with
// static_assert), encoding under several rounding modes (stochastic with a fixed seed) and
// overflow policies, decoding, the minifloat<Fmt> value type with arithmetic, conversion
// between two custom formats, and the array API (quantize / dequantize / fake_quantize).
//
// Usage: example_custom_format [x ...]
//   x: values to encode (default 0.1 3.45 -3.45 7.7 100 0.003 100000); everything printed is
//   deterministic (stochastic rounding uses a fixed seed).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <limits>
#include <string>
#include <vector>

#include "lowp/array/convert.hpp"      // quantize / dequantize / fake_quantize
#include "lowp/codec/float_codec.hpp"  // encode / decode / convert
#include "lowp/core/random.hpp"        // counter_random_bits
#include "lowp/format/formats.hpp"     // exmy, p3109, formats::binary8p
#include "lowp/types/limits.hpp"       // std::numeric_limits<minifloat<F>>
#include "lowp/types/minifloat.hpp"    // minifloat<F>

// A format tag is any type with `static constexpr lowp::float_format value`:
// {exponent bits, mantissa bits, bias, signedness, special-value convention}.
// Code layout: [sign][3 exponent bits][4 mantissa bits].
struct e3m4_b5 {
  static constexpr lowp::float_format value{3, 4, 5, lowp::signedness::signed_,
                                            lowp::special_values::fn};
};

// The same format through the ad-hoc helper exmy<E, M, specials, bias, signedness>.
using e3m4_b5_exmy = lowp::exmy<3, 4, lowp::special_values::fn, 5>;

// IEEE P3109 binary8p3 (8 bits, precision 3): 5 exponent bits, 2 mantissa bits, bias 16,
// NaN at 0x80, +-inf at 0x7F/0xFF, no -0. The finite domain drops the infinities.
using binary8p3 = lowp::formats::binary8p<3>;
using binary8p3_finite = lowp::p3109<8, 3, lowp::signedness::signed_, lowp::p3109_domain::finite>;

// Every property is a constexpr function of the descriptor, so it can be checked at compile
// time. Max: exponent field 7, mantissa 1110 (1111 is NaN): 1.875 * 2^(7-5) = 7.5.
static_assert(lowp::max_finite(e3m4_b5::value) == 7.5, "E3M4 bias 5: max 7.5");
static_assert(lowp::min_normal(e3m4_b5::value) == 0.0625, "2^(1-5)");
static_assert(lowp::min_positive(e3m4_b5::value) == 0.00390625, "2^(1-5-4)");
static_assert(lowp::finite_value_count(e3m4_b5::value) == 253, "256 codes - 2 NaN - (-0)");
static_assert(lowp::max_finite(e3m4_b5_exmy::value) == lowp::max_finite(e3m4_b5::value),
              "the two definitions agree");
static_assert(lowp::max_finite(binary8p3::value) == 49152, "P3109 binary8p3: 1.5 * 2^15");
// The codec is constexpr too: 1.0 is exponent field 5 (bias 5), mantissa 0.
static_assert(lowp::encode<e3m4_b5>(1.0f) == 0x50, "1.0 encodes as 0x50");
static_assert(lowp::decode<binary8p3>(0x40) == 1.0f, "0x40 decodes as 1.0");

namespace {

using lowp::rounding;

// The value of a code, exactly (%.17g prints every value of these formats exactly).
template <class Fmt>
double value_of(lowp::storage_t<Fmt> code) {
  return static_cast<double>(lowp::decode<Fmt>(code));
}

// x with 6 significant digits, or more (up to 9) until it reads back as x: 0.1f prints as
// 0.1, not 0.100000001.
std::string shortest(float x) {
  char buf[32];
  for (int digits = 6; digits <= 9; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, static_cast<double>(x));
    if (std::strtof(buf, nullptr) == x) break;
  }
  return buf;
}

// "0x6C (3.5)": a code and its value.
template <class Fmt>
std::string code_cell(lowp::storage_t<Fmt> code) {
  char cell[40];
  std::snprintf(cell, sizeof cell, "0x%02X (%.17g)", static_cast<unsigned>(code),
                value_of<Fmt>(code));
  return cell;
}

template <class Fmt>
void print_properties(const char* name) {
  constexpr lowp::float_format d = Fmt::value;
  std::printf("%-17s %4d %2d %2d %4d  %-3s %6.17g %16.17g %17.17g %6llu  ", name,
              lowp::total_bits(d), d.exponent_bits, d.mantissa_bits, d.bias,
              lowp::has_inf(d) ? "yes" : "no", lowp::max_finite(d), lowp::min_normal(d),
              lowp::min_positive(d), static_cast<unsigned long long>(lowp::finite_value_count(d)));
  std::printf("0x%02llX\n", static_cast<unsigned long long>(lowp::nan_code(d)));
}

// One row per input, one column per rounding mode / overflow policy.
template <class Fmt>
void print_encodings(const char* name, const std::vector<float>& inputs, std::uint64_t seed) {
  std::printf("\n%s: encode(x) -> code (value)\n", name);
  int width = 8;
  for (float x : inputs) width = std::max(width, static_cast<int>(shortest(x).size()));
  std::printf("%-*s  %-20s  %-20s  %-20s  %-20s  %s\n", width, "x", "nearest_even", "toward_zero",
              "toward_positive", "nearest, saturate", "stochastic");
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const float x = inputs[i];
    std::printf(
        "%-*s  %-20s  %-20s  %-20s  %-20s  %s\n", width, shortest(x).c_str(),
        code_cell<Fmt>(lowp::encode<Fmt>(x)).c_str(),  // nearest-even, to inf or NaN
        code_cell<Fmt>(lowp::encode<Fmt, rounding::toward_zero>(x)).c_str(),
        code_cell<Fmt>(lowp::encode<Fmt, rounding::toward_positive>(x)).c_str(),
        code_cell<Fmt>(lowp::encode<Fmt, rounding::nearest_even, lowp::overflow::saturate>(x))
            .c_str(),
        // Stochastic rounding: 32 random bits per value from a counter-based stream, so
        // the result depends only on (seed, i): the same on every machine and run.
        code_cell<Fmt>(
            lowp::encode<Fmt, rounding::stochastic>(x, lowp::counter_random_bits(seed, i)))
            .c_str());
  }
  // Under the default overflow policy (ml_dtypes' kTruncate) truncation still overflows at or
  // above 2^(emax + 1); lowp::overflow::ieee gives the largest finite value there instead.
  constexpr lowp::float_format d = Fmt::value;
  std::printf(
      "toward_zero of |x| >= 2^(emax+1) = %g overflows; with overflow::ieee: 100000 -> "
      "0x%02X\n",
      std::ldexp(1.0, lowp::emax(d) + 1),
      static_cast<unsigned>(
          lowp::encode<Fmt, rounding::toward_zero, lowp::overflow::ieee>(100000.0f)));
}

}  // namespace

int run(int argc, char** argv) {
  const std::uint64_t seed = 42;
  std::vector<float> inputs{0.1f, 3.45f, -3.45f, 7.7f, 100.0f, 0.003f, 100000.0f};
  if (argc > 1) inputs.clear();
  for (int i = 1; i < argc; ++i) {
    char* end = nullptr;
    inputs.push_back(std::strtof(argv[i], &end));
    if (end == argv[i] || *end != '\0') {
      std::fprintf(stderr, "not a number: '%s'\nusage: %s [x ...]\n", argv[i], argv[0]);
      return 1;
    }
  }

  // --- 1. Derived properties ---------------------------------------------------------------
  std::printf("%-17s %4s %2s %2s %4s  %-3s %6s %16s %17s %6s  %s\n", "format", "bits", "E", "M",
              "bias", "inf", "max", "min normal", "min subnormal", "values", "NaN");
  print_properties<e3m4_b5>("e3m4 bias 5 (fn)");
  print_properties<e3m4_b5_exmy>("exmy<3,4,fn,5>");
  print_properties<binary8p3>("binary8p3");
  print_properties<binary8p3_finite>("binary8p3 finite");

  // An invalid descriptor is a compile error when used as a tag; validate() says why.
  constexpr lowp::float_format bad_bias{3, 4, -200, lowp::signedness::signed_,
                                        lowp::special_values::fn};
  std::printf("bias -200 is rejected: %s\n", lowp::validate(bad_bias));

  // --- 2. Encoding under several rounding modes and overflow policies -----------------------
  print_encodings<e3m4_b5>("e3m4 bias 5", inputs, seed);
  print_encodings<binary8p3>("binary8p3", inputs, seed);

  // Stochastic rounding is unbiased: 3.45 lies 60% of the way from 3.375 to 3.5.
  int up = 0;
  double sum = 0;
  const int n = 10000;
  for (int i = 0; i < n; ++i) {
    const auto c = lowp::encode<e3m4_b5, rounding::stochastic>(
        3.45f, lowp::counter_random_bits(seed, static_cast<std::uint64_t>(i)));
    up += c == 0x6C;
    sum += value_of<e3m4_b5>(c);
  }
  std::printf(
      "\n3.45 -> e3m4 bias 5, stochastic, %d draws (seed %llu): up to 3.5 %.1f%%, mean %.4f\n", n,
      static_cast<unsigned long long>(seed), 100.0 * up / n, sum / n);

  // --- 3. Decoding ---------------------------------------------------------------------------
  std::printf("\ne3m4 bias 5: decode(code)\n");
  for (unsigned c : {0x00u, 0x01u, 0x0Fu, 0x10u, 0x50u, 0x7Eu, 0x7Fu, 0x80u, 0xFEu}) {
    const float v = lowp::decode<e3m4_b5>(static_cast<std::uint8_t>(c));
    std::printf("  0x%02X -> %.17g\n", c, static_cast<double>(v));
  }

  // --- 4. The value type minifloat<Fmt>: every operation rounds its exact result once -------
  using f8 = lowp::minifloat<e3m4_b5>;
  const f8 a{1.5f}, b{2.25f};
  std::printf("\nminifloat<e3m4 bias 5>, a = %g, b = %g\n", static_cast<double>(a),
              static_cast<double>(b));
  std::printf("  a + b = %g   a * b = %g   b - a = %g   a / b = %g   sqrt(2) = %g\n",
              static_cast<double>(a + b), static_cast<double>(a * b), static_cast<double>(b - a),
              static_cast<double>(a / b), static_cast<double>(sqrt(f8{2.0f})));
  f8 tenth_sum{0.0f};
  for (int i = 0; i < 10; ++i) tenth_sum += f8{0.1f};  // 0.1 is 0.1015625 here
  std::printf("  0.1 added ten times = %g\n", static_cast<double>(tenth_sum));
  std::printf("  max * 2 = %g (no inf in fn formats: overflow gives NaN)\n",
              static_cast<double>(std::numeric_limits<f8>::max() * f8{2.0f}));
  std::printf("  numeric_limits: max %g, min %g, denorm_min %g, epsilon %g, has_infinity %s\n",
              static_cast<double>(std::numeric_limits<f8>::max()),
              static_cast<double>(std::numeric_limits<f8>::min()),
              static_cast<double>(std::numeric_limits<f8>::denorm_min()),
              static_cast<double>(std::numeric_limits<f8>::epsilon()),
              std::numeric_limits<f8>::has_infinity ? "true" : "false");
  using p3 = lowp::minifloat<binary8p3>;
  std::printf("minifloat<binary8p3>: 40000 + 20000 = %g, -0.0 stored as code 0x%02X\n",
              static_cast<double>(p3{40000.0f} + p3{20000.0f}),
              static_cast<unsigned>(p3{-0.0f}.bits()));

  // --- 5. Format to format, rounding once ----------------------------------------------------
  const auto max_code = static_cast<lowp::storage_t<e3m4_b5>>(lowp::max_code(e3m4_b5::value));
  const auto converted = lowp::convert<binary8p3, e3m4_b5>(max_code);
  std::printf("\nconvert e3m4 bias 5 0x%02X (%g) -> binary8p3 0x%02X (%g)\n",
              static_cast<unsigned>(max_code), value_of<e3m4_b5>(max_code),
              static_cast<unsigned>(converted), value_of<binary8p3>(converted));

  // --- 6. The array API takes any float format ------------------------------------------------
  std::vector<float> x(inputs);
  std::vector<std::uint8_t> q(x.size());
  std::vector<float> back(x.size());
  lowp::quantize<e3m4_b5>(x, q);  // SIMD kernels where available, same bytes as encode
  lowp::dequantize<e3m4_b5>(q, back);
  bool same = true;
  for (std::size_t i = 0; i < x.size(); ++i) same = same && q[i] == lowp::encode<e3m4_b5>(x[i]);
  std::printf("\narray quantize<e3m4 bias 5>: ");
  for (std::size_t i = 0; i < x.size(); ++i) std::printf("0x%02X ", static_cast<unsigned>(q[i]));
  std::printf("(matches the scalar encode: %s)\narray dequantize: ", same ? "yes" : "NO");
  for (float v : back) std::printf("%.17g ", static_cast<double>(v));

  // Stochastic rounding on arrays: element i uses counter_bits(seed, i), so it agrees with
  // the scalar loop above and with any split of the array into pieces or threads.
  lowp::array_options opt;
  opt.seed = seed;
  lowp::quantize<e3m4_b5, rounding::stochastic>(x, q, opt);
  same = true;
  for (std::size_t i = 0; i < x.size(); ++i)
    same = same && q[i] == lowp::encode<e3m4_b5, rounding::stochastic>(
                               x[i], lowp::counter_random_bits(seed, i));
  std::printf("\narray quantize<e3m4 bias 5, stochastic> (seed %llu): ",
              static_cast<unsigned long long>(seed));
  for (std::size_t i = 0; i < x.size(); ++i) std::printf("0x%02X ", static_cast<unsigned>(q[i]));
  std::printf("(matches the scalar encode: %s)\n", same ? "yes" : "NO");

  lowp::fake_quantize<binary8p3, rounding::nearest_even, lowp::overflow::saturate>(x, back);
  std::printf("array fake_quantize<binary8p3, saturate>: ");
  for (float v : back) std::printf("%.17g ", static_cast<double>(v));
  std::printf("\n");
  return 0;
}

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {  // bad arguments, allocation failure
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
