// Independent oracle for block quantization formats: OCP MX (FP8/FP6/FP4/INT8 elements with an
// E8M0 scale), generic BFP/MSFP, NVFP4 in the torchao and TransformerEngine operation orders,
// and the ggml Q8_0 / Q4_0 / MXFP4 byte layouts (formats-reference.md sections 4, 5.2, 6.1,
// 7.2-7.4 and 9, D-14..D-20). It includes no lowp header and calls no lowp code: it is what
// lowp is checked against. Only the C++17 standard library.
//
// Exactness: element values are decoded from the field formulas in double; an input float x
// scaled by 2^-s (|s| <= 127, or the BFP/int shifts) is exact in double, and rounding looks up
// its two neighbours on the element grid (brute-force table of every non-negative finite
// value). The rounding decision uses d = |y| - lo and q = hi - lo, both exact in double (q is
// a power of two and d < q has at most 24 significant bits), so every mode, stochastic
// included, is decided exactly. NVFP4 and ggml are float32 operation sequences, written step
// by step (compile with -ffp-contract=off so no step is fused).
#pragma once

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace block_oracle {

enum class elem { e4m3, e5m2, e2m3, e3m2, e2m1, int8 };
enum class rmode {
  nearest_even,
  nearest_away,
  nearest_zero,
  toward_zero,
  toward_positive,
  toward_negative,
  to_odd,
  stochastic
};
enum class zero_sign { keep, positive };  // keep: a zero result keeps the sign of the input
enum class scale_rule { floor, ceil, even, rceil };
enum class nonfinite { nan_scale, saturate_inf };  // saturate_inf: TransformerEngine MXFP8

// ---------------------------------------------------------------------------------------------
// float32 bit helpers

inline std::uint32_t f32_bits(float x) {
  std::uint32_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

inline float f32_from_bits(std::uint32_t b) {
  float x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

inline float quiet_nan() { return f32_from_bits(0x7FC00000u); }

/// An exact double rounded to float32 (RNE), with overflow to +-inf made explicit (a plain
/// out-of-range double -> float conversion is undefined behaviour in C++).
inline float to_f32(double v) {
  if (std::isnan(v)) return quiet_nan();
  const double ovf = std::ldexp(1.0, 128) - std::ldexp(1.0, 103);  // FLT_MAX + half an ulp
  if (std::fabs(v) >= ovf) return std::signbit(v) ? -HUGE_VALF : HUGE_VALF;
  return static_cast<float>(v);
}

/// floor(log2 a) for a finite float a > 0, read from the bits (subnormals normalised).
inline int floor_log2(float a) {
  const std::uint32_t b = f32_bits(a) & 0x7FFFFFFFu;
  const int field = static_cast<int>(b >> 23);
  if (field != 0) return field - 127;
  int h = 22;
  while (((b >> h) & 1u) == 0u) --h;  // b != 0 because a > 0
  return h - 149;
}

/// Whether a finite float a > 0 is a power of two.
inline bool is_pow2(float a) {
  const std::uint32_t b = f32_bits(a) & 0x7FFFFFFFu;
  const std::uint32_t mant = b & 0x7FFFFFu;
  if ((b >> 23) != 0u) return mant == 0u;
  return (mant & (mant - 1u)) == 0u;
}

// ---------------------------------------------------------------------------------------------
// Element formats

inline int elem_width(elem e) {
  switch (e) {
    case elem::e4m3:
    case elem::e5m2:
    case elem::int8:
      return 8;
    case elem::e2m3:
    case elem::e3m2:
      return 6;
    case elem::e2m1:
      return 4;
  }
  return 8;
}

inline int ebits(elem e) {
  switch (e) {
    case elem::e4m3:
      return 4;
    case elem::e5m2:
      return 5;
    case elem::e2m3:
      return 2;
    case elem::e3m2:
      return 3;
    case elem::e2m1:
      return 2;
    case elem::int8:
      return 0;
  }
  return 0;
}

inline int mbits(elem e) {
  switch (e) {
    case elem::e4m3:
      return 3;
    case elem::e5m2:
      return 2;
    case elem::e2m3:
      return 3;
    case elem::e3m2:
      return 2;
    case elem::e2m1:
      return 1;
    case elem::int8:
      return 6;
  }
  return 0;
}

inline int bias(elem e) {
  switch (e) {
    case elem::e4m3:
      return 7;
    case elem::e5m2:
      return 15;
    case elem::e2m3:
      return 1;
    case elem::e3m2:
      return 3;
    case elem::e2m1:
      return 1;
    case elem::int8:
      return 0;
  }
  return 0;
}

/// Exponent of the largest power of two representable in the element (OCP MX emax_elem).
inline int emax_elem(elem e) {
  switch (e) {
    case elem::e4m3:
      return 8;
    case elem::e5m2:
      return 15;
    case elem::e2m3:
      return 2;
    case elem::e3m2:
      return 4;
    case elem::e2m1:
      return 2;
    case elem::int8:
      return 0;
  }
  return 0;
}

/// Largest positive finite code (the codes 0..max_code are the non-negative finite values in
/// increasing order). Not meaningful for int8.
inline std::uint32_t max_code(elem e) {
  switch (e) {
    case elem::e4m3:
      return 0x7E;  // 0x7F is NaN
    case elem::e5m2:
      return 0x7B;  // 0x7C is inf
    case elem::e2m3:
    case elem::e3m2:
      return 0x1F;
    case elem::e2m1:
      return 0x7;
    case elem::int8:
      return 0x7F;
  }
  return 0;
}

inline std::uint32_t sign_bit(elem e) { return 1u << (elem_width(e) - 1); }

/// Exact value of an element code (only the low elem_width bits count). NaN codes give NaN,
/// the E5M2 infinity codes give +-inf, int8 is two's complement n / 64.
inline double elem_value(elem e, std::uint32_t code) {
  const int w = elem_width(e);
  code &= (1u << w) - 1u;
  if (e == elem::int8) {
    const int n = code >= 128u ? static_cast<int>(code) - 256 : static_cast<int>(code);
    return std::ldexp(static_cast<double>(n), -6);
  }
  const int eb = ebits(e), mb = mbits(e);
  const bool neg = ((code >> (w - 1)) & 1u) != 0u;
  const std::uint32_t ef = (code >> mb) & ((1u << eb) - 1u);
  const std::uint32_t mf = code & ((1u << mb) - 1u);
  double v;
  if (e == elem::e4m3 && ef == 15u && mf == 7u) {
    v = std::numeric_limits<double>::quiet_NaN();
  } else if (e == elem::e5m2 && ef == 31u) {
    v = mf == 0u ? std::numeric_limits<double>::infinity()
                 : std::numeric_limits<double>::quiet_NaN();
  } else if (ef == 0u) {
    v = std::ldexp(static_cast<double>(mf), 1 - bias(e) - mb);
  } else {
    v = std::ldexp(static_cast<double>((1u << mb) + mf), static_cast<int>(ef) - bias(e) - mb);
  }
  return neg ? -v : v;
}

/// Largest finite element value (int8: 127/64 in both ranges).
inline double elem_max(elem e) { return elem_value(e, max_code(e)); }

/// The non-negative finite values of an element, indexed by code.
inline std::vector<double> make_grid(elem e) {
  std::vector<double> g;
  for (std::uint32_t c = 0; c <= max_code(e); ++c) g.push_back(elem_value(e, c));
  return g;
}

/// make_grid, built once per element format.
inline const std::vector<double>& elem_grid(elem e) {
  static const std::vector<double> grids[6] = {make_grid(elem::e4m3), make_grid(elem::e5m2),
                                               make_grid(elem::e2m3), make_grid(elem::e3m2),
                                               make_grid(elem::e2m1), make_grid(elem::int8)};
  return grids[static_cast<int>(e)];
}

// ---------------------------------------------------------------------------------------------
// Rounding

/// Whether an inexact magnitude goes up to hi. d = mag - lo > 0 and q = hi - lo (a power of
/// two) are exact. neg: the signed value is negative. r / c: random bits and their count.
inline bool rounds_up(double d, double q, bool lo_even, bool neg, rmode m, std::uint32_t r,
                      unsigned c) {
  const double twice = 2.0 * d;  // exact
  switch (m) {
    case rmode::nearest_even:
      return twice > q || (twice == q && !lo_even);
    case rmode::nearest_away:
      return twice >= q;
    case rmode::nearest_zero:
      return twice > q;
    case rmode::toward_zero:
      return false;
    case rmode::toward_positive:
      return !neg;
    case rmode::toward_negative:
      return neg;
    case rmode::to_odd:
      return lo_even;
    case rmode::stochastic: {
      if (c < 1u) c = 1u;
      if (c > 32u) c = 32u;
      const double f = d / q;  // exact, in (0, 1)
      const auto t = static_cast<std::uint64_t>(std::floor(std::ldexp(f, static_cast<int>(c))));
      const std::uint64_t full = std::uint64_t{1} << c;
      return t + (static_cast<std::uint64_t>(r) & (full - 1u)) >= full;
    }
  }
  return false;
}

/// Rounds a non-negative magnitude to an integer in [0, limit] (limit an integer).
inline double round_int_mag(double mag, double limit, bool neg, rmode m, std::uint32_t r,
                            unsigned c) {
  if (!(mag < limit)) return limit;  // inf included
  const double lo = std::floor(mag);
  const double d = mag - lo;  // exact
  if (d == 0.0) return lo;
  const bool lo_even = std::fmod(lo, 2.0) == 0.0;
  return rounds_up(d, 1.0, lo_even, neg, m, r, c) ? lo + 1.0 : lo;
}

/// Rounds an exact real y to an element code, with saturation to +-max (MX clamping, for
/// every mode). zero_sign::keep gives a signed zero code for a float element whose result is
/// zero and y has its sign bit set; int8 has no -0. int8_full_range: [-128, 127] instead of
/// [-127, 127]. NaN input (not used by the block functions, which handle NaN first): the NaN
/// code 0x7F for E4M3/E5M2, +max otherwise.
inline std::uint32_t round_elem(elem e, double y, rmode m, zero_sign zs, std::uint32_t r = 0,
                                unsigned rcount = 32, bool int8_full_range = false) {
  const bool neg = std::signbit(y);
  const double mag = std::fabs(y);
  if (std::isnan(y)) {
    if (e == elem::e4m3 || e == elem::e5m2) return 0x7F;
    return max_code(e);
  }
  if (e == elem::int8) {
    const double limit = (neg && int8_full_range) ? 128.0 : 127.0;
    const double n = round_int_mag(std::ldexp(mag, 6), limit, neg, m, r, rcount);
    if (n == 0.0) return 0;
    const int v = neg ? -static_cast<int>(n) : static_cast<int>(n);
    return static_cast<std::uint32_t>(static_cast<std::uint8_t>(static_cast<std::int8_t>(v)));
  }
  const std::vector<double>& g = elem_grid(e);
  std::uint32_t code;
  if (mag >= g.back()) {
    code = max_code(e);
  } else {
    // i: the largest index with g[i] <= mag
    const auto above = std::upper_bound(g.begin(), g.end(), mag);  // first value > mag
    const auto i = static_cast<std::uint32_t>(above - g.begin() - 1);
    const double d = mag - g[i];  // exact
    code = i;
    if (d != 0.0 && rounds_up(d, g[i + 1] - g[i], (i & 1u) == 0u, neg, m, r, rcount)) code = i + 1;
  }
  if (code == 0) return (zs == zero_sign::keep && neg) ? sign_bit(e) : 0u;
  return neg ? (code | sign_bit(e)) : code;
}

// ---------------------------------------------------------------------------------------------
// MX blocks (OCP MX v1.0), BFP / MSFP

struct block_result {
  std::uint8_t scale = 0;            // E8M0 code (0xFF = NaN) or BFP shared exponent code
  std::vector<std::uint32_t> codes;  // element codes in the low bits
  std::vector<float> out;            // dequantized float32 values
};
using mx_result = block_result;
using bfp_result = block_result;

inline void nan_block(block_result& res, std::size_t k) {
  res.scale = 0xFF;
  res.codes.assign(k, 0u);
  res.out.assign(k, quiet_nan());
}

/// float32 maxval of an element for the RCEIL rule.
inline float rceil_maxval(elem e) {
  switch (e) {
    case elem::e4m3:
      return 448.0f;
    case elem::e5m2:
      return 57344.0f;
    case elem::e2m3:
      return 7.5f;
    case elem::e3m2:
      return 28.0f;
    case elem::e2m1:
      return 6.0f;
    case elem::int8:
      return 127.0f / 64.0f;
  }
  return 1.0f;
}

/// E8M0 scale code of a finite amax > 0 under a scale rule.
inline int mx_scale_code(elem e, scale_rule rule, float amax) {
  const int emax = emax_elem(e);
  int s = 0;
  switch (rule) {
    case scale_rule::floor:
      s = floor_log2(amax) - emax;
      break;
    case scale_rule::ceil:
      s = floor_log2(amax) + (is_pow2(amax) ? 0 : 1) - emax;
      break;
    case scale_rule::even: {
      const std::uint32_t b = f32_bits(amax) + (1u << (22 - mbits(e)));
      s = static_cast<int>((b >> 23) & 0xFFu) - 127 - emax;
      break;
    }
    case scale_rule::rceil: {
      const float inv = 1.0f / rceil_maxval(e);
      const float d = amax * inv;
      const std::uint32_t b = f32_bits(d);
      const int field = static_cast<int>((b >> 23) & 0xFFu);
      const std::uint32_t mant = b & 0x7FFFFFu;
      int code = field != 0 ? field + (mant != 0u ? 1 : 0) : (mant > 0x400000u ? 1 : 0);
      return std::min(code, 254);
    }
  }
  return std::min(std::max(s, -127), 127) + 127;
}

/// One MX block of k elements. rbits[i] (rcount bits) are used when m == stochastic; a null
/// rbits means all-zero random bits.
inline mx_result mx_quantize(elem e, scale_rule rule, rmode m, zero_sign zs, const float* x,
                             std::size_t k, const std::uint32_t* rbits = nullptr,
                             unsigned rcount = 32, nonfinite nf = nonfinite::nan_scale,
                             bool int8_full_range = false) {
  mx_result res;
  bool any_nan = false, any_inf = false;
  float amax = 0.0f;
  for (std::size_t i = 0; i < k; ++i) {
    if (std::isnan(x[i]))
      any_nan = true;
    else if (std::isinf(x[i]))
      any_inf = true;
    else
      amax = std::max(amax, std::fabs(x[i]));
  }
  if (any_nan || (any_inf && nf == nonfinite::nan_scale)) {
    nan_block(res, k);
    return res;
  }
  int code;
  if (any_inf)
    code = 0xFE;  // saturate_inf: the scale saturates, elements clamp to +-max
  else if (amax == 0.0f)
    code = 0;
  else
    code = mx_scale_code(e, rule, amax);
  const int s = code - 127;
  res.scale = static_cast<std::uint8_t>(code);
  for (std::size_t i = 0; i < k; ++i) {
    const double y = std::ldexp(static_cast<double>(x[i]), -s);  // exact
    const std::uint32_t r = rbits != nullptr ? rbits[i] : 0u;
    const std::uint32_t c = round_elem(e, y, m, zs, r, rcount, int8_full_range);
    res.codes.push_back(c);
    res.out.push_back(to_f32(std::ldexp(elem_value(e, c), s)));
  }
  return res;
}

/// Sign-magnitude BFP/MSFP block: shared exponent S = clamp(floor(log2 amax), -127, 127)
/// (code S + 127), q = round(x / 2^(S - m + 1)) with |q| <= 2^m - 1, element code = sign bit
/// (bit m) | |q|, value q * 2^(S - m + 1). NaN or inf anywhere: NaN block (scale 0xFF).
/// m_bits in [1, 30].
inline bfp_result bfp_quantize(int m_bits, rmode m, const float* x, std::size_t k,
                               zero_sign zs = zero_sign::keep, const std::uint32_t* rbits = nullptr,
                               unsigned rcount = 32) {
  bfp_result res;
  float amax = 0.0f;
  for (std::size_t i = 0; i < k; ++i) {
    if (!std::isfinite(x[i])) {
      nan_block(res, k);
      return res;
    }
    amax = std::max(amax, std::fabs(x[i]));
  }
  const int S = amax == 0.0f ? -127 : std::min(std::max(floor_log2(amax), -127), 127);
  res.scale = static_cast<std::uint8_t>(S + 127);
  const int shift = S - m_bits + 1;
  const double limit = std::ldexp(1.0, m_bits) - 1.0;
  const std::uint32_t sbit = 1u << m_bits;
  for (std::size_t i = 0; i < k; ++i) {
    const bool neg = std::signbit(x[i]);
    const double mag = std::ldexp(std::fabs(static_cast<double>(x[i])), -shift);  // exact
    const std::uint32_t r = rbits != nullptr ? rbits[i] : 0u;
    const double q = round_int_mag(mag, limit, neg, m, r, rcount);
    const auto qm = static_cast<std::uint32_t>(q);
    const bool neg_code = neg && (qm != 0u || zs == zero_sign::keep);
    res.codes.push_back(neg_code ? (sbit | qm) : qm);
    const double v = std::ldexp(q, shift);
    res.out.push_back(to_f32(neg_code ? -v : v));
  }
  return res;
}

// ---------------------------------------------------------------------------------------------
// NVFP4: 16-element blocks of E2M1, UE4M3 block scales, optional float32 tensor scale.

struct nvfp4_result {
  std::vector<std::uint8_t> scales;  // UE4M3 code per 16-element block (0x7F = NaN)
  std::vector<std::uint32_t> codes;  // E2M1 code per element (unpacked)
  float tensor_scale = 1.0f;         // torchao: per_tensor_scale; TE: S_dec; 1 single-level
  std::vector<float> out;            // dequantized float32 values
};

/// OCP E4M3FN round-to-nearest-even of v >= 0, saturating to 448; NaN -> 0x7F.
inline std::uint8_t ue4m3(float v) {
  if (std::isnan(v)) return 0x7F;
  return static_cast<std::uint8_t>(
      round_elem(elem::e4m3, static_cast<double>(v), rmode::nearest_even, zero_sign::positive));
}

inline float ue4m3_value(std::uint8_t code) {
  return static_cast<float>(elem_value(elem::e4m3, code));
}

/// E2M1 conversion used by both NVFP4 orders: RNE, |y| > 6 -> +-6, NaN -> +6 (0x7), sign kept
/// for zero results (0x8 = -0).
inline std::uint32_t nvfp4_elem(float y) {
  if (std::isnan(y)) return 0x7;
  return round_elem(elem::e2m1, static_cast<double>(y), rmode::nearest_even, zero_sign::keep);
}

inline float e2m1_value(std::uint32_t code) {
  return static_cast<float>(elem_value(elem::e2m1, code));
}

/// max |x| over [x, x + n); NaN propagates (torch.amax).
inline float amax_nan(const float* x, std::size_t n) {
  float a = 0.0f;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(x[i])) return quiet_nan();
    a = std::max(a, std::fabs(x[i]));
  }
  return a;
}

/// torchao nvfp4_quantize order (n a multiple of 16).
inline nvfp4_result nvfp4_torchao(const float* x, std::size_t n, bool two_level) {
  nvfp4_result res;
  float pts = 1.0f;
  if (two_level) pts = amax_nan(x, n) / 2688.0f;
  res.tensor_scale = pts;
  for (std::size_t b = 0; b + 16 <= n; b += 16) {
    float bs = amax_nan(x + b, 16) / 6.0f;
    if (two_level) bs = bs / pts;
    if (!std::isnan(bs)) bs = std::min(std::max(bs, 0.015625f), 448.0f);  // [2^-6, 448]
    const std::uint8_t sc = ue4m3(bs);
    res.scales.push_back(sc);
    const float sf = ue4m3_value(sc);
    const float total = two_level ? pts * sf : sf;
    for (std::size_t i = b; i < b + 16; ++i) {
      float y = x[i] / total;
      if (!std::isnan(y)) y = std::min(std::max(y, -6.0f), 6.0f);
      const std::uint32_t c = nvfp4_elem(y);
      res.codes.push_back(c);
      res.out.push_back(e2m1_value(c) * total);
    }
  }
  return res;
}

/// TransformerEngine order (n a multiple of 16). The two FLT_MAX clamps are fminf, as in TE:
/// a NaN operand gives FLT_MAX.
inline nvfp4_result nvfp4_te(const float* x, std::size_t n, bool two_level) {
  nvfp4_result res;
  float s_enc = 1.0f;
  if (two_level) {
    const float amax_t = amax_nan(x, n);
    s_enc = std::fmin(2688.0f / amax_t, FLT_MAX);
    if (amax_t == 0.0f || s_enc == 0.0f) s_enc = 1.0f;
  }
  const auto s_dec = static_cast<float>(1.0 / static_cast<double>(s_enc));
  res.tensor_scale = s_dec;
  for (std::size_t b = 0; b + 16 <= n; b += 16) {
    const float k = s_enc * (1.0f / 6.0f);
    const std::uint8_t sc = ue4m3(amax_nan(x + b, 16) * k);
    res.scales.push_back(sc);
    const float sf = ue4m3_value(sc);
    const float mult = std::fmin(1.0f / (sf * s_dec), FLT_MAX);
    for (std::size_t i = b; i < b + 16; ++i) {
      const float y = x[i] * mult;
      const std::uint32_t c = nvfp4_elem(y);
      res.codes.push_back(c);
      res.out.push_back((e2m1_value(c) * sf) * s_dec);
    }
  }
  return res;
}

// ---------------------------------------------------------------------------------------------
// ggml Q8_0, Q4_0, MXFP4 (32-element blocks, byte layouts). Finite inputs (ggml leaves NaN/inf
// undefined for Q8_0/Q4_0; this oracle maps a NaN quant to 0).

/// IEEE binary16 bits of a float, round to nearest even, subnormals, overflow to inf,
/// NaN -> 0x7E00 (sign kept).
inline std::uint16_t fp16_bits(float x) {
  const std::uint32_t sign = (f32_bits(x) >> 31) << 15;
  if (std::isnan(x)) return static_cast<std::uint16_t>(sign | 0x7E00u);
  const double a = std::fabs(static_cast<double>(x));
  if (a >= 65520.0) return static_cast<std::uint16_t>(sign | 0x7C00u);  // inf (ties to even)
  if (a == 0.0) return static_cast<std::uint16_t>(sign);
  const int E = std::max(floor_log2(static_cast<float>(a)), -14);
  const double v = std::ldexp(a, 10 - E);  // significand in units of the target ulp, exact
  double n = std::floor(v);
  const double d = v - n;
  if (d > 0.5 || (d == 0.5 && std::fmod(n, 2.0) != 0.0)) n += 1.0;
  // normal: (E + 15) << 10 | (n - 1024), with the carry of n == 2048 into the exponent;
  // subnormal (E == -14, n < 1024): just n.
  const auto mag = static_cast<std::uint32_t>((E + 14) * 1024 + static_cast<int>(n));
  return static_cast<std::uint16_t>(sign | mag);
}

inline float fp16_to_f32(std::uint16_t h) {
  const bool neg = (h & 0x8000u) != 0u;
  const int ef = (h >> 10) & 0x1F;
  const int mf = h & 0x3FF;
  double v;
  if (ef == 31)
    v = mf == 0 ? std::numeric_limits<double>::infinity()
                : std::numeric_limits<double>::quiet_NaN();
  else if (ef == 0)
    v = std::ldexp(static_cast<double>(mf), -24);
  else
    v = std::ldexp(static_cast<double>(1024 + mf), ef - 25);
  return static_cast<float>(neg ? -v : v);
}

struct ggml_result {
  std::vector<std::uint8_t> bytes;  // the blocks as stored, one after another
  std::vector<float> out;           // dequantized values
};

inline void put_fp16(std::vector<std::uint8_t>& bytes, std::uint16_t h) {
  bytes.push_back(static_cast<std::uint8_t>(h & 0xFFu));
  bytes.push_back(static_cast<std::uint8_t>(h >> 8));
}

/// Q8_0 (n a multiple of 32): {fp16 d; int8 q[32]}.
inline ggml_result ggml_q8_0(const float* x, std::size_t n) {
  ggml_result res;
  for (std::size_t b = 0; b + 32 <= n; b += 32) {
    float amax = 0.0f;
    for (std::size_t i = b; i < b + 32; ++i) {
      const float v = std::fabs(x[i]);
      amax = amax > v ? amax : v;  // ggml MAX macro
    }
    const float d = amax / 127.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    const std::uint16_t dh = fp16_bits(d);
    put_fp16(res.bytes, dh);
    const float dd = fp16_to_f32(dh);
    for (std::size_t i = b; i < b + 32; ++i) {
      const float t = std::round(x[i] * id);  // roundf: ties away
      const int q = std::isnan(t) ? 0 : static_cast<int>(std::min(std::max(t, -128.0f), 127.0f));
      res.bytes.push_back(static_cast<std::uint8_t>(static_cast<std::int8_t>(q)));
      res.out.push_back(static_cast<float>(q) * dd);
    }
  }
  return res;
}

/// Q4_0 (n a multiple of 32): {fp16 d; uint8 qs[16]}, element j in the low nibble of qs[j],
/// element j + 16 in the high nibble.
inline ggml_result ggml_q4_0(const float* x, std::size_t n) {
  ggml_result res;
  for (std::size_t b = 0; b + 32 <= n; b += 32) {
    float amax = 0.0f, mx = 0.0f;
    for (std::size_t i = b; i < b + 32; ++i) {
      if (amax < std::fabs(x[i])) {
        amax = std::fabs(x[i]);
        mx = x[i];
      }
    }
    const float d = mx / -8.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    const std::uint16_t dh = fp16_bits(d);
    put_fp16(res.bytes, dh);
    const float dd = fp16_to_f32(dh);
    int q[32];
    for (std::size_t j = 0; j < 32; ++j) {
      float t = x[b + j] * id;
      t = t + 8.5f;
      const float tr = std::isnan(t) ? 0.0f : std::min(std::max(std::trunc(t), 0.0f), 15.0f);
      q[j] = static_cast<int>(tr);
    }
    for (std::size_t j = 0; j < 16; ++j)
      res.bytes.push_back(static_cast<std::uint8_t>(q[j] | (q[j + 16] << 4)));
    for (std::size_t j = 0; j < 32; ++j) res.out.push_back(static_cast<float>(q[j] - 8) * dd);
  }
  return res;
}

/// ggml MXFP4 (n a multiple of 32): {uint8 e; uint8 qs[16]}. e = floor(log2f(amax)) - 2 + 127
/// clamped to [0, 254] (ggml is undefined outside; inf amax gives 254), NaN elements are
/// skipped by the amax loop and become code 0. Elements: the E2M1 code nearest to the exact
/// x / 2^(e - 127), ties to the smaller magnitude, zero always code 0, beyond 6 -> 6.
inline ggml_result ggml_mxfp4(const float* x, std::size_t n) {
  ggml_result res;
  for (std::size_t b = 0; b + 32 <= n; b += 32) {
    float amax = 0.0f;
    for (std::size_t i = b; i < b + 32; ++i)
      if (amax < std::fabs(x[i])) amax = std::fabs(x[i]);
    int e = 0;
    if (std::isinf(amax))
      e = 254;
    else if (amax > 0.0f)
      e = static_cast<int>(std::floor(std::log2(amax))) - 2 + 127;
    e = std::min(std::max(e, 0), 254);
    res.bytes.push_back(static_cast<std::uint8_t>(e));
    std::uint32_t q[32];
    for (std::size_t j = 0; j < 32; ++j) {
      const float xv = x[b + j];
      std::uint32_t best = 0;
      if (!std::isnan(xv)) {
        const double y = std::ldexp(static_cast<double>(xv), 127 - e);  // exact
        if (std::fabs(y) >= 6.0) {
          best = y > 0 ? 0x7u : 0xFu;
        } else {
          double best_err = std::fabs(y);  // code 0 first: ties go to lower codes
          for (std::uint32_t c = 1; c < 16; ++c) {
            const double err = std::fabs(elem_value(elem::e2m1, c) - y);
            if (err < best_err) {
              best = c;
              best_err = err;
            }
          }
        }
      }
      q[j] = best;
      res.out.push_back(to_f32(std::ldexp(elem_value(elem::e2m1, best), e - 127)));
    }
    for (std::size_t j = 0; j < 16; ++j)
      res.bytes.push_back(static_cast<std::uint8_t>(q[j] | (q[j + 16] << 4)));
  }
  return res;
}

}  // namespace block_oracle
