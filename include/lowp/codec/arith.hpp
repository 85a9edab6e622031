/// \file arith.hpp
/// Correctly rounded arithmetic on codes: + - * / sqrt fma, each result rounded once.
///
/// Method (no floating-point arithmetic, so the result cannot depend on -ffp-contract or the
/// FPU mode): operands are unpacked to integer significands of at most 25 bits
/// (every format has p <= 24), the operation is carried out exactly in 128-bit integers, and
/// only when an exact result would not fit (quotients, square roots, a sum whose operands
/// are more than 64 binades apart) are the discarded bits folded into a sticky bit. The
/// result keeps at least 62 significant bits above that sticky bit, more than the p + 2 + 32
/// that rounding to any format with any mode (stochastic with 32 random bits included)
/// inspects, so the single rounding done by `pack` is exact.
///
/// IEEE 754 rules for special cases: NaN operands, inf - inf, 0 * inf, 0 / 0, inf / inf and
/// sqrt of a negative number give NaN (the format's canonical quiet NaN, positive; formats
/// without NaN apply the policy's nan_substitute); x / 0 gives a signed infinity (then the
/// overflow policy); an exact zero sum is +0, or -0 under toward_negative, and -0 + -0 = -0;
/// sqrt(-0) = -0.
#pragma once

#include <cstdint>

#include "lowp/codec/pack.hpp"
#include "lowp/codec/unpacked.hpp"
#include "lowp/core/policy.hpp"
#include "lowp/format/formats.hpp"

namespace lowp {
namespace detail {

__extension__ typedef unsigned __int128
    u128;  // GCC and Clang; __extension__ keeps -Wpedantic quiet

/// An exact value mag * 2^exp (plus, when sticky, a positive amount below one unit of mag).
struct wide_value {
  bool negative = false;
  int exp = 0;
  u128 mag = 0;
  bool sticky = false;
};

constexpr int clz128(u128 v) noexcept {
  const auto hi = static_cast<std::uint64_t>(v >> 64);
  if (hi != 0) return clz64(hi);
  return 64 + clz64(static_cast<std::uint64_t>(v));
}

/// A finite non-zero unpacked value as an integer significand of at most 25 bits.
constexpr wide_value to_wide(const unpacked& u) noexcept {
  // Formats have at most 24 significant bits: the low 39 bits of the significand are zero.
  return {u.negative, u.exponent - 24, static_cast<u128>(u.significand >> 39), false};
}

/// Normalises an exact-with-sticky value back into the unpacked form (sticky in bit 0).
constexpr unpacked from_wide(const wide_value& w) noexcept {
  unpacked u;
  u.negative = w.negative;
  u.cls = value_class::finite;
  const int lead = 127 - clz128(w.mag);
  bool sticky = w.sticky;
  std::uint64_t sig = 0;
  if (lead > 63) {
    const int drop = lead - 63;
    sticky = sticky || (w.mag & ((u128{1} << drop) - 1)) != 0;
    sig = static_cast<std::uint64_t>(w.mag >> drop);
  } else {
    sig = static_cast<std::uint64_t>(w.mag) << (63 - lead);
  }
  u.significand = sig | (sticky ? 1u : 0u);
  u.exponent = w.exp + lead;
  return u;
}

constexpr unpacked make_nan() noexcept {
  unpacked u;
  u.cls = value_class::nan;
  return u;
}
constexpr unpacked make_inf(bool negative) noexcept {
  unpacked u;
  u.cls = value_class::infinite;
  u.negative = negative;
  return u;
}
constexpr unpacked make_zero(bool negative) noexcept {
  unpacked u;
  u.cls = value_class::zero;
  u.negative = negative;
  return u;
}

/// Exact sum of two wide values (b's sticky, if any, must be false).
constexpr wide_value wide_add(wide_value a, wide_value b) noexcept {
  // Make `a` the operand with the larger exponent.
  if (b.exp > a.exp) {
    const wide_value t = a;
    a = b;
    b = t;
  }
  const int gap = a.exp - b.exp;
  bool sticky = false;
  if (gap <= 64) {
    a.mag <<= gap;  // a.mag < 2^51 before the shift: fits
    a.exp = b.exp;
  } else {
    // b lies entirely below a's scale: shift a up by 64, b down by the rest, with sticky.
    a.mag <<= 64;
    a.exp -= 64;
    const int down = gap - 64;
    if (down >= 128) {
      sticky = b.mag != 0;
      b.mag = 0;
    } else {
      sticky = (b.mag & ((u128{1} << down) - 1)) != 0;
      b.mag >>= down;
    }
    b.exp = a.exp;
  }
  wide_value r;
  r.exp = a.exp;
  r.sticky = sticky;
  if (a.negative == b.negative) {
    r.negative = a.negative;
    r.mag = a.mag + b.mag;
  } else if (a.mag > b.mag || (a.mag == b.mag && sticky)) {
    // |a| > |b|: the sticky part of b is subtracted too: borrow one unit, keep the sticky.
    r.negative = a.negative;
    r.mag = a.mag - b.mag - (sticky ? 1 : 0);
  } else {
    // |b| >= |a| (only possible when nothing was shifted out).
    r.negative = b.negative;
    r.mag = b.mag - a.mag;
  }
  return r;
}

/// Integer square root of a 128-bit value and whether it was exact.
constexpr std::uint64_t isqrt128(u128 n, bool& exact) noexcept {
  u128 root = 0;
  u128 rem = 0;
  for (int i = 63; i >= 0; --i) {
    rem = (rem << 2) | ((n >> (2 * i)) & 3);
    const u128 trial = (root << 2) | 1;
    root <<= 1;
    if (rem >= trial) {
      rem -= trial;
      root |= 1;
    }
  }
  exact = rem == 0;
  return static_cast<std::uint64_t>(root);
}

constexpr bool is_special(const unpacked& u) noexcept {
  return u.cls == value_class::nan || u.cls == value_class::infinite;
}

}  // namespace detail

/// Exact a + b (before rounding), as an unpacked value with a sticky bit.
constexpr unpacked exact_add(const unpacked& a, const unpacked& b, rounding r) noexcept {
  using namespace detail;
  if (a.cls == value_class::nan || b.cls == value_class::nan) return make_nan();
  if (a.cls == value_class::infinite || b.cls == value_class::infinite) {
    if (a.cls == value_class::infinite && b.cls == value_class::infinite &&
        a.negative != b.negative)
      return make_nan();
    return make_inf(a.cls == value_class::infinite ? a.negative : b.negative);
  }
  if (a.cls == value_class::zero && b.cls == value_class::zero)
    return make_zero(a.negative && b.negative   ? true
                     : a.negative != b.negative ? r == rounding::toward_negative
                                                : false);
  if (a.cls == value_class::zero) return b;
  if (b.cls == value_class::zero) return a;
  const wide_value s = wide_add(to_wide(a), to_wide(b));
  if (s.mag == 0 && !s.sticky) return make_zero(r == rounding::toward_negative);
  return from_wide(s);
}

/// Exact a * b (before rounding).
constexpr unpacked exact_mul(const unpacked& a, const unpacked& b) noexcept {
  using namespace detail;
  const bool neg = a.negative != b.negative;
  if (a.cls == value_class::nan || b.cls == value_class::nan) return make_nan();
  if (a.cls == value_class::infinite || b.cls == value_class::infinite) {
    if (a.cls == value_class::zero || b.cls == value_class::zero) return make_nan();
    return make_inf(neg);
  }
  if (a.cls == value_class::zero || b.cls == value_class::zero) return make_zero(neg);
  const wide_value wa = to_wide(a);
  const wide_value wb = to_wide(b);
  return from_wide({neg, wa.exp + wb.exp, wa.mag * wb.mag, false});
}

/// a / b, exact up to a sticky bit (before rounding).
constexpr unpacked exact_div(const unpacked& a, const unpacked& b) noexcept {
  using namespace detail;
  const bool neg = a.negative != b.negative;
  if (a.cls == value_class::nan || b.cls == value_class::nan) return make_nan();
  if (a.cls == value_class::infinite)
    return b.cls == value_class::infinite ? make_nan() : make_inf(neg);
  if (b.cls == value_class::infinite) return make_zero(neg);
  if (b.cls == value_class::zero) return a.cls == value_class::zero ? make_nan() : make_inf(neg);
  if (a.cls == value_class::zero) return make_zero(neg);
  const wide_value wa = to_wide(a);
  const wide_value wb = to_wide(b);
  const u128 num = wa.mag << 100;  // < 2^126
  const u128 q = num / wb.mag;     // >= 2^99: far more bits than any rounding needs
  const bool sticky = num % wb.mag != 0;
  return from_wide({neg, wa.exp - wb.exp - 100, q, sticky});
}

/// sqrt(a), exact up to a sticky bit (before rounding).
constexpr unpacked exact_sqrt(const unpacked& a) noexcept {
  using namespace detail;
  if (a.cls == value_class::nan) return make_nan();
  if (a.cls == value_class::zero) return a;  // sqrt(+-0) = +-0
  if (a.negative) return make_nan();
  if (a.cls == value_class::infinite) return a;
  const wide_value w = to_wide(a);
  // Scale by an even power of two so the root has >= 62 bits.
  const int shift = ((w.exp - 100) % 2 == 0) ? 100 : 101;
  bool exact = true;
  const std::uint64_t root = isqrt128(w.mag << shift, exact);
  return from_wide({false, (w.exp - shift) / 2, root, !exact});
}

/// a * b + c with one rounding: the exact product, then an exact-with-sticky sum.
constexpr unpacked exact_fma(const unpacked& a, const unpacked& b, const unpacked& c,
                             rounding r) noexcept {
  using namespace detail;
  const bool pneg = a.negative != b.negative;
  if (a.cls == value_class::nan || b.cls == value_class::nan || c.cls == value_class::nan)
    return make_nan();
  const bool a_inf = a.cls == value_class::infinite, b_inf = b.cls == value_class::infinite;
  const bool a_zero = a.cls == value_class::zero, b_zero = b.cls == value_class::zero;
  if ((a_inf && b_zero) || (b_inf && a_zero)) return make_nan();
  if (a_inf || b_inf) {
    if (c.cls == value_class::infinite && c.negative != pneg) return make_nan();
    return make_inf(pneg);
  }
  if (c.cls == value_class::infinite) return c;
  if (a_zero || b_zero) {
    // Exact zero product: the sum rules for zeros apply.
    if (c.cls == value_class::zero)
      return make_zero(pneg && c.negative   ? true
                       : pneg != c.negative ? r == rounding::toward_negative
                                            : false);
    return c;
  }
  const wide_value wa = to_wide(a);
  const wide_value wb = to_wide(b);
  const wide_value p{pneg, wa.exp + wb.exp, wa.mag * wb.mag, false};
  if (c.cls == value_class::zero) return from_wide(p);
  const wide_value s = wide_add(p, to_wide(c));
  if (s.mag == 0 && !s.sticky) return make_zero(r == rounding::toward_negative);
  return from_wide(s);
}

/// Rounded a + b in format Fmt under a policy.
template <class Fmt>
constexpr storage_t<Fmt> add_as(storage_t<Fmt> a, storage_t<Fmt> b, const conversion_policy& p,
                                random_bits rb = {}) noexcept {
  constexpr float_format f = descriptor_v<Fmt>;
  return static_cast<storage_t<Fmt>>(
      pack(f, exact_add(unpack(f, a), unpack(f, b), p.round), p, rb));
}

/// Rounded a - b in format Fmt under a policy.
template <class Fmt>
constexpr storage_t<Fmt> sub_as(storage_t<Fmt> a, storage_t<Fmt> b, const conversion_policy& p,
                                random_bits rb = {}) noexcept {
  constexpr float_format f = descriptor_v<Fmt>;
  unpacked nb = unpack(f, b);
  nb.negative = !nb.negative;
  return static_cast<storage_t<Fmt>>(pack(f, exact_add(unpack(f, a), nb, p.round), p, rb));
}

/// Rounded a * b in format Fmt under a policy.
template <class Fmt>
constexpr storage_t<Fmt> mul_as(storage_t<Fmt> a, storage_t<Fmt> b, const conversion_policy& p,
                                random_bits rb = {}) noexcept {
  constexpr float_format f = descriptor_v<Fmt>;
  return static_cast<storage_t<Fmt>>(pack(f, exact_mul(unpack(f, a), unpack(f, b)), p, rb));
}

/// Rounded a / b in format Fmt under a policy.
template <class Fmt>
constexpr storage_t<Fmt> div_as(storage_t<Fmt> a, storage_t<Fmt> b, const conversion_policy& p,
                                random_bits rb = {}) noexcept {
  constexpr float_format f = descriptor_v<Fmt>;
  return static_cast<storage_t<Fmt>>(pack(f, exact_div(unpack(f, a), unpack(f, b)), p, rb));
}

/// Rounded sqrt(a) in format Fmt under a policy.
template <class Fmt>
constexpr storage_t<Fmt> sqrt_as(storage_t<Fmt> a, const conversion_policy& p,
                                 random_bits rb = {}) noexcept {
  constexpr float_format f = descriptor_v<Fmt>;
  return static_cast<storage_t<Fmt>>(pack(f, exact_sqrt(unpack(f, a)), p, rb));
}

/// Rounded a * b + c (one rounding) in format Fmt under a policy.
template <class Fmt>
constexpr storage_t<Fmt> fma_as(storage_t<Fmt> a, storage_t<Fmt> b, storage_t<Fmt> c,
                                const conversion_policy& p, random_bits rb = {}) noexcept {
  constexpr float_format f = descriptor_v<Fmt>;
  return static_cast<storage_t<Fmt>>(
      pack(f, exact_fma(unpack(f, a), unpack(f, b), unpack(f, c), p.round), p, rb));
}

}  // namespace lowp
