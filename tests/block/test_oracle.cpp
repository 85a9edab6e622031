// Acceptance 2 of the block formats: the independent block oracle (tests/support/block_oracle.hpp,
// exact arithmetic written from the OCP MX text, never calling lowp) agrees with lowp's block
// codec bit for bit -- every scale code, every element code and every dequantized float32 bit
// pattern (NaN outputs included: both sides write 0x7FC00000) -- on random, outlier, tie,
// element-subnormal, float32-subnormal, near-power-of-two, zero, inf and NaN blocks:
//   - every named MX block (MXFP8 E4M3/E5M2, MXFP6 E2M3/E3M2, MXFP4, MXINT8 symmetric and
//     full range) x every power-of-two scale rule (FLOOR, CEIL, EVEN, RCEIL) x every rounding
//     mode (stochastic with 32 and with 3 random bits) x zero_sign keep/positive x
//     nonfinite nan_scale/saturate_inf;
//   - block floating point (MSFP12, MSFP16, bfp<1, 8>, bfp<5, 32>) x every rounding mode x
//     zero_sign keep/positive;
//   - arrays of several blocks with a partial last block (padded with +0);
//   - fake_quantize == dequantize(quantize()).
// Stochastic rounding: element i of an array uses lowp::counter_bits(seed, i); the oracle is
// given the same bits (the generator is not what is tested here).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>
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
using lowp::rounding;

// ---------------------------------------------------------------------------------------------
// Small helpers

std::string hex(std::uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

/// A double as float32, saturating at +-FLT_MAX (the generators never want inf by accident;
/// an out-of-range double -> float conversion is undefined behaviour).
float fl(double v) {
  const double m = static_cast<double>(std::numeric_limits<float>::max());
  if (v > m) return std::numeric_limits<float>::max();
  if (v < -m) return -std::numeric_limits<float>::max();
  return static_cast<float>(v);
}

const char* mode_name(bo::rmode m) {
  switch (m) {
    case bo::rmode::nearest_even:
      return "nearest_even";
    case bo::rmode::nearest_away:
      return "nearest_away";
    case bo::rmode::nearest_zero:
      return "nearest_zero";
    case bo::rmode::toward_zero:
      return "toward_zero";
    case bo::rmode::toward_positive:
      return "toward_positive";
    case bo::rmode::toward_negative:
      return "toward_negative";
    case bo::rmode::to_odd:
      return "to_odd";
    case bo::rmode::stochastic:
      return "stochastic";
  }
  return "?";
}

const char* rule_name(bo::scale_rule r) {
  switch (r) {
    case bo::scale_rule::floor:
      return "floor";
    case bo::scale_rule::ceil:
      return "ceil";
    case bo::scale_rule::even:
      return "even";
    case bo::scale_rule::rceil:
      return "rceil";
  }
  return "?";
}

/// The oracle's name of a lowp rounding mode.
constexpr bo::rmode to_oracle(rounding r) {
  switch (r) {
    case rounding::nearest_even:
      return bo::rmode::nearest_even;
    case rounding::nearest_away:
      return bo::rmode::nearest_away;
    case rounding::nearest_zero:
      return bo::rmode::nearest_zero;
    case rounding::toward_zero:
      return bo::rmode::toward_zero;
    case rounding::toward_positive:
      return bo::rmode::toward_positive;
    case rounding::toward_negative:
      return bo::rmode::toward_negative;
    case rounding::to_odd:
      return bo::rmode::to_odd;
    case rounding::stochastic:
      return bo::rmode::stochastic;
  }
  return bo::rmode::nearest_even;
}

template <rounding R>
using mode_c = std::integral_constant<rounding, R>;

/// Calls f(mode_c<R>{}) for every rounding mode.
template <class F>
void for_each_mode(F&& f) {
  f(mode_c<rounding::nearest_even>{});
  f(mode_c<rounding::nearest_away>{});
  f(mode_c<rounding::nearest_zero>{});
  f(mode_c<rounding::toward_zero>{});
  f(mode_c<rounding::toward_positive>{});
  f(mode_c<rounding::toward_negative>{});
  f(mode_c<rounding::to_odd>{});
  f(mode_c<rounding::stochastic>{});
}

template <class T>
struct type_c {
  using type = T;
};

/// Calls f(type_c<Rule>{}, oracle rule) for every power-of-two scale rule.
template <class F>
void for_each_rule(F&& f) {
  f(type_c<blocks::scale_floor>{}, bo::scale_rule::floor);
  f(type_c<blocks::scale_ceil>{}, bo::scale_rule::ceil);
  f(type_c<blocks::scale_even>{}, bo::scale_rule::even);
  f(type_c<blocks::scale_rceil>{}, bo::scale_rule::rceil);
}

/// Random-bit counts tried for stochastic rounding.
constexpr unsigned stochastic_counts[] = {32u, 3u};

// ---------------------------------------------------------------------------------------------
// Block generators

/// A block of test inputs with the name of its kind.
struct test_block {
  std::string kind;
  std::vector<float> x;
};

/// The element grid a generator aims at: non-negative finite element values at scale 2^0.
struct grid_info {
  std::vector<double> g;  ///< increasing, g[0] = 0
  int emax = 0;           ///< 2^emax: the largest power of two in g
  int mbits = 0;          ///< bits below the leading bit (the EVEN rule's precision)
};

grid_info mx_grid(bo::elem e) { return {bo::elem_grid(e), bo::emax_elem(e), bo::mbits(e)}; }

/// BFP with m magnitude bits: q * 2^(1 - m), q = 0 .. 2^m - 1 (emax 0).
grid_info bfp_grid(int m) {
  grid_info gi;
  for (std::uint32_t q = 0; q < (1u << m); ++q)
    gi.g.push_back(std::ldexp(static_cast<double>(q), 1 - m));
  gi.emax = 0;
  gi.mbits = m - 1;
  return gi;
}

/// The block kinds, k elements each, for one element grid. Deterministic (fixed seed).
std::vector<test_block> make_blocks(const grid_info& gi, std::size_t k, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> gauss(0.0, 1.0);
  std::uniform_real_distribution<double> unif(-1.0, 1.0);
  auto uint_in = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto pos = [&rng, k] { return std::uniform_int_distribution<std::size_t>(0, k - 1)(rng); };
  auto sign = [&rng] { return (rng() & 1u) != 0u ? -1.0 : 1.0; };
  const std::vector<double>& g = gi.g;
  const double gmax = g.back();
  const double top = std::ldexp(1.0, gi.emax);
  const std::size_t n_grid = g.size();
  // Index of the largest grid value below 2^emax.
  std::size_t below_top = 0;
  while (below_top + 1 < n_grid && g[below_top + 1] < top) ++below_top;

  std::vector<test_block> out;
  auto add = [&out](const char* kind, std::vector<float> x) {
    out.push_back(test_block{kind, std::move(x)});
  };
  auto gauss_block = [&](int e) {
    std::vector<float> x(k);
    for (float& v : x) v = fl(std::ldexp(gauss(rng), e));
    return x;
  };

  // Seeded Gaussian blocks at 2^e for every e in [-140, 127], two each.
  for (int e = -140; e <= 127; ++e) {
    add("gauss", gauss_block(e));
    add("gauss", gauss_block(e));
  }
  // Wide dynamic range inside a block.
  for (int b = 0; b < 24; ++b) {
    const int e = uint_in(-130, 127);
    std::vector<float> x(k);
    for (float& v : x) v = fl(std::ldexp(gauss(rng), e - uint_in(0, 40)));
    add("gauss_wide", x);
  }
  // Uniform.
  for (int b = 0; b < 16; ++b) {
    const int e = uint_in(-135, 127);
    std::vector<float> x(k);
    for (float& v : x) v = fl(std::ldexp(unif(rng), e));
    add("uniform", x);
  }
  // Random finite bit patterns: exponent fields in a window, and anywhere.
  for (int b = 0; b < 64; ++b) {
    const int centre = uint_in(0, 254);
    const int width = b < 48 ? 12 : 254;
    std::vector<float> x(k);
    for (float& v : x) {
      const int f = std::min(std::max(centre + uint_in(-width, width), 0), 254);
      const auto mant = static_cast<std::uint32_t>(rng() & 0x7FFFFFu);
      const std::uint32_t s = (rng() & 1u) != 0u ? 0x80000000u : 0u;
      v = lowp_test::f32(s | (static_cast<std::uint32_t>(f) << 23) | mant);
    }
    add("random_bits", x);
  }
  // One large outlier.
  for (int b = 0; b < 24; ++b) {
    const int e = uint_in(-140, 100);
    std::vector<float> x = gauss_block(e);
    constexpr int jumps[] = {4, 8, 16, 24, 40};
    x[pos()] = fl(sign() * std::ldexp(1.0 + std::fabs(gauss(rng)), e + jumps[b % 5]));
    add("outlier", x);
  }
  // Exact ties: midpoints of the element grid times 2^s, with an anchor fixing the scale.
  //  tie_max: anchor +-max * 2^s (FLOOR, EVEN and RCEIL choose s), midpoints anywhere;
  //  tie_pow2: anchor +-2^emax * 2^s (every rule chooses s), midpoints below 2^emax;
  //  tie_over: anchor max, elements at and beyond the overflow midpoint (saturation ties).
  auto mid = [&g](std::size_t i) { return (g[i] + g[i + 1]) / 2.0; };
  for (int b = 0; b < 96; ++b) {
    const int s = uint_in(-120, 120 - gi.emax);
    const int variant = b % 3;
    std::vector<float> x(k);
    for (float& v : x) {
      double m = 0;
      if (variant == 1) {
        m = mid(static_cast<std::size_t>(uint_in(0, static_cast<int>(below_top))));
      } else if (variant == 0 || (rng() & 1u) != 0u) {
        m = mid(static_cast<std::size_t>(uint_in(0, static_cast<int>(n_grid) - 2)));
      } else {
        // the overflow midpoint and its neighbours above max
        const double step = gmax - g[n_grid - 2];
        m = gmax + step * static_cast<double>(uint_in(1, 3)) / 2.0;
      }
      if ((rng() & 7u) == 0u)
        m = g[static_cast<std::size_t>(uint_in(0, static_cast<int>(n_grid) - 1))];
      v = fl(sign() * std::ldexp(m, s));
    }
    const double anchor = variant == 1 ? top : gmax;
    x[pos()] = fl(sign() * std::ldexp(anchor, s));
    add(variant == 0 ? "tie_max" : variant == 1 ? "tie_pow2" : "tie_over", x);
  }
  // Element-subnormal ladder: multiples of a quarter of the smallest non-zero element value.
  for (int b = 0; b < 12; ++b) {
    const int s = uint_in(-110, 120 - gi.emax);
    const double q = g[1] / 4.0;
    std::vector<float> x(k);
    for (std::size_t i = 0; i < k; ++i)
      x[i] = fl((i % 2 == 0 ? 1.0 : -1.0) *
                std::ldexp(q * static_cast<double>(i + 1 + 2 * static_cast<std::size_t>(b)), s));
    x[pos()] = fl(sign() * std::ldexp(b % 2 == 0 ? gmax : top, s));
    add("elem_subnormal", x);
  }
  // float32 subnormal inputs.
  for (int b = 0; b < 12; ++b) {
    std::vector<float> x(k);
    for (float& v : x) {
      std::uint32_t m = static_cast<std::uint32_t>(rng() & 0x7FFFFFu);
      if (b % 4 == 1) m &= 0xFFu;         // tiny subnormals
      if (b % 4 == 2) m = 1u + (m & 1u);  // 2^-149 and 2^-148
      if (b % 4 == 3) m |= 0x700000u;     // the top of the subnormal range
      if (m == 0u) m = 1u;
      v = lowp_test::f32(((rng() & 1u) != 0u ? 0x80000000u : 0u) | m);
    }
    if (b == 0) x[pos()] = std::numeric_limits<float>::min();  // with the smallest normal
    add("f32_subnormal", x);
  }
  // Values just below powers of two (0x1.fffffep+e) and FLT_MAX.
  {
    const int exps[] = {-127, -126, -125, -100, -20, -2, -1,  0,   1,   2,
                        3,    4,    7,    8,    15,  16, 100, 125, 126, 127};
    for (int e : exps) {
      std::vector<float> x = gauss_block(e - 3);
      const std::uint32_t b =
          e == -127 ? 0x007FFFFFu : (static_cast<std::uint32_t>(e + 127) << 23) | 0x7FFFFFu;
      x[pos()] = lowp_test::f32(b | ((rng() & 1u) != 0u ? 0x80000000u : 0u));
      add("below_pow2", x);
    }
    std::vector<float> x(k);
    for (float& v : x) {
      const std::uint32_t e = static_cast<std::uint32_t>(uint_in(1, 254));
      v = lowp_test::f32((e << 23) | 0x7FFFFFu | ((rng() & 1u) != 0u ? 0x80000000u : 0u));
    }
    add("below_pow2_all", x);
    const float fmax = std::numeric_limits<float>::max();
    add("flt_max", std::vector<float>(k, fmax));
    std::vector<float> y = gauss_block(100);
    y[pos()] = -fmax;
    add("flt_max_mixed", y);
    std::vector<float> z(k);
    for (std::size_t i = 0; i < k; ++i) z[i] = i % 2 == 0 ? fmax : -fmax;
    add("flt_max_signs", z);
  }
  // The EVEN rule's carry threshold: amax mantissa all ones in its top mbits + 1 bits (adding
  // half an element ulp carries into the exponent), and one float ulp below it.
  for (int b = 0; b < 16; ++b) {
    const int e = uint_in(-126, 127);
    std::vector<float> x = gauss_block(e - 2);
    const int keep = gi.mbits + 1 > 23 ? 23 : gi.mbits + 1;
    const std::uint32_t ones = ((1u << keep) - 1u) << (23 - keep);
    const std::uint32_t mant = b % 2 == 0 ? ones : ones - 1u;
    x[pos()] = lowp_test::f32((static_cast<std::uint32_t>(e + 127) << 23) | mant |
                              ((rng() & 1u) != 0u ? 0x80000000u : 0u));
    add("even_threshold", x);
  }
  // The RCEIL rule's boundaries: amax within a few float ulps of max * 2^e, so that
  // fp32(amax * fp32(1 / max)) lands on or next to a power of two (e = -127: the float32
  // subnormal 2^-127, the rule's special case).
  {
    const int exps[] = {-131, -129, -128, -127, -126, -125, -20, -1, 0, 1, 126};
    for (int e : exps) {
      for (int j = -3; j <= 3; ++j) {
        std::vector<float> x = gauss_block(e - 2);
        const float a = fl(std::ldexp(gmax, e));
        const std::uint32_t ab = lowp_test::u32(a);
        const std::uint32_t b =
            j < 0 ? ab - static_cast<std::uint32_t>(-j) : ab + static_cast<std::uint32_t>(j);
        x[pos()] = lowp_test::f32(b | ((rng() & 1u) != 0u ? 0x80000000u : 0u));
        add("rceil_boundary", x);
      }
    }
  }
  // Zeros.
  add("zeros_pos", std::vector<float>(k, 0.0f));
  add("zeros_neg", std::vector<float>(k, -0.0f));
  {
    std::vector<float> x(k);
    for (std::size_t i = 0; i < k; ++i) x[i] = i % 3 == 0 ? -0.0f : 0.0f;
    add("zeros_mixed", x);
    const float smalls[] = {-lowp_test::f32(1u),
                            -lowp_test::f32(0x00400000u),
                            -std::numeric_limits<float>::min(),
                            -1e-3f,
                            -1.0f,
                            -3.5f};
    for (float s : smalls) {
      std::vector<float> y = x;
      y[pos()] = s;
      add("zeros_one_negative", y);
    }
    std::vector<float> y = x;
    y[pos()] = 1.0f;
    y[pos()] = -lowp_test::f32(1u);
    add("zeros_one_positive", y);
  }
  // Infinities and NaNs.
  {
    const float inf = std::numeric_limits<float>::infinity();
    const float nans[] = {lowp_test::f32(0x7FC00000u), lowp_test::f32(0xFFC00000u),
                          lowp_test::f32(0x7F800001u), lowp_test::f32(0x7FA5A5A5u),
                          lowp_test::f32(0xFFFFFFFFu)};
    const char* nan_kinds[] = {"nan", "nan_negative", "nan_signaling", "nan_payload",
                               "nan_negative_payload"};
    for (int b = 0; b < 6; ++b) {
      const int e = b < 3 ? uint_in(-20, 20) : uint_in(-140, 127);
      std::vector<float> x = gauss_block(e);
      x[pos()] = inf;
      add("inf_pos", x);
      x = gauss_block(e);
      x[pos()] = -inf;
      add("inf_neg", x);
      x = gauss_block(e);
      x[pos()] = inf;
      x[pos()] = -inf;
      add("inf_both", x);
      x = gauss_block(e);
      x[pos()] = nans[b % 5];
      add(nan_kinds[b % 5], x);
      x = gauss_block(e);
      const std::size_t p = pos();
      x[p] = nans[(b + 1) % 5];
      x[(p + 1) % k] = b % 2 == 0 ? inf : -inf;
      add("inf_and_nan", x);
    }
    add("inf_all", std::vector<float>(k, inf));
    add("nan_all", std::vector<float>(k, nans[0]));
    std::vector<float> x(k, 0.0f);
    x[pos()] = -inf;
    add("inf_zeros", x);
    x = std::vector<float>(k, std::numeric_limits<float>::max());
    x[pos()] = inf;
    add("inf_flt_max", x);
    x = gauss_block(0);
    x[pos()] = lowp_test::f32(1u);
    x[pos()] = inf;
    add("inf_subnormal", x);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Comparison

/// Mismatch log of one test case: counts blocks and mismatches, keeps the first few.
struct checker {
  std::size_t blocks = 0;
  std::size_t mismatches = 0;
  std::vector<std::string> first;
  void add(const std::string& s) {
    if (++mismatches <= 12) first.push_back(s);
  }
  void report() {
    for (const std::string& s : first) UNSCOPED_INFO(s);
    CHECK(mismatches == 0);
  }
};

/// lowp's result for one block of an array.
struct lowp_block {
  std::uint32_t scale = 0;
  std::vector<std::uint32_t> codes;  ///< every slot of the block, padding included
  std::vector<std::uint32_t> out;    ///< the real elements' dequantized bits
  std::vector<std::uint32_t> fake;   ///< fake_quantize bits of the real elements
};

/// Compares one block; `count` real elements (the oracle result covers the whole block).
void compare(checker& c, const std::string& config, std::size_t b, const std::string& kind,
             const lowp_block& got, const bo::block_result& want, std::size_t count) {
  ++c.blocks;
  const std::string where = config + " block " + std::to_string(b) + " (" + kind + ")";
  if (got.scale != want.scale)
    c.add(where + " scale: lowp " + hex(got.scale) + " oracle " + hex(want.scale));
  for (std::size_t i = 0; i < got.codes.size(); ++i)
    if (got.codes[i] != want.codes[i])
      c.add(where + " element " + std::to_string(i) + " code: lowp " + hex(got.codes[i]) +
            " oracle " + hex(want.codes[i]));
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint32_t w = lowp_test::u32(want.out[i]);
    if (got.out[i] != w)
      c.add(where + " element " + std::to_string(i) + " output: lowp " + hex(got.out[i]) +
            " oracle " + hex(w));
    if (got.fake[i] != got.out[i])
      c.add(where + " element " + std::to_string(i) + " fake_quantize " + hex(got.fake[i]) +
            " != dequantize(quantize) " + hex(got.out[i]));
  }
}

/// Quantizes `x` (any length) with lowp, dequantizes it and fake-quantizes it; one
/// lowp_block per block.
template <class Block, rounding R>
std::vector<lowp_block> run_lowp(const std::vector<float>& x, const blocks::block_options& o) {
  constexpr std::size_t k = Block::block_size;
  const lowp::span<const float> in(x.data(), x.size());
  const blocks::block_tensor<Block> q = blocks::quantize<Block, R>(in, o);
  const std::vector<float> out = blocks::dequantize(q);
  std::vector<float> fake(x.size());
  blocks::fake_quantize<Block, R>(in, lowp::span<float>(fake.data(), fake.size()), o);
  std::vector<lowp_block> res(q.blocks());
  for (std::size_t b = 0; b < q.blocks(); ++b) {
    res[b].scale = q.scales[b];
    for (std::size_t i = 0; i < k; ++i) {
      const std::size_t g = b * k + i;
      res[b].codes.push_back(q.code(g));
      if (g < x.size()) {
        res[b].out.push_back(lowp_test::u32(out[g]));
        res[b].fake.push_back(lowp_test::u32(fake[g]));
      }
    }
  }
  return res;
}

/// What the oracle is asked for one block.
struct oracle_call {
  bool bfp = false;
  bo::elem e = bo::elem::e4m3;
  bool int8_full = false;
  int m_bits = 0;  // BFP magnitude bits
  bo::scale_rule rule = bo::scale_rule::floor;
  bo::rmode mode = bo::rmode::nearest_even;
  unsigned rcount = 32;
  bo::zero_sign zs = bo::zero_sign::keep;
  bo::nonfinite nf = bo::nonfinite::nan_scale;

  bo::block_result operator()(const float* x, std::size_t k, const std::uint32_t* rbits) const {
    if (bfp) return bo::bfp_quantize(m_bits, mode, x, k, zs, rbits, rcount);
    return bo::mx_quantize(e, rule, mode, zs, x, k, rbits, rcount, nf, int8_full);
  }
};

constexpr std::uint64_t stochastic_seed = 0x5EED0B10C0DEull;

/// One array through lowp and, block by block (the last padded with +0), through the oracle.
/// kinds[b] names block b.
template <class Block, rounding R>
void check_array(checker& c, const std::string& config, const oracle_call& oc,
                 const std::vector<float>& x, const std::vector<std::string>& kinds) {
  constexpr std::size_t k = Block::block_size;
  blocks::block_options o;
  o.seed = stochastic_seed;
  o.random_count = oc.rcount;
  o.zeros = oc.zs == bo::zero_sign::keep ? blocks::zero_sign::keep : blocks::zero_sign::positive;
  o.specials = oc.nf == bo::nonfinite::nan_scale ? blocks::nonfinite::nan_scale
                                                 : blocks::nonfinite::saturate_inf;
  const std::vector<lowp_block> got = run_lowp<Block, R>(x, o);
  REQUIRE(got.size() == (x.size() + k - 1) / k);
  std::vector<float> blk(k);
  std::vector<std::uint32_t> rbits(k);
  for (std::size_t b = 0; b < got.size(); ++b) {
    const std::size_t first = b * k;
    const std::size_t count = x.size() - first < k ? x.size() - first : k;
    for (std::size_t i = 0; i < k; ++i) {
      blk[i] = i < count ? x[first + i] : 0.0f;
      rbits[i] = lowp::counter_bits(stochastic_seed, first + i);
    }
    const bo::block_result want = oc(blk.data(), k, rbits.data());
    compare(c, config, b, b < kinds.size() ? kinds[b] : std::string("?"), got[b], want, count);
  }
}

/// Every block of `set` as one array.
template <class Block, rounding R>
void check_set(checker& c, const std::string& config, const oracle_call& oc,
               const std::vector<test_block>& set) {
  std::vector<float> x;
  std::vector<std::string> kinds;
  for (const test_block& t : set) {
    x.insert(x.end(), t.x.begin(), t.x.end());
    kinds.push_back(t.kind);
  }
  check_array<Block, R>(c, config, oc, x, kinds);
}

/// Arrays of 1..5 blocks drawn from `set`, the last one cut short (1..k-1 real elements) or,
/// once in a while, whole.
template <class Block, rounding R>
void check_tails(checker& c, const std::string& config, const oracle_call& oc,
                 const std::vector<test_block>& set, std::uint64_t seed) {
  constexpr std::size_t k = Block::block_size;
  std::mt19937_64 rng(seed);
  for (int a = 0; a < 24; ++a) {
    const std::size_t nb = 1 + static_cast<std::size_t>(rng() % 5);
    std::vector<float> x;
    std::vector<std::string> kinds;
    for (std::size_t b = 0; b < nb; ++b) {
      const test_block& t = set[static_cast<std::size_t>(rng() % set.size())];
      x.insert(x.end(), t.x.begin(), t.x.end());
      kinds.push_back(t.kind);
    }
    if (a % 6 != 5) x.resize(x.size() - 1 - static_cast<std::size_t>(rng() % (k - 1)));
    kinds.back() += " tail " + std::to_string(x.size() % k);
    check_array<Block, R>(
        c, config + " array " + std::to_string(a) + " n=" + std::to_string(x.size()), oc, x, kinds);
  }
}

std::string config_name(const char* block, const oracle_call& oc) {
  std::ostringstream s;
  s << block;
  if (!oc.bfp) s << " rule=" << rule_name(oc.rule);
  s << " mode=" << mode_name(oc.mode);
  if (oc.mode == bo::rmode::stochastic) s << "(" << oc.rcount << " bits)";
  s << " zeros=" << (oc.zs == bo::zero_sign::keep ? "keep" : "positive");
  if (!oc.bfp)
    s << " specials=" << (oc.nf == bo::nonfinite::nan_scale ? "nan_scale" : "saturate_inf");
  return s.str();
}

/// What to run per configuration.
enum class what { block_set, tails };

/// Every scale rule x mode (stochastic with 32 and 3 bits) x zero_sign x nonfinite for one
/// named MX block.
template <class Block>
void check_mx_block(checker& c, const char* name, bo::elem e, bool int8_full, what w) {
  const std::vector<test_block> set = make_blocks(mx_grid(e), Block::block_size, 0xB10C5EEDull);
  for_each_rule([&](auto rule_tag, bo::scale_rule rule) {
    using B = blocks::with_scale_rule_t<Block, typename decltype(rule_tag)::type>;
    for_each_mode([&](auto mode_tag) {
      constexpr rounding R = decltype(mode_tag)::value;
      for (unsigned rcount : stochastic_counts) {
        if (R != rounding::stochastic && rcount != 32u) continue;
        for (bo::zero_sign zs : {bo::zero_sign::keep, bo::zero_sign::positive}) {
          for (bo::nonfinite nf : {bo::nonfinite::nan_scale, bo::nonfinite::saturate_inf}) {
            oracle_call oc;
            oc.e = e;
            oc.int8_full = int8_full;
            oc.rule = rule;
            oc.mode = to_oracle(R);
            oc.rcount = rcount;
            oc.zs = zs;
            oc.nf = nf;
            const std::string config = config_name(name, oc);
            if (w == what::block_set) {
              check_set<B, R>(c, config, oc, set);
            } else {
              check_tails<B, R>(c, config, oc, set,
                                0x7A11ull + static_cast<std::uint64_t>(c.blocks));
            }
          }
        }
      }
    });
  });
}

/// Every mode (stochastic with 32 and 3 bits) x zero_sign for one BFP block.
template <class Block, int MagnitudeBits>
void check_bfp_block(checker& c, const char* name, what w) {
  const std::vector<test_block> set =
      make_blocks(bfp_grid(MagnitudeBits), Block::block_size, 0xBF9ull + MagnitudeBits);
  for_each_mode([&](auto mode_tag) {
    constexpr rounding R = decltype(mode_tag)::value;
    for (unsigned rcount : stochastic_counts) {
      if (R != rounding::stochastic && rcount != 32u) continue;
      for (bo::zero_sign zs : {bo::zero_sign::keep, bo::zero_sign::positive}) {
        oracle_call oc;
        oc.bfp = true;
        oc.m_bits = MagnitudeBits;
        oc.mode = to_oracle(R);
        oc.rcount = rcount;
        oc.zs = zs;
        const std::string config = config_name(name, oc);
        if (w == what::block_set) {
          check_set<Block, R>(c, config, oc, set);
        } else {
          check_tails<Block, R>(c, config, oc, set,
                                0x7A11ull + static_cast<std::uint64_t>(c.blocks));
        }
      }
    }
  });
}

void summary(const char* what_name, const checker& c, std::chrono::steady_clock::time_point t0) {
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("block oracle: %s: %zu blocks compared with the oracle, %zu mismatches (%.2f s)\n",
              what_name, c.blocks, c.mismatches, s);
}

template <class Block>
void mx_case(const char* name, bo::elem e, bool int8_full) {
  const auto t0 = std::chrono::steady_clock::now();
  checker c;
  check_mx_block<Block>(c, name, e, int8_full, what::block_set);
  summary(name, c, t0);
  CHECK(c.blocks > 0);
  c.report();
}

}  // namespace

TEST_CASE("block oracle: MXFP8 E4M3 for every scale rule and rounding", "[block][oracle]") {
  mx_case<blocks::mxfp8_e4m3>("mxfp8_e4m3", bo::elem::e4m3, false);
}

TEST_CASE("block oracle: MXFP8 E5M2 for every scale rule and rounding", "[block][oracle]") {
  mx_case<blocks::mxfp8_e5m2>("mxfp8_e5m2", bo::elem::e5m2, false);
}

TEST_CASE("block oracle: MXFP6 E2M3 for every scale rule and rounding", "[block][oracle]") {
  mx_case<blocks::mxfp6_e2m3>("mxfp6_e2m3", bo::elem::e2m3, false);
}

TEST_CASE("block oracle: MXFP6 E3M2 for every scale rule and rounding", "[block][oracle]") {
  mx_case<blocks::mxfp6_e3m2>("mxfp6_e3m2", bo::elem::e3m2, false);
}

TEST_CASE("block oracle: MXFP4 for every scale rule and rounding", "[block][oracle]") {
  mx_case<blocks::mxfp4>("mxfp4", bo::elem::e2m1, false);
}

TEST_CASE("block oracle: MXINT8 symmetric for every scale rule and rounding", "[block][oracle]") {
  mx_case<blocks::mxint8>("mxint8", bo::elem::int8, false);
}

TEST_CASE("block oracle: MXINT8 full range for every scale rule and rounding", "[block][oracle]") {
  mx_case<blocks::mxint8_full>("mxint8_full", bo::elem::int8, true);
}

TEST_CASE("block oracle: BFP and MSFP for every rounding", "[block][oracle]") {
  const auto t0 = std::chrono::steady_clock::now();
  checker c;
  check_bfp_block<blocks::msfp12, 3>(c, "msfp12", what::block_set);
  check_bfp_block<blocks::msfp16, 7>(c, "msfp16", what::block_set);
  check_bfp_block<blocks::bfp<1, 8>, 1>(c, "bfp<1 8>", what::block_set);
  check_bfp_block<blocks::bfp<5, 32>, 5>(c, "bfp<5 32>", what::block_set);
  summary("bfp", c, t0);
  CHECK(c.blocks > 0);
  c.report();
}

TEST_CASE("block oracle: multi-block arrays with a partial last block", "[block][oracle]") {
  const auto t0 = std::chrono::steady_clock::now();
  checker c;
  check_mx_block<blocks::mxfp8_e4m3>(c, "mxfp8_e4m3", bo::elem::e4m3, false, what::tails);
  check_mx_block<blocks::mxfp8_e5m2>(c, "mxfp8_e5m2", bo::elem::e5m2, false, what::tails);
  check_mx_block<blocks::mxfp6_e2m3>(c, "mxfp6_e2m3", bo::elem::e2m3, false, what::tails);
  check_mx_block<blocks::mxfp6_e3m2>(c, "mxfp6_e3m2", bo::elem::e3m2, false, what::tails);
  check_mx_block<blocks::mxfp4>(c, "mxfp4", bo::elem::e2m1, false, what::tails);
  check_mx_block<blocks::mxint8>(c, "mxint8", bo::elem::int8, false, what::tails);
  check_mx_block<blocks::mxint8_full>(c, "mxint8_full", bo::elem::int8, true, what::tails);
  check_bfp_block<blocks::msfp12, 3>(c, "msfp12", what::tails);
  check_bfp_block<blocks::msfp16, 7>(c, "msfp16", what::tails);
  check_bfp_block<blocks::bfp<1, 8>, 1>(c, "bfp<1 8>", what::tails);
  check_bfp_block<blocks::bfp<5, 32>, 5>(c, "bfp<5 32>", what::tails);
  summary("multi-block arrays", c, t0);
  CHECK(c.blocks > 0);
  c.report();
}

TEST_CASE("block oracle: fake_quantize equals dequantize of quantize", "[block][oracle]") {
  // Also compared element by element in every case above; here on its own, with the
  // stored-form round trip spelled out.
  const std::vector<test_block> set = make_blocks(mx_grid(bo::elem::e2m1), 32, 0xFA4Eull);
  std::vector<float> x;
  for (const test_block& t : set) x.insert(x.end(), t.x.begin(), t.x.end());
  x.resize(x.size() - 7);  // a partial last block
  const lowp::span<const float> in(x.data(), x.size());
  blocks::block_options o;
  o.seed = 99;
  const auto q = blocks::quantize<blocks::mxfp4, rounding::stochastic>(in, o);
  const std::vector<float> deq = blocks::dequantize(q);
  std::vector<float> fake(x.size());
  blocks::fake_quantize<blocks::mxfp4, rounding::stochastic>(
      in, lowp::span<float>(fake.data(), fake.size()), o);
  std::size_t diff = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    diff += lowp_test::u32(deq[i]) != lowp_test::u32(fake[i]) ? 1u : 0u;
  CHECK(diff == 0);
}
