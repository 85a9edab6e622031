// Size arithmetic that cannot wrap: products of element counts and byte counts are checked
// before any allocation or access (docs/reliability.md, "Bad input").
#pragma once

#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>

namespace lowp {
namespace detail {

/// a * b, or std::length_error naming `what` when the product does not fit in std::size_t.
inline std::size_t checked_mul(std::size_t a, std::size_t b, const char* what) {
  if (a != 0 && b > std::numeric_limits<std::size_t>::max() / a)
    throw std::length_error(std::string("lowp: ") + what + " overflows std::size_t (" +
                            std::to_string(a) + " * " + std::to_string(b) + ")");
  return a * b;
}

}  // namespace detail
}  // namespace lowp
