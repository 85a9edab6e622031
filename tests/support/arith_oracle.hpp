// Exact arithmetic oracle: + - * / sqrt fma on codes of a small format, rounded once, with
// big-integer arithmetic (every value is an integer multiple of 2^-300 here). It uses the
// code tables of oracle::format and never calls lowp.
//
// IEEE 754 rules: NaN operands and invalid operations give the canonical NaN (positive),
// +max in formats without NaN; x/0 gives a signed infinity; an exact zero sum is +0 (-0 when
// rounding toward negative), -0 + -0 = -0; sqrt(-0) = -0; a negative non-zero result in an
// unsigned format is NaN.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "support/bigint.hpp"
#include "support/oracle.hpp"

namespace oracle {

class arith {
 public:
  static constexpr int S = 300;  // values are bigints scaled by 2^S

  explicit arith(const format& f) : f_(f) {
    for (const auto& e : f.positives()) grid_.push_back(to_big(e.v));
    beyond_ = to_big(f.beyond());
  }

  enum class op { add, sub, mul, div, sqrt, fma };

  std::uint32_t compute(op o, std::uint32_t a, std::uint32_t b, std::uint32_t c, mode md, ovf ov,
                        std::uint32_t rbits = 0, unsigned rcount = 32) const {
    const code_info& A = f_.info(a);
    code_info B = f_.info(b);
    const code_info& C = f_.info(c);
    if (o == op::sub) {
      B.negative = !B.negative;
      if (!B.nan && !B.inf) B.value = -B.value;
      o = op::add;
    }
    const bool rd = md == mode::rd;
    switch (o) {
      case op::add: {
        if (A.nan || B.nan) return f_.result_nan();
        if (A.inf || B.inf) {
          if (A.inf && B.inf && A.negative != B.negative) return f_.result_nan();
          return inf(A.inf ? A.negative : B.negative, ov);
        }
        if (A.value == 0 && B.value == 0)
          return zero(A.negative && B.negative ? true : (A.negative != B.negative ? rd : false));
        return from_sum(signed_big(A), signed_big(B), md, ov, rbits, rcount);
      }
      case op::mul: {
        const bool neg = A.negative != B.negative;
        if (A.nan || B.nan) return f_.result_nan();
        if (A.inf || B.inf) {
          if ((!A.inf && A.value == 0) || (!B.inf && B.value == 0)) return f_.result_nan();
          return inf(neg, ov);
        }
        if (A.value == 0 || B.value == 0) return zero(neg);
        const lowp_test::bigint p = (mag(A) * mag(B)) >> S;  // exact: see the header
        return round(
            neg, [&](const lowp_test::bigint& m) { return compare(p, m); }, md, ov, rbits, rcount);
      }
      case op::div: {
        const bool neg = A.negative != B.negative;
        if (A.nan || B.nan) return f_.result_nan();
        if (A.inf) return B.inf ? f_.result_nan() : inf(neg, ov);
        if (B.inf) return zero(neg);
        if (B.value == 0) return A.value == 0 ? f_.result_nan() : inf(neg, ov);
        if (A.value == 0) return zero(neg);
        const lowp_test::bigint num = mag(A) << S;
        const lowp_test::bigint den = mag(B);
        return round(
            neg, [&](const lowp_test::bigint& m) { return compare(num, m * den); }, md, ov, rbits,
            rcount);
      }
      case op::sqrt: {
        if (A.nan) return f_.result_nan();
        if (!A.inf && A.value == 0) return zero(A.negative);
        if (A.negative) return f_.result_nan();
        if (A.inf) return inf(false, ov);
        const lowp_test::bigint lhs = mag(A) << S;
        return round(
            false, [&](const lowp_test::bigint& m) { return compare(lhs, m * m); }, md, ov, rbits,
            rcount);
      }
      case op::fma: {
        const bool pneg = A.negative != B.negative;
        if (A.nan || B.nan || C.nan) return f_.result_nan();
        const bool a0 = !A.inf && A.value == 0, b0 = !B.inf && B.value == 0;
        if ((A.inf && b0) || (B.inf && a0)) return f_.result_nan();
        if (A.inf || B.inf) {
          if (C.inf && C.negative != pneg) return f_.result_nan();
          return inf(pneg, ov);
        }
        if (C.inf) return inf(C.negative, ov);
        if (a0 || b0) {
          if (C.value == 0)
            return zero(pneg && C.negative ? true : (pneg != C.negative ? rd : false));
          return from_sum({pneg, {}}, signed_big(C), md, ov, rbits, rcount);
        }
        const sbig p{pneg, (mag(A) * mag(B)) >> S};
        if (C.value == 0) return from_sum(p, {false, {}}, md, ov, rbits, rcount);
        return from_sum(p, signed_big(C), md, ov, rbits, rcount);
      }
      case op::sub:
        break;
    }
    return 0;
  }

 private:
  struct sbig {
    bool neg;
    lowp_test::bigint m;
  };

  static lowp_test::bigint to_big(double v) {
    if (v == 0) return lowp_test::bigint{};
    int k = 0;
    const double fr = std::frexp(v, &k);  // v = fr * 2^k, fr in [0.5, 1)
    const auto m = static_cast<std::uint64_t>(std::ldexp(fr, 53));
    return lowp_test::bigint{m} << (k - 53 + S);
  }
  lowp_test::bigint mag(const code_info& i) const { return to_big(std::fabs(i.value)); }
  sbig signed_big(const code_info& i) const { return {i.negative, mag(i)}; }

  std::uint32_t zero(bool neg) const { return f_.result_zero(neg); }
  std::uint32_t inf(bool neg, ovf ov) const {
    if (neg && !f_.desc().is_signed) return f_.result_nan();
    return f_.result_inf(neg, ov);
  }

  std::uint32_t from_sum(const sbig& x, const sbig& y, mode md, ovf ov, std::uint32_t rbits,
                         unsigned rcount) const {
    sbig s;
    if (x.neg == y.neg) {
      s = {x.neg, x.m + y.m};
    } else {
      const int c = compare(x.m, y.m);
      if (c == 0) return zero(md == mode::rd);
      s = c > 0 ? sbig{x.neg, x.m - y.m} : sbig{y.neg, y.m - x.m};
    }
    return round(
        s.neg, [&](const lowp_test::bigint& m) { return compare(s.m, m); }, md, ov, rbits, rcount);
  }

  // Rounds the positive exact value described by cmp (sign of value - m) into the format.
  template <class Cmp>
  std::uint32_t round(bool neg, const Cmp& cmp, mode md, ovf ov, std::uint32_t rbits,
                      unsigned rcount) const {
    if (neg && !f_.desc().is_signed) return f_.result_nan();
    if (cmp(beyond_) >= 0) return f_.result_overflow(neg, md, ov);
    // Largest grid value <= x.
    std::size_t lo_i = 0, hi_i = grid_.size();
    const bool have_lo = cmp(grid_[0]) >= 0;
    if (have_lo) {
      // binary search for the last index with grid <= x
      std::size_t l = 0, h = grid_.size() - 1;
      while (l < h) {
        const std::size_t m = (l + h + 1) / 2;
        if (cmp(grid_[m]) >= 0)
          l = m;
        else
          h = m - 1;
      }
      lo_i = l;
      hi_i = l + 1;
    } else {
      hi_i = 0;
    }
    const auto& pos = f_.positives();
    const lowp_test::bigint lo = have_lo ? grid_[lo_i] : lowp_test::bigint{};
    const bool hi_beyond = hi_i == grid_.size();
    const lowp_test::bigint hi = hi_beyond ? beyond_ : grid_[hi_i];
    const double lo_v = have_lo ? pos[lo_i].v : 0.0;
    const double hi_v = hi_beyond ? f_.beyond() : pos[hi_i].v;
    if (have_lo && cmp(lo) == 0) return finish(neg, have_lo, lo_i);
    const int c_mid = cmp((lo + hi) >> 1);
    bool sr_up = false;
    if (md == mode::sr) {
      // t = max k with lo + k * (hi - lo) / 2^r <= x
      const lowp_test::bigint step = (hi - lo) >> static_cast<int>(rcount);
      std::uint64_t l = 0, h = (std::uint64_t{1} << rcount) - 1;
      while (l < h) {
        const std::uint64_t m = (l + h + 1) / 2;
        if (cmp(lo + lowp_test::bigint{m} * step) >= 0)
          l = m;
        else
          h = m - 1;
      }
      const std::uint64_t r = rcount == 32 ? rbits : (rbits & ((1u << rcount) - 1));
      sr_up = l + r >= (std::uint64_t{1} << rcount);
    }
    const bool parity = (md == mode::rne && c_mid == 0) || md == mode::odd;
    const bool up = rounds_up(md, neg, c_mid, parity && f_.significand_even(lo_v),
                              parity && f_.significand_even(hi_v), sr_up);
    if (up) {
      if (hi_beyond) return f_.result_overflow(neg, md, ov);
      return finish(neg, true, hi_i);
    }
    return finish(neg, have_lo, lo_i);
  }

  std::uint32_t finish(bool neg, bool have, std::size_t i) const {
    if (!have) return 0;  // below the smallest value of a format without zero
    const auto& e = f_.positives()[i];
    if (e.v == 0) return zero(neg);
    return f_.result_signed(e.c, neg);
  }

  const format& f_;
  std::vector<lowp_test::bigint> grid_;
  lowp_test::bigint beyond_;
};

}  // namespace oracle
