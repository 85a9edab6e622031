// The ggml layouts q8_0, q4_0 and ggml_mxfp4 against the independent oracle of
// tests/support/block_oracle.hpp, written from formats-reference.md section 7 (Q8_0 ties away,
// Q4_0 half up with the signed-max scale, ggml MXFP4 ties toward the smaller magnitude):
//  - many random and constructed blocks (Gaussian at scales 2^-20..2^20 and extreme ones,
//    uniform, outliers, wide dynamic range, deliberate ties, zero blocks, negative maxima):
//    to_interleaved equals the oracle's GGUF bytes, dequantize its outputs bit for bit, and
//    from_interleaved(oracle bytes) decodes to the same outputs;
//  - byte layouts worked out by hand from the reference text (independent of both);
//  - NaN or inf in a block throws std::domain_error and writes nothing out of bounds.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "lowp/lowp.hpp"
#include "support/bits.hpp"
#include "support/block_oracle.hpp"
#include "support/catch.hpp"

namespace {

namespace blocks = lowp::blocks;
namespace bo = block_oracle;
// Bit for bit; a NaN matches any NaN (payloads are not specified: the oracle's come from the
// host FPU, lowp's fp32 emulation returns the default NaN).
using lowp_test::is_nan_bits;
using lowp_test::same_float;

template <class Block>
bo::ggml_result run_oracle(const std::vector<float>& x) {
  if constexpr (std::is_same_v<Block, blocks::q8_0>) {
    return bo::ggml_q8_0(x.data(), x.size());
  } else if constexpr (std::is_same_v<Block, blocks::q4_0>) {
    return bo::ggml_q4_0(x.data(), x.size());
  } else {
    static_assert(std::is_same_v<Block, blocks::ggml_mxfp4>, "a ggml block");
    return bo::ggml_mxfp4(x.data(), x.size());
  }
}

std::string hex_bytes(const std::uint8_t* p, std::size_t n) {
  std::ostringstream s;
  s << std::hex;
  for (std::size_t i = 0; i < n; ++i) s << (p[i] < 16 ? "0" : "") << static_cast<unsigned>(p[i]);
  return s.str();
}

using lowp_test::hex_floats;

/// Compares lowp and the oracle on whole blocks: GGUF bytes, dequantized outputs, and the
/// decode of the oracle's bytes through from_interleaved. Returns the number of blocks checked.
template <class Block>
std::size_t check_against_oracle(const std::vector<float>& x, const std::string& what) {
  constexpr std::size_t bs = Block::block_size;
  constexpr std::size_t ib = blocks::interleaved_block_bytes<Block>;
  REQUIRE(x.size() % bs == 0);
  const bo::ggml_result ref = run_oracle<Block>(x);
  const blocks::block_tensor<Block> q = blocks::quantize<Block>(lowp::span<const float>(x));
  const std::vector<std::uint8_t> bytes = blocks::to_interleaved(q);
  const std::vector<float> out = blocks::dequantize(q);
  const blocks::block_tensor<Block> q2 =
      blocks::from_interleaved<Block>(lowp::span<const std::uint8_t>(ref.bytes), x.size());
  const std::vector<float> out2 = blocks::dequantize(q2);
  REQUIRE(ref.bytes.size() == x.size() / bs * ib);
  REQUIRE(bytes.size() == ref.bytes.size());
  REQUIRE(out.size() == x.size());
  REQUIRE(out2.size() == x.size());
  std::size_t bad = 0;
  std::string first;
  for (std::size_t b = 0; b < x.size() / bs; ++b) {
    bool ok = std::memcmp(bytes.data() + b * ib, ref.bytes.data() + b * ib, ib) == 0;
    for (std::size_t i = b * bs; i < (b + 1) * bs; ++i)
      ok = ok && same_float(out[i], ref.out[i]) && same_float(out2[i], ref.out[i]);
    if (ok) continue;
    if (bad++ == 0) {
      std::ostringstream s;
      s << "block " << b << "\n  in     " << hex_floats(x.data() + b * bs, bs) << "\n  lowp   "
        << hex_bytes(bytes.data() + b * ib, ib) << "\n  oracle "
        << hex_bytes(ref.bytes.data() + b * ib, ib) << "\n  lowp out   "
        << hex_floats(out.data() + b * bs, bs) << "\n  decoded    "
        << hex_floats(out2.data() + b * bs, bs) << "\n  oracle out "
        << hex_floats(ref.out.data() + b * bs, bs);
      first = s.str();
    }
  }
  INFO(what << ": " << bad << " of " << x.size() / bs << " blocks differ; first:\n" << first);
  CHECK(bad == 0);
  CHECK(q2.scales == q.scales);
  CHECK(q2.elements == q.elements);
  return x.size() / bs;
}

// --- block generators (32 elements each, appended to a vector) -------------------------------

using rng_t = std::mt19937_64;

float gauss(rng_t& rng) { return std::normal_distribution<float>(0.0f, 1.0f)(rng); }
float unif(rng_t& rng, float lo, float hi) {
  return std::uniform_real_distribution<float>(lo, hi)(rng);
}
int uint_in(rng_t& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
float rand_sign(rng_t& rng) { return uint_in(rng, 0, 1) != 0 ? -1.0f : 1.0f; }
std::size_t rand_index(rng_t& rng) { return static_cast<std::size_t>(uint_in(rng, 0, 31)); }

void add_gaussian(std::vector<float>& x, rng_t& rng, int k) {
  for (int i = 0; i < 32; ++i) x.push_back(std::ldexp(gauss(rng), k));
}

void add_uniform(std::vector<float>& x, rng_t& rng, float a) {
  for (int i = 0; i < 32; ++i) x.push_back(unif(rng, -a, a));
}

void add_outlier(std::vector<float>& x, rng_t& rng, int k) {
  const std::size_t at = x.size() + rand_index(rng);
  add_gaussian(x, rng, k);
  x[at] = std::ldexp(x[at] >= 0 ? 1.0f : -1.0f, k + uint_in(rng, 6, 20));
}

// Magnitudes spread over 2^-30..2^30 inside one block (most elements quantize to zero).
void add_wide(std::vector<float>& x, rng_t& rng) {
  for (int i = 0; i < 32; ++i)
    x.push_back(rand_sign(rng) * std::ldexp(unif(rng, 1.0f, 2.0f), uint_in(rng, -30, 30)));
}

// Small integers times 2^k: many exact grid points and ties in every format.
void add_integers(std::vector<float>& x, rng_t& rng, int lo, int hi, int k) {
  for (int i = 0; i < 32; ++i) x.push_back(std::ldexp(static_cast<float>(uint_in(rng, lo, hi)), k));
}

// Nudges v by `ulps` float ulps (toward larger magnitude for positive ulps).
float nudge(float v, int ulps) {
  std::uint32_t b = lowp_test::u32(v);
  b = static_cast<std::uint32_t>(static_cast<std::int64_t>(b) + ulps);
  float r;
  std::memcpy(&r, &b, sizeof r);
  return r;
}

// Q8_0 ties: d = amax / 127 exact (amax = 127 m, m with 11 significant bits), elements at
// (k + 1/2) d, some nudged by an ulp. With m a power of two, x * id = k + 1/2 exactly.
void add_q8_ties(std::vector<float>& x, rng_t& rng, bool pow2) {
  const int j = uint_in(rng, -20, 10);
  const float m =
      pow2 ? std::ldexp(1.0f, j) : std::ldexp(static_cast<float>(uint_in(rng, 1024, 2047)), j - 10);
  const std::size_t base = x.size();
  for (int i = 0; i < 32; ++i) {
    float v = (static_cast<float>(uint_in(rng, -127, 126)) + 0.5f) * m;
    if (uint_in(rng, 0, 3) == 0) v = nudge(v, uint_in(rng, -2, 2));
    x.push_back(v);
  }
  x[base + rand_index(rng)] = rand_sign(rng) * 127.0f * m;
}

// Q4_0 ties: the signed max is +-8 * 2^j (d = -+2^j exactly), elements at (n + 1/2) * 2^j so
// that x * id + 8.5 is an integer; some nudged by an ulp or two (the two fp32 roundings of
// ggml's x * id + 8.5 then decide).
void add_q4_ties(std::vector<float>& x, rng_t& rng) {
  const int j = uint_in(rng, -20, 12);
  const std::size_t base = x.size();
  for (int i = 0; i < 32; ++i) {
    float v = std::ldexp(static_cast<float>(uint_in(rng, -8, 7)) + 0.5f, j);
    if (uint_in(rng, 0, 2) == 0) v = nudge(v, uint_in(rng, -3, 3));
    x.push_back(v);
  }
  x[base + rand_index(rng)] = rand_sign(rng) * std::ldexp(8.0f, j);
}

// MXFP4 ties: amax 4 * 2^s or 6 * 2^s (scale code s + 127), elements at E2M1 midpoints
// (0.25 0.75 1.25 1.75 2.5 3.5 5) or grid points times 2^s, beyond 6 (saturation), some
// nudged by an ulp.
void add_mxfp4_ties(std::vector<float>& x, rng_t& rng) {
  static const float pts[] = {0.25f, 0.75f, 1.25f, 1.75f, 2.5f, 3.5f, 5.0f, 0.5f,  1.0f,
                              1.5f,  2.0f,  3.0f,  4.0f,  6.0f, 7.0f, 7.5f, 0.125f};
  const int s = uint_in(rng, -100, 100);
  const std::size_t base = x.size();
  for (int i = 0; i < 32; ++i) {
    float v = rand_sign(rng) * std::ldexp(pts[uint_in(rng, 0, 16)], s);
    if (uint_in(rng, 0, 3) == 0) v = nudge(v, uint_in(rng, -1, 1));
    x.push_back(v);
  }
  x[base + rand_index(rng)] = rand_sign(rng) * std::ldexp(uint_in(rng, 0, 1) ? 4.0f : 6.0f, s);
}

// amax a few ulps below a power of two (ggml's floorf(log2f(amax)) may round up, D-14).
void add_below_pow2(std::vector<float>& x, rng_t& rng) {
  const int k = uint_in(rng, -60, 60);
  const std::size_t base = x.size();
  add_gaussian(x, rng, k - 3);
  x[base + rand_index(rng)] = rand_sign(rng) * nudge(std::ldexp(1.0f, k), -uint_in(rng, 1, 8));
}

// A block whose largest-magnitude element is negative (Q4_0's d is then positive).
void add_negative_max(std::vector<float>& x, rng_t& rng, int k) {
  const std::size_t base = x.size();
  add_gaussian(x, rng, k);
  float amax = 0.0f;
  for (std::size_t i = base; i < x.size(); ++i) amax = std::fmax(amax, std::fabs(x[i]));
  x[base + rand_index(rng)] = -1.5f * amax;
}

// Two elements of equal magnitude and opposite sign: ggml keeps the first.
void add_equal_extremes(std::vector<float>& x, rng_t& rng, int k) {
  const std::size_t base = x.size();
  add_gaussian(x, rng, k);
  const std::size_t a = rand_index(rng), b = (a + 1 + rand_index(rng) % 31) % 32;
  const float m = std::ldexp(4.0f, k) * unif(rng, 1.0f, 2.0f);
  x[base + a] = rand_sign(rng) * m;
  x[base + b] = -x[base + a];
}

// Zero blocks of mixed signs that start with +0 (those starting with -0 have their own test
// case below: lowp's Q4_0 scale differs from ggml's there).
void add_zero_blocks(std::vector<float>& x, rng_t& rng) {
  for (int i = 0; i < 32; ++i) x.push_back(0.0f);
  for (int r = 0; r < 6; ++r) {
    x.push_back(0.0f);
    for (int i = 1; i < 32; ++i) x.push_back(uint_in(rng, 0, 1) ? -0.0f : 0.0f);
  }
}

// All-zero blocks whose first element is -0.0: all -0, and mixed signs.
void add_zero_blocks_first_negative(std::vector<float>& x, rng_t& rng) {
  for (int i = 0; i < 32; ++i) x.push_back(-0.0f);
  for (int r = 0; r < 6; ++r) {
    x.push_back(-0.0f);
    for (int i = 1; i < 32; ++i) x.push_back(uint_in(rng, 0, 1) ? -0.0f : 0.0f);
  }
}

// The worked example of formats-reference 7.3, {3, -3, 0, ...}, and variations.
void add_three_minus_three(std::vector<float>& x) {
  const float blocks_in[][2] = {{3.0f, -3.0f}, {-3.0f, 3.0f}, {0.375f, -0.375f}, {1.0f, -1.0f}};
  for (const auto& p : blocks_in) {
    x.push_back(p[0]);
    x.push_back(p[1]);
    for (int i = 2; i < 32; ++i) x.push_back(0.0f);
  }
}

// Everything above for one format, `reps` times over (about 5000 blocks per rep). The extreme
// small scale of Q8_0 stays above 2^-119: below, ggml's id = 1/d overflows to inf and its
// (int8_t) cast of +-inf is undefined (the oracle clamps -inf to -128, lowp to -127).
template <class Block>
std::size_t run_all(std::uint64_t seed, int reps) {
  rng_t rng(seed);
  std::size_t checked = 0;
  std::vector<float> x;
  // Gaussian at 2^k, k in [-20, 20], 48 blocks each.
  for (int k = -20; k <= 20; ++k)
    for (int r = 0; r < 48 * reps; ++r) add_gaussian(x, rng, k);
  checked += check_against_oracle<Block>(x, "gaussian 2^-20..2^20");
  // Extreme scales: for Q8_0 and Q4_0, 2^22 and up overflows fp16 d (outputs +-inf / NaN);
  // the tiny ones give fp16-subnormal or zero d, float32-subnormal inputs for MXFP4.
  x.clear();
  const bool q8 = std::is_same_v<Block, blocks::q8_0>;
  const int extremes[] = {q8 ? -112 : -120, -100, -60, -24, -14, 16, 22, 40, 100};
  for (int k : extremes)
    for (int r = 0; r < 16 * reps; ++r) add_gaussian(x, rng, k);
  if (std::is_same_v<Block, blocks::ggml_mxfp4>)
    for (int k : {-130, -126, 120, 124})
      for (int r = 0; r < 16 * reps; ++r) add_gaussian(x, rng, k);
  checked += check_against_oracle<Block>(x, "extreme scales");
  x.clear();
  for (float a : {1e-6f, 0.5f, 1.0f, 3.0f, 1000.0f})
    for (int r = 0; r < 64 * reps; ++r) add_uniform(x, rng, a);
  checked += check_against_oracle<Block>(x, "uniform");
  x.clear();
  for (int r = 0; r < 256 * reps; ++r) add_outlier(x, rng, uint_in(rng, -10, 4));
  checked += check_against_oracle<Block>(x, "outliers");
  x.clear();
  for (int r = 0; r < 256 * reps; ++r) add_wide(x, rng);
  checked += check_against_oracle<Block>(x, "wide dynamic range");
  x.clear();
  for (int r = 0; r < 128 * reps; ++r) add_integers(x, rng, -8, 8, uint_in(rng, -6, 6));
  for (int r = 0; r < 128 * reps; ++r) add_integers(x, rng, -127, 127, uint_in(rng, -6, 6));
  for (int r = 0; r < 128 * reps; ++r) add_integers(x, rng, -12, 12, uint_in(rng, -6, 6));
  checked += check_against_oracle<Block>(x, "small integers");
  x.clear();
  for (int r = 0; r < 256 * reps; ++r) add_q8_ties(x, rng, true);
  for (int r = 0; r < 256 * reps; ++r) add_q8_ties(x, rng, false);
  checked += check_against_oracle<Block>(x, "Q8_0 ties");
  x.clear();
  for (int r = 0; r < 512 * reps; ++r) add_q4_ties(x, rng);
  checked += check_against_oracle<Block>(x, "Q4_0 ties");
  x.clear();
  for (int r = 0; r < 512 * reps; ++r) add_mxfp4_ties(x, rng);
  checked += check_against_oracle<Block>(x, "MXFP4 ties");
  x.clear();
  for (int r = 0; r < 256 * reps; ++r) add_below_pow2(x, rng);
  checked += check_against_oracle<Block>(x, "amax just below a power of two");
  x.clear();
  for (int r = 0; r < 128 * reps; ++r) add_negative_max(x, rng, uint_in(rng, -12, 12));
  for (int r = 0; r < 128 * reps; ++r) add_equal_extremes(x, rng, uint_in(rng, -12, 12));
  checked += check_against_oracle<Block>(x, "negative maxima and equal extremes");
  x.clear();
  add_zero_blocks(x, rng);
  add_three_minus_three(x);
  checked += check_against_oracle<Block>(x, "zero blocks and {3, -3}");
  return checked;
}

template <class Block>
std::vector<std::uint8_t> interleaved(const std::vector<float>& x) {
  return blocks::to_interleaved(blocks::quantize<Block>(lowp::span<const float>(x)));
}

template <class Block>
std::vector<float> fake(const std::vector<float>& x) {
  return blocks::dequantize(blocks::quantize<Block>(lowp::span<const float>(x)));
}

std::vector<float> block_of(std::initializer_list<float> head) {
  std::vector<float> x(head);
  x.resize(32, 0.0f);
  return x;
}

template <class Block>
void check_nonfinite_rejected() {
  const float specials[] = {std::nanf(""), -std::nanf(""), HUGE_VALF, -HUGE_VALF};
  rng_t rng(7);
  for (float s : specials) {
    for (std::size_t at : {std::size_t{0}, std::size_t{37}, std::size_t{95}}) {
      std::vector<float> x;
      for (int b = 0; b < 3; ++b) add_gaussian(x, rng, 0);
      x[at] = s;
      INFO("special " << lowp_test::u32(s) << " at " << at);
      CHECK_THROWS_AS(blocks::quantize<Block>(lowp::span<const float>(x)), std::domain_error);
      // Storage overload: guard bytes around the exact-size spans stay untouched.
      constexpr std::size_t guard = 24;
      const std::size_t eb = 3 * Block::block_bytes;
      std::vector<std::uint8_t> ebuf(eb + 2 * guard, 0xA5);
      std::vector<typename Block::scale_storage> sbuf(3 + 2 * guard, 0x5A);
      using S = typename Block::scale_storage;
      CHECK_THROWS_AS(
          (blocks::quantize<Block, blocks::default_rounding_v<Block>>(
              lowp::span<const float>(x), lowp::span<std::uint8_t>(ebuf.data() + guard, eb),
              lowp::span<S>(sbuf.data() + guard, 3))),
          std::domain_error);
      bool intact = true;
      for (std::size_t i = 0; i < guard; ++i) {
        intact = intact && ebuf[i] == 0xA5 && ebuf[guard + eb + i] == 0xA5;
        intact = intact && sbuf[i] == 0x5A && sbuf[guard + 3 + i] == 0x5A;
      }
      CHECK(intact);
      // The blocks after the rejected one are not written.
      const std::size_t bad_block = at / 32;
      bool later_untouched = true;
      for (std::size_t b = bad_block + 1; b < 3; ++b) {
        later_untouched = later_untouched && sbuf[guard + b] == 0x5A;
        for (std::size_t k = 0; k < Block::block_bytes; ++k)
          later_untouched = later_untouched && ebuf[guard + b * Block::block_bytes + k] == 0xA5;
      }
      CHECK(later_untouched);
    }
  }
  // Finite extremes are accepted.
  std::vector<float> x = block_of({3.4028235e38f, -3.4028235e38f, 1e-45f});
  CHECK_NOTHROW(blocks::quantize<Block>(lowp::span<const float>(x)));
}

}  // namespace

TEST_CASE("ggml q8_0 matches the oracle bytes and outputs", "[block][ggml]") {
  const std::size_t n = run_all<blocks::q8_0>(0x51A0, 16);
  CHECK(n > 80000);
}

TEST_CASE("ggml q4_0 matches the oracle bytes and outputs", "[block][ggml]") {
  const std::size_t n = run_all<blocks::q4_0>(0x5140, 16);
  CHECK(n > 80000);
}

TEST_CASE("ggml mxfp4 matches the oracle bytes and outputs", "[block][ggml]") {
  const std::size_t n = run_all<blocks::ggml_mxfp4>(0x51F4, 16);
  CHECK(n > 80000);
}

TEST_CASE("ggml layouts match the oracle on random arrays at many seeds", "[block][ggml][slow]") {
  for (std::uint64_t seed = 1; seed <= 16; ++seed) {
    run_all<blocks::q8_0>(seed, 32);
    run_all<blocks::q4_0>(seed, 32);
    run_all<blocks::ggml_mxfp4>(seed, 32);
  }
}

TEST_CASE("ggml q8_0 byte layout by hand", "[block][ggml]") {
  // amax 127: d = 1.0 (fp16 0x3C00, bytes 00 3C), id = 1; roundf ties away:
  // -63.5 -> -64 (0xC0), 0.5 -> 1, -0.5 -> -1 (0xFF), 1.5 -> 2, 2.5 -> 3, -126.5 -> -127.
  const std::vector<float> x =
      block_of({127.0f, -63.5f, 0.5f, -0.5f, 1.5f, 2.5f, -126.5f, 0.25f, -0.0f, 100.49f});
  const std::vector<std::uint8_t> expect = {0x00, 0x3C, 0x7F, 0xC0, 0x01, 0xFF,
                                            0x02, 0x03, 0x81, 0x00, 0x00, 0x64};
  std::vector<std::uint8_t> full(34, 0x00);  // (not resize: GCC 12 -O3 C++20 -Warray-bounds)
  std::copy(expect.begin(), expect.end(), full.begin());
  CHECK(interleaved<blocks::q8_0>(x) == full);
  CHECK(bo::ggml_q8_0(x.data(), 32).bytes == full);
  const std::vector<float> out = fake<blocks::q8_0>(x);
  CHECK(out[1] == -64.0f);
  CHECK(out[6] == -127.0f);
  // A d that is not an fp16 value: amax 1.0, d = fp32(1/127) = 0x1.020408p-7 -> fp16 0x2008
  // (0x1.02p-7, RNE), bytes 08 20; id = fp32(1/d) = 127 exactly, so 1.0 -> 127 (0x7F) and
  // -0.5 -> -63.5 -> -64 (0xC0, ties away).
  const std::vector<float> y = block_of({1.0f, -0.5f});
  const std::vector<std::uint8_t> by = interleaved<blocks::q8_0>(y);
  REQUIRE(by.size() == 34);
  CHECK(by[0] == 0x08);
  CHECK(by[1] == 0x20);
  CHECK(by[2] == 0x7F);
  CHECK(by[3] == 0xC0);
  CHECK(by == bo::ggml_q8_0(y.data(), 32).bytes);
}

TEST_CASE("ggml q4_0 byte layout by hand", "[block][ggml]") {
  // formats-reference 7.3: {3, -3, 0, ...}: max = 3 (first), d = 3 / -8 = -0.375 = fp16 0xB600
  // (bytes 00 B6), id = -8/3; 3 -> trunc(-8 + 8.5) = 0; -3 -> 16.5 -> 15 (clamped); 0 -> 8.
  // Byte j = q[j] | q[j + 16] << 4: byte 0 = 0 | 8 << 4 = 0x80, byte 1 = 15 | 8 << 4 = 0x8F,
  // bytes 2..15 = 0x88. Dequant: 3.0, 7 * -0.375 = -2.625, and 0 * -0.375 = -0.0.
  const std::vector<float> x = block_of({3.0f, -3.0f});
  std::vector<std::uint8_t> expect(18, 0x88);  // (not resize: GCC 12 -O3 C++20 -Warray-bounds)
  const std::uint8_t head[] = {0x00, 0xB6, 0x80, 0x8F};
  std::copy(std::begin(head), std::end(head), expect.begin());
  CHECK(interleaved<blocks::q4_0>(x) == expect);
  CHECK(bo::ggml_q4_0(x.data(), 32).bytes == expect);
  const std::vector<float> out = fake<blocks::q4_0>(x);
  CHECK(lowp_test::u32(out[0]) == lowp_test::u32(3.0f));
  CHECK(lowp_test::u32(out[1]) == lowp_test::u32(-2.625f));
  for (std::size_t i = 2; i < 32; ++i) CHECK(lowp_test::u32(out[i]) == 0x80000000u);

  // Nibble placement: x[j] = j - 8 and x[16 + j] = 7 - j; max = -8 (element 0, first of the
  // two with |x| = 8), d = 1 (fp16 0x3C00), q[j] = j, q[16 + j] = 15 - j, so byte j =
  // j | (15 - j) << 4: F0 E1 D2 ... 0F.
  std::vector<float> y(32);
  for (int j = 0; j < 16; ++j) {
    y[static_cast<std::size_t>(j)] = static_cast<float>(j - 8);
    y[static_cast<std::size_t>(16 + j)] = static_cast<float>(7 - j);
  }
  std::vector<std::uint8_t> ey = {0x00, 0x3C};
  for (unsigned j = 0; j < 16; ++j) ey.push_back(static_cast<std::uint8_t>(j | (15u - j) << 4));
  CHECK(interleaved<blocks::q4_0>(y) == ey);
  CHECK(bo::ggml_q4_0(y.data(), 32).bytes == ey);
  CHECK(fake<blocks::q4_0>(y) == y);  // every element is (q - 8) * 1 exactly
  const auto q = blocks::quantize<blocks::q4_0>(lowp::span<const float>(y));
  for (std::size_t j = 0; j < 32; ++j) CHECK(q.code(j) == (j < 16 ? j : 31 - j));
}

TEST_CASE("ggml mxfp4 byte layout by hand", "[block][ggml]") {
  // formats-reference 4.6: {4, 2.5, 1.75, 0.75, 0.25, 5, -2.5, 3.5}: amax 5, e = floor(log2 5)
  // - 2 + 127 = 0x7F, codes 6 4 3 1 0 6 C 5 (ties to the smaller magnitude). Elements 16..23:
  // {-4, 0.5, -1, 1.5, 2, 3, 6, -0.25} -> E 1 A 3 4 5 7 0 (-0.25 ties to +0, never -0).
  // Byte j = code[j] | code[j + 16] << 4.
  std::vector<float> x = block_of({4.0f, 2.5f, 1.75f, 0.75f, 0.25f, 5.0f, -2.5f, 3.5f});
  const float hi[] = {-4.0f, 0.5f, -1.0f, 1.5f, 2.0f, 3.0f, 6.0f, -0.25f};
  for (std::size_t j = 0; j < 8; ++j) x[16 + j] = hi[j];
  std::vector<std::uint8_t> expect(17, 0x00);  // (not resize: GCC 12 -O3 C++20 -Warray-bounds)
  const std::uint8_t head[] = {0x7F, 0xE6, 0x14, 0xA3, 0x31, 0x40, 0x56, 0x7C, 0x05};
  std::copy(std::begin(head), std::end(head), expect.begin());
  CHECK(interleaved<blocks::ggml_mxfp4>(x) == expect);
  CHECK(bo::ggml_mxfp4(x.data(), 32).bytes == expect);
  const auto q = blocks::quantize<blocks::ggml_mxfp4>(lowp::span<const float>(x));
  const std::uint32_t codes_lo[] = {6, 4, 3, 1, 0, 6, 0xC, 5};
  const std::uint32_t codes_hi[] = {0xE, 1, 0xA, 3, 4, 5, 7, 0};
  for (std::size_t j = 0; j < 8; ++j) {
    CHECK(q.code(j) == codes_lo[j]);
    CHECK(q.code(16 + j) == codes_hi[j]);
  }
  const std::vector<float> out = fake<blocks::ggml_mxfp4>(x);
  const float expect_out[] = {4.0f, 2.0f, 1.5f, 0.5f, 0.0f, 4.0f, -2.0f, 3.0f};
  for (std::size_t j = 0; j < 8; ++j)
    CHECK(lowp_test::u32(out[j]) == lowp_test::u32(expect_out[j]));
  CHECK(lowp_test::u32(out[23]) == 0u);  // +0, not -0

  // The scale byte: amax 0.75 -> floor(log2) = -1 -> e = 0x7C; amax 2^100 -> 0xE2; all zero
  // -> 0x00; amax below 2^-125 -> 0 (lowp clamps where ggml's cast is undefined).
  CHECK(interleaved<blocks::ggml_mxfp4>(block_of({0.75f}))[0] == 0x7C);
  CHECK(interleaved<blocks::ggml_mxfp4>(block_of({std::ldexp(1.0f, 100)}))[0] == 0xE1);
  CHECK(interleaved<blocks::ggml_mxfp4>(block_of({}))[0] == 0x00);
  CHECK(interleaved<blocks::ggml_mxfp4>(block_of({std::ldexp(1.0f, -140)}))[0] == 0x00);
}

TEST_CASE("ggml zero blocks that start with -0", "[block][ggml]") {
  // ggml's quantize_row_q4_0_ref starts its signed max at +0.0f and replaces it only on a
  // strictly larger |x|, so every all-zero block has d = +0.0f / -8 = -0 (fp16 0x8000, bytes
  // 00 80) and decodes to -0, whatever the signs of its zeros.
  rng_t rng(0x2E60);
  std::vector<float> x;
  add_zero_blocks_first_negative(x, rng);
  const bo::ggml_result ref = bo::ggml_q4_0(x.data(), 32);
  REQUIRE(ref.bytes[0] == 0x00);
  REQUIRE(ref.bytes[1] == 0x80);
  // Regression: lowp once took the signed max from the first element (x[0] = -0.0 here),
  // giving d = +0 and a +0 block instead of ggml's -0.
  check_against_oracle<blocks::q4_0>(x, "Q4_0 zero blocks starting with -0");
  // Q8_0 (d from |x|) and MXFP4 (E8M0 scale) cannot show the difference.
  check_against_oracle<blocks::q8_0>(x, "Q8_0 zero blocks starting with -0");
  check_against_oracle<blocks::ggml_mxfp4>(x, "MXFP4 zero blocks starting with -0");
}

TEST_CASE("ggml blocks holding NaN or inf are rejected", "[block][ggml]") {
  check_nonfinite_rejected<blocks::q8_0>();
  check_nonfinite_rejected<blocks::q4_0>();
  check_nonfinite_rejected<blocks::ggml_mxfp4>();
}
