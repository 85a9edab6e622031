// NVFP4 scale arithmetic against the independent oracle of tests/support/block_oracle.hpp
// (formats-reference 5.1-5.2, D-19, D-20): both published operation orders, torchao's
// amax / 6 and TransformerEngine's amax * fp32(1/6), and their clamps.
//  - D-19: amax 0x1.c7fffep+0 gives torchao 0x29 and TE 0x2A; around every binade's
//    0x1.c7fffep+e lowp agrees with the oracle value by value and its two orders differ exactly
//    where the oracle's do (the [slow] test sweeps all of [2^-7, 2^12): 15 disagreements);
//  - D-20: the 2^-6 floor of torchao (0.01 -> 08 vs TE 01), RNE at 300 (79) and the tie 1.0625
//    (38), saturation and NaN;
//  - two-level and single-level tensors of both orders (blocks of very different magnitudes,
//    zero blocks, tensor amax 0, NaN and inf inside): scale codes, element codes, tensor scale,
//    outputs, bit for bit; the calibrated tensor_amax option;
//  - stochastic rounding from counter_bits(seed, i); 16 x 16 tile scaling (quantize_tiles).
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
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

using te2 = blocks::nvfp4;                 // TE order, fp32 tensor scale
using tao2 = blocks::nvfp4_torchao_order;  // torchao order, fp32 tensor scale
using te1 = blocks::nvfp4_single;          // TE order, block scales only
using tao1 = blocks::block_format<lowp::formats::e2m1fn, lowp::formats::ue4m3, 16,
                                  blocks::nvfp4_torchao>;  // torchao single level

constexpr float k_sixth = 1.0f / 6.0f;  // TE's fp32(1/6)

// --- the oracle's per-block arithmetic, one step at a time (block_oracle.hpp nvfp4_*) ----

/// TE block scale code: e4m3 RN satfinite of fp32(amax * fp32(s_enc * fp32(1/6))).
std::uint8_t te_scale(float amax_b, float s_enc) { return bo::ue4m3(amax_b * (s_enc * k_sixth)); }

/// torchao block scale code: fp32(amax / 6), two-level fp32(. / pts), clamp [2^-6, 448], RNE.
std::uint8_t torchao_scale(float amax_b, float pts, bool two_level) {
  float bs = amax_b / 6.0f;
  if (two_level) bs = bs / pts;
  if (!std::isnan(bs)) bs = std::min(std::max(bs, 0.015625f), 448.0f);
  return bo::ue4m3(bs);
}

/// E2M1 of y: RNE (the oracle's nvfp4_elem) or stochastic with the given bits.
std::uint32_t e2m1_code(float y, bool stochastic, std::uint32_t r, unsigned count) {
  if (!stochastic) return bo::nvfp4_elem(y);
  if (std::isnan(y)) return 0x7;
  return bo::round_elem(bo::elem::e2m1, static_cast<double>(y), bo::rmode::stochastic,
                        bo::zero_sign::keep, r, count);
}

struct block_expect {
  std::uint32_t codes[16];
  float out[16];
};

/// TE elements of one block given its scale code: y = fp32(x * fminf(1 / (scale * S_dec),
/// FLT_MAX)); decode (e2m1 * scale) * S_dec.
block_expect te_elements(const float* x, std::uint8_t sc, float s_dec, bool stochastic = false,
                         std::uint64_t seed = 0, std::size_t first = 0, unsigned count = 32) {
  block_expect e{};
  const float sf = bo::ue4m3_value(sc);
  const float mult = std::fmin(1.0f / (sf * s_dec), FLT_MAX);
  for (std::size_t i = 0; i < 16; ++i) {
    const float y = x[i] * mult;
    e.codes[i] = e2m1_code(y, stochastic, lowp::counter_bits(seed, first + i), count);
    e.out[i] = (bo::e2m1_value(e.codes[i]) * sf) * s_dec;
  }
  return e;
}

/// torchao elements: total = two-level ? pts * scale : scale; y = x / total, clamped to +-6;
/// decode e2m1 * total.
block_expect torchao_elements(const float* x, std::uint8_t sc, float pts, bool two_level,
                              bool stochastic = false, std::uint64_t seed = 0,
                              std::size_t first = 0, unsigned count = 32) {
  block_expect e{};
  const float sf = bo::ue4m3_value(sc);
  const float total = two_level ? pts * sf : sf;
  for (std::size_t i = 0; i < 16; ++i) {
    float y = x[i] / total;
    if (!std::isnan(y)) y = std::min(std::max(y, -6.0f), 6.0f);
    e.codes[i] = e2m1_code(y, stochastic, lowp::counter_bits(seed, first + i), count);
    e.out[i] = bo::e2m1_value(e.codes[i]) * total;
  }
  return e;
}

/// TE tensor scale from a tensor amax: {S_enc, S_dec}.
std::pair<float, float> te_tensor(float amax_t) {
  float s_enc = std::fmin(2688.0f / amax_t, FLT_MAX);
  if (amax_t == 0.0f || s_enc == 0.0f) s_enc = 1.0f;
  return {s_enc, static_cast<float>(1.0 / static_cast<double>(s_enc))};
}

float amax_of(const float* x, std::size_t n) { return bo::amax_nan(x, n); }

// --- lowp ------------------------------------------------------------------------------------

/// lowp's single-level scale code for a block whose amax is `amax` (the rule's plan directly).
template <class Block>
std::uint32_t lowp_scale_code(float amax) {
  blocks::block_stats st;
  st.amax = amax;
  st.signed_max = amax;
  st.has_nan = std::isnan(amax);
  st.has_inf = std::isinf(amax);
  return Block::scale_rule::template plan<Block>(st, blocks::tensor_scale_state{},
                                                 blocks::rule_options{})
      .code;
}

template <class Block, lowp::rounding R = blocks::default_rounding_v<Block>>
blocks::block_tensor<Block> quant(const std::vector<float>& x,
                                  const blocks::block_options& o = {}) {
  return blocks::quantize<Block, R>(lowp::span<const float>(x), o);
}

using lowp_test::hex_floats;

/// Compares a lowp block_tensor with an oracle result, block by block.
template <class Block>
void compare(const blocks::block_tensor<Block>& q, const bo::nvfp4_result& ref,
             const std::vector<float>& x, const std::string& what) {
  const std::size_t nb = x.size() / 16;
  REQUIRE(q.blocks() == nb);
  REQUIRE(ref.scales.size() == nb);
  const std::vector<float> out = blocks::dequantize(q);
  std::size_t bad = 0;
  std::string first;
  for (std::size_t b = 0; b < nb; ++b) {
    bool ok = q.scales[b] == ref.scales[b];
    for (std::size_t i = b * 16; i < b * 16 + 16; ++i)
      ok = ok && q.code(i) == ref.codes[i] && same_float(out[i], ref.out[i]);
    if (ok) continue;
    if (bad++ == 0) {
      std::ostringstream s;
      s << "block " << b << " in " << hex_floats(x.data() + b * 16, 16) << "\n  scale lowp "
        << std::hex << static_cast<unsigned>(q.scales[b]) << " oracle "
        << static_cast<unsigned>(ref.scales[b]) << "\n  codes lowp  ";
      for (std::size_t i = b * 16; i < b * 16 + 16; ++i) s << q.code(i);
      s << "\n  codes oracle ";
      for (std::size_t i = b * 16; i < b * 16 + 16; ++i) s << ref.codes[i];
      s << "\n  out lowp   " << hex_floats(out.data() + b * 16, 16) << "\n  out oracle "
        << hex_floats(ref.out.data() + b * 16, 16);
      first = s.str();
    }
  }
  INFO(what << ": " << bad << " of " << nb << " blocks differ; first: " << first);
  CHECK(bad == 0);
  INFO(what << ": tensor scale lowp " << std::hex << lowp_test::u32(q.tensor.decode) << " oracle "
            << lowp_test::u32(ref.tensor_scale));
  CHECK(same_float(q.tensor.decode, ref.tensor_scale));
}

/// All four NVFP4 variants of a tensor (n a multiple of 16) against the oracle.
void check_all_variants(const std::vector<float>& x, const std::string& what) {
  compare(quant<te2>(x), bo::nvfp4_te(x.data(), x.size(), true), x, what + " [TE two-level]");
  compare(quant<tao2>(x), bo::nvfp4_torchao(x.data(), x.size(), true), x,
          what + " [torchao two-level]");
  compare(quant<te1>(x), bo::nvfp4_te(x.data(), x.size(), false), x, what + " [TE single]");
  compare(quant<tao1>(x), bo::nvfp4_torchao(x.data(), x.size(), false), x,
          what + " [torchao single]");
}

using rng_t = std::mt19937_64;
float gauss(rng_t& rng) { return std::normal_distribution<float>(0.0f, 1.0f)(rng); }
int uint_in(rng_t& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

void add_block(std::vector<float>& x, rng_t& rng, int k) {
  for (int i = 0; i < 16; ++i) x.push_back(std::ldexp(gauss(rng), k));
}

/// `count` small tensors (1 to 8 blocks of random magnitudes, zero blocks, zero elements,
/// sometimes a NaN or an infinity) in all four variants against the oracle.
void random_small_tensors(rng_t& rng, int count) {
  const float specials[] = {std::nanf(""), HUGE_VALF, -HUGE_VALF};
  std::vector<float> x;
  for (int t = 0; t < count; ++t) {
    x.clear();
    const int nb = uint_in(rng, 1, 8);
    for (int b = 0; b < nb; ++b) {
      const int kind = uint_in(rng, 0, 9);
      if (kind == 0) {
        x.insert(x.end(), 16, 0.0f);
      } else {
        add_block(x, rng, uint_in(rng, -30, 30));
      }
      if (kind == 1) x[x.size() - 1 - static_cast<std::size_t>(uint_in(rng, 0, 15))] = 0.0f;
    }
    if (uint_in(rng, 0, 19) == 0)
      x[static_cast<std::size_t>(uint_in(rng, 0, static_cast<int>(x.size()) - 1))] =
          specials[uint_in(rng, 0, 2)];
    check_all_variants(x, "small tensor " + std::to_string(t));
  }
}

std::vector<float> block16(float amax) {
  std::vector<float> x(16, 0.0f);
  x[3] = amax;
  x[7] = -amax / 3.0f;
  x[11] = amax / 7.0f;
  return x;
}

}  // namespace

TEST_CASE("NVFP4 D-19 amax 0x1.c7fffep+0 gives torchao 29 and TE 2A", "[block][nvfp4]") {
  const float amax = 0x1.c7fffep+0f;
  CHECK(lowp_scale_code<tao1>(amax) == 0x29);
  CHECK(lowp_scale_code<te1>(amax) == 0x2A);
  const std::vector<float> x = block16(amax);
  CHECK(quant<tao1>(x).scales[0] == 0x29);
  CHECK(quant<te1>(x).scales[0] == 0x2A);
  CHECK(bo::nvfp4_torchao(x.data(), 16, false).scales[0] == 0x29);
  CHECK(bo::nvfp4_te(x.data(), 16, false).scales[0] == 0x2A);
  compare(quant<tao1>(x), bo::nvfp4_torchao(x.data(), 16, false), x, "D-19 torchao");
  compare(quant<te1>(x), bo::nvfp4_te(x.data(), 16, false), x, "D-19 TE");
  // The two orders' float32 steps: amax / 6 lies just below the E4M3 midpoint 1.1875 * 2^-2
  // between 0x29 and 0x2A; amax * fp32(1/6) rounds onto it (a tie, to even 0x2A).
  CHECK(amax / 6.0f < 0x1.3p-2f);
  CHECK(amax * k_sixth == 0x1.3p-2f);
}

TEST_CASE("NVFP4 D-19 lowp and oracle agree around every disagreement", "[block][nvfp4]") {
  // Windows of 2^18 float32 values centred on 0x1.c7fffep+e for every binade of [2^-7, 2^12).
  // The oracle's unclamped amax / 6 and amax * fp32(1/6) disagree at exactly the 15 values
  // 0x1.c7fffep+e, e = -4..10; lowp's torchao-order and TE-order scale codes equal the
  // oracle's for every value, and differ from each other exactly there (outside torchao's
  // clamp region amax < 6 * 2^-6, where torchao gives 0x08).
  std::vector<float> oracle_raw, lowp_diff;
  std::size_t values = 0, bad_tao = 0, bad_te = 0, bad_clamp = 0;
  float first_bad = 0.0f;
  for (int e = -7; e <= 11; ++e) {
    const std::uint32_t centre = lowp_test::u32(std::ldexp(0x1.c7fffep+0f, e));
    for (std::uint32_t b = centre - (1u << 17); b < centre + (1u << 17); ++b) {
      const float a = lowp_test::f32(b);
      ++values;
      const std::uint32_t lt = lowp_scale_code<tao1>(a), le = lowp_scale_code<te1>(a);
      const std::uint8_t ot = torchao_scale(a, 1.0f, false), oe = te_scale(a, 1.0f);
      if (lt != ot) {
        if (bad_tao++ == 0) first_bad = a;
      }
      if (le != oe) {
        if (bad_te++ == 0) first_bad = a;
      }
      if (bo::ue4m3(a / 6.0f) != oe) oracle_raw.push_back(a);
      if (a >= 0.09375f) {
        if (lt != le) lowp_diff.push_back(a);
      } else if (lt != 0x08) {
        ++bad_clamp;
      }
    }
  }
  INFO(values << " values; first mismatch " << first_bad);
  CHECK(values == 19u * (1u << 18));
  CHECK(bad_tao == 0);
  CHECK(bad_te == 0);
  CHECK(bad_clamp == 0);
  std::vector<float> expect;
  for (int e = -4; e <= 10; ++e) expect.push_back(std::ldexp(0x1.c7fffep+0f, e));
  CHECK(oracle_raw == expect);
  CHECK(lowp_diff == expect);
}

TEST_CASE("NVFP4 D-19 sweep of every float32 amax from 2^-7 up to 2^12", "[block][nvfp4][slow]") {
  // 159,383,552 values: lowp's two single-level orders against the oracle's, and the claim of
  // formats-reference 5.2: exactly 15 amax values give different unclamped codes.
  std::size_t values = 0, bad = 0, raw_diff = 0, lowp_diff = 0;
  std::uint32_t first_bad = 0;
  for (std::uint32_t b = lowp_test::u32(0x1p-7f); b < lowp_test::u32(0x1p12f); ++b) {
    const float a = lowp_test::f32(b);
    ++values;
    const std::uint32_t lt = lowp_scale_code<tao1>(a), le = lowp_scale_code<te1>(a);
    const std::uint8_t ot = torchao_scale(a, 1.0f, false), oe = te_scale(a, 1.0f);
    if (lt != ot || le != oe) {
      if (bad++ == 0) first_bad = b;
    }
    if (bo::ue4m3(a / 6.0f) != oe) ++raw_diff;
    if (a >= 0.09375f && lt != le) ++lowp_diff;
  }
  INFO("first mismatch at bits " << std::hex << first_bad);
  CHECK(values == 19u * (1u << 23));
  CHECK(bad == 0);
  CHECK(raw_diff == 15);
  CHECK(lowp_diff == 15);
}

TEST_CASE("NVFP4 D-20 block scale clamps and rounding", "[block][nvfp4]") {
  // amax 0.01: torchao clamps amax / 6 to 2^-6 (0x08, the smallest normal); TE keeps the
  // subnormal 2^-9 (0x01).
  CHECK(lowp_scale_code<tao1>(0.01f) == 0x08);
  CHECK(lowp_scale_code<te1>(0.01f) == 0x01);
  // Scale 300 (amax 1800): RNE E4M3 0x79 (288) in both orders.
  CHECK(lowp_scale_code<tao1>(1800.0f) == 0x79);
  CHECK(lowp_scale_code<te1>(1800.0f) == 0x79);
  // Scale 1.0625 (amax 6.375), the midpoint of 1.0 (0x38) and 1.125 (0x39): RNE 0x38. In TE
  // 6.375 * fp32(1/6) also rounds to 1.0625 exactly.
  CHECK(6.375f / 6.0f == 1.0625f);
  CHECK(6.375f * k_sixth == 1.0625f);
  CHECK(lowp_scale_code<tao1>(6.375f) == 0x38);
  CHECK(lowp_scale_code<te1>(6.375f) == 0x38);
  // Just above the tie both round up.
  CHECK(lowp_scale_code<tao1>(std::nextafter(6.375f, 7.0f)) == 0x39);
  // Saturation: amax 2688 = 6 * 448 and beyond give 0x7E; torchao clamps, TE's cvt satfinite.
  for (float a : {2688.0f, 2700.0f, 1e6f, FLT_MAX, HUGE_VALF}) {
    INFO("amax " << a);
    CHECK(lowp_scale_code<tao1>(a) == 0x7E);
    CHECK(lowp_scale_code<te1>(a) == 0x7E);
  }
  // NaN gives the NaN code 0x7F; zero gives torchao 0x08 (clamp) and TE 0x00.
  CHECK(lowp_scale_code<tao1>(std::nanf("")) == 0x7F);
  CHECK(lowp_scale_code<te1>(std::nanf("")) == 0x7F);
  CHECK(lowp_scale_code<tao1>(0.0f) == 0x08);
  CHECK(lowp_scale_code<te1>(0.0f) == 0x00);
  // TE underflow: amax * fp32(1/6) below half of 2^-9 gives 0x00; torchao stays at 0x08.
  CHECK(lowp_scale_code<te1>(0.005f) == 0x00);
  CHECK(lowp_scale_code<tao1>(0.005f) == 0x08);
  // Each of these against the oracle, through the whole codec (elements and outputs too).
  for (float a : {0.01f, 1800.0f, 6.375f, 2688.0f, 1e6f, 0.005f, 1e-30f, 0.09375f, 448.0f}) {
    const std::vector<float> x = block16(a);
    std::ostringstream w;
    w << "amax " << a;
    compare(quant<tao1>(x), bo::nvfp4_torchao(x.data(), 16, false), x, w.str() + " torchao");
    compare(quant<te1>(x), bo::nvfp4_te(x.data(), 16, false), x, w.str() + " TE");
  }
  // The oracle's formulas agree with its block functions on these.
  for (float a : {0.01f, 1800.0f, 6.375f}) {
    const std::vector<float> x = block16(a);
    CHECK(bo::nvfp4_torchao(x.data(), 16, false).scales[0] == torchao_scale(a, 1.0f, false));
    CHECK(bo::nvfp4_te(x.data(), 16, false).scales[0] == te_scale(a, 1.0f));
  }
}

TEST_CASE("NVFP4 tensors in both orders match the oracle", "[block][nvfp4]") {
  rng_t rng(0x4F4);
  std::vector<float> x;
  for (int k : {-20, 0, 20}) {
    x.clear();
    for (int b = 0; b < 64; ++b) add_block(x, rng, k);
    check_all_variants(x, "gaussian 2^" + std::to_string(k));
  }
  // Blocks of very different magnitudes: small blocks get E4M3-subnormal or zero scales under
  // TE and the 2^-6 floor under torchao.
  for (int lo : {-40, -120}) {
    x.clear();
    for (int b = 0; b < 128; ++b) add_block(x, rng, uint_in(rng, lo, lo == -40 ? 40 : 120));
    check_all_variants(x, "magnitudes from 2^" + std::to_string(lo));
  }
  // A zero block (and a -0 one) among others.
  x.clear();
  for (int b = 0; b < 8; ++b) add_block(x, rng, uint_in(rng, -4, 4));
  std::fill(x.begin() + 32, x.begin() + 48, 0.0f);
  std::fill(x.begin() + 80, x.begin() + 96, -0.0f);
  check_all_variants(x, "zero blocks");
  // Tensor amax 0: TE uses S_enc = 1; torchao's pts = 0 makes the scales 0/0 = NaN.
  x.assign(64, 0.0f);
  x[5] = -0.0f;
  check_all_variants(x, "all-zero tensor");
  // Float32 subnormal inputs only.
  x.clear();
  for (int b = 0; b < 16; ++b) add_block(x, rng, -140);
  check_all_variants(x, "subnormal inputs");
  // The largest finite magnitudes.
  x.clear();
  for (int b = 0; b < 4; ++b) add_block(x, rng, 100);
  x[7] = FLT_MAX;
  x[20] = -FLT_MAX;
  check_all_variants(x, "FLT_MAX inside");
  // NaN, +inf and -inf inside.
  const float specials[] = {std::nanf(""), HUGE_VALF, -HUGE_VALF};
  for (float s : specials) {
    for (std::size_t at : {std::size_t{0}, std::size_t{21}, std::size_t{127}}) {
      x.clear();
      for (int b = 0; b < 8; ++b) add_block(x, rng, uint_in(rng, -6, 6));
      x[at] = s;
      std::ostringstream w;
      w << "special " << std::hex << lowp_test::u32(s) << " at " << std::dec << at;
      check_all_variants(x, w.str());
    }
  }
  x.clear();
  for (int b = 0; b < 4; ++b) add_block(x, rng, 0);
  x[3] = HUGE_VALF;
  x[40] = std::nanf("");
  check_all_variants(x, "NaN and inf");
  random_small_tensors(rng, 3000);
}

TEST_CASE("NVFP4 many random tensors match the oracle", "[block][nvfp4][slow]") {
  rng_t rng(0x510F4);
  random_small_tensors(rng, 200000);
}

TEST_CASE("NVFP4 calibrated tensor_amax sets the tensor scale", "[block][nvfp4]") {
  rng_t rng(0xCA1);
  std::vector<float> x;
  for (int b = 0; b < 16; ++b) add_block(x, rng, uint_in(rng, -3, 3));
  const float a = amax_of(x.data(), x.size());
  for (float c : {a, 4.0f * a, 1000.0f * a, std::ldexp(a, 100), a / 16.0f, a / 4096.0f, 0.0f}) {
    INFO("data amax " << a << " calibrated amax " << c);
    blocks::block_options o;
    o.tensor_amax = c;
    const auto qt = quant<te2>(x, o);
    const auto qa = quant<tao2>(x, o);
    // TE: S_enc = fminf(fp32(2688 / c), FLT_MAX), 1 for c = 0; S_dec = float(1 / double(S_enc)).
    const auto [s_enc, s_dec] = te_tensor(c);
    CHECK(lowp_test::u32(qt.tensor.encode) == lowp_test::u32(s_enc));
    CHECK(lowp_test::u32(qt.tensor.decode) == lowp_test::u32(s_dec));
    // torchao: pts = fp32(c / 2688) for both factors.
    const float pts = c / 2688.0f;
    CHECK(lowp_test::u32(qa.tensor.encode) == lowp_test::u32(pts));
    CHECK(lowp_test::u32(qa.tensor.decode) == lowp_test::u32(pts));
    // Every block from the oracle's per-block steps with that tensor scale.
    std::size_t bad = 0, saturated = 0;
    const std::vector<float> ot = blocks::dequantize(qt), oa = blocks::dequantize(qa);
    for (std::size_t b = 0; b < 16; ++b) {
      const float ab = amax_of(x.data() + 16 * b, 16);
      const std::uint8_t st = te_scale(ab, s_enc), sa = torchao_scale(ab, pts, true);
      saturated += st == 0x7E;
      const block_expect et = te_elements(x.data() + 16 * b, st, s_dec);
      const block_expect ea = torchao_elements(x.data() + 16 * b, sa, pts, true);
      bool ok = qt.scales[b] == st && qa.scales[b] == sa;
      for (std::size_t i = 0; i < 16; ++i) {
        ok = ok && qt.code(16 * b + i) == et.codes[i] && same_float(ot[16 * b + i], et.out[i]);
        ok = ok && qa.code(16 * b + i) == ea.codes[i] && same_float(oa[16 * b + i], ea.out[i]);
      }
      bad += !ok;
    }
    CHECK(bad == 0);
    if (c < a / 8.0f && c > 0.0f) CHECK(saturated > 0);  // block scales clamp at 448
    if (c >= a) {
      // The same as the oracle on the tensor extended by a block holding c: its tensor amax
      // is then c, and the first 16 blocks are ours.
      std::vector<float> xe = x;
      xe.insert(xe.end(), 16, 0.0f);
      xe[xe.size() - 5] = -c;
      bo::nvfp4_result rt = bo::nvfp4_te(xe.data(), xe.size(), true);
      bo::nvfp4_result ra = bo::nvfp4_torchao(xe.data(), xe.size(), true);
      for (bo::nvfp4_result* r : {&rt, &ra}) {
        r->scales.resize(16);
        r->codes.resize(256);
        r->out.resize(256);
      }
      compare(qt, rt, x, "calibrated TE");
      compare(qa, ra, x, "calibrated torchao");
    }
  }
  // Single-level formats ignore it.
  blocks::block_options o;
  o.tensor_amax = 5.0f;
  CHECK(quant<te1>(x, o).tensor.decode == 1.0f);
  CHECK(quant<te1>(x, o).scales == quant<te1>(x).scales);
  CHECK(quant<tao1>(x, o).scales == quant<tao1>(x).scales);
}

TEST_CASE("NVFP4 stochastic rounding is reproducible from seed and index", "[block][nvfp4]") {
  rng_t rng(0x5EED);
  std::vector<float> x;
  for (int b = 0; b < 32; ++b) add_block(x, rng, uint_in(rng, -8, 8));
  constexpr lowp::rounding sr = lowp::rounding::stochastic;
  for (unsigned count : {32u, 8u}) {
    blocks::block_options o;
    o.seed = 0x0123456789ABCDEFull;
    o.random_count = count;
    INFO("random_count " << count);
    const auto q1 = quant<te2, sr>(x, o);
    const auto q2 = quant<te2, sr>(x, o);
    CHECK(q1.elements == q2.elements);
    CHECK(q1.scales == q2.scales);
    // The block scales do not depend on the element rounding.
    CHECK(q1.scales == quant<te2>(x).scales);
    blocks::block_options o2 = o;
    o2.seed = o.seed + 1;
    const auto q3 = quant<te2, sr>(x, o2);
    CHECK(q3.elements != q1.elements);
    CHECK(q3.scales == q1.scales);
    // Element i rounds with counter_bits(seed, i): the oracle's stochastic E2M1 rounding with
    // those bits gives the same codes and outputs, in both orders.
    const auto qa = quant<tao2, sr>(x, o);
    const auto [s_enc, s_dec] = te_tensor(amax_of(x.data(), x.size()));
    const float pts = amax_of(x.data(), x.size()) / 2688.0f;
    const std::vector<float> o1 = blocks::dequantize(q1), oa = blocks::dequantize(qa);
    std::size_t bad = 0, differs_from_rne = 0;
    const auto rne = quant<te2>(x);
    for (std::size_t b = 0; b < 32; ++b) {
      const float ab = amax_of(x.data() + 16 * b, 16);
      const std::uint8_t st = te_scale(ab, s_enc), sa = torchao_scale(ab, pts, true);
      const block_expect et =
          te_elements(x.data() + 16 * b, st, s_dec, true, o.seed, 16 * b, count);
      const block_expect ea =
          torchao_elements(x.data() + 16 * b, sa, pts, true, true, o.seed, 16 * b, count);
      bool ok = q1.scales[b] == st && qa.scales[b] == sa;
      for (std::size_t i = 0; i < 16; ++i) {
        const std::size_t g = 16 * b + i;
        ok = ok && q1.code(g) == et.codes[i] && same_float(o1[g], et.out[i]);
        ok = ok && qa.code(g) == ea.codes[i] && same_float(oa[g], ea.out[i]);
        differs_from_rne += q1.code(g) != rne.code(g);
      }
      bad += !ok;
    }
    CHECK(bad == 0);
    CHECK(differs_from_rne > 0);
    // A prefix quantized alone (same tensor amax, same indices) gives the same blocks.
    blocks::block_options op = o;
    op.tensor_amax = amax_of(x.data(), x.size());
    const std::vector<float> prefix(x.begin(), x.begin() + 8 * 16);
    const auto qp = quant<te2, sr>(prefix, op);
    CHECK(std::equal(qp.elements.begin(), qp.elements.end(), q1.elements.begin()));
    CHECK(std::equal(qp.scales.begin(), qp.scales.end(), q1.scales.begin()));
    const auto qs1 = quant<te1, sr>(x, o);
    const auto qsp = quant<te1, sr>(prefix, o);
    CHECK(std::equal(qsp.elements.begin(), qsp.elements.end(), qs1.elements.begin()));
  }
}

namespace {

/// quantize_tiles with 16-row tiles on a rows x 48 matrix: every 1 x 16 block of a tile holds
/// the tile's scale, which is the 1D scale of a block whose amax is the tile's; elements
/// follow the oracle's per-block steps with that scale.
template <class Block>
void check_tiles(const std::vector<float>& x, std::size_t rows, std::size_t cols,
                 std::size_t tile_rows, const std::string& what) {
  constexpr bool te = std::is_same_v<typename Block::scale_rule, blocks::nvfp4_te>;
  const auto q = blocks::quantize_tiles<Block>(lowp::span<const float>(x), rows, cols, tile_rows);
  REQUIRE(q.blocks() == rows * cols / 16);
  const std::vector<float> out = blocks::dequantize(q);
  const float a = amax_of(x.data(), x.size());
  // The tensor scale is that of the whole matrix.
  CHECK(lowp_test::u32(q.tensor.decode) == lowp_test::u32(quant<Block>(x).tensor.decode));
  const auto [s_enc, s_dec] = te_tensor(a);
  const float pts = a / 2688.0f;
  blocks::block_options o1;
  o1.tensor_amax = a;
  const std::size_t cb_count = cols / 16;
  std::size_t bad_scale = 0, bad_1d = 0, bad_elem = 0, tiles = 0;
  for (std::size_t r0 = 0; r0 < rows; r0 += tile_rows) {
    const std::size_t r1 = std::min(rows, r0 + tile_rows);
    for (std::size_t cb = 0; cb < cb_count; ++cb) {
      ++tiles;
      float tile_amax = 0.0f;
      for (std::size_t r = r0; r < r1; ++r)
        tile_amax = std::max(tile_amax, amax_of(x.data() + r * cols + cb * 16, 16));
      const std::uint8_t sc = te ? te_scale(tile_amax, Block::two_level ? s_enc : 1.0f)
                                 : torchao_scale(tile_amax, pts, Block::two_level);
      // 1D lowp quantization of a block holding the tile amax, same tensor scale.
      std::vector<float> one(16, 0.0f);
      one[9] = tile_amax;
      bad_1d += quant<Block>(one, o1).scales[0] != sc;
      for (std::size_t r = r0; r < r1; ++r) {
        const std::size_t b = r * cb_count + cb;
        bad_scale += q.scales[b] != sc;
        const float* xb = x.data() + b * 16;
        const block_expect e = te ? te_elements(xb, sc, Block::two_level ? s_dec : 1.0f)
                                  : torchao_elements(xb, sc, pts, Block::two_level);
        for (std::size_t i = 0; i < 16; ++i)
          bad_elem += q.code(b * 16 + i) != e.codes[i] || !same_float(out[b * 16 + i], e.out[i]);
      }
    }
  }
  INFO(what << ": " << tiles << " tiles");
  CHECK(tiles == (rows + tile_rows - 1) / tile_rows * cb_count);
  CHECK(bad_scale == 0);
  CHECK(bad_1d == 0);
  CHECK(bad_elem == 0);
}

}  // namespace

TEST_CASE("NVFP4 16x16 tile scaling with quantize_tiles", "[block][nvfp4]") {
  rng_t rng(0x7115);
  constexpr std::size_t rows = 40, cols = 48;
  std::vector<float> x(rows * cols);
  std::vector<int> row_k(rows), col_k(cols / 16);
  for (int& k : row_k) k = uint_in(rng, -6, 6);
  for (int& k : col_k) k = uint_in(rng, -10, 10);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c)
      x[r * cols + c] = std::ldexp(gauss(rng), row_k[r] + col_k[c / 16]);
  // One all-zero tile (rows 16..31, columns 16..31).
  for (std::size_t r = 16; r < 32; ++r)
    for (std::size_t c = 16; c < 32; ++c) x[r * cols + c] = 0.0f;
  check_tiles<te2>(x, rows, cols, 16, "TE two-level");
  check_tiles<tao2>(x, rows, cols, 16, "torchao two-level");
  check_tiles<te1>(x, rows, cols, 16, "TE single");
  check_tiles<tao1>(x, rows, cols, 16, "torchao single");
  check_tiles<te2>(x, rows, cols, 5, "TE two-level, 5-row tiles");
  // One-row tiles are the 1D quantization.
  const auto q1 = blocks::quantize_tiles<te2>(lowp::span<const float>(x), rows, cols, 1);
  const auto q0 = quant<te2>(x);
  CHECK(q1.elements == q0.elements);
  CHECK(q1.scales == q0.scales);
  // A NaN makes its whole tile's scale NaN (0x7F).
  std::vector<float> y = x;
  y[20 * cols + 40] = std::nanf("");
  const auto qn = blocks::quantize_tiles<te1>(lowp::span<const float>(y), rows, cols, 16);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t cb = 0; cb < 3; ++cb) {
      const bool in_tile = r >= 16 && r < 32 && cb == 2;
      CHECK((qn.scales[r * 3 + cb] == 0x7F) == in_tile);
    }
  // Shapes it cannot tile.
  const lowp::span<const float> s(x);
  CHECK_THROWS_AS(blocks::quantize_tiles<te2>(s, 48, 40, 16), std::invalid_argument);
  CHECK_THROWS_AS(blocks::quantize_tiles<te2>(s, 39, 48, 16), std::invalid_argument);
  CHECK_THROWS_AS(blocks::quantize_tiles<te2>(s, rows, cols, 0), std::invalid_argument);
}
