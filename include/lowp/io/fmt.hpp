/// \file fmt.hpp
/// fmt::formatter for minifloat: `{}` the value (any float format spec), `{:x}` the code in
/// hex, `{:b}` the fields as sign'exponent'mantissa in binary.
#pragma once

// GCC 12 reports a false -Wstringop-overflow inside fmt 9's fill parsing when a formatter
// derived from formatter<float> is instantiated (a known GCC false positive); it concerns
// fmt's own lines, so it is silenced for them only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#endif
#include <fmt/format.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include <string>

#include "lowp/types/minifloat.hpp"

namespace lowp {

/// The code of `x` as fields in binary, sign'exponent'mantissa (no sign field for unsigned
/// formats, no mantissa field when M = 0), e.g. "0'1111'110" for 448 in e4m3fn.
template <class Fmt>
std::string fields_string(minifloat<Fmt> x) {
  constexpr float_format f = descriptor_v<Fmt>;
  const auto code = static_cast<std::uint64_t>(x.bits());
  std::string s;
  auto put = [&](int from, int count) {
    for (int i = from + count - 1; i >= from; --i) s += ((code >> i) & 1u) ? '1' : '0';
  };
  if (is_signed(f)) {
    put(magnitude_bits(f), 1);
    s += '\'';
  }
  put(f.mantissa_bits, f.exponent_bits);
  if (f.mantissa_bits > 0) {
    s += '\'';
    put(0, f.mantissa_bits);
  }
  return s;
}

}  // namespace lowp

/// `{}` and float specs (`{:.3f}`, `{:g}`, ...) format the value; `{:x}` the code as hex
/// digits (one per 4 bits, zero-padded); `{:b}` the fields (see lowp::fields_string).
template <class Fmt>
struct fmt::formatter<lowp::minifloat<Fmt>> : fmt::formatter<float> {
  char mode = 'v';

  template <class ParseContext>
  constexpr auto parse(ParseContext& ctx) -> decltype(ctx.begin()) {
    auto it = ctx.begin();
    const auto end = ctx.end();
    if (it != end && (*it == 'x' || *it == 'b') && (it + 1 == end || *(it + 1) == '}')) {
      mode = *it;
      return it + 1;
    }
    return fmt::formatter<float>::parse(ctx);
  }

  template <class FormatContext>
  auto format(lowp::minifloat<Fmt> x, FormatContext& ctx) const -> decltype(ctx.out()) {
    if (mode == 'x') {
      constexpr int digits = (lowp::total_bits(lowp::descriptor_v<Fmt>) + 3) / 4;
      return fmt::format_to(ctx.out(), "{:0{}x}", static_cast<unsigned>(x.bits()), digits);
    }
    if (mode == 'b') return fmt::format_to(ctx.out(), "{}", lowp::fields_string(x));
    return fmt::formatter<float>::format(static_cast<float>(x), ctx);
  }
};
