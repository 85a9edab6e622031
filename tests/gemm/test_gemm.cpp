// The mpGEMM kernels (gemm/lut.hpp) against the contract oracle tests/support/gemm_oracle.hpp:
// per output, exact 64-bit integer group sums from the unpacked weights, then the float steps
// (fma per group in ascending order, one multiply by the row scale, NaN as 0x7FC00000).
// Every ISA this machine runs, every weight layout and the scalar kernel must give the
// oracle's float32 bit patterns on random shapes whose M, K and N are multiples of no tile,
// on extreme values (largest levels and activations, one group spanning a long row, zero and
// non-finite scales, rows that held NaN or inf), and under FTZ/DAZ. The dynamic activation
// rule and the weight quantizer have oracles of their own in double arithmetic.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define LOWP_TEST_MXCSR 1
#endif

#include "lowp/block/codec.hpp"
#include "lowp/gemm/block_weights.hpp"
#include "lowp/gemm/lut.hpp"
#include "support/catch.hpp"
#include "support/gemm_oracle.hpp"
#include "support/isas.hpp"

namespace {

namespace gemm = lowp::gemm;
namespace simd = lowp::simd;

std::uint32_t bits_of(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

/// Random weights: levels and zero points anywhere below 2^bits, scales of mixed binades.
gemm::int_weights random_weights(std::mt19937& rng, std::size_t rows, std::size_t cols,
                                 unsigned bits, std::size_t group) {
  gemm::int_weights w;
  w.rows = rows;
  w.cols = cols;
  w.level_bits = bits;
  w.group = group;
  const std::size_t groups = (cols + group - 1) / group;
  w.levels.resize(rows * cols);
  for (auto& l : w.levels) l = static_cast<std::uint8_t>(rng() & ((1u << bits) - 1));
  w.zeros.resize(rows * groups);
  for (auto& z : w.zeros) z = static_cast<std::uint8_t>(rng() & ((1u << bits) - 1));
  w.scales.resize(rows * groups);
  std::uniform_real_distribution<float> mant(-2.0f, 2.0f);
  for (auto& s : w.scales) s = std::ldexp(mant(rng), -static_cast<int>(rng() % 24));
  return w;
}

gemm::int8_activations random_activations(std::mt19937& rng, std::size_t rows, std::size_t cols) {
  gemm::int8_activations a;
  a.rows = rows;
  a.cols = cols;
  a.values.resize(rows * cols);
  for (auto& v : a.values) v = static_cast<std::int8_t>(static_cast<int>(rng() % 255) - 127);
  a.scales.resize(rows);
  std::uniform_real_distribution<float> d(1e-4f, 1e-1f);
  for (auto& s : a.scales) s = d(rng);
  return a;
}

using lowp_test::isa_guard;

/// Calls body(packed, kernel, description) for every ISA, weight layout and kernel choice
/// (layouts that cannot hold w must refuse it).
template <class Body>
void for_each_kernel(const gemm::int_weights& w, Body body) {
  const isa_guard guard;
  for (simd::isa i : lowp_test::supported_isas()) {
    REQUIRE(simd::set_active_isa(i));
    for (gemm::weight_layout layout :
         {gemm::weight_layout::automatic, gemm::weight_layout::bit_planes,
          gemm::weight_layout::dot_bytes}) {
      const bool planes_fit = w.codebook.empty() && (w.group % 32 == 0 || w.group >= w.cols);
      if (layout == gemm::weight_layout::bit_planes && !planes_fit) {
        CHECK_THROWS_AS(gemm::packed_weights(w, layout), std::invalid_argument);
        continue;
      }
      const gemm::packed_weights p(w, layout);
      for (gemm::gemm_kernel k : {gemm::gemm_kernel::automatic, gemm::gemm_kernel::scalar})
        body(p, k,
             std::string("isa=") + simd::isa_name(i) +
                 " layout=" + std::to_string(static_cast<int>(layout)));
    }
  }
}

/// The number of outputs whose bits differ, and the first of them.
std::size_t count_differences(const std::vector<float>& y, const std::vector<float>& want,
                              std::size_t& first) {
  std::size_t bad = 0;
  for (std::size_t j = 0; j < y.size(); ++j)
    if (bits_of(y[j]) != bits_of(want[j]) && bad++ == 0) first = j;
  return bad;
}

/// Runs matmul on every ISA, weight layout and kernel choice and compares bits with want.
void check_all_kernels(const gemm::int_weights& w, const gemm::int8_activations& a,
                       const std::vector<float>& want, const std::string& what) {
  for_each_kernel(
      w, [&](const gemm::packed_weights& p, gemm::gemm_kernel k, const std::string& where) {
        std::vector<float> y(want.size(), -1.0f);
        gemm::matmul(p, a, lowp::span<float>(y), k);
        std::size_t first = 0;
        const std::size_t bad = count_differences(y, want, first);
        INFO(what << " " << where << " kernel=" << gemm::kernel_name(p, k) << " first bad output "
                  << first << ": got " << y[first] << " want " << want[first]);
        CHECK(bad == 0);
      });
}

}  // namespace

TEST_CASE("gemm: the library reference follows the contract", "[gemm]") {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 40; ++trial) {
    const unsigned bits = 1 + rng() % 4;
    const std::size_t rows = 1 + rng() % 40, cols = 1 + rng() % 200;
    const std::size_t group = rng() % 2 != 0 ? cols : 32 * (1 + rng() % 3);
    const auto w = random_weights(rng, rows, cols, bits, group);
    const auto a = random_activations(rng, 1 + rng() % 3, cols);
    std::vector<float> y(a.rows * rows);
    gemm::reference_matmul(w, a, y.data());
    const auto want = gemm_oracle::int8_contract(w, a);
    for (std::size_t j = 0; j < y.size(); ++j) REQUIRE(bits_of(y[j]) == bits_of(want[j]));
  }
}

TEST_CASE("gemm: every kernel gives the contract's bits on random shapes", "[gemm]") {
  std::mt19937 rng(2026);
  for (int trial = 0; trial < 60; ++trial) {
    const unsigned bits = 1 + trial % 4;
    // M, K and N multiples of no tile (16 rows, 32 columns, 4 tiles per kernel call).
    const std::size_t rows = 1 + rng() % 150, cols = 1 + rng() % 420;
    const std::size_t n = 1 + rng() % 5;
    const std::size_t group = rng() % 3 == 0 ? cols : 32 * (1 + rng() % 4);
    const auto w = random_weights(rng, rows, cols, bits, group);
    const auto a = random_activations(rng, n, cols);
    check_all_kernels(w, a, gemm_oracle::int8_contract(w, a),
                      "bits=" + std::to_string(bits) + " M=" + std::to_string(rows) +
                          " K=" + std::to_string(cols) + " N=" + std::to_string(n) +
                          " group=" + std::to_string(group));
  }
}

TEST_CASE("gemm: groups of 16 columns and codebooks", "[gemm]") {
  std::mt19937 rng(616);
  for (int trial = 0; trial < 24; ++trial) {
    const unsigned bits = trial % 2 == 0 ? 5u : 1u + static_cast<unsigned>(rng() % 4);
    const std::size_t rows = 1 + rng() % 70, cols = 17 + rng() % 200;
    const std::size_t group = trial % 3 == 0 ? 32 : 16;
    auto w = random_weights(rng, rows, cols, bits, group);
    if (bits == 5) {  // 4-bit codes and a codebook of levels below 32
      w.codebook.resize(16);
      for (auto& l : w.codebook) l = static_cast<std::uint8_t>(rng() % 32);
      for (auto& c : w.levels) c = static_cast<std::uint8_t>(c % 16);
    }
    const auto a = random_activations(rng, 1 + rng() % 6, cols);
    check_all_kernels(w, a, gemm_oracle::int8_contract(w, a),
                      "bits=" + std::to_string(bits) + " M=" + std::to_string(rows) +
                          " K=" + std::to_string(cols) + " group=" + std::to_string(group));
  }
}

namespace {
/// Block-format weights: from_blocks keeps every value, and every kernel reproduces the
/// contract on them.
template <class Block>
void check_block_weights(std::mt19937& rng, bool values_exact) {
  const std::size_t rows = 45, cols = 6 * 32;
  std::vector<float> wf(rows * cols);
  std::normal_distribution<float> nd;
  for (auto& v : wf) v = nd(rng) * 0.05f;
  const auto q = lowp::blocks::quantize<Block>(lowp::span<const float>(wf));
  std::vector<float> decoded(rows * cols);
  lowp::blocks::dequantize(q, lowp::span<float>(decoded));
  const auto w = gemm::from_blocks(q, rows, cols);
  REQUIRE(w.group == Block::block_size);
  std::size_t differ = 0;
  for (std::size_t m = 0; m < rows; ++m)
    for (std::size_t k = 0; k < cols; ++k)
      if (bits_of(w.value(m, k)) != bits_of(decoded[m * cols + k]) &&
          !(w.value(m, k) == 0.0f && decoded[m * cols + k] == 0.0f))  // -0 becomes +0
        ++differ;
  if (values_exact) CHECK(differ == 0);
  const auto a = random_activations(rng, 3, cols);
  check_all_kernels(w, a, gemm_oracle::int8_contract(w, a), "block weights");
}
}  // namespace

TEST_CASE("gemm: MXFP4, NVFP4 and q4_0 weights", "[gemm]") {
  std::mt19937 rng(404);
  check_block_weights<lowp::blocks::mxfp4>(rng, true);
  check_block_weights<lowp::blocks::nvfp4_single>(rng, true);
  check_block_weights<lowp::blocks::nvfp4>(rng, false);  // S_b = fp32(ue4m3 * tensor scale)
  check_block_weights<lowp::blocks::q4_0>(rng, true);
  // The MXFP4 grid: codes keep E2M1's sign-magnitude order, levels 2 v + 12.
  const std::vector<float> one_block(32, 1.0f);
  const auto q = lowp::blocks::quantize<lowp::blocks::mxfp4>(lowp::span<const float>(one_block));
  const auto w = gemm::from_blocks(q, 1, 32);
  CHECK(w.level_bits == 5);
  CHECK(w.zeros[0] == 12);
  CHECK(w.codebook ==
        std::vector<std::uint8_t>{12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0});
  CHECK(w.value(0, 0) == 1.0f);
}

TEST_CASE("gemm: extreme levels and activations over one long group", "[gemm]") {
  // |I_g| as large as the contract allows here: every level at the top or 0, zero points at
  // the other end, activations +-127, one group of 4100 columns (several kernel chunks, a
  // partial last chunk): the int32 sums must not wrap, float(I_g) rounds (|I_g| > 2^24).
  std::mt19937 rng(5);
  for (unsigned bits = 1; bits <= 4; ++bits) {
    const std::size_t rows = 37, cols = 4100;
    auto w = random_weights(rng, rows, cols, bits, cols);
    const std::uint8_t top = static_cast<std::uint8_t>((1u << bits) - 1);
    for (std::size_t m = 0; m < rows; ++m) {
      w.zeros[m] = m % 2 == 0 ? 0 : top;
      for (std::size_t k = 0; k < cols; ++k) w.levels[m * cols + k] = m % 2 == 0 ? top : 0;
      w.scales[m] = 1.0f + static_cast<float>(m) / 64.0f;
    }
    auto a = random_activations(rng, 3, cols);
    for (std::size_t k = 0; k < cols; ++k) {
      a.values[k] = 127;                                 // row 0: all +127
      a.values[cols + k] = -127;                         // row 1: all -127
      a.values[2 * cols + k] = k % 3 == 0 ? -127 : 127;  // row 2: mixed
    }
    a.scales = {1.0f, 0.5f, 3.0f};
    check_all_kernels(w, a, gemm_oracle::int8_contract(w, a),
                      "extreme bits=" + std::to_string(bits));
  }
}

TEST_CASE("gemm: zero and non-finite scales, rows that held NaN or inf", "[gemm]") {
  std::mt19937 rng(9);
  const std::size_t rows = 40, cols = 96;
  for (unsigned bits : {1u, 2u, 4u}) {
    auto w = random_weights(rng, rows, cols, bits, 32);
    w.scales[0] = 0.0f;
    w.scales[4] = -0.0f;
    w.scales[7] = std::numeric_limits<float>::infinity();
    w.scales[11] = -std::numeric_limits<float>::quiet_NaN();
    w.scales[13] = std::numeric_limits<float>::denorm_min();
    std::vector<float> x(3 * cols);
    std::normal_distribution<float> nd;
    for (auto& v : x) v = nd(rng);
    x[5] = std::numeric_limits<float>::quiet_NaN();         // row 0 holds a NaN
    x[cols + 7] = -std::numeric_limits<float>::infinity();  // row 1 holds -inf
    const auto a = gemm::quantize_activations(x.data(), 3, cols);
    CHECK(std::isnan(a.scales[0]));
    CHECK(std::isnan(a.scales[1]));
    CHECK_FALSE(std::isnan(a.scales[2]));
    const auto want = gemm_oracle::int8_contract(w, a);
    for (std::size_t m = 0; m < rows; ++m) CHECK(bits_of(want[m]) == 0x7FC00000u);
    check_all_kernels(w, a, want, "special scales bits=" + std::to_string(bits));
  }
}

TEST_CASE("gemm: all-zero activation rows give +0 or -0 exactly as the contract", "[gemm]") {
  std::mt19937 rng(3);
  const auto w = random_weights(rng, 20, 64, 2, 64);
  std::vector<float> x(2 * 64, 0.0f);
  x[64 + 3] = 1e-44f;  // row 1: a subnormal maximum, d underflows to 0
  const auto a = gemm::quantize_activations(x.data(), 2, 64);
  CHECK(a.scales[0] == 0.0f);
  CHECK(a.scales[1] == 0.0f);
  check_all_kernels(w, a, gemm_oracle::int8_contract(w, a), "zero rows");
}

TEST_CASE("gemm: results do not depend on the thread count", "[gemm]") {
  std::mt19937 rng(21);
  const auto w = random_weights(rng, 333, 256, 2, 64);
  const auto a = random_activations(rng, 3, 256);
  for (gemm::weight_layout layout :
       {gemm::weight_layout::bit_planes, gemm::weight_layout::dot_bytes}) {
    const gemm::packed_weights p(w, layout);
    std::vector<float> one(3 * 333), many(3 * 333);
    gemm::matmul(p, a, lowp::span<float>(one));
    for (unsigned threads : {2u, 3u, 7u}) {
      gemm::matmul(p, a, lowp::span<float>(many), lowp::parallel{threads, 1});
      CHECK(std::memcmp(one.data(), many.data(), one.size() * 4) == 0);
    }
  }
}

#if defined(LOWP_TEST_MXCSR)
TEST_CASE("gemm: the same bits with MXCSR's DAZ and FTZ set", "[gemm]") {
  // Subnormal scales and products: a -ffast-math caller must not change an output.
  std::mt19937 rng(17);
  auto w = random_weights(rng, 50, 128, 2, 32);
  for (auto& s : w.scales) s = std::ldexp(s, -130);  // subnormal scales
  const auto a = random_activations(rng, 2, 128);
  const auto want = gemm_oracle::int8_contract(w, a);
  const unsigned saved = _mm_getcsr();
  _mm_setcsr(saved | 0x8040u);  // FTZ (bit 15) | DAZ (bit 6)
  const isa_guard guard;
  std::vector<std::vector<float>> got;
  for (simd::isa i : lowp_test::supported_isas()) {
    simd::set_active_isa(i);
    for (gemm::weight_layout layout :
         {gemm::weight_layout::bit_planes, gemm::weight_layout::dot_bytes}) {
      const gemm::packed_weights p(w, layout);
      got.emplace_back(want.size());
      gemm::matmul(p, a, lowp::span<float>(got.back()));
    }
  }
  const unsigned now = _mm_getcsr();
  _mm_setcsr(saved);
  CHECK(now == (saved | 0x8040u));  // the caller's setting is restored
  for (const auto& y : got)
    for (std::size_t j = 0; j < y.size(); ++j) CHECK(bits_of(y[j]) == bits_of(want[j]));
}
#endif

namespace {}  // namespace

TEST_CASE("gemm: float32 activations kept exact (the float32 contract)", "[gemm]") {
  std::mt19937 rng(3232);
  for (int trial = 0; trial < 30; ++trial) {
    const bool coded = trial % 5 == 4;
    const unsigned bits = coded ? 5u : 1u + static_cast<unsigned>(trial % 4);
    const std::size_t rows = 1 + rng() % 60, cols = 1 + rng() % 300;
    const std::size_t n = 1 + rng() % 6;
    const std::size_t group = trial % 3 == 0 ? cols : trial % 3 == 1 ? 32 : (cols > 16 ? 16 : cols);
    auto w = random_weights(rng, rows, cols, bits, group);
    if (coded) {
      w.codebook.resize(16);
      for (auto& l : w.codebook) l = static_cast<std::uint8_t>(rng() % 32);
      for (auto& c : w.levels) c = static_cast<std::uint8_t>(c % 16);
    }
    std::vector<float> x(n * cols);
    std::normal_distribution<float> nd;
    for (auto& v : x) v = std::ldexp(nd(rng), static_cast<int>(rng() % 40) - 20);
    if (trial % 7 == 6) x[rng() % x.size()] = std::numeric_limits<float>::infinity();
    if (trial % 11 == 10) x[rng() % x.size()] = std::numeric_limits<float>::quiet_NaN();
    const auto want = gemm_oracle::f32_contract(w, x.data(), n);
    std::vector<float> ref(want.size());
    gemm::reference_matmul(w, x.data(), n, ref.data());
    for (std::size_t j = 0; j < want.size(); ++j) REQUIRE(bits_of(ref[j]) == bits_of(want[j]));
    for_each_kernel(
        w, [&](const gemm::packed_weights& p, gemm::gemm_kernel k, const std::string& where) {
          std::vector<float> y(want.size(), -1.0f);
          gemm::matmul(p, x.data(), n, lowp::span<float>(y), lowp::parallel{1, 1},
                       gemm::float_activations::exact, k);
          std::size_t first = 0;
          const std::size_t bad = count_differences(y, want, first);
          INFO("trial " << trial << " " << where
                        << " kernel=" << gemm::kernel_name(p, k, gemm::float_activations::exact)
                        << " M=" << rows << " K=" << cols << " N=" << n << " group=" << group);
          CHECK(bad == 0);
        });
  }
}

TEST_CASE("gemm: codebook levels up to 255 at the int16 bounds, both contracts", "[gemm]") {
  // The AVX2 and NEON dot kernels add int16 products per half chunk: one codebook lookup for
  // levels up to 32, two (16 hi + lo) above. Codebooks at 24 (FP4), 32, 33 and 255, rows whose
  // every code maps to the top level or to 0 with zero points at the other end, activations
  // all +127 or all -127 (every int16 lane at its largest), groups of 16, 64 and one long row
  // with a partial last chunk.
  std::mt19937 rng(255);
  const std::size_t rows = 35;
  for (unsigned top : {24u, 32u, 33u, 255u}) {
    for (std::size_t group : {std::size_t{16}, std::size_t{64}, std::size_t{4100}}) {
      const std::size_t cols = group == 4100 ? 4100 : 203;
      auto w = random_weights(rng, rows, cols, 8, group);
      w.codebook.resize(16);
      w.codebook[0] = static_cast<std::uint8_t>(top);
      w.codebook[1] = 0;
      for (std::size_t c = 2; c < 16; ++c)
        w.codebook[c] = static_cast<std::uint8_t>(rng() % (top + 1));
      const std::size_t groups = w.zeros.size() / rows;
      for (std::size_t m = 0; m < rows; ++m) {
        for (std::size_t k = 0; k < cols; ++k)
          w.levels[m * cols + k] = static_cast<std::uint8_t>(m % 3 == 2 ? rng() % 16 : m % 3);
        for (std::size_t g = 0; g < groups; ++g)
          if (m % 3 != 2) w.zeros[m * groups + g] = m % 3 == 0 ? 0 : 255;
      }
      auto a = random_activations(rng, 3, cols);
      for (std::size_t k = 0; k < cols; ++k) {
        a.values[k] = 127;
        a.values[cols + k] = -127;
      }
      const std::string what = "top=" + std::to_string(top) + " group=" + std::to_string(group);
      check_all_kernels(w, a, gemm_oracle::int8_contract(w, a), what);

      std::vector<float> x(3 * cols);
      std::normal_distribution<float> nd;
      for (auto& v : x) v = std::ldexp(nd(rng), static_cast<int>(rng() % 20) - 10);
      const auto want = gemm_oracle::f32_contract(w, x.data(), 3);
      for_each_kernel(
          w, [&](const gemm::packed_weights& p, gemm::gemm_kernel k, const std::string& where) {
            std::vector<float> y(want.size(), -1.0f);
            gemm::matmul(p, x.data(), 3, lowp::span<float>(y), lowp::parallel{1, 1},
                         gemm::float_activations::exact, k);
            std::size_t first = 0;
            const std::size_t bad = count_differences(y, want, first);
            INFO(what << " " << where
                      << " kernel=" << gemm::kernel_name(p, k, gemm::float_activations::exact));
            CHECK(bad == 0);
          });
    }
  }
}

TEST_CASE("gemm: AVX2 and NEON run codebooks, groups of 16 and float32 vectorized", "[gemm]") {
  std::mt19937 rng(16);
  auto coded = random_weights(rng, 20, 64, 8, 32);
  coded.codebook.assign(16, 200);
  for (auto& c : coded.levels) c = static_cast<std::uint8_t>(c % 16);
  const std::vector<float> halves(64, 0.5f);
  const auto mx = gemm::from_blocks(
      lowp::blocks::quantize<lowp::blocks::mxfp4>(lowp::span<const float>(halves)), 1, 64);
  std::vector<gemm::int_weights> cases = {coded, mx};
  cases.push_back(random_weights(rng, 20, 64, 2, 16));  // crumbs, groups of 16
  cases.push_back(random_weights(rng, 20, 64, 4, 16));  // nibbles, groups of 16
  const isa_guard guard;
  for (simd::isa i : lowp_test::supported_isas()) {
    if (i != simd::isa::avx2 && i != simd::isa::neon) continue;
    REQUIRE(simd::set_active_isa(i));
    const std::string name = simd::isa_name(i);
    for (const auto& w : cases) {
      const gemm::packed_weights p(w);
      CHECK(gemm::kernel_name(p) == name + "-dot");
      CHECK(gemm::kernel_name(p, gemm::gemm_kernel::automatic, gemm::float_activations::exact) ==
            name + "-f32");
    }
  }
}

TEST_CASE("gemm: the dynamic activation rule", "[gemm]") {
  constexpr std::size_t rows = 8, cols = 67;
  std::mt19937 rng(77);
  std::vector<float> x(rows * cols);
  std::normal_distribution<float> nd;
  for (auto& v : x) v = nd(rng) * 3.0f;
  // Ties of x / d. Row 3: d = 1 (amax 127), x = j + 0.5. Row 4: d = 0.5 (amax 63.5), x / d =
  // 2 x = j + 0.5.
  for (std::size_t k = 0; k < cols; ++k) x[3 * cols + k] = static_cast<float>(k) - 33.5f;
  x[3 * cols + 66] = 127.0f;
  for (std::size_t k = 0; k < cols; ++k) x[4 * cols + k] = (static_cast<float>(k) - 33.0f) * 0.25f;
  x[4 * cols + 66] = 63.5f;
  x[2 * cols + 1] = 1e-40f;                                          // a subnormal among normals
  x[5 * cols + 60] = std::numeric_limits<float>::infinity();         // a row holding inf
  x[6 * cols + 3] = std::numeric_limits<float>::quiet_NaN();         // a row holding NaN
  for (std::size_t k = 0; k < cols; ++k) x[7 * cols + k] *= 1e-39f;  // subnormal d
  const isa_guard guard;
  for (simd::isa i : lowp_test::supported_isas()) {
    REQUIRE(simd::set_active_isa(i));
    const auto a = gemm::quantize_activations(x.data(), rows, cols);
    for (std::size_t n = 0; n < rows; ++n) {
      INFO("isa " << simd::isa_name(i) << " row " << n);
      if (n == 5 || n == 6) {
        CHECK(std::isnan(a.scales[n]));
        for (std::size_t k = 0; k < cols; ++k) REQUIRE(a.values[n * cols + k] == 0);
        continue;
      }
      double amax = 0.0;
      for (std::size_t k = 0; k < cols; ++k)
        amax = std::max(amax, std::fabs(double{x[n * cols + k]}));
      // float32 division, correctly rounded: the double quotient rounded once to float.
      const float d = static_cast<float>(amax / 127.0);
      REQUIRE(bits_of(a.scales[n]) == bits_of(d));
      for (std::size_t k = 0; k < cols; ++k) {
        const float r = static_cast<float>(double{x[n * cols + k]} / double{d});
        double q = std::nearbyint(static_cast<double>(r));  // ties to even (default mode)
        q = std::min(127.0, std::max(-127.0, q));
        INFO("column " << k << " x=" << x[n * cols + k]);
        REQUIRE(a.values[n * cols + k] == static_cast<int>(q));
      }
    }
  }
}

TEST_CASE("gemm: round-to-nearest weight quantization", "[gemm]") {
  std::mt19937 rng(41);
  const std::size_t rows = 6, cols = 100, group = 32;
  std::vector<float> wf(rows * cols);
  std::normal_distribution<float> nd;
  for (auto& v : wf) v = nd(rng);
  for (unsigned bits = 1; bits <= 4; ++bits)
    for (gemm::weight_rule rule : {gemm::weight_rule::min_max, gemm::weight_rule::symmetric}) {
      const auto w = gemm::quantize_weights(wf.data(), rows, cols, bits, group, rule);
      REQUIRE(w.groups() == 4);
      const int top = (1 << bits) - 1;
      for (std::size_t m = 0; m < rows; ++m)
        for (std::size_t g = 0; g < 4; ++g) {
          double lo = 0.0, hi = 0.0;
          for (std::size_t k = g * group; k < std::min(cols, (g + 1) * group); ++k) {
            lo = std::min(lo, double{wf[m * cols + k]});
            hi = std::max(hi, double{wf[m * cols + k]});
          }
          const float scale =
              rule == gemm::weight_rule::min_max
                  ? static_cast<float>(static_cast<float>(hi - lo) / double{1.0 * top})
                  : static_cast<float>(std::max(hi, -lo) / (1 << (bits - 1)));
          const int zero = rule == gemm::weight_rule::min_max
                               ? static_cast<int>(std::min<double>(
                                     top, std::max(0.0, std::nearbyint(static_cast<double>(
                                                            static_cast<float>(-lo / scale))))))
                               : 1 << (bits - 1);
          REQUIRE(w.scales[m * 4 + g] == scale);
          REQUIRE(w.zeros[m * 4 + g] == zero);
          for (std::size_t k = g * group; k < std::min(cols, (g + 1) * group); ++k) {
            const double r = std::nearbyint(
                static_cast<double>(static_cast<float>(double{wf[m * cols + k]} / scale)));
            const int level = static_cast<int>(std::min<double>(top, std::max(0.0, r + zero)));
            REQUIRE(w.levels[m * cols + k] == level);
          }
        }
    }
  const std::int8_t t[6] = {-1, 0, 1, 1, 0, -1};
  const auto tw = gemm::ternary_weights(t, 2, 3, 0.25f);
  CHECK(tw.levels == std::vector<std::uint8_t>{0, 1, 2, 2, 1, 0});
  CHECK(tw.value(0, 0) == -0.25f);
  CHECK(tw.value(1, 0) == 0.25f);
}

TEST_CASE("gemm: bad input is refused with a clear error", "[gemm]") {
  std::mt19937 rng(1);
  const auto w = random_weights(rng, 8, 64, 2, 32);
  const auto a = random_activations(rng, 2, 64);
  const gemm::packed_weights p(w);
  std::vector<float> y(2 * 8);
  std::vector<float> short_y(2 * 8 - 1);
  CHECK_THROWS_AS(gemm::matmul(p, a, lowp::span<float>(short_y)), std::invalid_argument);
  const auto a_wide = random_activations(rng, 2, 65);
  CHECK_THROWS_AS(gemm::matmul(p, a_wide, lowp::span<float>(y)), std::invalid_argument);
  auto a_min = a;
  a_min.values[3] = -128;
  CHECK_THROWS_AS(gemm::matmul(p, a_min, lowp::span<float>(y)), std::invalid_argument);
  auto w_group = random_weights(rng, 8, 64, 2, 48);  // neither a multiple of 32 nor the row
  CHECK_THROWS_AS(gemm::packed_weights(w_group), std::invalid_argument);
  auto w_wide = random_weights(rng, 8, 64, 4, 32);
  w_wide.level_bits = 5;
  CHECK_THROWS_AS(gemm::packed_weights(w_wide), std::invalid_argument);
  auto w_level = w;
  w_level.levels[5] = 4;  // not below 2^2
  CHECK_THROWS_AS(gemm::packed_weights(w_level), std::invalid_argument);
  auto w_short = w;
  w_short.scales.pop_back();
  CHECK_THROWS_AS(gemm::packed_weights(w_short), std::invalid_argument);
  std::vector<float> inf_w(64, 1.0f);
  inf_w[3] = std::numeric_limits<float>::infinity();
  CHECK_THROWS_AS(gemm::quantize_weights(inf_w.data(), 1, 64, 2, 32), std::invalid_argument);
  const std::int8_t bad_t[2] = {2, 0};
  CHECK_THROWS_AS(gemm::ternary_weights(bad_t, 1, 2, 1.0f), std::invalid_argument);
}
