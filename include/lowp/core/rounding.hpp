/// \file rounding.hpp
/// Rounding modes and the one place where lowp decides which way a value rounds.
#pragma once

#include <cstdint>
#include <type_traits>

#include "lowp/config.hpp"
#include "lowp/core/bits.hpp"

namespace lowp {

/// How an exact value that lies between two representable neighbours is rounded.
/// "Nearest" modes pick the closer neighbour and differ only on exact ties.
enum class rounding : std::uint8_t {
  nearest_even,     ///< ties to the neighbour with an even significand (IEEE roundTiesToEven)
  nearest_away,     ///< ties to the larger magnitude (IEEE roundTiesToAway, C `roundf`)
  nearest_zero,     ///< ties to the smaller magnitude
  toward_zero,      ///< truncation (IEEE roundTowardZero)
  toward_positive,  ///< ceiling (IEEE roundTowardPositive)
  toward_negative,  ///< floor (IEEE roundTowardNegative)
  to_odd,           ///< inexact results take the neighbour with an odd significand
  stochastic,       ///< up with probability proportional to the distance, from explicit bits
};

/// A rounding mode as a type, for code that picks a compiled kernel per mode.
template <rounding R>
using rounding_constant = std::integral_constant<rounding, R>;

/// Calls f(rounding_constant<r>{}) and returns its result: the one switch from a run-time
/// mode to a compile-time one.
template <class F>
decltype(auto) with_rounding(rounding r, F&& f) {
  switch (r) {
    case rounding::nearest_away:
      return f(rounding_constant<rounding::nearest_away>{});
    case rounding::nearest_zero:
      return f(rounding_constant<rounding::nearest_zero>{});
    case rounding::toward_zero:
      return f(rounding_constant<rounding::toward_zero>{});
    case rounding::toward_positive:
      return f(rounding_constant<rounding::toward_positive>{});
    case rounding::toward_negative:
      return f(rounding_constant<rounding::toward_negative>{});
    case rounding::to_odd:
      return f(rounding_constant<rounding::to_odd>{});
    case rounding::stochastic:
      return f(rounding_constant<rounding::stochastic>{});
    case rounding::nearest_even:
      break;
  }
  return f(rounding_constant<rounding::nearest_even>{});
}

/// True for the three round-to-nearest modes.
constexpr bool is_nearest(rounding r) noexcept {
  return r == rounding::nearest_even || r == rounding::nearest_away || r == rounding::nearest_zero;
}

/// Random bits for stochastic rounding: the low `count` bits of `value` are used.
///
/// Rule (exact): let f be the discarded fraction of an ulp, truncated to its top `count`
/// bits as an integer t in [0, 2^count). The magnitude rounds up iff t + (value mod
/// 2^count) >= 2^count, so P(up) = t / 2^count. When `count` is at least the number of
/// discarded bits, t / 2^count equals f and the rounding is unbiased; otherwise it is biased
/// toward zero by less than 2^-count ulp. `count` outside 1..32 is clamped into that range.
struct random_bits {
  std::uint32_t value = 0;  ///< uniformly distributed random bits
  unsigned count = 32;      ///< how many low bits of `value` to use (1..32)
};

namespace detail {

/// The rounding decision, shared by every codec path.
///
/// `n` is the magnitude truncated to the target quantum (an integer whose last bit is the
/// significand's last bit), `frac` the discarded fraction left-aligned in 64 bits (bit 63 =
/// one half), `sticky` whether non-zero bits lie beyond `frac`. Returns the rounded magnitude
/// (possibly n + 1, which may carry into the next binade).
///
/// Ties under nearest_even go to the even `n` (the integer significand, implicit bit
/// included). In formats without mantissa bits every normal significand is 1, so a tie
/// between two normals goes up (as ml_dtypes and PyTorch round to E8M0).
LOWP_FORCE_INLINE constexpr std::uint64_t round_magnitude(rounding mode, bool negative,
                                                          std::uint64_t n, std::uint64_t frac,
                                                          bool sticky, random_bits rb) noexcept {
  constexpr std::uint64_t half = std::uint64_t{1} << 63;
  const bool inexact = frac != 0 || sticky;
  if (!inexact) return n;
  const bool above_half = frac > half || (frac == half && sticky);
  const bool tie = frac == half && !sticky;
  switch (mode) {
    case rounding::nearest_even: {
      if (above_half) return n + 1;
      return (tie && (n & 1u) != 0) ? n + 1 : n;
    }
    case rounding::nearest_away:
      return (above_half || tie) ? n + 1 : n;
    case rounding::nearest_zero:
      return above_half ? n + 1 : n;
    case rounding::toward_zero:
      return n;
    case rounding::toward_positive:
      return negative ? n : n + 1;
    case rounding::toward_negative:
      return negative ? n + 1 : n;
    case rounding::to_odd:
      return n | 1u;
    case rounding::stochastic: {
      unsigned r = rb.count < 1 ? 1u : (rb.count > 32 ? 32u : rb.count);
      const std::uint64_t t = frac >> (64 - r);
      const std::uint64_t u = rb.value & low_mask(static_cast<int>(r));
      return (t + u >= (std::uint64_t{1} << r)) ? n + 1 : n;
    }
  }
  return n;
}

}  // namespace detail
}  // namespace lowp
