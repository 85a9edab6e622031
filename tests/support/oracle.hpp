// Independent oracle for minifloat codecs. It never calls lowp: formats are described by the
// raw numbers of formats-reference.md section 10.1, every code is classified and valued from
// the field formulas of section 1.1 (std::ldexp in double, exact for these formats), and
// encoding is a brute-force search for the neighbours of the input among all finite values
// with exact double comparisons (section 1.2, section 8.1 for the rounding modes).
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace oracle {

enum class kind { ieee, fn, fnuz, finite, e8m0, p3109_ext, p3109_fin };
enum class mode { rne, rna, rnz, rz, ru, rd, odd, sr };
enum class ovf { sat, sat_keep_inf, nonfinite, ieee };

struct spec {
  std::string name;
  int E, M, bias;
  bool is_signed;
  kind k;
};

/// The rounding decision shared by the oracles: whether |x|, strictly between neighbours lo
/// and hi, goes to hi. cmp_mid is the sign of |x| - (lo + hi) / 2; lo_even / hi_even tell
/// whether their integer significands are even; sr_up is the stochastic decision.
inline bool rounds_up(mode md, bool neg, int cmp_mid, bool lo_even, bool hi_even, bool sr_up) {
  switch (md) {
    // Tie: the neighbour with an even significand; when both are odd (no mantissa bits),
    // the larger one.
    case mode::rne:
      return cmp_mid > 0 || (cmp_mid == 0 && !(lo_even && !hi_even));
    case mode::rna:
      return cmp_mid >= 0;
    case mode::rnz:
      return cmp_mid > 0;
    case mode::rz:
      return false;
    case mode::ru:
      return !neg;
    case mode::rd:
      return neg;
    case mode::odd:
      return lo_even;
    case mode::sr:
      return sr_up;
  }
  return false;
}

struct code_info {
  bool nan = false, inf = false, negative = false;
  double value = 0;  // signed value for finite codes
};

class format {
 public:
  explicit format(spec s) : s_(std::move(s)), id_(next_id()) {
    bits_ = (s_.is_signed ? 1 : 0) + s_.E + s_.M;
    const std::uint32_t n = 1u << bits_;
    info_.resize(n);
    for (std::uint32_t c = 0; c < n; ++c) info_[c] = classify(c);
    // Positive finite values (sign bit clear), sorted.
    for (std::uint32_t c = 0; c < n; ++c) {
      const auto& i = info_[c];
      if (i.nan || i.inf || i.negative) continue;
      if (s_.is_signed && (c >> (s_.E + s_.M)) != 0) continue;
      pos_.push_back({i.value, c});
    }
    std::sort(pos_.begin(), pos_.end(), [](const entry& a, const entry& b) { return a.v < b.v; });
    max_ = pos_.back().v;
    has_zero_ = pos_.front().v == 0.0;
    int ex = 0;
    std::frexp(max_, &ex);  // max = f * 2^ex, f in [0.5,1): floor(log2 max) = ex - 1
    beyond_ = max_ + std::ldexp(1.0, ex - 1 - s_.M);
    emin_ = s_.k == kind::e8m0 ? -s_.bias : 1 - s_.bias;
    for (std::uint32_t c = 0; c < n; ++c) {
      if (info_[c].inf && !info_[c].negative) pinf_ = static_cast<int>(c);
      if (info_[c].inf && info_[c].negative) ninf_ = static_cast<int>(c);
    }
    find_nans();
  }

  const spec& desc() const { return s_; }
  int bits() const { return bits_; }
  std::uint32_t code_count() const { return 1u << bits_; }
  const code_info& info(std::uint32_t c) const { return info_[c]; }
  double max_value() const { return max_; }

  /// The value of code c as a double: NaN with the code's sign, +-inf, or the exact value.
  double as_double(std::uint32_t c) const {
    const auto& i = info_[c];
    if (i.nan) return std::copysign(NAN, i.negative ? -1.0 : 1.0);
    if (i.inf) return i.negative ? -INFINITY : INFINITY;
    return i.value;
  }

  /// Exact float32 bits of decoding code c (NaN: 0x7FC00000 with the code's sign bit).
  std::uint32_t decode_bits(std::uint32_t c) const {
    const auto& i = info_[c];
    if (i.nan) return (i.negative ? 0x80000000u : 0u) | 0x7FC00000u;
    float f;
    if (i.inf)
      f = i.negative ? -INFINITY : INFINITY;
    else
      f = static_cast<float>(i.value);
    if (static_cast<double>(f) != i.value && !i.inf) throw "decode not exact";
    std::uint32_t b;
    std::memcpy(&b, &f, 4);
    return b;
  }

  /// Encodes an exact double value. rbits/rcount: random bits for mode::sr.
  /// NaN: canonical quiet with the sign (or +max without NaN). Zero into a format without
  /// zero: code 0. Negative into unsigned: NaN.
  std::uint32_t encode(double x, mode md, ovf ov, std::uint32_t rbits = 0,
                       unsigned rcount = 32) const {
    const bool neg = std::signbit(x);
    if (std::isnan(x)) return nan_code(neg, true);
    if (!s_.is_signed && neg && x != 0) return nan_code(false, true);
    if (std::isinf(x)) {
      if (ov == ovf::sat) return signed_max(neg);
      return nonfinite(neg);
    }
    if (x == 0) return zero_code(neg);
    const double ax = std::fabs(x);
    if (ax >= beyond_) return overflow(neg, md, ov);
    // lo: largest finite value <= ax; hi: smallest value > ax (beyond_ past the max).
    // The search result is remembered per thread: sweeps visit inputs in order, so the
    // previous bracket usually still holds (a cache, not a shortcut: it is checked).
    thread_local bracket last;
    if (!(last.owner == id_ && last.lo_v <= ax && ax < last.hi_v)) {
      auto it = std::upper_bound(pos_.begin(), pos_.end(), ax,
                                 [](double v, const entry& e) { return v < e.v; });
      last.owner = id_;
      last.have_lo = it != pos_.begin();
      last.lo_v = last.have_lo ? (it - 1)->v : 0.0;
      last.lo_code = last.have_lo ? (it - 1)->c : 0;
      last.hi_is_beyond = it == pos_.end();
      last.hi_v = last.hi_is_beyond ? beyond_ : it->v;
      last.hi_code = last.hi_is_beyond ? 0 : it->c;
      if (!last.have_lo) last.lo_v = -1.0;  // never matches a positive input as "lo <= ax"
    }
    const bool have_lo = last.have_lo;
    const double lo = have_lo ? last.lo_v : 0.0;
    const std::uint32_t lo_code = last.lo_code;
    const bool hi_is_beyond = last.hi_is_beyond;
    const double hi = last.hi_v;
    const std::uint32_t hi_code = last.hi_code;
    if (have_lo && lo == ax) return with_sign(lo_code, neg);
    const double mid = (lo + hi) / 2;  // exact: adjacent dyadic values
    const int cmp_mid = ax < mid ? -1 : (ax > mid ? 1 : 0);
    bool sr_up = false;
    if (md == mode::sr) {
      const double frac = (ax - lo) / (hi - lo);  // exact (Sterbenz), in (0, 1)
      const double two_r = static_cast<double>(std::uint64_t{1} << rcount);
      const double scaled = std::floor(frac * two_r);  // exact: a power-of-two scaling
      const double r = static_cast<double>(rcount == 32 ? rbits : (rbits & ((1u << rcount) - 1)));
      sr_up = scaled + r >= two_r;
    }
    // Significand parity matters only for ties to even and for round-to-odd (and costs).
    const bool parity = (md == mode::rne && cmp_mid == 0) || md == mode::odd;
    const bool up =
        rounds_up(md, neg, cmp_mid, parity && sig_even(lo), parity && sig_even(hi), sr_up);
    if (up) {
      if (hi_is_beyond) return overflow(neg, md, ov);
      return with_sign(hi_code, neg);
    }
    if (!have_lo) return 0;  // below the smallest value of a format without zero
    if (lo == 0) return zero_code(neg);
    return with_sign(lo_code, neg);
  }

  // Building blocks for other oracles (tests/support/arith_oracle.hpp).
  struct entry {
    double v;
    std::uint32_t c;
  };
  const std::vector<entry>& positives() const { return pos_; }
  double beyond() const { return beyond_; }
  bool has_zero() const { return has_zero_; }
  std::uint32_t result_nan() const { return nan_code(false, true); }
  std::uint32_t result_zero(bool neg) const { return zero_code(neg); }
  std::uint32_t result_inf(bool neg, ovf ov) const {
    return ov == ovf::sat ? signed_max(neg) : nonfinite(neg);
  }
  std::uint32_t result_overflow(bool neg, mode md, ovf ov) const { return overflow(neg, md, ov); }
  std::uint32_t result_signed(std::uint32_t mag_code, bool neg) const {
    return with_sign(mag_code, neg);
  }
  bool significand_even(double v) const { return sig_even(v); }

 private:
  struct bracket {
    std::uint64_t owner = 0;  // id_ of the format (addresses get reused)
    double lo_v = 0, hi_v = 0;
    std::uint32_t lo_code = 0, hi_code = 0;
    bool have_lo = false, hi_is_beyond = false;
  };

  code_info classify(std::uint32_t c) const {
    code_info i;
    const int mb = s_.E + s_.M;
    const std::uint32_t mag_mask = (1u << mb) - 1;
    const std::uint32_t mag = c & mag_mask;
    const bool sgn = s_.is_signed && (c >> mb) != 0;
    const std::uint32_t e = mag >> s_.M;
    const std::uint32_t m = mag & ((1u << s_.M) - 1);
    const std::uint32_t eall = (1u << s_.E) - 1;
    i.negative = sgn;
    switch (s_.k) {
      case kind::ieee:
        if (e == eall) (m == 0 ? i.inf : i.nan) = true;
        break;
      case kind::fn:
        if (mag == mag_mask) i.nan = true;
        break;
      case kind::fnuz:
        if (sgn && mag == 0) i.nan = true;
        break;
      case kind::finite:
        break;
      case kind::e8m0:
        if (mag == mag_mask) i.nan = true;
        break;
      case kind::p3109_ext:
      case kind::p3109_fin:
        if (s_.is_signed) {
          if (sgn && mag == 0) i.nan = true;
          if (s_.k == kind::p3109_ext && mag == mag_mask) i.inf = true;
        } else {
          if (mag == mag_mask) i.nan = true;
          if (s_.k == kind::p3109_ext && mag == mag_mask - 1) i.inf = true;
        }
        break;
    }
    if (i.nan || i.inf) return i;
    double v;
    if (s_.k == kind::e8m0)
      v = std::ldexp(1.0, static_cast<int>(e) - s_.bias);
    else if (e == 0)
      v = std::ldexp(static_cast<double>(m), 1 - s_.bias - s_.M);
    else
      v = std::ldexp(static_cast<double>((1u << s_.M) + m), static_cast<int>(e) - s_.bias - s_.M);
    i.value = sgn ? -v : v;
    return i;
  }

  // Significand integer of a value on this format's grid (implicit bit included).
  bool sig_even(double v) const {
    if (v == 0) return true;
    int ex = 0;
    std::frexp(v, &ex);
    int k = ex - 1;
    if (k < emin_) k = emin_;
    const double sig = std::ldexp(v, s_.M - k);
    return std::fmod(sig, 2.0) == 0.0;
  }

  std::uint32_t sign_bit() const { return s_.is_signed ? 1u << (s_.E + s_.M) : 0u; }
  std::uint32_t with_sign(std::uint32_t c, bool neg) const { return neg ? c | sign_bit() : c; }
  std::uint32_t signed_max(bool neg) const { return with_sign(pos_.back().c, neg && s_.is_signed); }
  std::uint32_t zero_code(bool neg) const {
    if (!has_zero_) return 0;  // E8M0: the smallest value
    const std::uint32_t z = pos_.front().c;
    // -0 exists when the negative-zero code is a finite zero.
    if (neg && s_.is_signed) {
      const std::uint32_t nz = z | sign_bit();
      if (!info_[nz].nan && info_[nz].value == 0) return nz;
    }
    return z;
  }
  std::uint32_t nan_code(bool neg, bool from_nan_input) const {
    if (!has_nan_) return from_nan_input ? pos_.back().c : signed_max(neg);
    return neg ? nan_neg_ : nan_pos_;
  }
  // Canonical quiet NaN: IEEE top binade with the top mantissa bit; otherwise the NaN code
  // (with the sign bit when the negative pattern is a NaN too).
  void find_nans() {
    std::vector<std::uint32_t> nans;
    for (std::uint32_t c = 0; c < code_count(); ++c)
      if (info_[c].nan) nans.push_back(c);
    has_nan_ = !nans.empty();
    if (!has_nan_) return;
    std::uint32_t pick = nans.front();
    if (s_.k == kind::ieee) pick = (((1u << s_.E) - 1) << s_.M) | (1u << (s_.M - 1));
    nan_pos_ = pick;
    nan_neg_ = (s_.is_signed && info_[pick | sign_bit()].nan) ? (pick | sign_bit()) : pick;
  }
  std::uint32_t nonfinite(bool neg) const {
    if (neg && pinf_ >= 0 && ninf_ < 0) return nan_code(false, false);  // unsigned: no -inf
    if (neg && ninf_ >= 0) return static_cast<std::uint32_t>(ninf_);
    if (!neg && pinf_ >= 0) return static_cast<std::uint32_t>(pinf_);
    if (has_nan_) return nan_code(neg, false);
    return signed_max(neg);
  }
  std::uint32_t overflow(bool neg, mode md, ovf ov) const {
    switch (ov) {
      case ovf::sat:
      case ovf::sat_keep_inf:
        return signed_max(neg);
      case ovf::ieee:
        if (md == mode::rz || (md == mode::ru && neg) || (md == mode::rd && !neg))
          return signed_max(neg);
        return nonfinite(neg);
      case ovf::nonfinite:
        return nonfinite(neg);
    }
    return 0;
  }

  static std::uint64_t next_id() {
    static std::atomic<std::uint64_t> counter{0};
    return ++counter;
  }

  spec s_;
  std::uint64_t id_;
  int bits_ = 0;
  std::vector<code_info> info_;
  std::vector<entry> pos_;
  double max_ = 0, beyond_ = 0;
  bool has_zero_ = true;
  int emin_ = 0;
  int pinf_ = -1, ninf_ = -1;
  bool has_nan_ = false;
  std::uint32_t nan_pos_ = 0, nan_neg_ = 0;
};

}  // namespace oracle
