/// \file formats.hpp
/// The catalogue of named formats (namespace lowp::formats), storage types and format checks.
///
/// A format tag is a type with a `static constexpr` descriptor named `value`. Adding a format
/// is one line here (and an alias in types/ once value types exist).
#pragma once

#include <cstdint>
#include <type_traits>

#include "lowp/config.hpp"
#include "lowp/format/float_format.hpp"
#include "lowp/format/int_format.hpp"

namespace lowp {

namespace detail {
template <class Fmt, class = void>
struct has_float_descriptor : std::false_type {};
template <class Fmt>
struct has_float_descriptor<
    Fmt, std::enable_if_t<std::is_same_v<std::remove_cv_t<decltype(Fmt::value)>, float_format>>>
    : std::true_type {};
template <class Fmt, class = void>
struct has_int_descriptor : std::false_type {};
template <class Fmt>
struct has_int_descriptor<
    Fmt, std::enable_if_t<std::is_same_v<std::remove_cv_t<decltype(Fmt::value)>, int_format>>>
    : std::true_type {};

template <int Bits>
using storage_for_bits =
    std::conditional_t<(Bits <= 8), std::uint8_t,
                       std::conditional_t<(Bits <= 16), std::uint16_t, std::uint32_t>>;
}  // namespace detail

/// True when `Fmt` is a float format tag.
template <class Fmt>
inline constexpr bool is_float_format_v = detail::has_float_descriptor<Fmt>::value;

/// True when `Fmt` is an integer format tag.
template <class Fmt>
inline constexpr bool is_int_format_v = detail::has_int_descriptor<Fmt>::value;

namespace detail {
// One static_assert per rule so the compiler prints the rule that failed.
template <class Fmt, bool = is_float_format_v<Fmt>>
struct float_rules {
  static constexpr float_format f = Fmt::value;
  static_assert(f.exponent_bits >= 1 && f.exponent_bits <= 8,
                "lowp: invalid float format: exponent_bits must be in 1..8");
  static_assert(f.mantissa_bits >= 0 && f.mantissa_bits <= 23,
                "lowp: invalid float format: mantissa_bits must be in 0..23");
  static_assert(total_bits(f) <= 32, "lowp: invalid float format: more than 32 bits");
  static_assert(!(f.specials == special_values::ieee && f.mantissa_bits < 1),
                "lowp: invalid float format: an IEEE-like format needs a mantissa bit for NaN");
  static_assert(!(f.specials == special_values::ieee && f.exponent_bits < 2),
                "lowp: invalid float format: an IEEE-like format needs two exponent bits");
  static_assert(!(f.specials == special_values::fnuz && !is_signed(f)),
                "lowp: invalid float format: fnuz puts NaN at the -0 code, so it must be signed");
  static_assert(!(f.specials == special_values::e8m0 && (is_signed(f) || f.mantissa_bits != 0)),
                "lowp: invalid float format: an E8M0-like format is unsigned with no mantissa");
  static_assert(!(f.specials == special_values::p3109_extended && total_bits(f) < 3),
                "lowp: invalid float format: a P3109 extended format needs at least 3 bits");
  static_assert(is_valid(f),
                "lowp: invalid float format: its range does not fit float32 (check the bias)");
  static constexpr bool ok = true;
};
template <class Fmt>
struct float_rules<Fmt, false> {
  static_assert(is_int_format_v<Fmt>,
                "lowp: a format tag needs `static constexpr lowp::float_format value` (or "
                "lowp::int_format value)");
  static_assert(Fmt::value.bits >= 1 && Fmt::value.bits <= 16,
                "lowp: invalid integer format: bits must be in 1..16");
  static constexpr bool ok = true;
};
}  // namespace detail

/// Storage type of one code: the smallest unsigned integer that holds total_bits.
template <class Fmt, bool Ok = detail::float_rules<Fmt>::ok>
using storage_t = detail::storage_for_bits<total_bits(Fmt::value)>;

/// The descriptor of a format tag, checked.
template <class Fmt, bool Ok = detail::float_rules<Fmt>::ok>
inline constexpr auto descriptor_v = Fmt::value;

/// Ad-hoc minifloat: E exponent bits, M mantissa bits (defaults: IEEE-like, bias 2^(E-1)-1).
template <int E, int M, special_values Specials = special_values::ieee,
          int Bias = (E >= 1 && E <= 30 ? (1 << (E - 1)) - 1 : 0),
          signedness Sign = signedness::signed_>
struct exmy {
  static constexpr float_format value{E, M, Bias, Sign, Specials};
};

/// IEEE P3109 domain: with or without infinities.
enum class p3109_domain : std::uint8_t { extended, finite };

/// IEEE P3109 binaryKpP: K bits, precision P (P - 1 mantissa bits). Signed formats have
/// K - P exponent bits, bias 2^(K-P-1), one NaN at 0x80..0 and no -0; unsigned formats have
/// K - P + 1 exponent bits, bias 2^(K-P) and NaN at all ones. Extended adds +-inf at the top
/// magnitude (signed) or +inf just below the NaN (unsigned). (P3109 interim report, as
/// modelled by Graphcore gfloat `format_info_p3109`.)
template <int K, int P, signedness Sign = signedness::signed_,
          p3109_domain Domain = p3109_domain::extended>
struct p3109 {
  static constexpr bool is_signed_format = Sign == signedness::signed_;
  static constexpr int exponent_bits = is_signed_format ? K - P : K - P + 1;
  static constexpr float_format value{
      exponent_bits, P - 1,
      is_signed_format ? (K - P - 1 >= 0 ? (1 << (K - P - 1)) : 0) : (1 << (K - P)), Sign,
      Domain == p3109_domain::extended ? special_values::p3109_extended
                                       : special_values::p3109_finite};
};

#if LOWP_CPP20
/// C++20: a format tag from a descriptor literal, e.g. format_of<float_format{4, 3, 7, ...}>.
template <float_format F>
struct format_of {
  static constexpr float_format value = F;
};
#endif

/// Named formats (formats-reference.md section 10.1).
namespace formats {
// clang-format off
/// OCP OFP8 E4M3 (ml_dtypes float8_e4m3fn, CUDA __NV_E4M3): max 448, NaN 0x7F/0xFF, no inf.
struct e4m3fn      { static constexpr float_format value{4, 3, 7, signedness::signed_, special_values::fn}; };
/// OCP OFP8 E5M2 (IEEE-like): max 57344, inf 0x7C.
struct e5m2        { static constexpr float_format value{5, 2, 15, signedness::signed_, special_values::ieee}; };
/// IEEE-like E4M3 (ml_dtypes float8_e4m3): max 240, inf 0x78.
struct e4m3        { static constexpr float_format value{4, 3, 7, signedness::signed_, special_values::ieee}; };
/// IEEE-like E3M4 (ml_dtypes float8_e3m4): max 15.5.
struct e3m4        { static constexpr float_format value{3, 4, 3, signedness::signed_, special_values::ieee}; };
/// E4M3 fnuz (bias 8, NaN at 0x80): max 240.
struct e4m3fnuz    { static constexpr float_format value{4, 3, 8, signedness::signed_, special_values::fnuz}; };
/// E5M2 fnuz (bias 16, NaN at 0x80): max 57344.
struct e5m2fnuz    { static constexpr float_format value{5, 2, 16, signedness::signed_, special_values::fnuz}; };
/// E4M3 fnuz with bias 11 (ml_dtypes float8_e4m3b11fnuz): max 30.
struct e4m3b11fnuz { static constexpr float_format value{4, 3, 11, signedness::signed_, special_values::fnuz}; };
/// OCP MX scale E8M0 (float8_e8m0fnu): 2^-127 .. 2^127, NaN 0xFF, no zero.
struct e8m0fnu     { static constexpr float_format value{8, 0, 127, signedness::unsigned_, special_values::e8m0}; };
/// OCP FP6 E2M3: max 7.5, no specials.
struct e2m3fn      { static constexpr float_format value{2, 3, 1, signedness::signed_, special_values::finite}; };
/// OCP FP6 E3M2: max 28, no specials.
struct e3m2fn      { static constexpr float_format value{3, 2, 3, signedness::signed_, special_values::finite}; };
/// OCP FP4 E2M1: max 6, no specials.
struct e2m1fn      { static constexpr float_format value{2, 1, 1, signedness::signed_, special_values::finite}; };
/// Unsigned E4M3 (NVFP4 block scale): 7 bits, max 448, NaN 0x7F.
struct ue4m3       { static constexpr float_format value{4, 3, 7, signedness::unsigned_, special_values::fn}; };
/// bfloat16.
struct bfloat16    { static constexpr float_format value{8, 7, 127, signedness::signed_, special_values::ieee}; };
/// IEEE binary16 (half).
struct binary16    { static constexpr float_format value{5, 10, 15, signedness::signed_, special_values::ieee}; };
/// NVIDIA TensorFloat-32: 19 bits (E8M10) stored in 32.
struct tf32        { static constexpr float_format value{8, 10, 127, signedness::signed_, special_values::ieee}; };
/// IEEE binary32 (float).
struct binary32    { static constexpr float_format value{8, 23, 127, signedness::signed_, special_values::ieee}; };

/// P3109 binary8pP, signed, extended domain (e.g. binary8p3).
template <int P> using binary8p = p3109<8, P>;

/// Two's complement and unsigned narrow integers.
struct int8  { static constexpr int_format value{8, signedness::signed_}; };
struct uint8 { static constexpr int_format value{8, signedness::unsigned_}; };
struct int4  { static constexpr int_format value{4, signedness::signed_}; };
struct uint4 { static constexpr int_format value{4, signedness::unsigned_}; };
struct int2  { static constexpr int_format value{2, signedness::signed_}; };
struct uint2 { static constexpr int_format value{2, signedness::unsigned_}; };
struct int1  { static constexpr int_format value{1, signedness::signed_}; };
struct uint1 { static constexpr int_format value{1, signedness::unsigned_}; };
// clang-format on
}  // namespace formats

}  // namespace lowp
