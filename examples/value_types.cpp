// Value types: the same small computations carried out in several formats, side by side.
// Every operation rounds its exact result once to the format (like IEEE arithmetic in that
// format), so the columns show what each format really computes.
#include <cmath>
#include <cstdio>

#include "lowp/lowp.hpp"

namespace {

// Sum of 1/k for k = 1..n, accumulated in T.
template <class T>
double harmonic(int n) {
  T sum{0.0f};
  for (int k = 1; k <= n; ++k) sum += T{1.0f} / T{static_cast<float>(k)};
  return static_cast<double>(sum);
}

// Newton's iteration for sqrt(2) in T: x <- (x + 2/x) / 2, five steps from 1.
template <class T>
double newton_sqrt2() {
  T x{1.0f};
  const T two{2.0f};
  for (int i = 0; i < 5; ++i) x = (x + two / x) / two;
  return static_cast<double>(x);
}

// Dot product of two short vectors, with fma and without.
template <class T>
void dot(double& plain, double& fused) {
  const float a[] = {1.25f, -0.75f, 3.5f, 0.125f, 2.0f, -1.5f};
  const float b[] = {0.5f, 1.75f, -0.25f, 6.0f, 0.375f, 1.0f};
  T p{0.0f}, f{0.0f};
  for (int i = 0; i < 6; ++i) {
    p = p + T{a[i]} * T{b[i]};
    f = fma(T{a[i]}, T{b[i]}, f);
  }
  plain = static_cast<double>(p);
  fused = static_cast<double>(f);
}

template <class T>
void row(const char* name) {
  double plain = 0, fused = 0;
  dot<T>(plain, fused);
  std::printf("%-14s %12.6g %12.8g %12.6g %12.6g %12.6g\n", name, harmonic<T>(100),
              newton_sqrt2<T>(), plain, fused, static_cast<double>(sqrt(T{2.0f})));
}

}  // namespace

int main() {
  std::printf("%-14s %12s %12s %12s %12s %12s\n", "format", "H(100)", "newton", "dot", "dot (fma)",
              "sqrt(2)");
  row<lowp::float4_e2m1fn>("float4_e2m1fn");
  row<lowp::float6_e2m3fn>("float6_e2m3fn");
  row<lowp::float6_e3m2fn>("float6_e3m2fn");
  row<lowp::float8_e4m3fn>("float8_e4m3fn");
  row<lowp::float8_e5m2>("float8_e5m2");
  row<lowp::float8_e3m4>("float8_e3m4");
  row<lowp::bfloat16>("bfloat16");
  row<lowp::float16>("float16");
  row<lowp::tfloat32>("tfloat32");
  row<lowp::minifloat<lowp::formats::binary32>>("binary32");
  double h = 0;
  for (int k = 1; k <= 100; ++k) h += 1.0 / k;
  const double d = 1.25 * 0.5 - 0.75 * 1.75 - 3.5 * 0.25 + 0.125 * 6 + 2.0 * 0.375 - 1.5;
  std::printf("%-14s %12.6g %12.8g %12.6g %12.6g %12.6g\n", "double", h, std::sqrt(2.0), d, d,
              std::sqrt(2.0));
  return 0;
}
