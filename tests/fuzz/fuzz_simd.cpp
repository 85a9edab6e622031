// libFuzzer target: every SIMD array kernel against the scalar codec, element by element, bit for
// bit. The fuzzer's bytes choose the kernel family, the format, the ISA (among those this CPU
// runs, forced as tests/simd does: the kernel's explicit ISA argument, or the active ISA under
// an isa_guard for the public API), every conversion policy field, the stochastic seed, bit
// count and first index, the array length (0..4099), a split point (the array converted in two
// calls), the alignment offsets of input and output, and the raw float32 bits (so NaN, inf and
// subnormals occur) or raw code bytes. Families:
//   encode   simd::encode_f32 in two calls and quantize_as  vs  encode_as per element
//   decode   simd::decode_f32 and dequantize               vs  decode_as per element
//   packed   quantize_packed_as / dequantize_packed         vs  encode_as / decode_as and a
//            bit stream written here from the layout rule (code i at bits [i*b, i*b + b))
//   fake     fake_quantize_as (out of place or in place)    vs  decode_as(encode_as)
//   affine   quantize_int / dequantize_int (int8/uint8/int4/uint4) vs their element functions
//   amax     simd::array_amax                               vs  blocks::gather_stats
// Outputs live in buffers of exactly the right size (ASan sees any write past the end); the
// slots before an offset pointer hold a sentinel that must survive. Layout: README.md.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "fuzz_common.hpp"
#include "lowp/array/convert.hpp"
#include "lowp/block/scale_rules.hpp"
#include "lowp/codec/float_codec.hpp"
#include "lowp/codec/quantize_int.hpp"
#include "lowp/core/random.hpp"
#include "lowp/format/formats.hpp"
#include "lowp/simd/block_dispatch.hpp"
#include "lowp/simd/dispatch.hpp"

namespace {

namespace simd = lowp::simd;
namespace fm = lowp::formats;
using lowp::conversion_policy;
using lowp::nan_decoding;
using lowp::rounding;
using lowp::span;
using lowp_fuzz::fail;
using lowp_fuzz::hex;

template <class Tag>
struct named {
  using tag = Tag;
  const char* name;
};

/// Every float format of the catalogue, P3109 samples and ad-hoc formats (as tests/simd).
auto simd_formats() {
  using lowp::p3109;
  using lowp::p3109_domain;
  using lowp::signedness;
  using lowp::special_values;
  return std::make_tuple(
      named<fm::e4m3fn>{"e4m3fn"}, named<fm::e5m2>{"e5m2"}, named<fm::e4m3>{"e4m3"},
      named<fm::e3m4>{"e3m4"}, named<fm::e4m3fnuz>{"e4m3fnuz"}, named<fm::e5m2fnuz>{"e5m2fnuz"},
      named<fm::e4m3b11fnuz>{"e4m3b11fnuz"}, named<fm::e8m0fnu>{"e8m0fnu"},
      named<fm::e2m3fn>{"e2m3fn"}, named<fm::e3m2fn>{"e3m2fn"}, named<fm::e2m1fn>{"e2m1fn"},
      named<fm::ue4m3>{"ue4m3"}, named<fm::bfloat16>{"bfloat16"}, named<fm::binary16>{"binary16"},
      named<fm::tf32>{"tf32"}, named<fm::binary32>{"binary32"}, named<p3109<8, 3>>{"p3109<8,3>"},
      named<p3109<8, 1>>{"p3109<8,1>"},
      named<p3109<8, 4, signedness::unsigned_, p3109_domain::finite>>{"p3109<8,4,unsigned,finite>"},
      named<p3109<6, 3, signedness::unsigned_>>{"p3109<6,3,unsigned>"},
      named<p3109<16, 8>>{"p3109<16,8>"},
      named<lowp::exmy<3, 4, special_values::fn, 4>>{"exmy<3,4,fn,4>"},
      named<lowp::exmy<3, 3>>{"exmy<3,3>"},
      named<lowp::exmy<5, 1, special_values::fn, 10>>{"exmy<5,1,fn,10>"},
      named<lowp::exmy<6, 9>>{"exmy<6,9>"});
}
using format_list = decltype(simd_formats());
constexpr std::size_t format_count = std::tuple_size_v<format_list>;

/// Calls f(named<Tag>) for format i.
template <class F, std::size_t... I>
void with_format_impl(std::size_t i, F&& f, std::index_sequence<I...>) {
  const format_list all = simd_formats();
  ((i == I ? (f(std::get<I>(all)), 0) : 0), ...);
}
template <class F>
void with_format(std::size_t i, F&& f) {
  with_format_impl(i, f, std::make_index_sequence<format_count>{});
}

// --- the case -----------------------------------------------------------------------------------

enum class family { encode, decode, packed, fake, affine, amax };
constexpr std::size_t family_count = 6;

struct config {
  family fam = family::encode;
  std::size_t format = 0;
  simd::isa which = simd::isa::scalar;
  conversion_policy policy;
  nan_decoding nan = nan_decoding::keep_sign;
  std::uint64_t seed = 0;
  unsigned random_count = 32;
  std::uint64_t first_index = 0;
  std::size_t n = 0, split = 0, in_off = 0, out_off = 0;
  bool in_place = false;
  std::uint8_t extra[8] = {};        ///< family-specific choices
  std::vector<std::uint32_t> words;  ///< the input, as 32-bit words
  std::vector<std::uint8_t> bytes;   ///< the input, as bytes (codes)

  std::string what(const char* format_name) const {
    return std::string("format=") + format_name + " isa=" + simd::isa_name(which) + " " +
           lowp_fuzz::describe(policy) + " nan_decoding=" + lowp_fuzz::name_of(nan) +
           " seed=" + hex(seed) + " random_count=" + std::to_string(random_count) +
           " first_index=" + hex(first_index) + " n=" + std::to_string(n) +
           " split=" + std::to_string(split) + " in_off=" + std::to_string(in_off) +
           " out_off=" + std::to_string(out_off) + (in_place ? " in_place" : "");
  }
};

/// First indices: small, around 2^32 (the counter's word boundary) and 2^64, or raw.
std::uint64_t pick_first_index(lowp_fuzz::reader& in) {
  const std::uint8_t how = in.u8();
  const std::uint64_t v = in.u32();
  switch (how % 4) {
    case 0:
      return v % 5000;
    case 1:
      return (std::uint64_t{1} << 32) - (v % 5000);
    case 2:
      return ~std::uint64_t{0} - (v % 5000);
    default:
      return (v << 32) | in.u32();
  }
}

config read_config(lowp_fuzz::reader& in) {
  config c;
  c.fam = static_cast<family>(in.pick(family_count));
  c.format = in.pick(format_count);
  c.which = lowp_fuzz::isas()[in.pick(lowp_fuzz::isas().size())];
  c.policy.round = lowp_fuzz::all_modes[in.pick(8)];
  c.policy.over = lowp_fuzz::all_overflows[in.pick(4)];
  const std::uint8_t fields = in.u8();
  c.policy.nan = static_cast<lowp::nan_encoding>(fields % 3);
  c.policy.no_nan = static_cast<lowp::nan_substitute>((fields / 3) % 3);
  c.policy.no_zero = static_cast<lowp::zero_substitute>((fields / 9) % 2);
  c.policy.negative = static_cast<lowp::negative_substitute>((fields / 18) % 3);
  c.policy.compat =
      (fields / 54) % 4 == 3 ? lowp::quirk::mldtypes_e8m0_subnormal : lowp::quirk::none;
  c.nan = lowp_fuzz::all_nan_decodings[in.pick(5)];
  c.seed = in.u64();
  c.random_count = in.u8();
  c.first_index = pick_first_index(in);
  const std::uint8_t offsets = in.u8();
  c.in_off = offsets % 16;
  c.out_off = (offsets / 16) % 16;
  const std::uint16_t len = in.u16();
  const std::uint16_t split = in.u16();
  for (std::uint8_t& e : c.extra) e = in.u8();
  c.in_place = (c.extra[7] & 1u) != 0;
  c.bytes = in.rest();
  // The length: the data's own (whole 32-bit words), or up to 4099 with the data repeated.
  if ((len & 0x8000u) != 0) {
    c.n = std::min<std::size_t>(c.bytes.size() / 4, 4099);
  } else {
    c.n = len % 4100u;
  }
  c.split = c.n == 0 ? 0 : split % (c.n + 1);
  c.words.resize(c.n);
  const std::size_t m = c.bytes.size() / 4;
  for (std::size_t i = 0; i < c.n; ++i) {
    std::uint32_t w = 0;
    if (m > 0) std::memcpy(&w, c.bytes.data() + 4 * (i % m), 4);
    c.words[i] = w;
  }
  return c;
}

/// Element i of an input: n floats at offset in_off of an allocation of exactly in_off + n.
std::vector<float> make_floats(const config& c) {
  std::vector<float> v(c.in_off + c.n, lowp_fuzz::f32(0x7FC0DEADu));
  for (std::size_t i = 0; i < c.n; ++i) v[c.in_off + i] = lowp_fuzz::f32(c.words[i]);
  return v;
}

template <class T>
constexpr T sentinel() {
  return static_cast<T>(0xA5A5A5A5u);
}

/// An output buffer of exactly off + n elements, the first off holding a sentinel.
template <class T>
std::vector<T> make_output(std::size_t off, std::size_t n) {
  return std::vector<T>(off + n, sentinel<T>());
}

template <class T>
void check_prefix(const std::vector<T>& v, std::size_t off, const std::string& what) {
  const T s = sentinel<T>();
  for (std::size_t i = 0; i < off; ++i)
    if (std::memcmp(&v[i], &s, sizeof(T)) != 0)
      fail(what + "\n  wrote element " + std::to_string(i) + " before the output pointer");
}

std::uint64_t as_u64(float x) { return lowp_fuzz::bits(x); }
template <class T>
std::uint64_t as_u64(T x) {
  return static_cast<std::uint64_t>(x);
}

template <class T>
void compare(const T* got, const std::vector<T>& want, const std::string& what,
             const std::vector<std::uint32_t>* input = nullptr) {
  for (std::size_t i = 0; i < want.size(); ++i)
    if (as_u64(got[i]) != as_u64(want[i]))
      fail(what + "\n  element " + std::to_string(i) +
           (input != nullptr ? " input=" + hex((*input)[i]) : std::string()) +
           " scalar=" + hex(as_u64(want[i])) + " got=" + hex(as_u64(got[i])));
}

// --- the families -------------------------------------------------------------------------------

template <class Fmt>
std::vector<lowp::storage_t<Fmt>> scalar_codes(const config& c, const std::vector<float>& x) {
  std::vector<lowp::storage_t<Fmt>> r(c.n);
  for (std::size_t i = 0; i < c.n; ++i)
    r[i] =
        lowp::encode_as<Fmt>(x[c.in_off + i], c.policy,
                             lowp::counter_random_bits(c.seed, c.first_index + i, c.random_count));
  return r;
}

template <class Fmt>
void check_encode(const config& c, const char* name) {
  using S = lowp::storage_t<Fmt>;
  const std::vector<float> x = make_floats(c);
  const std::vector<S> want = scalar_codes<Fmt>(c, x);
  const std::string what = "encode " + c.what(name);
  // The kernel of ISA `which`, in two calls split at c.split.
  std::vector<S> out = make_output<S>(c.out_off, c.n);
  lowp::with_rounding(c.policy.round, [&](auto mode) {
    constexpr rounding R = decltype(mode)::value;
    const auto p1 = simd::make_encode_plan<Fmt>(c.policy, c.seed, c.random_count, c.first_index);
    simd::encode_f32<Fmt, R>(c.which, x.data() + c.in_off, out.data() + c.out_off, c.split, p1);
    const auto p2 =
        simd::make_encode_plan<Fmt>(c.policy, c.seed, c.random_count, c.first_index + c.split);
    simd::encode_f32<Fmt, R>(c.which, x.data() + c.in_off + c.split,
                             out.data() + c.out_off + c.split, c.n - c.split, p2);
  });
  check_prefix(out, c.out_off, what);
  compare(out.data() + c.out_off, want, what + " (simd::encode_f32)", &c.words);
  // The public API on the active ISA.
  std::vector<S> pub = make_output<S>(c.out_off, c.n);
  {
    const lowp_fuzz::forced_isa force(c.which);
    lowp::quantize_as<Fmt>(span<const float>(x.data() + c.in_off, c.n),
                           span<S>(pub.data() + c.out_off, c.n), c.policy,
                           lowp::array_options{c.seed, c.random_count, c.first_index, c.nan});
  }
  check_prefix(pub, c.out_off, what);
  compare(pub.data() + c.out_off, want, what + " (quantize_as)", &c.words);
}

template <class Fmt>
std::uint32_t code_mask() {
  constexpr int b = lowp::total_bits(lowp::descriptor_v<Fmt>);
  return b >= 32 ? 0xFFFFFFFFu : (1u << b) - 1u;
}

template <class Fmt>
void check_decode(const config& c, const char* name) {
  using S = lowp::storage_t<Fmt>;
  // Codes: the input words cut to the format's width (bits above it are not part of a code).
  std::vector<S> codes(c.in_off + c.n, 0);
  for (std::size_t i = 0; i < c.n; ++i)
    codes[c.in_off + i] = static_cast<S>(c.words[i] & code_mask<Fmt>());
  std::vector<float> want(c.n);
  for (std::size_t i = 0; i < c.n; ++i) want[i] = lowp::decode_as<Fmt>(codes[c.in_off + i], c.nan);
  const std::string what = "decode " + c.what(name);
  std::vector<float> out = make_output<float>(c.out_off, c.n);
  simd::decode_f32<Fmt>(c.which, codes.data() + c.in_off, out.data() + c.out_off, c.split, c.nan);
  simd::decode_f32<Fmt>(c.which, codes.data() + c.in_off + c.split,
                        out.data() + c.out_off + c.split, c.n - c.split, c.nan);
  check_prefix(out, c.out_off, what);
  compare(out.data() + c.out_off, want, what + " (simd::decode_f32)", &c.words);
  std::vector<float> pub = make_output<float>(c.out_off, c.n);
  {
    const lowp_fuzz::forced_isa force(c.which);
    lowp::dequantize<Fmt>(span<const S>(codes.data() + c.in_off, c.n),
                          span<float>(pub.data() + c.out_off, c.n),
                          lowp::array_options{0, 32, 0, c.nan});
  }
  check_prefix(pub, c.out_off, what);
  compare(pub.data() + c.out_off, want, what + " (dequantize)", &c.words);
}

/// The little-endian bit stream of the packed layout, written bit by bit.
std::vector<std::uint8_t> write_stream(const std::vector<std::uint32_t>& codes, int width,
                                       std::size_t bytes) {
  std::vector<std::uint8_t> out(bytes, 0);
  const auto w = static_cast<std::size_t>(width);
  for (std::size_t i = 0; i < codes.size(); ++i)
    for (std::size_t b = 0; b < w; ++b)
      if (((codes[i] >> b) & 1u) != 0) {
        const std::size_t k = i * w + b;
        out[k / 8] = static_cast<std::uint8_t>(out[k / 8] | (1u << (k % 8)));
      }
  return out;
}

std::uint32_t read_stream(const std::uint8_t* bytes, std::size_t i, int width) {
  const auto w = static_cast<std::size_t>(width);
  std::uint32_t code = 0;
  for (std::size_t b = 0; b < w; ++b) {
    const std::size_t k = i * w + b;
    code |= static_cast<std::uint32_t>((bytes[k / 8] >> (k % 8)) & 1u) << b;
  }
  return code;
}

template <class Fmt>
void check_packed(const config& c, const char* name) {
  constexpr int width = lowp::total_bits(lowp::descriptor_v<Fmt>);
  if constexpr (width < 8) {
    const std::size_t nbytes = lowp::packed_bytes<Fmt>(c.n);
    if (nbytes != (c.n * width + 7) / 8) fail("packed_bytes disagrees with the layout rule");
    const std::string what = "packed " + c.what(name);
    const lowp::array_options opt{c.seed, c.random_count, c.first_index, c.nan};
    // quantize_packed_as
    const std::vector<float> x = make_floats(c);
    const auto codes = scalar_codes<Fmt>(c, x);
    const std::vector<std::uint8_t> want =
        write_stream(std::vector<std::uint32_t>(codes.begin(), codes.end()), width, nbytes);
    std::vector<std::uint8_t> out = make_output<std::uint8_t>(c.out_off, nbytes);
    {
      const lowp_fuzz::forced_isa force(c.which);
      lowp::quantize_packed_as<Fmt>(span<const float>(x.data() + c.in_off, c.n),
                                    span<std::uint8_t>(out.data() + c.out_off, nbytes), c.policy,
                                    opt);
    }
    check_prefix(out, c.out_off, what);
    compare(out.data() + c.out_off, want, what + " (quantize_packed_as, byte)");
    // dequantize_packed of the raw input bytes
    std::vector<std::uint8_t> in(c.in_off + nbytes, 0);
    for (std::size_t k = 0; k < nbytes; ++k)
      in[c.in_off + k] = c.bytes.empty() ? 0 : c.bytes[k % c.bytes.size()];
    std::vector<float> back(c.n);
    for (std::size_t i = 0; i < c.n; ++i)
      back[i] = lowp::decode_as<Fmt>(
          static_cast<lowp::storage_t<Fmt>>(read_stream(in.data() + c.in_off, i, width)), c.nan);
    std::vector<float> dec = make_output<float>(c.out_off, c.n);
    {
      const lowp_fuzz::forced_isa force(c.which);
      lowp::dequantize_packed<Fmt>(span<const std::uint8_t>(in.data() + c.in_off, nbytes),
                                   span<float>(dec.data() + c.out_off, c.n), opt);
    }
    check_prefix(dec, c.out_off, what);
    compare(dec.data() + c.out_off, back, what + " (dequantize_packed)");
  } else {
    (void)c, (void)name;
  }
}

template <class Fmt>
void check_fake(const config& c, const char* name) {
  std::vector<float> x = make_floats(c);
  const auto codes = scalar_codes<Fmt>(c, x);
  std::vector<float> want(c.n);
  for (std::size_t i = 0; i < c.n; ++i) want[i] = lowp::decode_as<Fmt>(codes[i], c.nan);
  const std::string what = "fake_quantize " + c.what(name);
  const lowp::array_options opt{c.seed, c.random_count, c.first_index, c.nan};
  const lowp_fuzz::forced_isa force(c.which);
  if (c.in_place) {
    const span<float> io(x.data() + c.in_off, c.n);
    lowp::fake_quantize_as<Fmt>(span<const float>(io.data(), c.n), io, c.policy, opt);
    compare(x.data() + c.in_off, want, what + " (in place)", &c.words);
  } else {
    std::vector<float> out = make_output<float>(c.out_off, c.n);
    lowp::fake_quantize_as<Fmt>(span<const float>(x.data() + c.in_off, c.n),
                                span<float>(out.data() + c.out_off, c.n), c.policy, opt);
    check_prefix(out, c.out_off, what);
    compare(out.data() + c.out_off, want, what, &c.words);
  }
}

/// Affine integers: quantize_int / dequantize_int on the active ISA against the element
/// functions, for one of four integer formats chosen by the case.
template <class Fmt>
void check_affine_format(const config& c, const char* name) {
  using S = lowp::storage_t<Fmt>;
  const std::size_t group = 1 + static_cast<std::size_t>(c.extra[0]) * 5 % 300;
  const bool per_tensor = (c.extra[1] & 1u) != 0;
  const std::size_t groups = per_tensor ? 1 : (c.n + group - 1) / group;
  const lowp::int_quant_policy q{
      c.policy.round, (c.extra[1] & 2u) != 0 ? lowp::int_range::narrow : lowp::int_range::full,
      static_cast<lowp::scale_division>(c.extra[2] % 3)};
  // Parameters: scales of four kinds (raw bits, so invalid ones occur; positive normals;
  // positive subnormals or zero; near 1), zero points small or anywhere in int32.
  const std::size_t passed = per_tensor ? 1 : groups;
  std::vector<lowp::affine_params> params(std::max<std::size_t>(passed, 1));
  bool valid = true;
  for (std::size_t g = 0; g < params.size(); ++g) {
    const std::uint32_t r = lowp::counter_bits(c.seed, g);
    const std::uint32_t r2 = lowp::counter_bits(c.seed ^ 0x5A5Au, g);
    std::uint32_t b = r;
    switch (c.extra[3] % 4) {
      case 1:
        b = (((r >> 23) % 254u + 1u) << 23) | (r & 0x7FFFFFu);
        break;
      case 2:
        b = r & 0x7FFFFFu;
        break;
      case 3:
        b = ((127u + (r >> 28) - 8u) << 23) | (r & 0x7FFFFFu);
        break;
      default:
        break;
    }
    params[g].scale = lowp_fuzz::f32(b);
    params[g].zero_point = (c.extra[3] & 4u) != 0 ? static_cast<std::int32_t>(r2)
                                                  : static_cast<std::int32_t>(r2 % 41) - 20;
    const float sc = params[g].scale;
    if (g < passed && !(sc > 0.0f && sc <= 3.4028235e38f)) valid = false;
  }
  const std::string what = std::string("affine ") + c.what(name) +
                           " group=" + std::to_string(group) + " groups=" + std::to_string(groups) +
                           " division=" + std::to_string(static_cast<int>(q.division)) +
                           " range=" + std::to_string(static_cast<int>(q.range));
  const std::vector<float> x = make_floats(c);
  std::vector<S> want(c.n);
  std::vector<S> out = make_output<S>(c.out_off, c.n);
  const lowp_fuzz::forced_isa force(c.which);
  try {
    lowp::quantize_int<Fmt>(
        span<const float>(x.data() + c.in_off, c.n), span<S>(out.data() + c.out_off, c.n),
        span<const lowp::affine_params>(params.data(), passed), group, q, c.seed, c.random_count);
  } catch (const std::invalid_argument&) {
    if (valid) fail(what + "\n  quantize_int threw for valid parameters");
    return;
  }
  if (!valid) fail(what + "\n  quantize_int accepted a scale that is not positive and finite");
  for (std::size_t i = 0; i < c.n; ++i)
    want[i] = lowp::quantize_int<Fmt>(x[c.in_off + i], params[per_tensor ? 0 : i / group], q,
                                      lowp::counter_random_bits(c.seed, i, c.random_count));
  check_prefix(out, c.out_off, what);
  for (std::size_t i = 0; i < c.n; ++i)
    if (out[c.out_off + i] != want[i]) {
      const lowp::affine_params& p = params[per_tensor ? 0 : i / group];
      fail(what + " (quantize_int)\n  element " + std::to_string(i) + " input=" + hex(c.words[i]) +
           " scale=" + hex(lowp_fuzz::bits(p.scale)) +
           " zero_point=" + std::to_string(p.zero_point) + " scalar=" + hex(want[i]) +
           " got=" + hex(out[c.out_off + i]));
    }
  // dequantize_int of the raw input bytes as codes
  std::vector<S> codes(c.in_off + c.n, 0);
  for (std::size_t i = 0; i < c.n; ++i) codes[c.in_off + i] = static_cast<S>(c.words[i]);
  std::vector<float> back(c.n);
  for (std::size_t i = 0; i < c.n; ++i)
    back[i] = lowp::dequantize_int<Fmt>(codes[c.in_off + i], params[per_tensor ? 0 : i / group]);
  std::vector<float> dec = make_output<float>(c.out_off, c.n);
  lowp::dequantize_int<Fmt>(span<const S>(codes.data() + c.in_off, c.n),
                            span<float>(dec.data() + c.out_off, c.n),
                            span<const lowp::affine_params>(params.data(), passed), group);
  check_prefix(dec, c.out_off, what);
  compare(dec.data() + c.out_off, back, what + " (dequantize_int)");
}

void check_affine(const config& c) {
  switch (c.format % 4) {
    case 0:
      return check_affine_format<fm::int8>(c, "int8");
    case 1:
      return check_affine_format<fm::uint8>(c, "uint8");
    case 2:
      return check_affine_format<fm::int4>(c, "int4");
    default:
      return check_affine_format<fm::uint4>(c, "uint4");
  }
}

void check_amax(const config& c) {
  const std::vector<float> x = make_floats(c);
  const float got = simd::array_amax(c.which, x.data() + c.in_off, c.n);
  const float want = lowp::blocks::gather_stats(x.data() + c.in_off, c.n).amax;
  if (lowp_fuzz::bits(got) != lowp_fuzz::bits(want))
    fail("array_amax " + c.what("-") + "\n  scalar=" + hex(lowp_fuzz::bits(want)) +
         " got=" + hex(lowp_fuzz::bits(got)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lowp_fuzz::reader in(data, size);
  const config c = read_config(in);
  if (lowp_fuzz::verbose()) {
    static const char* const families[] = {"encode", "decode", "packed", "fake", "affine", "amax"};
    std::string name = "-";
    if (c.fam != family::affine) with_format(c.format, [&](const auto& e) { name = e.name; });
    lowp_fuzz::trace(std::string(families[static_cast<int>(c.fam)]) + " " + c.what(name.c_str()));
  }
  switch (c.fam) {
    case family::affine:
      check_affine(c);
      return 0;
    case family::amax:
      check_amax(c);
      return 0;
    default:
      break;
  }
  with_format(c.format, [&](const auto& e) {
    using Fmt = typename std::decay_t<decltype(e)>::tag;
    switch (c.fam) {
      case family::encode:
        check_encode<Fmt>(c, e.name);
        break;
      case family::decode:
        check_decode<Fmt>(c, e.name);
        break;
      case family::packed:
        check_packed<Fmt>(c, e.name);
        break;
      case family::fake:
        check_fake<Fmt>(c, e.name);
        break;
      default:
        break;
    }
  });
  return 0;
}
