/// \file gemm/reference.hpp
/// The mpGEMM accumulation contract computed plainly, one output at a time (what every kernel
/// must reproduce bit for bit), and an exact reference in double for error reports.
///
/// Contract, int8 activations (docs/gemm.md, "Accumulation contract"). For activation row n
/// and weight row m, with groups g of `group` columns in ascending order:
///   1. I_g = sum_{k in g} a[n][k] * (level(m, k) - zero[m][g]), exact in int32;
///   2. acc = +0.0f; for each g: acc = fma(float(I_g), scale[m][g], acc) (one rounding each;
///      float(I_g) is exact while |I_g| < 2^24, always so for groups up to 8192 columns);
///   3. y[n][m] = acc * d[n] (one rounding); a NaN result is stored as 0x7FC00000.
/// Every ISA's kernel gives these bits; the float environment must round to nearest.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "lowp/codec/fp32.hpp"
#include "lowp/core/bits.hpp"
#include "lowp/gemm/activations.hpp"
#include "lowp/gemm/weights.hpp"
#include "lowp/simd/float_env.hpp"
#include "lowp/simd/gemm_args.hpp"

namespace lowp {
namespace gemm {

/// The quiet NaN every GEMM output that is NaN carries (bits 0x7FC00000).
inline float canonical_nan() noexcept { return bit_cast<float>(simd::gemm_nan_bits); }

/// Throws std::invalid_argument unless weights and activations fit together.
inline void check_shapes(const int_weights& w, const int8_activations& a) {
  if (w.cols != a.cols)
    throw std::invalid_argument("lowp::gemm: weights have " + std::to_string(w.cols) +
                                " columns, activations " + std::to_string(a.cols));
}

/// Output y[n][m] of the int8 contract for one activation row and one weight row.
inline float reference_output(const int_weights& w, const int8_activations& a, std::size_t n,
                              std::size_t m) {
  const std::size_t groups = w.groups();
  const std::int8_t* x = a.values.data() + n * a.cols;
  float acc = 0.0f;
  for (std::size_t g = 0; g < groups; ++g) {
    const std::size_t k0 = g * w.group, k1 = std::min(w.cols, k0 + w.group);
    const std::int32_t z = w.zeros[m * groups + g];
    std::int32_t sum = 0;
    for (std::size_t k = k0; k < k1; ++k)
      sum += std::int32_t{x[k]} * (static_cast<std::int32_t>(w.level(m, k)) - z);
    acc = std::fma(static_cast<float>(sum), w.scales[m * groups + g], acc);
  }
  const float y = acc * a.scales[n];
  return fp32::is_nan(y) ? canonical_nan() : y;
}

/// y = x W^T by the int8 contract: y is row-major a.rows x w.rows (y[n * w.rows + m]).
inline void reference_matmul(const int_weights& w, const int8_activations& a, float* y) {
  validate(w);
  validate(a);
  check_shapes(w, a);
  const simd::ieee_denormals env;  // float_env.hpp
  for (std::size_t n = 0; n < a.rows; ++n)
    for (std::size_t m = 0; m < w.rows; ++m) y[n * w.rows + m] = reference_output(w, a, n, m);
}

/// Output y[n][m] of the float32 contract (docs/gemm.md) for activation row x (w.cols floats):
///   for each group g ascending: S = +0; for k ascending in g:
///     S = fma(x[k], float(level(m, k) - zero[m][g]), S);
///   then acc = fma(S, scale[m][g], acc) (acc from +0); y = acc, a NaN stored as 0x7FC00000.
inline float reference_output_f32(const int_weights& w, const float* x, std::size_t m) {
  const std::size_t groups = w.groups();
  float acc = 0.0f;
  for (std::size_t g = 0; g < groups; ++g) {
    const std::size_t k0 = g * w.group, k1 = std::min(w.cols, k0 + w.group);
    float sum = 0.0f;
    for (std::size_t k = k0; k < k1; ++k)
      sum = std::fma(x[k], static_cast<float>(w.centered(m, k)), sum);
    acc = std::fma(sum, w.scales[m * groups + g], acc);
  }
  return fp32::is_nan(acc) ? canonical_nan() : acc;
}

/// y = x W^T by the float32 contract, x row-major rows x w.cols: y is rows x w.rows.
inline void reference_matmul(const int_weights& w, const float* x, std::size_t rows, float* y) {
  validate(w);
  const simd::ieee_denormals env;  // float_env.hpp
  for (std::size_t n = 0; n < rows; ++n)
    for (std::size_t m = 0; m < w.rows; ++m)
      y[n * w.rows + m] = reference_output_f32(w, x + n * w.cols, m);
}

/// The weights as float32 values (row-major rows x cols), each (level - zero) * scale.
inline std::vector<float> dequantize_weights(const int_weights& w) {
  validate(w);
  std::vector<float> out(w.rows * w.cols);
  for (std::size_t m = 0; m < w.rows; ++m)
    for (std::size_t k = 0; k < w.cols; ++k) out[m * w.cols + k] = w.value(m, k);
  return out;
}

/// x W^T in double from float32 activations x (row-major rows x w.cols) and the weights'
/// exact values (level - zero) * scale: the yardstick for quantization error.
inline std::vector<double> exact_matmul(const int_weights& w, const float* x, std::size_t rows) {
  validate(w);
  std::vector<double> y(rows * w.rows);
  const std::size_t groups = w.groups();
  for (std::size_t n = 0; n < rows; ++n)
    for (std::size_t m = 0; m < w.rows; ++m) {
      double s = 0.0;
      for (std::size_t k = 0; k < w.cols; ++k)
        s += static_cast<double>(x[n * w.cols + k]) * w.centered(m, k) *
             static_cast<double>(w.scales[m * groups + k / w.group]);
      y[n * w.rows + m] = s;
    }
  return y;
}

}  // namespace gemm
}  // namespace lowp
