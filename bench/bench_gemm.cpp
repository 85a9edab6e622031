// Mixed-precision GEMM throughput: lowp::gemm::matmul (LUT kernels) on packed low-bit weights
// with int8 activations quantized beforehand, y = x W^T for W of M x K (M output rows, K the
// reduction) and N activation rows (N = 1 is a GEMV). Weights are Gaussian (fixed seed)
// quantized to 1-4 bits in groups of 128 columns by quantize_weights, or ternary (absmean
// rounding to {-1, 0, +1}, one scale). Names: gemm_lut/<wbits>/<M>x<K>/N<n>/t<threads>.
//
// In-run baselines on the same shapes, one thread: gemm_baseline/dequant_fp32_gemv|gemm (the
// 4-bit weights dequantized to float32 once, then a plain row-blocked float32 loop written
// here, compiled for the best ISA the CPU runs) and, when CMake found OpenBLAS,
// gemm_baseline/openblas_sgemv|sgemm on those float32 weights.
//
// Counters: items = M*K*N multiply-adds per call; bytes = weight bytes streamed per call
// (packed bit planes for lowp, float32 for the baselines); GOPS = 2*M*K*N / s in units of
// 1e9; weights_per_s = M*K / s. The label names the kernel that ran. Before timing, each
// benchmark checks its outputs once (lowp against reference_output on sampled rows and one
// thread against all threads bit for bit; the baselines against each other) and is skipped
// with an error if they disagree.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "lowp/block/codec.hpp"
#include "lowp/gemm/block_weights.hpp"
#include "lowp/gemm/lut.hpp"
#include "lowp/gemm/reference.hpp"
#include "lowp/simd/detect.hpp"

#if LOWP_BENCH_HAVE_OPENBLAS
#include <cblas.h>  // OpenBLAS's own header (bench/CMakeLists.txt checks openblas_config.h)
#endif

namespace {

namespace gemm = lowp::gemm;
namespace simd = lowp::simd;

struct shape {
  std::size_t m;  ///< output rows
  std::size_t k;  ///< reduction length
};
constexpr shape kSquare{4096, 4096};
constexpr shape kWide{4096, 11008};  // a LLaMA-7B MLP down-projection

constexpr std::size_t kGroup = 128;
constexpr std::size_t kRowCounts[] = {1, 8, 32, 128};  // N
// The weight width code of the ternary matrices.
constexpr unsigned kTernary = 0;
// Block-format weights (from_blocks), named like widths.
constexpr unsigned kMxfp4 = 100, kNvfp4 = 101, kQ4_0 = 102;

// The ISA the process started with (LOWP_FORCE_ISA honoured): bench_simd switches the active
// ISA per case, so every GEMM benchmark puts this one back first.
const simd::isa kStartIsa = simd::active_isa();

std::string shape_name(shape s) { return std::to_string(s.m) + "x" + std::to_string(s.k); }

std::vector<float> gaussian(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

// Google Benchmark calls a benchmark function several times while it sizes the iteration
// count, so everything built outside the timed loop is cached here, once per process.

/// Gaussian float weights of a shape, row-major M x K.
const std::vector<float>& float_weights(shape s) {
  static std::map<std::pair<std::size_t, std::size_t>, std::vector<float>> cache;
  const auto key = std::make_pair(s.m, s.k);
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, gaussian(s.m * s.k, 2024)).first;
  return it->second;
}

/// The weights of one width: b-bit min/max groups of 128, or ternary with one absmean scale.
template <class Block>
gemm::int_weights block_weights(const std::vector<float>& w, shape s) {
  return gemm::from_blocks(lowp::blocks::quantize<Block>(lowp::span<const float>(w)), s.m, s.k);
}

gemm::int_weights make_weights(unsigned bits, shape s) {
  const std::vector<float>& w = float_weights(s);
  if (bits == kMxfp4) return block_weights<lowp::blocks::mxfp4>(w, s);
  if (bits == kNvfp4) return block_weights<lowp::blocks::nvfp4>(w, s);
  if (bits == kQ4_0) return block_weights<lowp::blocks::q4_0>(w, s);
  if (bits != kTernary) return gemm::quantize_weights(w.data(), s.m, s.k, bits, kGroup);
  double sum = 0.0;
  for (float x : w) sum += std::fabs(x);
  const auto scale = static_cast<float>(sum / static_cast<double>(w.size()));
  std::vector<std::int8_t> t(w.size());
  for (std::size_t i = 0; i < w.size(); ++i)
    t[i] = static_cast<std::int8_t>(std::clamp(std::nearbyint(w[i] / scale), -1.0f, 1.0f));
  return gemm::ternary_weights(t.data(), s.m, s.k, scale);
}

/// Activation rows: float32 (for the baselines) and their int8 quantization (for lowp).
struct activation_set {
  std::vector<float> x;
  gemm::int8_activations q;
};

const activation_set& activations(std::size_t n, std::size_t k) {
  static std::map<std::pair<std::size_t, std::size_t>, activation_set> cache;
  const auto key = std::make_pair(n, k);
  auto it = cache.find(key);
  if (it == cache.end()) {
    activation_set a;
    a.x = gaussian(n * k, 99);
    a.q = gemm::quantize_activations(a.x.data(), n, k);
    it = cache.emplace(key, std::move(a)).first;
  }
  return it->second;
}

/// Packed weights of one width and shape, with the outcome of a spot check against the
/// contract (reference_output on every 61st row of a GEMV must match bit for bit).
struct lut_case {
  std::unique_ptr<gemm::packed_weights> packed;
  std::string error;
};

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof(float)) == 0; }

const lut_case& lut_weights(unsigned bits, shape s,
                            gemm::weight_layout layout = gemm::weight_layout::automatic) {
  static std::map<std::tuple<unsigned, std::size_t, std::size_t, int>, lut_case> cache;
  const auto key = std::make_tuple(bits, s.m, s.k, static_cast<int>(layout));
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  lut_case c;
  const gemm::int_weights w = make_weights(bits, s);
  c.packed = std::make_unique<gemm::packed_weights>(w, layout);
  const gemm::int8_activations& a = activations(1, s.k).q;
  std::vector<float> y(s.m);
  gemm::matmul(*c.packed, a, lowp::span<float>(y));
  for (std::size_t m = 0; m < s.m; m += 61) {
    if (!same_bits(y[m], gemm::reference_output(w, a, 0, m))) {
      c.error = "matmul differs from reference_output at row " + std::to_string(m);
      break;
    }
  }
  return cache.emplace(key, std::move(c)).first->second;
}

/// "" when matmul gives the same bits on one thread and on every hardware thread.
const std::string& thread_check(unsigned bits, shape s, std::size_t n) {
  static std::map<std::tuple<unsigned, std::size_t, std::size_t, std::size_t>, std::string> cache;
  const auto key = std::make_tuple(bits, s.m, s.k, n);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  const gemm::packed_weights& p = *lut_weights(bits, s).packed;
  const gemm::int8_activations& a = activations(n, s.k).q;
  std::vector<float> one(n * s.m), all(n * s.m);
  gemm::matmul(p, a, lowp::span<float>(one), lowp::parallel{1, 1});
  gemm::matmul(p, a, lowp::span<float>(all), lowp::parallel{0, 1});
  std::string error;
  if (std::memcmp(one.data(), all.data(), one.size() * sizeof(float)) != 0)
    error = "matmul on all threads differs from one thread";
  return cache.emplace(key, std::move(error)).first->second;
}

void set_gemm_counters(benchmark::State& state, shape s, std::size_t n, std::size_t weight_bytes) {
  const std::size_t macs = s.m * s.k * n;
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(macs));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(weight_bytes));
  state.counters["GOPS"] = benchmark::Counter(2.0 * static_cast<double>(macs) / 1e9,
                                              benchmark::Counter::kIsIterationInvariantRate);
  state.counters["weights_per_s"] = benchmark::Counter(
      static_cast<double>(s.m * s.k), benchmark::Counter::kIsIterationInvariantRate);
}

void lut_bench(benchmark::State& state, unsigned bits, shape s, std::size_t n, unsigned threads,
               gemm::weight_layout layout = gemm::weight_layout::automatic) {
  simd::set_active_isa(kStartIsa);
  const lut_case& c = lut_weights(bits, s, layout);
  const std::string& error = c.error.empty() && layout == gemm::weight_layout::automatic
                                 ? thread_check(bits, s, n)
                                 : c.error;
  if (!error.empty()) {
    state.SkipWithError(error.c_str());
    return;
  }
  const gemm::packed_weights& p = *c.packed;
  const gemm::int8_activations& a = activations(n, s.k).q;
  const lowp::parallel par{threads, 1};
  std::vector<float> y(n * s.m);
  for (auto _ : state) {
    gemm::matmul(p, a, lowp::span<float>(y), par);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  set_gemm_counters(state, s, n, p.plane_bytes());
  state.SetLabel(gemm::kernel_name(p));
}

// The float32 baseline loop: y[j][i] = sum_t x[j][t] * w[i][t] with W row-major (m x k), in
// blocks of W rows (about 256 KiB) that stay in L2 while every activation row goes by. The
// sum runs in kLanes independent partial sums, which the compiler vectorizes without
// reassociating anything; the body is compiled once per ISA and chosen at run time.
constexpr std::size_t kLanes = 64;

#if defined(__GNUC__) || defined(__clang__)
#define LOWP_BENCH_ALWAYS_INLINE __attribute__((always_inline)) inline
#else
#define LOWP_BENCH_ALWAYS_INLINE inline
#endif

LOWP_BENCH_ALWAYS_INLINE void fp32_gemm_body(const float* w, const float* x, float* y,
                                             std::size_t m, std::size_t k, std::size_t n) {
  const std::size_t block = std::max<std::size_t>(1, (std::size_t{256} << 10) / (4 * k));
  for (std::size_t i0 = 0; i0 < m; i0 += block) {
    const std::size_t i1 = std::min(m, i0 + block);
    for (std::size_t j = 0; j < n; ++j) {
      const float* xr = x + j * k;
      for (std::size_t i = i0; i < i1; ++i) {
        const float* wr = w + i * k;
        float part[kLanes] = {};
        std::size_t t = 0;
        for (; t + kLanes <= k; t += kLanes)
          for (std::size_t l = 0; l < kLanes; ++l) part[l] += xr[t + l] * wr[t + l];
        float sum = 0.0f;
        for (std::size_t l = 0; l < kLanes; ++l) sum += part[l];
        for (; t < k; ++t) sum += xr[t] * wr[t];
        y[j * m + i] = sum;
      }
    }
  }
}

void fp32_gemm_generic(const float* w, const float* x, float* y, std::size_t m, std::size_t k,
                       std::size_t n) {
  fp32_gemm_body(w, x, y, m, k, n);
}
#if LOWP_HAVE_AVX2
LOWP_TARGET_AVX2 void fp32_gemm_avx2(const float* w, const float* x, float* y, std::size_t m,
                                     std::size_t k, std::size_t n) {
  fp32_gemm_body(w, x, y, m, k, n);
}
#endif
#if LOWP_HAVE_AVX512
LOWP_TARGET_AVX512 void fp32_gemm_avx512(const float* w, const float* x, float* y, std::size_t m,
                                         std::size_t k, std::size_t n) {
  fp32_gemm_body(w, x, y, m, k, n);
}
#endif

using fp32_gemm_fn = void (*)(const float*, const float*, float*, std::size_t, std::size_t,
                              std::size_t);

/// The widest compiled variant of the float32 loop this CPU runs, and its label.
std::pair<fp32_gemm_fn, const char*> fp32_gemm_kernel() {
#if LOWP_HAVE_AVX512
  if (simd::supported(simd::isa::avx512)) return {&fp32_gemm_avx512, "fp32-loop-avx512"};
#endif
#if LOWP_HAVE_AVX2
  if (simd::supported(simd::isa::avx2)) return {&fp32_gemm_avx2, "fp32-loop-avx2"};
#endif
  return {&fp32_gemm_generic, "fp32-loop-generic"};
}

/// The 4-bit weights of a shape, dequantized to float32 (row-major M x K).
const std::vector<float>& dequantized_weights(shape s) {
  static std::map<std::pair<std::size_t, std::size_t>, std::vector<float>> cache;
  const auto key = std::make_pair(s.m, s.k);
  auto it = cache.find(key);
  if (it == cache.end())
    it = cache.emplace(key, gemm::dequantize_weights(make_weights(4, s))).first;
  return it->second;
}

/// sqrt(sum (a - b)^2 / sum b^2).
double relative_error(const std::vector<float>& a, const std::vector<float>& b) {
  double num = 0.0, den = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = static_cast<double>(a[i]) - static_cast<double>(b[i]);
    num += d * d;
    den += static_cast<double>(b[i]) * static_cast<double>(b[i]);
  }
  return den > 0.0 ? std::sqrt(num / den) : std::sqrt(num);
}

/// The float32 loop's output for a shape and N, and whether it agrees with lowp's 4-bit
/// matmul (the int8 activations put the two about 1% apart; a layout mistake puts them ~100%).
struct baseline_case {
  std::vector<float> y;
  std::string error;
};

const baseline_case& baseline_output(shape s, std::size_t n) {
  static std::map<std::tuple<std::size_t, std::size_t, std::size_t>, baseline_case> cache;
  const auto key = std::make_tuple(s.m, s.k, n);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  baseline_case c;
  c.y.resize(n * s.m);
  fp32_gemm_kernel().first(dequantized_weights(s).data(), activations(n, s.k).x.data(), c.y.data(),
                           s.m, s.k, n);
  std::vector<float> lut(n * s.m);
  gemm::matmul(*lut_weights(4, s).packed, activations(n, s.k).q, lowp::span<float>(lut),
               lowp::parallel{0, 1});
  const double e = relative_error(lut, c.y);
  if (!(e < 0.05))
    c.error =
        "float32 loop and lowp 4-bit matmul differ (relative error " + std::to_string(e) + ")";
  return cache.emplace(key, std::move(c)).first->second;
}

void dequant_fp32_bench(benchmark::State& state, shape s, std::size_t n) {
  simd::set_active_isa(kStartIsa);
  const baseline_case& c = baseline_output(s, n);
  if (!c.error.empty()) {
    state.SkipWithError(c.error.c_str());
    return;
  }
  const std::vector<float>& w = dequantized_weights(s);
  const std::vector<float>& x = activations(n, s.k).x;
  const auto kernel = fp32_gemm_kernel();
  std::vector<float> y(n * s.m);
  for (auto _ : state) {
    kernel.first(w.data(), x.data(), y.data(), s.m, s.k, n);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  set_gemm_counters(state, s, n, w.size() * sizeof(float));
  state.SetLabel(kernel.second);
}

#if LOWP_BENCH_HAVE_OPENBLAS
/// y = x W^T by OpenBLAS: sgemv for one row, sgemm (W transposed in place of the call) else.
void openblas_gemm(const float* w, const float* x, float* y, shape s, std::size_t n) {
  const auto m = static_cast<blasint>(s.m), k = static_cast<blasint>(s.k);
  if (n == 1) {
    cblas_sgemv(CblasRowMajor, CblasNoTrans, m, k, 1.0f, w, k, x, 1, 0.0f, y, 1);
  } else {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<blasint>(n), m, k, 1.0f, x, k,
                w, k, 0.0f, y, m);
  }
}

void openblas_bench(benchmark::State& state, shape s, std::size_t n) {
  openblas_set_num_threads(1);
  const baseline_case& c = baseline_output(s, n);
  const std::vector<float>& w = dequantized_weights(s);
  const std::vector<float>& x = activations(n, s.k).x;
  std::vector<float> y(n * s.m);
  openblas_gemm(w.data(), x.data(), y.data(), s, n);
  const double e = relative_error(y, c.y);
  if (!(e < 1e-4)) {
    const std::string error =
        "OpenBLAS and the float32 loop differ (relative error " + std::to_string(e) + ")";
    state.SkipWithError(error.c_str());
    return;
  }
  for (auto _ : state) {
    openblas_gemm(w.data(), x.data(), y.data(), s, n);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  set_gemm_counters(state, s, n, w.size() * sizeof(float));
  state.SetLabel(std::string("openblas-") + openblas_get_corename());
}
#endif

struct width {
  unsigned bits;
  const char* name;
};
constexpr width kWidths[] = {
    {1, "1"},          {2, "2"},          {3, "3"},       {4, "4"}, {kTernary, "ternary"},
    {kMxfp4, "mxfp4"}, {kNvfp4, "nvfp4"}, {kQ4_0, "q4_0"}};

// N = 1 and 8 for every width and both shapes; N = 32 and 128 on the square shape for 1, 2
// and 4 bits (ternary at N = 32 too), so that the default run stays short. Each (shape, N)
// group is followed by its baselines where it has them.
bool wanted(const width& w, shape s, std::size_t n) {
  if (n <= 8) return true;
  if (w.bits == kTernary || w.bits >= kMxfp4) return n == 32 && s.k == kSquare.k;
  return s.k == kSquare.k || w.bits != 3;
}

// GEMV with weights streamed from DRAM: kCopies packed copies of the square matrix (well over
// the L3 size together) are used in turn, one per call; bytes are the copy's packed planes.
// The in-run yardstick reads as many bytes with a plain vectorizable loop.
constexpr std::size_t kDramBytes = std::size_t{384} << 20;

void dram_bench(benchmark::State& state, unsigned bits) {
  simd::set_active_isa(kStartIsa);
  const lut_case& c = lut_weights(bits, kSquare);
  if (!c.error.empty()) {
    state.SkipWithError(c.error.c_str());
    return;
  }
  const std::size_t copies = kDramBytes / c.packed->plane_bytes() + 1;
  std::vector<gemm::packed_weights> ws(copies, *c.packed);
  const gemm::int8_activations& a = activations(1, kSquare.k).q;
  std::vector<float> y(kSquare.m);
  std::size_t i = 0;
  for (auto _ : state) {
    gemm::matmul(ws[i], a, lowp::span<float>(y));
    i = i + 1 == copies ? 0 : i + 1;
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  set_gemm_counters(state, kSquare, 1, c.packed->plane_bytes());
  state.SetLabel(gemm::kernel_name(*c.packed));
}

void dram_read_bench(benchmark::State& state) {
  const std::size_t words = kDramBytes / sizeof(std::uint64_t);
  std::vector<std::uint64_t> data(words, 0x0123456789ABCDEFull);
  constexpr std::size_t kStep = std::size_t{4} << 20;  // bytes per iteration, like a GEMV
  constexpr std::size_t kWords = kStep / sizeof(std::uint64_t);
  std::size_t at = 0;
  for (auto _ : state) {
    std::uint64_t acc[8] = {};
    const std::uint64_t* p = data.data() + at;
    for (std::size_t j = 0; j < kWords; j += 8)
      for (std::size_t l = 0; l < 8; ++l) acc[l] ^= p[j + l];
    benchmark::DoNotOptimize(acc);
    at = at + 2 * kWords > words ? 0 : at + kWords;
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kStep));
}

const bool kRegistered = [] {
#if LOWP_BENCH_HAVE_OPENBLAS
  openblas_set_num_threads(1);  // also shrinks the pool OpenBLAS started at load
#endif
  std::vector<unsigned> thread_counts{1};
  const unsigned all = std::thread::hardware_concurrency();
  if (all > 1) thread_counts.push_back(all);
  for (shape s : {kSquare, kWide}) {
    for (std::size_t n : kRowCounts) {
      const std::string tail = "/" + shape_name(s) + "/N" + std::to_string(n);
      for (const width& w : kWidths) {
        if (!wanted(w, s, n)) continue;
        for (unsigned t : thread_counts) {
          const std::string name =
              std::string("gemm_lut/") + w.name + tail + "/t" + std::to_string(t);
          auto* b = benchmark::RegisterBenchmark(
              name.c_str(),
              [bits = w.bits, s, n, t](benchmark::State& st) { lut_bench(st, bits, s, n, t); });
          b->Unit(benchmark::kMicrosecond);
          if (t > 1) b->UseRealTime();
        }
      }
      const bool baseline = (s.k == kSquare.k && n != 8) || n == 1;
      if (!baseline) continue;
      const char* op = n == 1 ? "gemv" : "gemm";
      benchmark::RegisterBenchmark(
          (std::string("gemm_baseline/dequant_fp32_") + op + tail + "/t1").c_str(),
          [s, n](benchmark::State& st) { dequant_fp32_bench(st, s, n); })
          ->Unit(benchmark::kMicrosecond);
#if LOWP_BENCH_HAVE_OPENBLAS
      benchmark::RegisterBenchmark(
          (std::string("gemm_baseline/openblas_s") + op + tail + "/t1").c_str(),
          [s, n](benchmark::State& st) { openblas_bench(st, s, n); })
          ->Unit(benchmark::kMicrosecond);
#endif
    }
  }
  // The kernel family the library did not pick (table lookups for 2-4 bits, int8 dot
  // products for 1 bit), for comparison.
  for (unsigned bits : {1u, 2u, 3u, 4u}) {
    const gemm::weight_layout other =
        bits == 1 ? gemm::weight_layout::dot_bytes : gemm::weight_layout::bit_planes;
    for (std::size_t n : {std::size_t{1}, std::size_t{128}}) {
      const std::string name = "gemm_other_family/" + std::to_string(bits) + "/" +
                               shape_name(kSquare) + "/N" + std::to_string(n) + "/t1";
      benchmark::RegisterBenchmark(name.c_str(), [bits, n, other](benchmark::State& st) {
        lut_bench(st, bits, kSquare, n, 1, other);
      })->Unit(benchmark::kMicrosecond);
    }
  }
  for (const width& w : kWidths) {
    if (w.bits == 3 || w.bits == kTernary || w.bits == kNvfp4 || w.bits == kQ4_0) continue;
    benchmark::RegisterBenchmark(
        (std::string("gemm_dram/") + w.name + "/" + shape_name(kSquare) + "/N1/t1").c_str(),
        [bits = w.bits](benchmark::State& st) { dram_bench(st, bits); })
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RegisterBenchmark("gemm_baseline/dram_read/4MiB_steps/t1", dram_read_bench)
      ->Unit(benchmark::kMicrosecond);
  return true;
}();

}  // namespace
