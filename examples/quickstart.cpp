// Quickstart: encode floats into FP8/FP6/FP4/E8M0 codes, decode them, and see how the
// rounding mode, the overflow policy and compatibility profiles change the result.
// Build: any C++17 compiler, `-I include`; no flags, no link step.
#include <cstdio>

#include "lowp/lowp.hpp"

int main() {
  namespace fm = lowp::formats;
  using lowp::rounding;

  std::printf("%-10s %-8s %-6s %s\n", "input", "format", "code", "decoded");
  const float inputs[] = {0.3f, 1.0625f, 300.0f, 464.0f, 500.0f, -2.5f};
  for (float x : inputs) {
    const auto c = lowp::encode<fm::e4m3fn>(x);  // round to nearest even, overflow -> NaN
    std::printf("%-10g %-8s 0x%02X   %g\n", static_cast<double>(x), "e4m3fn", c,
                static_cast<double>(lowp::decode<fm::e4m3fn>(c)));
  }

  // The same value under other rounding modes and formats.
  const float x = 2.5f;
  std::printf("\n2.5 into e2m1fn: nearest-even 0x%X, nearest-away 0x%X, toward-zero 0x%X\n",
              lowp::encode<fm::e2m1fn>(x), lowp::encode<fm::e2m1fn, rounding::nearest_away>(x),
              lowp::encode<fm::e2m1fn, rounding::toward_zero>(x));

  // Stochastic rounding with explicit random bits (8 bits, as hardware FP4 SR uses).
  int ups = 0;
  for (std::uint32_t r = 0; r < 256; ++r)
    ups += lowp::encode<fm::e2m1fn, rounding::stochastic>(2.25f, lowp::random_bits{r, 8}) == 0x5;
  std::printf("2.25 into e2m1fn, stochastic: rounds up to 3.0 for %d of 256 random values\n", ups);

  // Profiles reproduce other stacks: +inf into E4M3 with saturation.
  const float inf = 1.0f / 0.0f;
  std::printf("\n+inf into e4m3fn: CUDA satfinite 0x%02X, ml_dtypes saturating 0x%02X\n",
              lowp::encode_as<fm::e4m3fn>(inf, lowp::profiles::cuda_satfinite),
              lowp::encode_as<fm::e4m3fn>(inf, lowp::profiles::mldtypes_rne_sat));

  // E8M0 scale: CUDA round-up (used for MX scales) vs nearest.
  std::printf("3.0 into e8m0fnu: round up 0x%02X, toward zero 0x%02X, nearest 0x%02X\n",
              lowp::encode_as<fm::e8m0fnu>(
                  3.0f, lowp::profiles::cuda_satfinite.with(rounding::toward_positive)),
              lowp::encode_as<fm::e8m0fnu>(
                  3.0f, lowp::profiles::cuda_satfinite.with(rounding::toward_zero)),
              lowp::encode<fm::e8m0fnu>(3.0f));

  // Format to format, rounding once: bfloat16 1.0625 (0x3F88) into e4m3fn.
  std::printf("bfloat16 0x3F88 -> e4m3fn 0x%02X\n",
              lowp::convert<fm::e4m3fn, fm::bfloat16>(0x3F88));

  // Properties are constexpr functions of the descriptor.
  constexpr auto d = fm::e4m3fn::value;
  std::printf("\ne4m3fn: max %g, min normal %g, min subnormal %g, %llu finite values\n",
              lowp::max_finite(d), lowp::min_normal(d), lowp::min_positive(d),
              static_cast<unsigned long long>(lowp::finite_value_count(d)));
  return 0;
}
