/// \file gemm/activations.hpp
/// Activations for the mpGEMM kernels: int8 values with one float32 scale per row, and the
/// dynamic quantization rule lowp applies to float32 activations (docs/gemm.md, "Activations").
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "lowp/codec/fp32.hpp"
#include "lowp/core/checked.hpp"
#include "lowp/simd/avx512/gemm_kernels.hpp"
#include "lowp/simd/detect.hpp"
#include "lowp/simd/float_env.hpp"

namespace lowp {
namespace gemm {

/// Activation rows as int8 with a per-row scale: x[n][k] ≈ values[n*cols + k] * scales[n].
/// Values lie in [-127, 127] (-128 is rejected: the kernels' table bounds assume symmetry).
struct int8_activations {
  std::size_t rows = 0;             ///< N: activation rows (1 = GEMV)
  std::size_t cols = 0;             ///< K: must equal the weights' cols
  std::vector<std::int8_t> values;  ///< rows * cols
  std::vector<float> scales;        ///< rows; NaN marks a row that held NaN or inf
};

/// Throws std::invalid_argument naming the first broken rule of an int8_activations.
inline void validate(const int8_activations& a) {
  auto fail = [](const std::string& what) { throw std::invalid_argument("lowp::gemm: " + what); };
  if (a.rows == 0 || a.cols == 0) fail("activations need at least one row and one column");
  const std::size_t n = lowp::detail::checked_mul(a.rows, a.cols, "activations: rows * cols");
  if (a.values.size() != n)
    fail("activation values hold " + std::to_string(a.values.size()) + " entries, rows * cols is " +
         std::to_string(n));
  if (a.scales.size() != a.rows) fail("activations need one scale per row");
  for (std::int8_t v : a.values)
    if (v == std::numeric_limits<std::int8_t>::min()) fail("an activation value is -128");
}

/// Quantizes one row of float32 activations to int8 (the dynamic quantization rule):
///   amax = max |x[k]|; d = amax / 127 (float32 division);
///   a row holding NaN or ±inf: d = NaN and every value 0 (its outputs become NaN);
///   d == 0 (amax below 127 * 2^-150): d = 0 and every value 0;
///   otherwise values[k] = clamp(round_half_even(x[k] / d), -127, 127) (float32 division).
/// Runs with IEEE denormals whatever the caller's FTZ/DAZ setting.
inline float quantize_activation_row(const float* x, std::size_t cols, std::int8_t* out) {
  const simd::ieee_denormals env;  // float_env.hpp
#if LOWP_HAVE_AVX512
  const bool vector = simd::active_isa() == simd::isa::avx512;
#else
  const bool vector = false;
#endif
  float amax = 0.0f;
  bool finite = true;
  if (vector) {
#if LOWP_HAVE_AVX512
    amax = simd::avx512::row_amax(x, cols);
    finite = fp32::is_finite(amax);
#endif
  } else {
    for (std::size_t k = 0; k < cols; ++k) {
      finite = finite && fp32::is_finite(x[k]);
      const float a = fp32::abs(x[k]);
      if (a > amax) amax = a;
    }
  }
  if (!finite) {
    for (std::size_t k = 0; k < cols; ++k) out[k] = 0;
    return std::numeric_limits<float>::quiet_NaN();
  }
  const float d = amax / 127.0f;
  if (fp32::is_zero(d)) {
    for (std::size_t k = 0; k < cols; ++k) out[k] = 0;
    return 0.0f;
  }
#if LOWP_HAVE_AVX512
  if (vector) {
    simd::avx512::quantize_row_int8(x, cols, d, out);
    return d;
  }
#endif
  for (std::size_t k = 0; k < cols; ++k) {
    const float r = x[k] / d;
    float t = fp32::round_half_even(r);
    t = t > 127.0f ? 127.0f : (t < -127.0f ? -127.0f : t);
    out[k] = static_cast<std::int8_t>(t);
  }
  return d;
}

/// Quantizes row-major float32 activations (rows x cols) by the dynamic quantization rule.
inline int8_activations quantize_activations(const float* x, std::size_t rows, std::size_t cols) {
  int8_activations a;
  a.rows = rows;
  a.cols = cols;
  a.values.resize(lowp::detail::checked_mul(rows, cols, "quantize_activations: rows * cols"));
  a.scales.resize(rows);
  for (std::size_t n = 0; n < rows; ++n)
    a.scales[n] = quantize_activation_row(x + n * cols, cols, a.values.data() + n * cols);
  return a;
}

}  // namespace gemm
}  // namespace lowp
