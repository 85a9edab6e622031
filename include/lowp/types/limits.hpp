/// \file limits.hpp
/// std::numeric_limits for minifloat<Fmt>, computed from the descriptor. Included by
/// types/minifloat.hpp, so the specialization is always visible with the type.
#pragma once

#include <cstdint>
#include <limits>

#include "lowp/types/minifloat.hpp"

namespace lowp {
namespace detail {

/// floor(log10(x)) for a positive finite double, by exact comparisons with powers of ten.
constexpr int floor_log10(double x) noexcept {
  int k = 0;
  double p = 1.0;
  if (x >= 1.0) {
    while (p * 10.0 <= x) {
      p *= 10.0;
      ++k;
    }
  } else {
    while (p > x) {
      p /= 10.0;
      --k;
    }
  }
  return k;
}

/// ceil(e * log10(2)) for an integer e (log10(2) to 15 digits is plenty for |e| < 1000).
constexpr int ceil_e_log10_2(int e) noexcept {
  constexpr std::int64_t num = 301029995663981;  // log10(2) * 1e15
  constexpr std::int64_t den = 1000000000000000;
  const std::int64_t t = static_cast<std::int64_t>(e) * num;
  // ceil(t / den) for either sign (t is never a multiple of den for e != 0).
  const std::int64_t q = t / den;
  return static_cast<int>((t > 0 && t % den != 0) ? q + 1 : q);
}

template <class Fmt>
struct minifloat_limits {
  using T = minifloat<Fmt>;
  static constexpr float_format f = descriptor_v<Fmt>;
  static constexpr int digits = f.mantissa_bits + 1;

  static constexpr T from(std::uint64_t code) noexcept {
    return T::from_bits(static_cast<typename T::storage_type>(code));
  }
};

}  // namespace detail
}  // namespace lowp

namespace std {

/// numeric_limits for every minifloat, derived from its descriptor.
template <class Fmt>
class numeric_limits<lowp::minifloat<Fmt>> {
  using L = lowp::detail::minifloat_limits<Fmt>;
  using T = lowp::minifloat<Fmt>;
  static constexpr lowp::float_format f = L::f;

 public:
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = lowp::is_signed(f);
  static constexpr bool is_integer = false;
  static constexpr bool is_exact = false;
  static constexpr bool has_infinity = lowp::has_inf(f);
  static constexpr bool has_quiet_NaN = lowp::has_nan(f);
  /// Only IEEE-like formats have NaN codes with the quiet bit clear.
  static constexpr bool has_signaling_NaN =
      f.specials == lowp::special_values::ieee && f.mantissa_bits >= 2;
  static constexpr float_denorm_style has_denorm =
      lowp::has_subnormals(f) && f.mantissa_bits > 0 ? denorm_present : denorm_absent;
  static constexpr bool has_denorm_loss = false;
  static constexpr float_round_style round_style = round_to_nearest;
  static constexpr bool is_iec559 = f.specials == lowp::special_values::ieee;
  static constexpr bool is_bounded = true;
  static constexpr bool is_modulo = false;
  static constexpr int digits = L::digits;
  static constexpr int digits10 = (L::digits - 1) * 30103 / 100000;
  static constexpr int max_digits10 = (L::digits * 30103 + 99999) / 100000 + 1;
  static constexpr int radix = 2;
  static constexpr int min_exponent = lowp::emin(f) + 1;
  static constexpr int min_exponent10 = lowp::detail::ceil_e_log10_2(lowp::emin(f));
  static constexpr int max_exponent = lowp::emax(f) + 1;
  static constexpr int max_exponent10 = lowp::detail::floor_log10(lowp::max_finite(f));
  static constexpr bool traps = false;
  static constexpr bool tinyness_before = false;

  /// Smallest positive normal value.
  static constexpr T min() noexcept {
    return L::from(lowp::has_subnormals(f) ? std::uint64_t{1} << f.mantissa_bits : 0);
  }
  /// Most negative finite value (smallest value for unsigned formats).
  static constexpr T lowest() noexcept { return L::from(lowp::lowest_code(f)); }
  /// Largest finite value.
  static constexpr T max() noexcept { return L::from(lowp::max_code(f)); }
  /// Distance from 1 to the next value, 2^-M.
  static constexpr T epsilon() noexcept {
    return T(static_cast<float>(lowp::detail::pow2(-f.mantissa_bits)));
  }
  /// Largest rounding error of round-to-nearest, 0.5.
  static constexpr T round_error() noexcept { return T(0.5f); }
  /// +inf; formats without inf give what conversion of inf gives (NaN, else max).
  static constexpr T infinity() noexcept {
    return L::from(lowp::has_inf(f)   ? lowp::inf_code(f)
                   : lowp::has_nan(f) ? lowp::nan_code(f)
                                      : lowp::max_code(f));
  }
  /// The canonical quiet NaN (code 0 when the format has none).
  static constexpr T quiet_NaN() noexcept {
    return L::from(lowp::has_nan(f) ? lowp::nan_code(f) : 0);
  }
  /// A signalling NaN (IEEE-like formats), else the quiet NaN.
  static constexpr T signaling_NaN() noexcept {
    return has_signaling_NaN ? L::from(lowp::inf_code(f) | 1u) : quiet_NaN();
  }
  /// Smallest positive value (the smallest subnormal where subnormals exist).
  static constexpr T denorm_min() noexcept {
    return has_denorm == denorm_present ? L::from(1) : min();
  }
};

}  // namespace std
