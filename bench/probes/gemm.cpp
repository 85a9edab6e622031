// Compile-time probe 3 of 3: the whole library through lowp.hpp, with the mixed-precision GEMM
// instantiated (timed by run_bench.py; see bench/README.md).
#include <lowp/lowp.hpp>
#include <vector>

float probe_gemm(const std::vector<float>& w, const std::vector<float>& x, std::size_t m,
                 std::size_t k) {
  namespace g = lowp::gemm;
  const g::packed_weights p(g::quantize_weights(w.data(), m, k, 2, 128));
  std::vector<float> y(m);
  g::matmul(p, x.data(), 1, lowp::span<float>(y));
  return y.empty() ? 0.0f : y[0];
}
