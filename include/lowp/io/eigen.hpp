/// \file eigen.hpp
/// Eigen::NumTraits for minifloat, so Eigen matrices of minifloats add and multiply (each
/// scalar operation rounds once to the format; Eigen chooses the summation order).
#pragma once

#include <Eigen/Core>
#include <limits>

#include "lowp/types/minifloat.hpp"

namespace Eigen {

/// NumTraits of a minifloat: a real, non-integer scalar with the format's limits.
template <class Fmt>
struct NumTraits<lowp::minifloat<Fmt>> : GenericNumTraits<lowp::minifloat<Fmt>> {
  using T = lowp::minifloat<Fmt>;
  using Real = T;
  using NonInteger = T;
  using Nested = T;
  using Literal = T;
  enum {
    IsComplex = 0,
    IsInteger = 0,
    IsSigned = std::numeric_limits<T>::is_signed ? 1 : 0,
    RequireInitialization = 0,
    ReadCost = 1,
    AddCost = 4,
    MulCost = 4
  };
  static inline T epsilon() { return std::numeric_limits<T>::epsilon(); }
  static inline T dummy_precision() { return T(4.0f) * std::numeric_limits<T>::epsilon(); }
  static inline T highest() { return std::numeric_limits<T>::max(); }
  static inline T lowest() { return std::numeric_limits<T>::lowest(); }
  static inline T infinity() { return std::numeric_limits<T>::infinity(); }
  static inline T quiet_NaN() { return std::numeric_limits<T>::quiet_NaN(); }
  static inline int digits10() { return std::numeric_limits<T>::digits10; }
};

}  // namespace Eigen
