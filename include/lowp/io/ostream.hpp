/// \file ostream.hpp
/// operator<< for minifloat: prints the value as a float would print.
#pragma once

#include <ostream>

#include "lowp/types/minifloat.hpp"

namespace lowp {

/// Writes the value (exactly representable as float) with the stream's float formatting.
template <class Fmt>
std::ostream& operator<<(std::ostream& os, minifloat<Fmt> x) {
  return os << static_cast<float>(x);
}

}  // namespace lowp
