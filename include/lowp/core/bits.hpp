/// \file bits.hpp
/// Bit-level helpers: constexpr bit_cast, leading-zero count and masks.
#pragma once

#include <cstdint>
#include <type_traits>

namespace lowp {

/// Reinterprets the bits of `from` as `To` (constexpr, like C++20 std::bit_cast).
template <class To, class From>
constexpr To bit_cast(const From& from) noexcept {
  static_assert(sizeof(To) == sizeof(From), "bit_cast needs types of the same size");
  static_assert(std::is_trivially_copyable_v<To> && std::is_trivially_copyable_v<From>,
                "bit_cast needs trivially copyable types");
  return __builtin_bit_cast(To, from);
}

namespace detail {

/// Number of leading zero bits of a non-zero 64-bit value.
constexpr int clz64(std::uint64_t v) noexcept { return __builtin_clzll(v); }

/// Mask of the low `n` bits (n in 0..64).
constexpr std::uint64_t low_mask(int n) noexcept {
  return n >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
}

}  // namespace detail
}  // namespace lowp
