// The public array API (lowp/array/convert.hpp) on the active ISA: quantize/dequantize equal
// the scalar codec element by element; the parallel overloads and arrays converted in two
// calls (first_index) equal one single-thread call; packed FP4/FP6 bytes equal a bit writer
// written here from the layout rule (little-endian bit stream: 4-bit code 2i in the low
// nibble of byte i, four 6-bit codes per three bytes) and round trip; size mismatches throw;
// empty arrays work; every supported ISA gives the same results through set_active_isa; and
// the active ISA follows LOWP_FORCE_ISA ([force], run by CTest with the variable set).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "lowp/array/convert.hpp"
#include "lowp/codec/float_codec.hpp"
#include "lowp/core/random.hpp"
#include "lowp/format/formats.hpp"
#include "lowp/simd/detect.hpp"
#include "lowp/simd/isa.hpp"
#include "support/bits.hpp"
#include "support/catch.hpp"
#include "support/isas.hpp"

namespace {

namespace simd = lowp::simd;
namespace fm = lowp::formats;
using lowp::array_options;
using lowp::conversion_policy;
using lowp::nan_decoding;
using lowp::overflow;
using lowp::parallel;
using lowp::rounding;
using lowp::span;
using lowp_test::f32;
using lowp_test::hex;
using lowp_test::u32;

constexpr nan_decoding all_nan_decodings[] = {nan_decoding::keep_sign, nan_decoding::payload,
                                              nan_decoding::positive, nan_decoding::all_ones,
                                              nan_decoding::bf16_all_ones};

/// n float32 inputs: values of magnitude 2^-30 .. 2^30, some exact small values (ties in
/// FP4/FP6), +-0, +-inf, NaNs and random bit patterns.
std::vector<float> sample(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> kind(0, 15);
  std::uniform_int_distribution<int> exponent(-30, 30);
  std::uniform_int_distribution<int> quarter(-40, 40);
  std::normal_distribution<float> gauss(0.0f, 1.0f);
  std::vector<float> x(n);
  for (auto& v : x) {
    switch (kind(rng)) {
      case 0:
        v = f32(static_cast<std::uint32_t>(rng()));
        break;
      case 1: {
        const float specials[] = {0.0f,
                                  -0.0f,
                                  f32(0x7F800000u),
                                  f32(0xFF800000u),
                                  f32(0x7FC00000u),
                                  f32(0xFFC12345u),
                                  f32(0x7F800001u)};
        v = specials[rng() % std::size(specials)];
        break;
      }
      case 2:
      case 3:
        v = static_cast<float>(quarter(rng)) * 0.25f;  // exact and midway FP4/FP6 values
        break;
      default:
        v = std::ldexp(gauss(rng), exponent(rng) / 3);
        break;
    }
  }
  return x;
}

using lowp_test::isa_guard;

/// Expected codes: encode_as element by element (element i: counter_random_bits(seed,
/// first_index + i, random_count)).
template <class Fmt>
std::vector<lowp::storage_t<Fmt>> expected_codes(const std::vector<float>& x,
                                                 const conversion_policy& policy,
                                                 const array_options& opt = {}) {
  std::vector<lowp::storage_t<Fmt>> c(x.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    c[i] = lowp::encode_as<Fmt>(
        x[i], policy, lowp::counter_random_bits(opt.seed, opt.first_index + i, opt.random_count));
  return c;
}

/// float32 bit patterns of a float array.
std::vector<std::uint32_t> bits_of(const std::vector<float>& v) {
  std::vector<std::uint32_t> b(v.size());
  if (!v.empty()) std::memcpy(b.data(), v.data(), 4 * v.size());
  return b;
}

/// "" when `got` equals `want`, else the first difference with both values in hex.
template <class T>
std::string difference(const std::vector<T>& got, const std::vector<T>& want) {
  if (got.size() != want.size())
    return "sizes " + std::to_string(got.size()) + " and " + std::to_string(want.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    if (got[i] != want[i])
      return "element " + std::to_string(i) + ": got 0x" + hex(got[i]) + ", want 0x" + hex(want[i]);
  return "";
}

/// A little-endian bit stream written bit by bit: bit b of code i is stream bit i * bits + b,
/// stream bit k is bit k % 8 of byte k / 8.
std::vector<std::uint8_t> write_bits(const std::vector<std::uint8_t>& codes, int bits) {
  const auto width = static_cast<std::size_t>(bits);
  std::vector<std::uint8_t> out((codes.size() * width + 7) / 8, 0);
  for (std::size_t i = 0; i < codes.size(); ++i)
    for (std::size_t b = 0; b < width; ++b)
      if ((codes[i] >> b) & 1u) {
        const std::size_t k = i * width + b;
        out[k / 8] = static_cast<std::uint8_t>(out[k / 8] | (1u << (k % 8)));
      }
  return out;
}

/// Code i of a little-endian bit stream, read bit by bit.
std::uint8_t read_bits(const std::vector<std::uint8_t>& bytes, std::size_t i, int bits) {
  const auto width = static_cast<std::size_t>(bits);
  unsigned c = 0;
  for (std::size_t b = 0; b < width; ++b) {
    const std::size_t k = i * width + b;
    c |= ((bytes[k / 8] >> (k % 8)) & 1u) << b;
  }
  return static_cast<std::uint8_t>(c);
}

}  // namespace

// --- element by element ---------------------------------------------------------------------

namespace {

template <class Fmt>
void check_against_codec(const char* name) {
  INFO("format " << name << " on " << simd::isa_name(simd::active_isa()));
  using S = lowp::storage_t<Fmt>;
  const auto x = sample(10007, 17);
  std::vector<S> out(x.size());
  const auto policy = conversion_policy{}.with(lowp::default_overflow_v<Fmt>);

  lowp::quantize<Fmt>(span<const float>(x), span<S>(out));
  CHECK(difference(out, expected_codes<Fmt>(x, policy)) == "");

  lowp::quantize<Fmt, rounding::toward_zero, overflow::saturate>(span<const float>(x),
                                                                 span<S>(out));
  CHECK(difference(out, expected_codes<Fmt>(
                            x, policy.with(rounding::toward_zero).with(overflow::saturate))) == "");

  for (unsigned rc : {32u, 5u}) {
    array_options opt;
    opt.seed = 0xABCDEF12u + rc;
    opt.random_count = rc;
    opt.first_index = 123456789;
    lowp::quantize<Fmt, rounding::stochastic, overflow::saturate_keep_inf>(span<const float>(x),
                                                                           span<S>(out), opt);
    CHECK(
        difference(out, expected_codes<Fmt>(
                            x, policy.with(rounding::stochastic).with(overflow::saturate_keep_inf),
                            opt)) == "");
  }

  conversion_policy p = policy.with(rounding::to_odd).with(overflow::ieee);
  p.nan = lowp::nan_encoding::all_ones;
  p.no_nan = lowp::nan_substitute::flipped_zero;
  p.negative = lowp::negative_substitute::magnitude;
  lowp::quantize_as<Fmt>(span<const float>(x), span<S>(out), p);
  CHECK(difference(out, expected_codes<Fmt>(x, p)) == "");

  // dequantize of random codes under every NaN decoding.
  std::vector<S> codes(x.size());
  std::mt19937 rng(5);
  const auto mask = static_cast<std::uint32_t>(
      (std::uint64_t{1} << lowp::total_bits(lowp::descriptor_v<Fmt>)) - 1);
  for (auto& c : codes) c = static_cast<S>(rng() & mask);
  std::vector<float> back(codes.size());
  for (nan_decoding how : all_nan_decodings) {
    array_options opt;
    opt.nan = how;
    lowp::dequantize<Fmt>(span<const S>(codes), span<float>(back), opt);
    std::vector<std::uint32_t> want(codes.size());
    for (std::size_t i = 0; i < codes.size(); ++i)
      want[i] = u32(lowp::decode_as<Fmt>(codes[i], how));
    CHECK(difference(bits_of(back), want) == "");
  }
}

}  // namespace

TEST_CASE("Array quantize and dequantize equal the scalar codec element by element",
          "[simd][array]") {
  check_against_codec<fm::e4m3fn>("e4m3fn");
  check_against_codec<fm::e5m2>("e5m2");
  check_against_codec<fm::e8m0fnu>("e8m0fnu");
  check_against_codec<fm::ue4m3>("ue4m3");
  check_against_codec<fm::e2m1fn>("e2m1fn");
  check_against_codec<fm::e3m2fn>("e3m2fn");
  check_against_codec<fm::bfloat16>("bfloat16");
  check_against_codec<fm::binary16>("binary16");
  check_against_codec<fm::tf32>("tf32");
}

// --- threads and pieces -------------------------------------------------------------------------

TEST_CASE("Array parallel conversions equal single-thread conversions", "[simd][array]") {
  const auto x = sample(100003, 23);
  const parallel pars[] = {parallel{4, 1000}, parallel{3, 1}, parallel{0, 1000},
                           parallel{7, 100000}};
  array_options opt;
  opt.seed = 99;
  opt.random_count = 11;
  opt.first_index = 5;
  conversion_policy sr = conversion_policy{}.with(rounding::stochastic);

  std::vector<std::uint8_t> one(x.size()), many(x.size());
  lowp::quantize<fm::e4m3fn>(span<const float>(x), span<std::uint8_t>(one));
  for (const parallel& par : pars) {
    INFO("parallel{" << par.threads << ", " << par.min_per_thread << "}");
    std::fill(many.begin(), many.end(), std::uint8_t{0xEE});
    lowp::quantize<fm::e4m3fn>(par, span<const float>(x), span<std::uint8_t>(many));
    CHECK(difference(one, many) == "");
  }

  lowp::quantize_as<fm::e5m2>(span<const float>(x), span<std::uint8_t>(one), sr, opt);
  CHECK(difference(one, expected_codes<fm::e5m2>(x, sr, opt)) == "");
  for (const parallel& par : pars) {
    INFO("parallel{" << par.threads << ", " << par.min_per_thread << "}");
    std::fill(many.begin(), many.end(), std::uint8_t{0xEE});
    lowp::quantize_as<fm::e5m2>(par, span<const float>(x), span<std::uint8_t>(many), sr, opt);
    CHECK(difference(one, many) == "");
  }

  std::vector<std::uint16_t> h1(x.size()), hn(x.size());
  lowp::quantize<fm::bfloat16, rounding::stochastic>(span<const float>(x), span<std::uint16_t>(h1),
                                                     opt);
  for (const parallel& par : pars) {
    std::fill(hn.begin(), hn.end(), std::uint16_t{0xEEEE});
    lowp::quantize<fm::bfloat16, rounding::stochastic>(par, span<const float>(x),
                                                       span<std::uint16_t>(hn), opt);
    CHECK(difference(h1, hn) == "");
  }

  std::vector<float> d1(x.size()), dn(x.size());
  array_options payload;
  payload.nan = nan_decoding::payload;
  lowp::dequantize<fm::e5m2>(span<const std::uint8_t>(one), span<float>(d1), payload);
  for (const parallel& par : pars) {
    std::fill(dn.begin(), dn.end(), 0.0f);
    lowp::dequantize<fm::e5m2>(par, span<const std::uint8_t>(one), span<float>(dn), payload);
    CHECK(difference(bits_of(d1), bits_of(dn)) == "");
  }

  // Packed: FP4 round to nearest, FP6 stochastic.
  std::vector<std::uint8_t> p1(lowp::packed_bytes<fm::e2m1fn>(x.size()));
  std::vector<std::uint8_t> pn(p1.size());
  lowp::quantize_packed<fm::e2m1fn>(span<const float>(x), span<std::uint8_t>(p1));
  for (const parallel& par : pars) {
    std::fill(pn.begin(), pn.end(), std::uint8_t{0xEE});
    lowp::quantize_packed<fm::e2m1fn>(par, span<const float>(x), span<std::uint8_t>(pn));
    CHECK(difference(p1, pn) == "");
  }
  lowp::dequantize_packed<fm::e2m1fn>(span<const std::uint8_t>(p1), span<float>(d1));
  for (const parallel& par : pars) {
    std::fill(dn.begin(), dn.end(), 0.0f);
    lowp::dequantize_packed<fm::e2m1fn>(par, span<const std::uint8_t>(p1), span<float>(dn));
    CHECK(difference(bits_of(d1), bits_of(dn)) == "");
  }

  std::vector<std::uint8_t> q1(lowp::packed_bytes<fm::e3m2fn>(x.size()));
  std::vector<std::uint8_t> qn(q1.size());
  lowp::quantize_packed_as<fm::e3m2fn>(span<const float>(x), span<std::uint8_t>(q1), sr, opt);
  for (const parallel& par : pars) {
    std::fill(qn.begin(), qn.end(), std::uint8_t{0xEE});
    lowp::quantize_packed_as<fm::e3m2fn>(par, span<const float>(x), span<std::uint8_t>(qn), sr,
                                         opt);
    CHECK(difference(q1, qn) == "");
  }
  lowp::dequantize_packed<fm::e3m2fn>(span<const std::uint8_t>(q1), span<float>(d1));
  for (const parallel& par : pars) {
    std::fill(dn.begin(), dn.end(), 0.0f);
    lowp::dequantize_packed<fm::e3m2fn>(par, span<const std::uint8_t>(q1), span<float>(dn));
    CHECK(difference(bits_of(d1), bits_of(dn)) == "");
  }
}

TEST_CASE("Array conversions in two calls with first_index equal one call", "[simd][array]") {
  const auto x = sample(20011, 29);
  const conversion_policy sr = conversion_policy{}.with(rounding::stochastic);
  array_options opt;
  opt.seed = 0x5EED;
  opt.random_count = 9;
  opt.first_index = 1000;

  for (std::size_t h :
       {std::size_t{0}, std::size_t{1}, std::size_t{4097}, std::size_t{10000}, x.size()}) {
    INFO("first half " << h);
    std::vector<std::uint8_t> whole(x.size()), parts(x.size());
    lowp::quantize_as<fm::e4m3>(span<const float>(x), span<std::uint8_t>(whole), sr, opt);
    array_options second = opt;
    second.first_index = opt.first_index + h;
    lowp::quantize_as<fm::e4m3>(span<const float>(x.data(), h), span<std::uint8_t>(parts.data(), h),
                                sr, opt);
    lowp::quantize_as<fm::e4m3>(span<const float>(x.data() + h, x.size() - h),
                                span<std::uint8_t>(parts.data() + h, x.size() - h), sr, second);
    CHECK(difference(whole, parts) == "");
  }

  // Packed: the halves split on a byte boundary (a multiple of 8 elements; of 4 for FP6).
  for (std::size_t h : {std::size_t{0}, std::size_t{8}, std::size_t{4096}, std::size_t{10008}}) {
    INFO("first half " << h);
    std::vector<std::uint8_t> whole(lowp::packed_bytes<fm::e2m1fn>(x.size()));
    std::vector<std::uint8_t> parts(whole.size());
    lowp::quantize_packed_as<fm::e2m1fn>(span<const float>(x), span<std::uint8_t>(whole), sr, opt);
    array_options second = opt;
    second.first_index = opt.first_index + h;
    const std::size_t hb = lowp::packed_bytes<fm::e2m1fn>(h);
    lowp::quantize_packed_as<fm::e2m1fn>(span<const float>(x.data(), h),
                                         span<std::uint8_t>(parts.data(), hb), sr, opt);
    lowp::quantize_packed_as<fm::e2m1fn>(span<const float>(x.data() + h, x.size() - h),
                                         span<std::uint8_t>(parts.data() + hb, parts.size() - hb),
                                         sr, second);
    CHECK(difference(whole, parts) == "");

    std::vector<std::uint8_t> whole6(lowp::packed_bytes<fm::e2m3fn>(x.size()));
    std::vector<std::uint8_t> parts6(whole6.size());
    lowp::quantize_packed_as<fm::e2m3fn>(span<const float>(x), span<std::uint8_t>(whole6), sr, opt);
    const std::size_t hb6 = lowp::packed_bytes<fm::e2m3fn>(h);
    lowp::quantize_packed_as<fm::e2m3fn>(span<const float>(x.data(), h),
                                         span<std::uint8_t>(parts6.data(), hb6), sr, opt);
    lowp::quantize_packed_as<fm::e2m3fn>(
        span<const float>(x.data() + h, x.size() - h),
        span<std::uint8_t>(parts6.data() + hb6, parts6.size() - hb6), sr, second);
    CHECK(difference(whole6, parts6) == "");
  }
}

// --- packed layout ------------------------------------------------------------------------------

namespace {

template <class Fmt>
void check_packed(const char* name, std::size_t n, const conversion_policy& policy,
                  const array_options& opt) {
  constexpr int bits = lowp::total_bits(lowp::descriptor_v<Fmt>);
  INFO(name << " n=" << n << " round=" << static_cast<int>(policy.round));
  REQUIRE(lowp::packed_bytes<Fmt>(n) == (n * static_cast<std::size_t>(bits) + 7) / 8);
  const auto x = sample(n, static_cast<std::uint32_t>(n) * 7919u + 1u);
  const auto codes = expected_codes<Fmt>(x, policy, opt);
  const auto want = write_bits(codes, bits);

  std::vector<std::uint8_t> got(lowp::packed_bytes<Fmt>(n), 0xFF);  // unused bits must be 0
  lowp::quantize_packed_as<Fmt>(span<const float>(x), span<std::uint8_t>(got), policy, opt);
  CHECK(difference(got, want) == "");  // the bytes

  // The layout rule stated byte-wise, against the codes.
  for (std::size_t i = 0; i < n; ++i) {
    if (read_bits(got, i, bits) != codes[i]) {
      FAIL_CHECK("code " << i << " reads back 0x" << hex(read_bits(got, i, bits)) << ", want 0x"
                         << hex(codes[i]));
      break;
    }
  }
  if (bits == 4) {
    for (std::size_t i = 0; i < n; ++i) {
      const unsigned nibble = i % 2 == 0 ? (got[i / 2] & 0xFu) : (got[i / 2] >> 4);
      if (nibble != codes[i]) {
        FAIL_CHECK("4-bit code " << i << " is not in the " << (i % 2 == 0 ? "low" : "high")
                                 << " nibble of byte " << i / 2);
        break;
      }
    }
  } else if (bits == 6) {
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t g = i / 4 * 3;
      std::uint32_t w = got[g];
      if (g + 1 < got.size()) w |= std::uint32_t{got[g + 1]} << 8;
      if (g + 2 < got.size()) w |= std::uint32_t{got[g + 2]} << 16;
      if (((w >> (6 * (i % 4))) & 0x3Fu) != codes[i]) {
        FAIL_CHECK("6-bit code " << i << " is not bits " << 6 * (i % 4) << ".." << 6 * (i % 4) + 5
                                 << " of the 24-bit word at byte " << g);
        break;
      }
    }
  }
  const std::size_t used = n * static_cast<std::size_t>(bits) % 8;
  if (used != 0) CHECK((got.back() >> used) == 0);

  // Round trip: every decoded value is decode_as of its code.
  for (nan_decoding how : {nan_decoding::keep_sign, nan_decoding::payload}) {
    array_options dopt;
    dopt.nan = how;
    std::vector<float> back(n, 1.0f);
    lowp::dequantize_packed<Fmt>(span<const std::uint8_t>(got), span<float>(back), dopt);
    std::vector<std::uint32_t> expect(n);
    for (std::size_t i = 0; i < n; ++i) expect[i] = u32(lowp::decode_as<Fmt>(codes[i], how));
    CHECK(difference(bits_of(back), expect) == "");
  }

  // Unpacking arbitrary bytes (unused high bits of the last byte set too) reads each code
  // from its bits.
  std::vector<std::uint8_t> noise(got.size());
  std::mt19937 rng(static_cast<std::uint32_t>(n) + 3u);
  for (auto& b : noise) b = static_cast<std::uint8_t>(rng());
  std::vector<float> back(n);
  lowp::dequantize_packed<Fmt>(span<const std::uint8_t>(noise), span<float>(back));
  std::vector<std::uint32_t> expect(n);
  for (std::size_t i = 0; i < n; ++i)
    expect[i] =
        u32(lowp::decode<Fmt>(static_cast<lowp::storage_t<Fmt>>(read_bits(noise, i, bits))));
  CHECK(difference(bits_of(back), expect) == "");
}

template <class Fmt>
void check_packed_lengths(const char* name) {
  array_options opt;
  opt.seed = 77;
  opt.random_count = 32;
  opt.first_index = 3;
  const conversion_policy rne{};
  const conversion_policy sr = conversion_policy{}.with(rounding::stochastic);
  const isa_guard restore;
  for (simd::isa i : simd::all_isas) {
    if (!simd::supported(i)) continue;
    INFO("ISA " << simd::isa_name(i));
    REQUIRE(simd::set_active_isa(i));
    for (std::size_t n = 0; n <= 40; ++n) {
      check_packed<Fmt>(name, n, rne, opt);
      check_packed<Fmt>(name, n, sr, opt);
    }
    // Every mode, around the 64-code steps of the packed kernels and at a long odd length.
    for (rounding r : {rounding::nearest_even, rounding::nearest_away, rounding::nearest_zero,
                       rounding::toward_zero, rounding::toward_positive, rounding::toward_negative,
                       rounding::to_odd, rounding::stochastic})
      for (std::size_t n : {63, 64, 65, 191, 100001})
        check_packed<Fmt>(name, n, conversion_policy{}.with(r), opt);
  }
}

}  // namespace

TEST_CASE("Array packed FP4 and FP6 bytes follow the bit-stream layout and round trip",
          "[simd][array][packed]") {
  check_packed_lengths<fm::e2m1fn>("e2m1fn");
  check_packed_lengths<fm::e2m3fn>("e2m3fn");
  check_packed_lengths<fm::e3m2fn>("e3m2fn");
}

// --- arguments --------------------------------------------------------------------------------

TEST_CASE("Array size mismatches throw invalid_argument", "[simd][array]") {
  const std::vector<float> x(10, 1.5f);
  std::vector<float> y10(10), y11(11);
  std::vector<std::uint8_t> c9(9), c11(11), c10(10);
  const conversion_policy p{};
  const parallel par{4, 1};
  using ia = std::invalid_argument;

  CHECK_THROWS_AS(lowp::quantize<fm::e4m3fn>(span<const float>(x), span<std::uint8_t>(c9)), ia);
  CHECK_THROWS_AS(lowp::quantize<fm::e4m3fn>(span<const float>(x), span<std::uint8_t>(c11)), ia);
  CHECK_THROWS_AS(lowp::quantize<fm::e4m3fn>(par, span<const float>(x), span<std::uint8_t>(c9)),
                  ia);
  CHECK_THROWS_AS(lowp::quantize_as<fm::e4m3fn>(span<const float>(x), span<std::uint8_t>(c11), p),
                  ia);
  CHECK_THROWS_AS(
      lowp::quantize_as<fm::e4m3fn>(par, span<const float>(x), span<std::uint8_t>(c11), p), ia);
  CHECK_THROWS_AS(lowp::dequantize<fm::e4m3fn>(span<const std::uint8_t>(c10), span<float>(y11)),
                  ia);
  CHECK_THROWS_AS(lowp::dequantize<fm::e4m3fn>(span<const std::uint8_t>(c9), span<float>(y10)), ia);
  CHECK_THROWS_AS(lowp::dequantize<fm::e4m3fn>(par, span<const std::uint8_t>(c9), span<float>(y10)),
                  ia);
  CHECK_NOTHROW(lowp::quantize<fm::e4m3fn>(span<const float>(x), span<std::uint8_t>(c10)));

  // Packed: 10 FP4 codes are 5 bytes, 10 FP6 codes 8 bytes.
  std::vector<std::uint8_t> b4(4), b5(5), b6(6), b7(7), b8(8), b9(9);
  CHECK_THROWS_AS(lowp::quantize_packed<fm::e2m1fn>(span<const float>(x), span<std::uint8_t>(b4)),
                  ia);
  CHECK_THROWS_AS(lowp::quantize_packed<fm::e2m1fn>(span<const float>(x), span<std::uint8_t>(b6)),
                  ia);
  CHECK_THROWS_AS(
      lowp::quantize_packed<fm::e2m1fn>(par, span<const float>(x), span<std::uint8_t>(b6)), ia);
  CHECK_THROWS_AS(lowp::quantize_packed<fm::e2m1fn>(span<const float>(x), span<std::uint8_t>(c10)),
                  ia);
  CHECK_THROWS_AS(
      lowp::quantize_packed_as<fm::e3m2fn>(span<const float>(x), span<std::uint8_t>(b7), p), ia);
  CHECK_THROWS_AS(
      lowp::quantize_packed_as<fm::e3m2fn>(span<const float>(x), span<std::uint8_t>(b9), p), ia);
  CHECK_THROWS_AS(
      lowp::quantize_packed_as<fm::e3m2fn>(par, span<const float>(x), span<std::uint8_t>(b9), p),
      ia);
  CHECK_THROWS_AS(
      lowp::dequantize_packed<fm::e2m1fn>(span<const std::uint8_t>(b4), span<float>(y10)), ia);
  CHECK_THROWS_AS(
      lowp::dequantize_packed<fm::e2m1fn>(span<const std::uint8_t>(b6), span<float>(y10)), ia);
  CHECK_THROWS_AS(
      lowp::dequantize_packed<fm::e2m3fn>(span<const std::uint8_t>(b9), span<float>(y10)), ia);
  CHECK_THROWS_AS(
      lowp::dequantize_packed<fm::e2m3fn>(par, span<const std::uint8_t>(b7), span<float>(y10)), ia);
  CHECK_NOTHROW(lowp::quantize_packed<fm::e2m1fn>(span<const float>(x), span<std::uint8_t>(b5)));
  CHECK_NOTHROW(lowp::quantize_packed<fm::e3m2fn>(span<const float>(x), span<std::uint8_t>(b8)));
  CHECK_NOTHROW(
      lowp::dequantize_packed<fm::e3m2fn>(span<const std::uint8_t>(b8), span<float>(y10)));
}

TEST_CASE("Array zero-length conversions", "[simd][array]") {
  const std::vector<float> x;
  std::vector<float> y;
  std::vector<std::uint8_t> c;
  std::vector<std::uint16_t> h;
  const parallel par{4, 1};
  const conversion_policy sr = conversion_policy{}.with(rounding::stochastic);
  CHECK(lowp::packed_bytes<fm::e2m1fn>(0) == 0);
  CHECK(lowp::packed_bytes<fm::e2m3fn>(0) == 0);
  CHECK_NOTHROW(lowp::quantize<fm::e4m3fn>(span<const float>(x), span<std::uint8_t>(c)));
  CHECK_NOTHROW(lowp::quantize<fm::e4m3fn>(par, span<const float>(x), span<std::uint8_t>(c)));
  CHECK_NOTHROW(lowp::quantize_as<fm::bfloat16>(span<const float>(x), span<std::uint16_t>(h), sr));
  CHECK_NOTHROW(
      lowp::quantize_as<fm::bfloat16>(par, span<const float>(x), span<std::uint16_t>(h), sr));
  CHECK_NOTHROW(lowp::dequantize<fm::e5m2>(span<const std::uint8_t>(c), span<float>(y)));
  CHECK_NOTHROW(lowp::dequantize<fm::e5m2>(par, span<const std::uint8_t>(c), span<float>(y)));
  CHECK_NOTHROW(lowp::quantize_packed<fm::e2m1fn>(span<const float>(x), span<std::uint8_t>(c)));
  CHECK_NOTHROW(
      lowp::quantize_packed_as<fm::e3m2fn>(par, span<const float>(x), span<std::uint8_t>(c), sr));
  CHECK_NOTHROW(lowp::dequantize_packed<fm::e2m3fn>(span<const std::uint8_t>(c), span<float>(y)));
  CHECK_NOTHROW(
      lowp::dequantize_packed<fm::e2m1fn>(par, span<const std::uint8_t>(c), span<float>(y)));
  // Null data pointers with zero sizes.
  // (Typed null pointers: lowp::span is std::span in C++20, which has no nullptr_t constructor.)
  const float* no_f = nullptr;
  float* no_out = nullptr;
  const std::uint8_t* no_c = nullptr;
  std::uint8_t* no_codes = nullptr;
  CHECK_NOTHROW(
      lowp::quantize<fm::e4m3fn>(span<const float>(no_f, 0), span<std::uint8_t>(no_codes, 0)));
  CHECK_NOTHROW(lowp::dequantize_packed<fm::e2m1fn>(span<const std::uint8_t>(no_c, 0),
                                                    span<float>(no_out, 0)));
}

// --- the active ISA ----------------------------------------------------------------------------

namespace {

/// Results of a fixed set of conversions through the public API on the active ISA.
struct api_results {
  std::vector<std::uint8_t> e4m3fn, e5m2_sr, e8m0, ue4m3, fp4, fp6_sr;
  std::vector<std::uint16_t> bf16, half_sr;
  std::vector<std::uint32_t> tf32;
  std::vector<std::uint32_t> dq_e5m2, dq_fp4, dq_half;

  static api_results run(const std::vector<float>& x) {
    api_results r;
    const std::size_t n = x.size();
    const span<const float> in(x);
    array_options opt;
    opt.seed = 4242;
    opt.random_count = 13;
    opt.first_index = 77;
    const conversion_policy sr = conversion_policy{}.with(rounding::stochastic);
    r.e4m3fn.resize(n);
    lowp::quantize<fm::e4m3fn, rounding::nearest_even, overflow::saturate>(
        in, span<std::uint8_t>(r.e4m3fn));
    r.e5m2_sr.resize(n);
    lowp::quantize_as<fm::e5m2>(in, span<std::uint8_t>(r.e5m2_sr), sr, opt);
    r.e8m0.resize(n);
    lowp::quantize<fm::e8m0fnu, rounding::toward_positive>(in, span<std::uint8_t>(r.e8m0));
    r.ue4m3.resize(n);
    lowp::quantize<fm::ue4m3>(in, span<std::uint8_t>(r.ue4m3));
    r.fp4.resize(lowp::packed_bytes<fm::e2m1fn>(n));
    lowp::quantize_packed<fm::e2m1fn>(in, span<std::uint8_t>(r.fp4));
    r.fp6_sr.resize(lowp::packed_bytes<fm::e2m3fn>(n));
    lowp::quantize_packed_as<fm::e2m3fn>(in, span<std::uint8_t>(r.fp6_sr), sr, opt);
    r.bf16.resize(n);
    lowp::quantize<fm::bfloat16>(in, span<std::uint16_t>(r.bf16));
    r.half_sr.resize(n);
    lowp::quantize_as<fm::binary16>(parallel{2, 1000}, in, span<std::uint16_t>(r.half_sr), sr, opt);
    r.tf32.resize(n);
    lowp::quantize<fm::tf32, rounding::nearest_away>(in, span<std::uint32_t>(r.tf32));
    std::vector<float> back(n);
    lowp::dequantize<fm::e5m2>(span<const std::uint8_t>(r.e5m2_sr), span<float>(back));
    r.dq_e5m2 = bits_of(back);
    lowp::dequantize_packed<fm::e2m1fn>(span<const std::uint8_t>(r.fp4), span<float>(back));
    r.dq_fp4 = bits_of(back);
    array_options payload;
    payload.nan = nan_decoding::payload;
    lowp::dequantize<fm::binary16>(span<const std::uint16_t>(r.half_sr), span<float>(back),
                                   payload);
    r.dq_half = bits_of(back);
    return r;
  }
};

}  // namespace

TEST_CASE("Array results are identical on every supported ISA", "[simd][array][isa]") {
  const simd::isa original = simd::active_isa();
  {
    const isa_guard restore;
    const auto x = sample(30011, 31);
    REQUIRE(simd::set_active_isa(simd::isa::scalar));
    const api_results ref = api_results::run(x);
    for (simd::isa i : simd::all_isas) {
      INFO("ISA " << simd::isa_name(i));
      if (!simd::supported(i)) {
        const simd::isa before = simd::active_isa();
        CHECK_FALSE(simd::set_active_isa(i));
        CHECK(simd::active_isa() == before);
        continue;
      }
      REQUIRE(simd::set_active_isa(i));
      REQUIRE(simd::active_isa() == i);
      const api_results r = api_results::run(x);
      CHECK(difference(r.e4m3fn, ref.e4m3fn) == "");
      CHECK(difference(r.e5m2_sr, ref.e5m2_sr) == "");
      CHECK(difference(r.e8m0, ref.e8m0) == "");
      CHECK(difference(r.ue4m3, ref.ue4m3) == "");
      CHECK(difference(r.fp4, ref.fp4) == "");
      CHECK(difference(r.fp6_sr, ref.fp6_sr) == "");
      CHECK(difference(r.bf16, ref.bf16) == "");
      CHECK(difference(r.half_sr, ref.half_sr) == "");
      CHECK(difference(r.tf32, ref.tf32) == "");
      CHECK(difference(r.dq_e5m2, ref.dq_e5m2) == "");
      CHECK(difference(r.dq_fp4, ref.dq_fp4) == "");
      CHECK(difference(r.dq_half, ref.dq_half) == "");
    }
  }
  CHECK(simd::active_isa() == original);
}

TEST_CASE("Active ISA follows LOWP_FORCE_ISA", "[simd][force]") {
  // Run by CTest as test_simd_force_<isa> with LOWP_FORCE_ISA set; without it the best ISA.
  // A forced ISA that this CPU lacks falls back to the best one (simd/detect.hpp).
  const char* forced = std::getenv("LOWP_FORCE_ISA");
  if (forced == nullptr || *forced == '\0') {
    INFO("LOWP_FORCE_ISA not set");
    REQUIRE(simd::active_isa() == simd::best_isa());
    return;
  }
  INFO("LOWP_FORCE_ISA=" << forced);
  simd::isa want = simd::isa::scalar;
  REQUIRE(simd::parse_isa(forced, want));
  if (!simd::supported(want)) {
    WARN("LOWP_FORCE_ISA=" << forced << " is not supported here: expecting the best ISA");
    want = simd::best_isa();
  }
  INFO("active " << simd::isa_name(simd::active_isa()) << ", expected " << simd::isa_name(want));
  REQUIRE(simd::active_isa() == want);
}
