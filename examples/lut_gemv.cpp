// Low-bit matrix-vector product: quantize a float weight matrix to 2-bit codes (groups of 128
// columns, min/max rule), to MXFP4 and to ternary, pack each once, and run lowp's GEMV
// against a plain float32 loop over the original weights. Prints the time per call, the
// kernel that ran and the error against the exact result (double precision).
// Build: any C++17 compiler, `-I include -pthread`; no -m flags (kernels are picked at run
// time). Arguments: [rows] [cols] (default 4096 4096).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <random>
#include <vector>

#include "lowp/lowp.hpp"

namespace {

namespace gemm = lowp::gemm;

/// Median time of `reps` calls, in microseconds.
template <class F>
double median_us(F f, int reps) {
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    const auto t1 = std::chrono::steady_clock::now();
    t.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

/// Relative L2 error of y against the exact result.
double relative_error(const std::vector<float>& y, const std::vector<double>& exact) {
  double num = 0.0, den = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    num += (y[i] - exact[i]) * (y[i] - exact[i]);
    den += exact[i] * exact[i];
  }
  return std::sqrt(num / den);
}

}  // namespace

int run(int argc, char** argv) {
  const std::size_t rows = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 4096;
  const std::size_t cols = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 4096;
  if (rows == 0 || cols == 0 || cols % 32 != 0 /* MXFP4 blocks, float loop */) {
    std::fprintf(stderr, "usage: lut_gemv [rows] [cols]  (cols a multiple of 32)\n");
    return 2;
  }
  std::mt19937 rng(2024);
  std::normal_distribution<float> normal(0.0f, 0.02f);
  std::vector<float> w(rows * cols), x(cols);
  for (float& v : w) v = normal(rng);
  for (float& v : x) v = normal(rng) * 50.0f;

  // The exact product of the float weights (double accumulation) and a plain float32 loop.
  std::vector<double> exact(rows);
  for (std::size_t m = 0; m < rows; ++m) {
    double s = 0.0;
    for (std::size_t k = 0; k < cols; ++k) s += static_cast<double>(w[m * cols + k]) * x[k];
    exact[m] = s;
  }
  // The float32 baseline keeps 16 partial sums per row so that compilers vectorize it.
  std::vector<float> y_fp32(rows);
  const double t_fp32 = median_us(
      [&] {
        for (std::size_t m = 0; m < rows; ++m) {
          float part[16] = {};
          const float* wm = w.data() + m * cols;
          for (std::size_t k = 0; k + 16 <= cols; k += 16)
            for (std::size_t j = 0; j < 16; ++j) part[j] += wm[k + j] * x[k + j];
          float s = 0.0f;
          for (float p : part) s += p;
          y_fp32[m] = s;
        }
      },
      11);

  std::printf("GEMV %zu x %zu, one thread; error = relative L2 error against the exact product\n",
              rows, cols);
  std::printf("%-28s %-11s %10s %9s %12s\n", "weights", "kernel", "time (us)", "speedup", "error");
  std::printf("%-28s %-11s %10.1f %8.1fx %12.3e\n", "float32 (16 partial sums)", "-", t_fp32, 1.0,
              relative_error(y_fp32, exact));

  auto run = [&](const char* name, const gemm::int_weights& q) {
    const gemm::packed_weights packed(q);  // once per weight matrix
    std::vector<float> y(rows);
    // Activations are quantized to int8 per row inside matmul (the dynamic rule).
    const double t =
        median_us([&] { gemm::matmul(packed, x.data(), 1, lowp::span<float>(y)); }, 51);
    // Error of the quantized weights alone: their exact product with the float activations.
    const std::vector<double> wq = gemm::exact_matmul(q, x.data(), 1);
    std::vector<float> yq(wq.begin(), wq.end());
    std::printf("%-28s %-11s %10.1f %8.1fx %12.3e   (weights alone: %.3e)\n", name,
                gemm::kernel_name(packed), t, t_fp32 / t, relative_error(y, exact),
                relative_error(yq, exact));
  };

  run("2-bit, group 128 (min/max)", gemm::quantize_weights(w.data(), rows, cols, 2, 128));
  run("4-bit, group 128 (min/max)", gemm::quantize_weights(w.data(), rows, cols, 4, 128));
  const auto mx = lowp::blocks::quantize<lowp::blocks::mxfp4>(lowp::span<const float>(w));
  run("MXFP4 (E2M1, E8M0 / 32)", gemm::from_blocks(mx, rows, cols));

  // Ternary (BitNet b1.58 absmean rule): t = clamp(round(w / mean|w|), -1, 1).
  double mean_abs = 0.0;
  for (float v : w) mean_abs += std::fabs(v);
  const float scale = static_cast<float>(mean_abs / static_cast<double>(w.size()));
  std::vector<std::int8_t> t(w.size());
  for (std::size_t i = 0; i < w.size(); ++i)
    t[i] = static_cast<std::int8_t>(std::max(-1.0f, std::min(1.0f, std::nearbyint(w[i] / scale))));
  run("ternary (absmean scale)", gemm::ternary_weights(t.data(), rows, cols, scale));
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
