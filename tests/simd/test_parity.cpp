// Parity of the SIMD conversion kernels with the scalar codec. Every ISA this machine supports
// is called explicitly through simd::encode_f32 / simd::decode_f32 (whatever the active ISA)
// and must give the scalar codec's codes (encode_as) and float32 bit patterns (decode_as) bit
// for bit: every catalogue format plus P3109 and ad-hoc samples, every rounding mode, overflow
// and policy field, on stratified inputs (every code, its float32 neighbours, the midpoints
// between adjacent codes, overflow and underflow edges, NaN payloads, float32 subnormals) and
// seeded random bit patterns, converted in pieces of odd lengths with a guard zone after each
// piece. The [slow] test sweeps all 2^32 float32 inputs for every 8-bit format.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>
#include <vector>

#include "lowp/codec/float_codec.hpp"
#include "lowp/core/policy.hpp"
#include "lowp/core/random.hpp"
#include "lowp/format/formats.hpp"
#include "lowp/simd/dispatch.hpp"  // (detect.hpp, isa.hpp, plan.hpp)
#include "support/bits.hpp"
#include "support/catch.hpp"
#include "support/harness.hpp"
#include "support/isas.hpp"

namespace {

namespace simd = lowp::simd;
namespace fm = lowp::formats;
using lowp::conversion_policy;
using lowp::nan_decoding;
using lowp::overflow;
using lowp::rounding;
using lowp_test::f32;
using lowp_test::hex;
using lowp_test::u32;

// --- formats, modes and names -----------------------------------------------------------------

template <class Tag>
struct format_entry {
  using tag = Tag;
  const char* name;
};

/// Every float format of the catalogue, plus P3109 and ad-hoc samples.
auto parity_formats() {
  using lowp::p3109;
  using lowp::p3109_domain;
  using lowp::signedness;
  using lowp::special_values;
  return std::make_tuple(
      format_entry<fm::e4m3fn>{"e4m3fn"}, format_entry<fm::e5m2>{"e5m2"},
      format_entry<fm::e4m3>{"e4m3"}, format_entry<fm::e3m4>{"e3m4"},
      format_entry<fm::e4m3fnuz>{"e4m3fnuz"}, format_entry<fm::e5m2fnuz>{"e5m2fnuz"},
      format_entry<fm::e4m3b11fnuz>{"e4m3b11fnuz"}, format_entry<fm::e8m0fnu>{"e8m0fnu"},
      format_entry<fm::e2m3fn>{"e2m3fn"}, format_entry<fm::e3m2fn>{"e3m2fn"},
      format_entry<fm::e2m1fn>{"e2m1fn"}, format_entry<fm::ue4m3>{"ue4m3"},
      format_entry<fm::bfloat16>{"bfloat16"}, format_entry<fm::binary16>{"binary16"},
      format_entry<fm::tf32>{"tf32"}, format_entry<fm::binary32>{"binary32"},
      format_entry<p3109<8, 3>>{"p3109<8 3>"}, format_entry<p3109<8, 1>>{"p3109<8 1>"},
      format_entry<p3109<8, 4, signedness::unsigned_, p3109_domain::finite>>{
          "p3109<8 4 unsigned finite>"},
      format_entry<p3109<6, 3, signedness::unsigned_>>{"p3109<6 3 unsigned>"},
      format_entry<p3109<16, 8>>{"p3109<16 8>"},
      format_entry<lowp::exmy<3, 4, special_values::fn, 4>>{"exmy<3 4 fn bias 4>"},
      format_entry<lowp::exmy<3, 3>>{"exmy<3 3>"},
      format_entry<lowp::exmy<5, 1, special_values::fn, 10>>{"exmy<5 1 fn bias 10>"},
      format_entry<lowp::exmy<6, 9>>{"exmy<6 9>"});
}

template <class Tuple, class F>
void for_each_format(const Tuple& t, F&& f) {
  std::apply([&](const auto&... e) { (f(e), ...); }, t);
}

/// Calls f(std::integral_constant<rounding, r>{}).
template <class F>
void with_mode(rounding r, F&& f) {
  using R = rounding;
  switch (r) {
    case R::nearest_even:
      return f(std::integral_constant<R, R::nearest_even>{});
    case R::nearest_away:
      return f(std::integral_constant<R, R::nearest_away>{});
    case R::nearest_zero:
      return f(std::integral_constant<R, R::nearest_zero>{});
    case R::toward_zero:
      return f(std::integral_constant<R, R::toward_zero>{});
    case R::toward_positive:
      return f(std::integral_constant<R, R::toward_positive>{});
    case R::toward_negative:
      return f(std::integral_constant<R, R::toward_negative>{});
    case R::to_odd:
      return f(std::integral_constant<R, R::to_odd>{});
    case R::stochastic:
      return f(std::integral_constant<R, R::stochastic>{});
  }
}

template <class E, std::size_t N>
const char* enum_name(E e, const char* const (&names)[N]) {
  const auto i = static_cast<std::size_t>(e);
  return i < N ? names[i] : "?";
}
const char* name_of(rounding r) {
  static const char* const n[] = {"nearest_even", "nearest_away",    "nearest_zero",
                                  "toward_zero",  "toward_positive", "toward_negative",
                                  "to_odd",       "stochastic"};
  return enum_name(r, n);
}
const char* name_of(overflow o) {
  static const char* const n[] = {"saturate", "saturate_keep_inf", "to_nonfinite", "ieee"};
  return enum_name(o, n);
}
const char* name_of(lowp::nan_encoding v) {
  static const char* const n[] = {"keep_sign", "positive", "all_ones"};
  return enum_name(v, n);
}
const char* name_of(lowp::nan_substitute v) {
  static const char* const n[] = {"max_positive", "flipped_zero", "zero"};
  return enum_name(v, n);
}
const char* name_of(lowp::zero_substitute v) {
  static const char* const n[] = {"lowest", "nan"};
  return enum_name(v, n);
}
const char* name_of(lowp::negative_substitute v) {
  static const char* const n[] = {"nan", "lowest", "magnitude"};
  return enum_name(v, n);
}
const char* name_of(lowp::quirk v) {
  static const char* const n[] = {"none", "mldtypes_e8m0_subnormal"};
  return enum_name(v, n);
}
const char* name_of(nan_decoding v) {
  static const char* const n[] = {"keep_sign", "payload", "positive", "all_ones", "bf16_all_ones"};
  return enum_name(v, n);
}

constexpr nan_decoding all_nan_decodings[] = {nan_decoding::keep_sign, nan_decoding::payload,
                                              nan_decoding::positive, nan_decoding::all_ones,
                                              nan_decoding::bf16_all_ones};

std::string describe(const conversion_policy& p, unsigned random_count) {
  std::string s = std::string("round=") + name_of(p.round) + " over=" + name_of(p.over) +
                  " nan=" + name_of(p.nan) + " no_nan=" + name_of(p.no_nan) +
                  " no_zero=" + name_of(p.no_zero) + " negative=" + name_of(p.negative) +
                  " compat=" + name_of(p.compat);
  if (p.round == rounding::stochastic) s += " random_count=" + std::to_string(random_count);
  return s;
}

using lowp_test::supported_isas;

/// A deterministic seed per name (FNV-1a).
std::uint64_t seed_of(const char* name) {
  std::uint64_t h = 0xCBF29CE484222325ull;
  for (const char* p = name; *p != '\0'; ++p)
    h = (h ^ static_cast<unsigned char>(*p)) * 0x100000001B3ull;
  return h;
}

// --- mismatch bookkeeping ---------------------------------------------------------------------

constexpr int reports_per_case = 3;   // mismatches shown per (format, ISA, mode, policy)
constexpr int reports_per_test = 12;  // and at most this many per format section

/// Element comparisons and mismatches of one format section.
struct tally {
  std::uint64_t compared = 0;
  std::uint64_t mismatched = 0;
  int reported = 0;

  /// Reports `msg` unless this case or this section has reported enough already.
  void mismatch(int& case_reported, const std::string& msg) {
    ++mismatched;
    if (case_reported >= reports_per_case || reported >= reports_per_test) return;
    ++case_reported;
    ++reported;
    FAIL_CHECK(msg);
  }

  void finish(const char* test, const char* format) {
    std::printf("simd parity: %s %s: %llu comparisons, %llu mismatches\n", test, format,
                static_cast<unsigned long long>(compared),
                static_cast<unsigned long long>(mismatched));
    INFO(test << " " << format << ": " << mismatched << " mismatches in " << compared
              << " comparisons (" << reported << " reported)");
    CHECK(mismatched == 0);
  }
};

/// Lengths of the pieces an array is converted in (cycled): odd lengths around the vector
/// widths, and longer ones for the main loops.
constexpr std::size_t piece_lengths[] = {1, 7, 15, 17, 31, 33, 63, 65, 1000, 3, 129, 255, 4099, 2};
/// Elements after each piece that the call must leave untouched.
constexpr std::size_t guard = 80;

// --- inputs -------------------------------------------------------------------------------------

/// Adds float32 magnitudes b - k .. b + k (those in [0, 0x7FFFFFFF]).
void add_near(std::vector<std::uint32_t>& v, std::uint32_t b, int k) {
  for (int d = -k; d <= k; ++d) {
    const std::int64_t x = static_cast<std::int64_t>(b & 0x7FFFFFFFu) + d;
    if (x >= 0 && x <= 0x7FFFFFFF) v.push_back(static_cast<std::uint32_t>(x));
  }
}

void add_near(std::vector<std::uint32_t>& v, double x, int k) {
  add_near(v, u32(static_cast<float>(x)), k);
}

/// Magnitude codes whose values seed the stratified inputs: all of them up to `all_bits`
/// bits, else a few mantissas in every binade and some random ones.
template <class Fmt>
std::vector<std::uint64_t> sample_magnitudes(int all_bits) {
  constexpr lowp::float_format f = lowp::descriptor_v<Fmt>;
  const std::uint64_t top = lowp::all_ones_magnitude(f);
  std::vector<std::uint64_t> m;
  if (lowp::total_bits(f) <= all_bits) {
    for (std::uint64_t c = 0; c <= top; ++c) m.push_back(c);
    return m;
  }
  const std::uint64_t mm = lowp::mantissa_mask(f);
  const std::uint64_t picks[] = {0, 1, 2, 3, mm / 2, mm / 2 + 1, mm - 2, mm - 1, mm};
  for (std::uint64_t e = 0; e <= (top >> f.mantissa_bits); ++e)
    for (std::uint64_t k : picks) m.push_back((e << f.mantissa_bits) | (k & mm));
  std::mt19937_64 rng(0x5A3D1E5ull + static_cast<std::uint64_t>(lowp::total_bits(f)));
  for (int i = 0; i < 256; ++i) m.push_back(rng() & top);
  std::sort(m.begin(), m.end());
  m.erase(std::unique(m.begin(), m.end()), m.end());
  return m;
}

/// Stratified float32 inputs for Fmt, both signs: float32 specials and edges, every (sampled)
/// code's value and its float32 neighbours, the midpoints between adjacent codes and their
/// neighbours, and the overflow and underflow edges. Sorted by magnitude, then shuffled (so
/// that vectors hold specials among ordinary lanes); `all_bits` as in sample_magnitudes.
template <class Fmt>
std::vector<float> stratified_inputs(int all_bits = 12) {
  using S = lowp::storage_t<Fmt>;
  constexpr lowp::float_format f = lowp::descriptor_v<Fmt>;
  std::vector<std::uint32_t> mags = {
      0x00000000u, 0x00000001u, 0x00000002u, 0x00000003u, 0x00012345u, 0x00400000u,
      0x007FFFFEu, 0x007FFFFFu, 0x00800000u, 0x00800001u, 0x3F800000u, 0x7F7FFFFEu,
      0x7F7FFFFFu, 0x7F800000u, 0x7F800001u, 0x7F800002u, 0x7FA00000u, 0x7FBFFFFFu,
      0x7FC00000u, 0x7FC00001u, 0x7FC12345u, 0x7FE00000u, 0x7FFFFFFFu};
  const std::uint64_t top = lowp::all_ones_magnitude(f);
  // value(m): the double value of magnitude code m, or NaN for a non-finite code.
  auto value = [&](std::uint64_t m) {
    const float v = lowp::decode_as<Fmt>(static_cast<S>(m), nan_decoding::keep_sign);
    return std::isfinite(v) ? static_cast<double>(v) : std::nan("");
  };
  for (std::uint64_t m : sample_magnitudes<Fmt>(all_bits)) {
    const double v = value(m);
    if (std::isnan(v)) continue;
    add_near(mags, v, 3);
    if (m > 0 && !std::isnan(value(m - 1))) add_near(mags, (value(m - 1) + v) / 2, 2);
    if (m < top && !std::isnan(value(m + 1))) add_near(mags, (v + value(m + 1)) / 2, 2);
  }
  // Overflow edges: max + ulp/4, ulp/2 (the threshold of the nearest modes), 3ulp/4, ulp
  // (2^(emax + 1) for most formats) and twice the largest value.
  const double max = lowp::max_finite(f);
  const double ulp = std::ldexp(1.0, lowp::emax(f) - f.mantissa_bits);
  for (double k : {0.25, 0.5, 0.75, 1.0}) add_near(mags, max + k * ulp, 3);
  if (lowp::emax(f) + 1 <= 127) add_near(mags, std::ldexp(1.0, lowp::emax(f) + 1), 3);
  add_near(mags, 2 * max, 1);
  // Underflow edges around the smallest positive value.
  const double tiny = lowp::min_positive(f);
  for (double k : {0.25, 0.5, 0.75, 1.0, 1.5}) add_near(mags, tiny * k, 3);
  std::sort(mags.begin(), mags.end());
  mags.erase(std::unique(mags.begin(), mags.end()), mags.end());

  std::vector<std::uint32_t> bits;
  bits.reserve(2 * mags.size());
  for (std::uint32_t b : mags) {
    bits.push_back(b);
    bits.push_back(b | 0x80000000u);
  }
  std::vector<std::uint32_t> shuffled = bits;
  std::mt19937 rng(0xC0FFEEu);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  // Exhaustive sets of wide formats are large: shuffled only.
  if (lowp::total_bits(f) > 12) bits.clear();
  bits.insert(bits.end(), shuffled.begin(), shuffled.end());
  std::vector<float> x(bits.size());
  for (std::size_t i = 0; i < bits.size(); ++i) x[i] = f32(bits[i]);
  return x;
}

/// n seeded random float32 inputs: a third uniform over all bit patterns, a third with
/// exponents around Fmt's range, a third with only the mantissa bits just below Fmt's
/// precision set (exact codes, ties, quarter points), with a random sticky bit.
template <class Fmt>
std::vector<float> random_inputs(std::uint32_t seed, std::size_t n) {
  constexpr lowp::float_format f = lowp::descriptor_v<Fmt>;
  const int lo = std::max(0, lowp::emin(f) - f.mantissa_bits - 3 + 127);
  const int hi = std::min(254, lowp::emax(f) + 2 + 127);
  const int kept = std::min(23, f.mantissa_bits + 2);  // mantissa bits kept in the third group
  const std::uint32_t keep_mask = ~((std::uint32_t{1} << (23 - kept)) - 1u) & 0x7FFFFFu;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> exponent(lo, hi);
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto r = static_cast<std::uint32_t>(rng());
    const std::uint32_t sign = r & 0x80000000u;
    switch (i % 3) {
      case 0:
        x[i] = f32(r);
        break;
      case 1:
        x[i] = f32(sign | static_cast<std::uint32_t>(exponent(rng)) << 23 |
                   (static_cast<std::uint32_t>(rng()) & 0x7FFFFFu));
        break;
      default: {
        std::uint32_t m = static_cast<std::uint32_t>(rng()) & keep_mask;
        if ((r & 0x3u) == 0) m |= 1u;  // sticky
        x[i] = f32(sign | static_cast<std::uint32_t>(exponent(rng)) << 23 | m);
        break;
      }
    }
  }
  return x;
}

// --- the checks ---------------------------------------------------------------------------------

/// Encodes x with rounding R under `policy` on every ISA in `isas`, in pieces of odd lengths,
/// and compares each code with encode_as (random bits of element i: counter_random_bits(seed,
/// first_index + i, random_count)).
template <class Fmt, rounding R>
void check_encode(const char* format, const std::vector<float>& x, conversion_policy policy,
                  unsigned random_count, std::uint64_t seed, std::uint64_t first_index,
                  const std::vector<simd::isa>& isas, tally& t) {
  using S = lowp::storage_t<Fmt>;
  policy.round = R;
  const std::size_t n = x.size();
  std::vector<S> ref(n);
  for (std::size_t i = 0; i < n; ++i)
    ref[i] = lowp::encode_as<Fmt>(x[i], policy,
                                  lowp::counter_random_bits(seed, first_index + i, random_count));
  const auto sentinel = static_cast<S>(0xA5A5A5A5u);
  std::vector<S> out(n + guard);
  for (simd::isa which : isas) {
    int reported = 0;
    auto where = [&] {
      return std::string("encode ") + format + " isa=" + simd::isa_name(which) + " " +
             describe(policy, random_count) + " seed=" + hex(seed) +
             " first_index=" + std::to_string(first_index);
    };
    std::fill(out.begin(), out.end(), sentinel);
    std::size_t k = 0;
    for (std::size_t begin = 0; begin < n; ++k) {
      const std::size_t len = std::min(piece_lengths[k % std::size(piece_lengths)], n - begin);
      const auto plan =
          simd::make_encode_plan<Fmt>(policy, seed, random_count, first_index + begin);
      simd::encode_f32<Fmt, R>(which, x.data() + begin, out.data() + begin, len, plan);
      begin += len;
      for (std::size_t g = begin; g < begin + guard; ++g) {
        if (out[g] != sentinel) {
          t.mismatch(reported, where() + ": a call of " + std::to_string(len) +
                                   " elements wrote element " + std::to_string(g - begin) +
                                   " past its end");
          out[g] = sentinel;
        }
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      ++t.compared;
      if (out[i] != ref[i])
        t.mismatch(reported, where() + " element " + std::to_string(i) + " input=0x" +
                                 hex(u32(x[i])) + ": scalar=0x" + hex(ref[i]) + " " +
                                 simd::isa_name(which) + "=0x" + hex(out[i]));
    }
  }
}

/// Decodes `codes` under every NaN decoding on every ISA in `isas`, in pieces of odd
/// lengths, and compares the float32 bit patterns with decode_as.
template <class Fmt>
void check_decode(const char* format, const std::vector<lowp::storage_t<Fmt>>& codes,
                  const std::vector<simd::isa>& isas, tally& t) {
  const std::size_t n = codes.size();
  constexpr std::uint32_t sentinel = 0xDEADBEEFu;
  std::vector<std::uint32_t> ref(n);
  std::vector<float> out(n + guard);
  auto bits_at = [&](std::size_t i) {
    std::uint32_t b;
    std::memcpy(&b, out.data() + i, 4);
    return b;
  };
  auto set_sentinel = [&](std::size_t i) { std::memcpy(out.data() + i, &sentinel, 4); };
  for (nan_decoding how : all_nan_decodings) {
    for (std::size_t i = 0; i < n; ++i) ref[i] = u32(lowp::decode_as<Fmt>(codes[i], how));
    for (simd::isa which : isas) {
      int reported = 0;
      auto where = [&] {
        return std::string("decode ") + format + " isa=" + simd::isa_name(which) +
               " nan_decoding=" + name_of(how);
      };
      for (std::size_t i = 0; i < out.size(); ++i) set_sentinel(i);
      std::size_t k = 0;
      for (std::size_t begin = 0; begin < n; ++k) {
        const std::size_t len = std::min(piece_lengths[k % std::size(piece_lengths)], n - begin);
        simd::decode_f32<Fmt>(which, codes.data() + begin, out.data() + begin, len, how);
        begin += len;
        for (std::size_t g = begin; g < begin + guard; ++g) {
          if (bits_at(g) != sentinel) {
            t.mismatch(reported, where() + ": a call of " + std::to_string(len) +
                                     " elements wrote element " + std::to_string(g - begin) +
                                     " past its end");
            set_sentinel(g);
          }
        }
      }
      for (std::size_t i = 0; i < n; ++i) {
        ++t.compared;
        if (bits_at(i) != ref[i])
          t.mismatch(reported, where() + " code=0x" + hex(codes[i]) + ": scalar=0x" + hex(ref[i]) +
                                   " " + simd::isa_name(which) + "=0x" + hex(bits_at(i)));
      }
    }
  }
}

}  // namespace

// --- encode -------------------------------------------------------------------------------------

TEST_CASE("SIMD encode matches the scalar codec for every format mode and overflow",
          "[simd][parity][encode]") {
  const auto isas = supported_isas();
  for_each_format(parity_formats(), [&](const auto& e) {
    using Fmt = typename std::decay_t<decltype(e)>::tag;
    DYNAMIC_SECTION(e.name) {
      const std::uint64_t seed = seed_of(e.name);
      const auto strat = stratified_inputs<Fmt>();
      const auto rnd = random_inputs<Fmt>(static_cast<std::uint32_t>(seed), 20000);
      tally t;
      for (rounding r : lowp_test::all_modes) {
        for (unsigned rc : {32u, 3u}) {
          if (rc != 32 && r != rounding::stochastic) continue;
          for (overflow o : lowp_test::all_overflows) {
            const conversion_policy p = conversion_policy{}.with(o);
            with_mode(r, [&](auto mode) {
              constexpr rounding R = decltype(mode)::value;
              check_encode<Fmt, R>(e.name, strat, p, rc, seed, 3, isas, t);
              // Indices that cross 2^32 within the array.
              check_encode<Fmt, R>(e.name, rnd, p, rc, seed + 1, (std::uint64_t{1} << 32) - 9999,
                                   isas, t);
            });
          }
        }
      }
      t.finish("encode", e.name);
    }
  });
}

TEST_CASE("SIMD encode matches the scalar codec around every code of 9 to 16-bit formats",
          "[simd][parity][encode]") {
  const auto isas = supported_isas();
  for_each_format(parity_formats(), [&](const auto& e) {
    using Fmt = typename std::decay_t<decltype(e)>::tag;
    constexpr int bits = lowp::total_bits(lowp::descriptor_v<Fmt>);
    if constexpr (bits > 8 && bits <= 16) {
      DYNAMIC_SECTION(e.name) {
        // Every code's value, its float32 neighbours and the midpoints: every rounding mode,
        // the default overflow (the overflow cross product runs on a sample of the codes).
        const std::uint64_t seed = seed_of(e.name) + 7;
        const auto strat = stratified_inputs<Fmt>(16);
        tally t;
        for (rounding r : lowp_test::all_modes) {
          with_mode(r, [&](auto mode) {
            constexpr rounding R = decltype(mode)::value;
            check_encode<Fmt, R>(e.name, strat, conversion_policy{}, 32, seed, 0, isas, t);
          });
        }
        t.finish("encode every code", e.name);
      }
    }
  });
}

TEST_CASE("SIMD encode matches the scalar codec for every NaN zero and sign policy",
          "[simd][parity][encode]") {
  using lowp::nan_encoding;
  using lowp::nan_substitute;
  using lowp::negative_substitute;
  using lowp::zero_substitute;
  const auto isas = supported_isas();
  for_each_format(parity_formats(), [&](const auto& e) {
    using Fmt = typename std::decay_t<decltype(e)>::tag;
    constexpr lowp::float_format f = lowp::descriptor_v<Fmt>;
    DYNAMIC_SECTION(e.name) {
      const std::uint64_t seed = seed_of(e.name) ^ 0x9E3779B9u;
      const auto strat = stratified_inputs<Fmt>();
      const auto rnd = random_inputs<Fmt>(static_cast<std::uint32_t>(seed), 5000);
      tally t;
      // Unsigned formats: negative inputs meet every rounding mode (the sign decides the
      // directed modes). Other formats: nearest_even.
      std::vector<rounding> modes = {rounding::nearest_even};
      if (!lowp::is_signed(f))
        modes.assign(std::begin(lowp_test::all_modes), std::end(lowp_test::all_modes));
      for (rounding r : modes)
        for (overflow o : {overflow::saturate, overflow::to_nonfinite})
          for (nan_encoding ne :
               {nan_encoding::keep_sign, nan_encoding::positive, nan_encoding::all_ones})
            for (nan_substitute ns :
                 {nan_substitute::max_positive, nan_substitute::flipped_zero, nan_substitute::zero})
              for (zero_substitute zs : {zero_substitute::lowest, zero_substitute::nan})
                for (negative_substitute neg :
                     {negative_substitute::nan, negative_substitute::lowest,
                      negative_substitute::magnitude}) {
                  conversion_policy p = conversion_policy{}.with(o);
                  p.nan = ne;
                  p.no_nan = ns;
                  p.no_zero = zs;
                  p.negative = neg;
                  with_mode(r, [&](auto mode) {
                    constexpr rounding R = decltype(mode)::value;
                    check_encode<Fmt, R>(e.name, strat, p, 32, seed, 0, isas, t);
                    check_encode<Fmt, R>(e.name, rnd, p, 32, seed, 1000, isas, t);
                  });
                }
      // A library quirk runs on the scalar codec: every ISA must still give its codes.
      for (rounding r : lowp_test::all_modes)
        for (overflow o : lowp_test::all_overflows) {
          conversion_policy p = conversion_policy{}.with(o);
          p.compat = lowp::quirk::mldtypes_e8m0_subnormal;
          with_mode(r, [&](auto mode) {
            constexpr rounding R = decltype(mode)::value;
            check_encode<Fmt, R>(e.name, strat, p, 32, seed, 0, isas, t);
            check_encode<Fmt, R>(e.name, rnd, p, 32, seed, 1000, isas, t);
          });
        }
      t.finish("encode policies", e.name);
    }
  });
}

// --- decode -------------------------------------------------------------------------------------

TEST_CASE("SIMD decode matches the scalar codec bit for bit", "[simd][parity][decode]") {
  const auto isas = supported_isas();
  for_each_format(parity_formats(), [&](const auto& e) {
    using Fmt = typename std::decay_t<decltype(e)>::tag;
    using S = lowp::storage_t<Fmt>;
    constexpr lowp::float_format f = lowp::descriptor_v<Fmt>;
    DYNAMIC_SECTION(e.name) {
      std::vector<S> codes;
      if (lowp::total_bits(f) <= 20) {
        // Every code (tf32's 2^19 included).
        for (std::uint64_t c = 0; c < (std::uint64_t{1} << lowp::total_bits(f)); ++c)
          codes.push_back(static_cast<S>(c));
        if (lowp::total_bits(f) <= 8) {
          // Three shuffled copies, so that long calls run the main loops too.
          const std::vector<S> once = codes;
          std::mt19937 rng(static_cast<std::uint32_t>(seed_of(e.name)));
          for (int k = 0; k < 3; ++k) {
            std::vector<S> copy = once;
            std::shuffle(copy.begin(), copy.end(), rng);
            codes.insert(codes.end(), copy.begin(), copy.end());
          }
        }
      } else {
        // Every special pattern and edge with both signs, then random codes.
        const std::uint64_t sign = std::uint64_t{1} << (lowp::total_bits(f) - 1);
        const std::uint64_t edges[] = {0,
                                       1,
                                       2,
                                       lowp::mantissa_mask(f) - 1,
                                       lowp::mantissa_mask(f),
                                       lowp::mantissa_mask(f) + 1,
                                       lowp::max_finite_magnitude(f) - 1,
                                       lowp::max_finite_magnitude(f),
                                       lowp::max_finite_magnitude(f) + 1,
                                       lowp::max_finite_magnitude(f) + 2,
                                       lowp::nan_code(f),
                                       lowp::nan_code(f) + 1,
                                       lowp::all_ones_magnitude(f) - 1,
                                       lowp::all_ones_magnitude(f)};
        for (std::uint64_t c : edges) {
          codes.push_back(static_cast<S>(c));
          codes.push_back(static_cast<S>(c | sign));
        }
        const std::uint64_t mask = (sign << 1) - 1;
        std::mt19937_64 rng(seed_of(e.name));
        for (int i = 0; i < 200000; ++i) codes.push_back(static_cast<S>(rng() & mask));
      }
      tally t;
      check_decode<Fmt>(e.name, codes, isas, t);
      t.finish("decode", e.name);
    }
  });
}

// --- every float32 input, 8-bit formats ------------------------------------------------------

namespace {

/// All 2^32 float32 inputs through every non-scalar ISA, nearest_even and the default
/// overflow, against encode_as; chunks of 2^20 on two threads.
template <class Fmt>
void sweep_all_floats(const char* format, const std::vector<simd::isa>& isas) {
  using S = lowp::storage_t<Fmt>;
  constexpr std::uint64_t chunk = std::uint64_t{1} << 20;
  constexpr std::uint64_t chunks = (std::uint64_t{1} << 32) / chunk;
  constexpr unsigned threads = 2;
  const conversion_policy policy = conversion_policy{}.with(lowp::default_overflow_v<Fmt>);
  const auto plan = simd::make_encode_plan<Fmt>(policy);
  lowp_test::mismatch_log log;
  const auto start = std::chrono::steady_clock::now();
  auto worker = [&](unsigned id) {
    std::vector<float> x(chunk);
    std::vector<S> ref(chunk);
    std::vector<S> out(chunk);
    for (std::uint64_t c = id; c < chunks; c += threads) {
      const std::uint64_t base = c * chunk;
      for (std::uint64_t j = 0; j < chunk; ++j) x[j] = f32(base + j);
      for (std::uint64_t j = 0; j < chunk; ++j) ref[j] = lowp::encode_as<Fmt>(x[j], policy);
      for (simd::isa which : isas) {
        simd::encode_f32<Fmt, rounding::nearest_even>(which, x.data(), out.data(), chunk, plan);
        for (std::uint64_t j = 0; j < chunk; ++j) {
          if (out[j] == ref[j]) continue;
          if (log.count.load() >= 8) {
            ++log.count;
            continue;
          }
          log.add(std::string("encode ") + format + " isa=" + simd::isa_name(which) + " " +
                  describe(policy, 32) + " input=0x" + hex(base + j) + ": scalar=0x" + hex(ref[j]) +
                  " " + simd::isa_name(which) + "=0x" + hex(out[j]));
        }
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned id = 1; id < threads; ++id) pool.emplace_back(worker, id);
  worker(0);
  for (std::thread& th : pool) th.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("simd parity: every float32 to %s on %zu ISA(s): %llu mismatches (%.1f s)\n", format,
              isas.size(), static_cast<unsigned long long>(log.count.load()), seconds);
  INFO(format << ": " << log.count.load() << " mismatches");
  log.report();
}

}  // namespace

TEST_CASE("SIMD encode of every float32 matches the scalar codec for 8-bit formats",
          "[simd][parity][slow]") {
  const std::vector<simd::isa> isas = supported_isas(lowp_test::scalar_path::exclude);
  if (isas.empty()) {
    WARN("no vector ISA is supported here: nothing to compare");
    return;
  }
  const auto formats = std::make_tuple(
      format_entry<fm::e4m3fn>{"e4m3fn"}, format_entry<fm::e5m2>{"e5m2"},
      format_entry<fm::e4m3>{"e4m3"}, format_entry<fm::e3m4>{"e3m4"},
      format_entry<fm::e4m3fnuz>{"e4m3fnuz"}, format_entry<fm::e5m2fnuz>{"e5m2fnuz"},
      format_entry<fm::e4m3b11fnuz>{"e4m3b11fnuz"}, format_entry<fm::e8m0fnu>{"e8m0fnu"},
      format_entry<fm::ue4m3>{"ue4m3"});
  for_each_format(formats, [&](const auto& e) {
    using Fmt = typename std::decay_t<decltype(e)>::tag;
    DYNAMIC_SECTION(e.name) { sweep_all_floats<Fmt>(e.name, isas); }
  });
}
