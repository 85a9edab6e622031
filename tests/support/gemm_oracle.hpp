// Independent oracle for the mpGEMM accumulation contracts of docs/gemm.md, written out plainly
// from the unpacked operands: the int8-activation contract, the float32 contract ("kept
// exact") and the dynamic int8 activation rule. It includes no lowp header and calls no lowp
// code; the weight and activation types are taken as template parameters with the fields of
// lowp::gemm::int_weights (rows, cols, group, levels, codebook, zeros, scales) and
// lowp::gemm::int8_activations (rows, cols, values, scales). Used by tests/gemm,
// tests/reliability and the fuzz_gemm target.
//
// Every float step is an explicit std::fma or a single operation, so -ffp-contract cannot fuse
// anything; a NaN output is the canonical quiet NaN 0x7FC00000, as the contract states.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

namespace gemm_oracle {

/// v, with every NaN replaced by 0x7FC00000.
inline float canonical(float v) {
  if (!std::isnan(v)) return v;
  const std::uint32_t bits = 0x7FC00000u;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

/// Level of weight (m, k): its code, through the codebook when there is one.
template <class W>
int level(const W& w, std::size_t m, std::size_t k) {
  const unsigned code = w.levels[m * w.cols + k];
  return static_cast<int>(w.codebook.empty() ? code : w.codebook.at(code));
}

/// Groups per weight row.
template <class W>
std::size_t groups(const W& w) {
  return (w.cols + w.group - 1) / w.group;
}

/// docs/gemm.md "Accumulation contract (int8 activations)": per group the exact sum
/// I_g = sum a * (level - zero) (the contract bounds it to int32; beyond that this throws
/// std::logic_error, the harness having built weights the contract excludes), then
/// acc = fma(float(I_g), scale_g, acc) from +0 in ascending groups, and y = acc * d.
template <class W, class A>
std::vector<float> int8_contract(const W& w, const A& a) {
  const std::size_t ng = groups(w);
  std::vector<float> y(a.rows * w.rows);
  for (std::size_t n = 0; n < a.rows; ++n)
    for (std::size_t m = 0; m < w.rows; ++m) {
      float acc = 0.0f;
      for (std::size_t g = 0; g < ng; ++g) {
        const std::size_t k1 = std::min(w.cols, (g + 1) * w.group);
        std::int64_t dot = 0;
        for (std::size_t k = g * w.group; k < k1; ++k)
          dot += std::int64_t{a.values[n * a.cols + k]} *
                 (std::int64_t{level(w, m, k)} - static_cast<std::int64_t>(w.zeros[m * ng + g]));
        if (dot >= (std::int64_t{1} << 31) || dot < -(std::int64_t{1} << 31))
          throw std::logic_error(
              "gemm oracle: a group sum leaves int32 (weights the contract "
              "excludes)");
        acc = std::fma(static_cast<float>(dot), w.scales[m * ng + g], acc);
      }
      y[n * w.rows + m] = canonical(acc * a.scales[n]);
    }
  return y;
}

/// docs/gemm.md "Float32 activations kept exact": per group S = fma(x, float(level - zero), S)
/// from +0 in column order, then acc = fma(S, scale_g, acc) from +0 in ascending groups.
/// x is rows x w.cols, row-major.
template <class W>
std::vector<float> f32_contract(const W& w, const float* x, std::size_t rows) {
  const std::size_t ng = groups(w);
  std::vector<float> y(rows * w.rows);
  for (std::size_t n = 0; n < rows; ++n)
    for (std::size_t m = 0; m < w.rows; ++m) {
      float acc = 0.0f;
      for (std::size_t g = 0; g < ng; ++g) {
        const std::size_t k1 = std::min(w.cols, (g + 1) * w.group);
        float sum = 0.0f;
        for (std::size_t k = g * w.group; k < k1; ++k)
          sum = std::fma(x[n * w.cols + k],
                         static_cast<float>(level(w, m, k) - static_cast<int>(w.zeros[m * ng + g])),
                         sum);
        acc = std::fma(sum, w.scales[m * ng + g], acc);
      }
      y[n * w.rows + m] = canonical(acc);
    }
  return y;
}

/// docs/gemm.md "Activations: the dynamic int8 rule": amax = max |x| of the row; a row holding
/// NaN or inf gets d = NaN and zero values; d = fp32(amax / 127); d == 0 gives zeros; else
/// q = clamp(round half even(fp32(x / d)), -127, 127).
template <class A>
A dynamic_int8(const float* x, std::size_t rows, std::size_t cols) {
  A a;
  a.rows = rows;
  a.cols = cols;
  a.values.assign(rows * cols, 0);
  a.scales.assign(rows, 0.0f);
  for (std::size_t n = 0; n < rows; ++n) {
    float amax = 0.0f;
    bool finite = true;
    for (std::size_t k = 0; k < cols; ++k) {
      finite = finite && std::isfinite(x[n * cols + k]);
      amax = std::max(amax, std::fabs(x[n * cols + k]));
    }
    if (!finite) {
      a.scales[n] = std::numeric_limits<float>::quiet_NaN();
      continue;
    }
    const float d = amax / 127.0f;
    a.scales[n] = d;
    if (d == 0.0f) continue;
    for (std::size_t k = 0; k < cols; ++k) {
      const float q = std::nearbyint(x[n * cols + k] / d);  // the default mode: ties to even
      a.values[n * cols + k] = static_cast<std::int8_t>(std::min(127.0f, std::max(-127.0f, q)));
    }
  }
  return a;
}

}  // namespace gemm_oracle
