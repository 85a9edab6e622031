/// \file hash.hpp
/// std::hash for minifloat<Fmt> (equal for +0 and -0, which compare equal).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "lowp/types/minifloat.hpp"

namespace std {

/// Hash of a minifloat: equal for +0 and -0 (they compare equal).
template <class Fmt>
struct hash<lowp::minifloat<Fmt>> {
  std::size_t operator()(lowp::minifloat<Fmt> x) const noexcept {
    constexpr lowp::float_format f = lowp::descriptor_v<Fmt>;
    auto b = static_cast<std::uint64_t>(x.bits());
    if (lowp::has_negative_zero(f) && (b & lowp::all_ones_magnitude(f)) == 0) b = 0;
    return std::hash<std::uint64_t>{}(b);
  }
};

}  // namespace std
