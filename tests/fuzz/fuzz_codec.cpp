// libFuzzer target: the scalar codec (encode_as, decode_as, convert_as, and pack/unpack with a
// descriptor known only at run time) against the independent oracle of tests/support/oracle.hpp,
// which never calls lowp. The fuzzer's bytes choose a format -- a catalogue format
// (tests/support/catalogue.hpp), one of a grid of ad-hoc descriptors compiled in (every
// special-value convention, both signs, E/M splits from E1 to E8, default and extreme biases),
// or any valid descriptor of up to 12 bits given by the bytes themselves -- a rounding mode
// (stochastic with the bytes' random bits and bit count), an overflow policy, and a list of
// operations on raw float32/float64 bits and codes. Every result is compared bit for bit; a
// mismatch prints the case and aborts. Input layout: tests/fuzz/README.md.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "fuzz_common.hpp"
#include "lowp/codec/float_codec.hpp"
#include "lowp/codec/pack.hpp"
#include "lowp/codec/unpacked.hpp"
#include "lowp/core/random.hpp"
#include "lowp/format/formats.hpp"
#include "support/catalogue.hpp"
#include "support/oracle.hpp"

namespace {

using lowp::conversion_policy;
using lowp::float_format;
using lowp::random_bits;
using lowp::rounding;
using lowp::signedness;
using lowp::special_values;
using lowp_fuzz::fail;
using lowp_fuzz::hex;

// --- the descriptors -------------------------------------------------------------------------

/// The oracle's name of a special-value convention (the same raw numbers describe the format
/// to both sides).
oracle::kind kind_of(special_values s) {
  switch (s) {
    case special_values::ieee:
      return oracle::kind::ieee;
    case special_values::fn:
      return oracle::kind::fn;
    case special_values::fnuz:
      return oracle::kind::fnuz;
    case special_values::finite:
      return oracle::kind::finite;
    case special_values::e8m0:
      return oracle::kind::e8m0;
    case special_values::p3109_extended:
      return oracle::kind::p3109_ext;
    case special_values::p3109_finite:
      return oracle::kind::p3109_fin;
  }
  return oracle::kind::ieee;
}

const char* convention_name(special_values s) {
  static const char* const n[] = {"ieee",           "fn",          "fnuz", "finite", "e8m0",
                                  "p3109_extended", "p3109_finite"};
  return lowp_fuzz::name_in(static_cast<std::size_t>(s), n);
}

std::string describe(const float_format& f) {
  return "E" + std::to_string(f.exponent_bits) + "M" + std::to_string(f.mantissa_bits) +
         " bias=" + std::to_string(f.bias) + " " + convention_name(f.specials) + " " +
         (f.sign == signedness::signed_ ? "signed" : "unsigned");
}

oracle::spec spec_of(const float_format& f, const std::string& name) {
  return oracle::spec{name,
                      f.exponent_bits,
                      f.mantissa_bits,
                      f.bias,
                      f.sign == signedness::signed_,
                      kind_of(f.specials)};
}

/// Descriptors the grid draws from (codes of at most 16 bits, so the oracle tabulates them).
constexpr special_values conventions[] = {
    special_values::ieee,        special_values::fn,   special_values::fnuz,
    special_values::finite,      special_values::e8m0, special_values::p3109_extended,
    special_values::p3109_finite};
constexpr int shapes[][2] = {{1, 0}, {1, 1}, {1, 3}, {2, 0}, {2, 1}, {2, 2}, {2, 4},  {3, 0},
                             {3, 1}, {3, 2}, {3, 5}, {4, 0}, {4, 1}, {4, 4}, {5, 0},  {5, 1},
                             {5, 3}, {5, 6}, {6, 0}, {6, 2}, {6, 4}, {7, 0}, {7, 1},  {7, 3},
                             {8, 0}, {8, 1}, {8, 2}, {8, 5}, {4, 8}, {5, 9}, {3, 10}, {2, 12},
                             {6, 7}, {7, 6}, {8, 7}, {1, 6}, {2, 7}, {4, 6}, {3, 7},  {5, 2}};
constexpr std::size_t shape_count = sizeof shapes / sizeof shapes[0];

constexpr float_format make(int e, int m, int bias, signedness s, special_values c) {
  return float_format{e, m, bias, s, c};
}

/// A descriptor worth compiling in: valid, with a positive finite value.
constexpr bool usable(const float_format& f) {
  return lowp::is_valid(f) && lowp::total_bits(f) <= 16 && lowp::max_finite_magnitude(f) != 0;
}

/// The bias of variant v: the usual 2^(E-1) - 1, the smallest and largest biases that keep the
/// format valid (values up to near FLT_MAX, or down to float32 subnormals), and one off the
/// usual. Returns false where no bias of the variant is valid.
constexpr bool pick_bias(int e, int m, signedness s, special_values c, int v, int& bias) {
  const int usual = (1 << (e - 1)) - 1;
  // Neither the largest magnitude code nor the subnormal rule depends on the bias, so the
  // limits emax <= 127 and min_exponent >= -149 give the extreme biases directly.
  const float_format any = make(e, m, usual, s, c);
  const int top_field = static_cast<int>(lowp::max_finite_magnitude(any) >> m);
  const int lo = top_field - 127;
  const int hi = lowp::min_normal_field(any) + 149 - (lowp::has_subnormals(any) ? m : 0);
  const int candidates[] = {usual, lo, hi, usual + 1, usual - 1};
  for (int k = 0; k < 5; ++k) {
    const int b = candidates[(v + k) % 5];
    if (usable(make(e, m, b, s, c))) {
      bias = b;
      return true;
    }
  }
  return false;
}

/// The grid: for each convention and sign, every third shape (a different third for each
/// combination) with a bias variant that rotates along the shapes.
template <std::size_t Capacity>
struct grid_list {
  std::array<float_format, Capacity> f{};
  std::size_t n = 0;
};

template <std::size_t Capacity>
constexpr grid_list<Capacity> build_grid() {
  grid_list<Capacity> g;
  std::size_t combo = 0;
  for (special_values c : conventions) {
    for (signedness s : {signedness::signed_, signedness::unsigned_}) {
      for (std::size_t k = 0; k < shape_count; ++k) {
        if ((k + combo) % 3 != 0) continue;
        int bias = 0;
        if (!pick_bias(shapes[k][0], shapes[k][1], s, c, static_cast<int>(k / 3 + combo), bias))
          continue;
        if (g.n < Capacity) g.f[g.n] = make(shapes[k][0], shapes[k][1], bias, s, c);
        ++g.n;
      }
      ++combo;
    }
  }
  return g;
}

constexpr std::size_t grid_size = build_grid<1>().n;
constexpr grid_list<grid_size> grid = build_grid<grid_size>();

template <std::size_t I>
struct grid_tag {
  static constexpr float_format value = grid.f[I];
};

// --- one compiled-in format ------------------------------------------------------------------

/// Formats that codes are converted from (convert_as<To, From> is compiled for each target).
using source_formats = std::tuple<lowp::formats::e4m3fn, lowp::formats::e5m2,
                                  lowp::formats::binary16, lowp::formats::e8m0fnu>;
constexpr std::size_t source_count = std::tuple_size_v<source_formats>;

struct compiled_format {
  std::string name;
  float_format desc;
  oracle::spec spec;
  std::uint32_t (*encode_float)(float, const conversion_policy&, random_bits);
  std::uint32_t (*encode_double)(double, const conversion_policy&, random_bits);
  std::uint32_t (*decode)(std::uint32_t);
  std::array<std::uint32_t (*)(std::uint32_t, const conversion_policy&, random_bits), source_count>
      convert;
};

template <class Tag>
std::uint32_t encode_float(float x, const conversion_policy& p, random_bits rb) {
  return lowp::encode_as<Tag>(x, p, rb);
}
template <class Tag>
std::uint32_t encode_double(double x, const conversion_policy& p, random_bits rb) {
  return lowp::encode_as<Tag>(x, p, rb);
}
template <class Tag>
std::uint32_t decode_bits(std::uint32_t code) {
  return lowp_fuzz::bits(lowp::decode<Tag>(static_cast<lowp::storage_t<Tag>>(code)));
}
template <class To, class From>
std::uint32_t convert_code(std::uint32_t code, const conversion_policy& p, random_bits rb) {
  return lowp::convert_as<To, From>(static_cast<lowp::storage_t<From>>(code), p, rb);
}

template <class Tag, std::size_t... S>
compiled_format make_entry(std::string name, const oracle::spec& spec, std::index_sequence<S...>) {
  return compiled_format{std::move(name),
                         Tag::value,
                         spec,
                         &encode_float<Tag>,
                         &encode_double<Tag>,
                         &decode_bits<Tag>,
                         {&convert_code<Tag, std::tuple_element_t<S, source_formats>>...}};
}

template <class Tag>
compiled_format make_entry(std::string name, const oracle::spec& spec) {
  return make_entry<Tag>(std::move(name), spec, std::make_index_sequence<source_count>{});
}

template <std::size_t... I>
void add_grid(std::vector<compiled_format>& v, std::index_sequence<I...>) {
  (v.push_back(make_entry<grid_tag<I>>("grid " + describe(grid.f[I]),
                                       spec_of(grid.f[I], "grid " + describe(grid.f[I])))),
   ...);
}

/// Every catalogue format (oracle numbers typed from the reference document) and the grid.
const std::vector<compiled_format>& formats() {
  static const std::vector<compiled_format> v = [] {
    std::vector<compiled_format> r;
    auto add = [&r](const auto& e) {
      using Tag = typename std::decay_t<decltype(e)>::tag;
      r.push_back(make_entry<Tag>(e.spec.name, e.spec));
    };
    lowp_test::for_each_entry(lowp_test::small_formats(), add);
    lowp_test::for_each_entry(lowp_test::wide_formats(), add);
    const std::size_t catalogue = r.size();
    add_grid(r, std::make_index_sequence<grid_size>{});
    std::fprintf(stderr, "fuzz_codec: %zu compiled-in formats (%zu catalogue, %zu grid)\n",
                 r.size(), catalogue, grid_size);
    return r;
  }();
  return v;
}

/// Oracles are built once per format and kept while their tables hold at most 2^22 codes in
/// all (a 16-bit format tabulates 2^16, tf32 2^19); past that the cache starts again.
const oracle::format& oracle_for(const oracle::spec& s) {
  static std::map<std::tuple<int, int, int, bool, int>, std::unique_ptr<oracle::format>> cache;
  static std::size_t codes = 0;
  const auto key = std::make_tuple(s.E, s.M, s.bias, s.is_signed, static_cast<int>(s.k));
  auto it = cache.find(key);
  if (it == cache.end()) {
    auto o = std::make_unique<oracle::format>(s);
    if (codes + o->code_count() > (std::size_t{1} << 22)) {
      cache.clear();
      codes = 0;
    }
    codes += o->code_count();
    it = cache.emplace(key, std::move(o)).first;
  }
  return *it->second;
}

/// Source formats as the oracle knows them (catalogue numbers).
const oracle::spec source_specs[source_count] = {{"e4m3fn", 4, 3, 7, true, oracle::kind::fn},
                                                 {"e5m2", 5, 2, 15, true, oracle::kind::ieee},
                                                 {"binary16", 5, 10, 15, true, oracle::kind::ieee},
                                                 {"e8m0fnu", 8, 0, 127, false, oracle::kind::e8m0}};

// --- the checks --------------------------------------------------------------------------------

struct config {
  std::string format;
  conversion_policy policy;
  std::uint32_t random_value = 0;
  unsigned random_count = 32;  ///< as given to lowp (it clamps to 1..32)

  std::string what() const {
    return format + " " + lowp_fuzz::describe(policy) +
           (policy.round == rounding::stochastic
                ? " random=" + hex(random_value) + " count=" + std::to_string(random_count)
                : std::string());
  }
  /// The bit count the documentation promises lowp uses: count clamped to 1..32.
  unsigned oracle_count() const {
    return random_count < 1 ? 1u : random_count > 32 ? 32u : random_count;
  }
};

void expect(std::uint64_t got, std::uint64_t want, const config& c, const std::string& op) {
  if (got != want) fail(op + "\n  " + c.what() + "\n  lowp=" + hex(got) + " oracle=" + hex(want));
}

/// The oracle's encode, plus one documented rule it does not model: a negative non-zero input
/// (-inf included) into an unsigned format without NaN (the `finite` convention) gives the
/// lowest value, code 0, under negative_substitute::nan ("NaN, or the lowest value if there is
/// no NaN", core/policy.hpp); the oracle answers +max there, as for a NaN input.
std::uint32_t oracle_encode(const oracle::format& o, double x, const config& c) {
  const oracle::spec& s = o.desc();
  if (!s.is_signed && s.k == oracle::kind::finite && x < 0) return 0;
  return o.encode(x, static_cast<oracle::mode>(static_cast<int>(c.policy.round)),
                  static_cast<oracle::ovf>(static_cast<int>(c.policy.over)), c.random_value,
                  c.oracle_count());
}

std::uint32_t code_mask(const oracle::format& o) {
  return o.bits() >= 32 ? 0xFFFFFFFFu : (1u << o.bits()) - 1u;
}

void run_compiled(const compiled_format& f, config& c, lowp_fuzz::reader& in) {
  const oracle::format& o = oracle_for(f.spec);
  while (in.left() > 0) {
    const unsigned op = in.u8() % 4u;
    c.random_value = in.u32();
    const random_bits rb{c.random_value, c.random_count};
    switch (op) {
      case 0: {
        const std::uint32_t x = in.u32();
        expect(f.encode_float(lowp_fuzz::f32(x), c.policy, rb),
               oracle_encode(o, static_cast<double>(lowp_fuzz::f32(x)), c), c,
               "encode_as(float " + hex(x) + ")");
        break;
      }
      case 1: {
        const std::uint64_t x = in.u64();
        expect(f.encode_double(lowp_fuzz::f64(x), c.policy, rb),
               oracle_encode(o, lowp_fuzz::f64(x), c), c, "encode_as(double " + hex(x) + ")");
        break;
      }
      case 2: {
        const std::uint32_t code = in.u32() & code_mask(o);
        expect(f.decode(code), o.decode_bits(code), c, "decode(" + hex(code) + ")");
        break;
      }
      default: {
        const std::size_t s = in.pick(source_count);
        const oracle::format& from = oracle_for(source_specs[s]);
        const std::uint32_t code = in.u16() & code_mask(from);
        expect(f.convert[s](code, c.policy, rb), oracle_encode(o, from.as_double(code), c), c,
               "convert_as(from " + source_specs[s].name + " code " + hex(code) + ")");
        break;
      }
    }
  }
}

/// A descriptor from the bytes: E 1..8, M 0..11, any bias in [-150, 280], any sign and
/// convention, at most 12 bits; nullopt-like false when lowp calls it invalid or it has no
/// positive finite value.
bool runtime_descriptor(lowp_fuzz::reader& in, float_format& f) {
  f.exponent_bits = 1 + static_cast<int>(in.pick(8));
  f.mantissa_bits = static_cast<int>(in.pick(12));
  f.bias = static_cast<int>(in.pick16(431)) - 150;
  const unsigned b = in.u8();
  f.sign = (b & 1u) != 0 ? signedness::unsigned_ : signedness::signed_;
  f.specials = conventions[(b >> 1) % 7];
  return lowp::is_valid(f) && lowp::total_bits(f) <= 12 && lowp::max_finite_magnitude(f) != 0;
}

/// pack / unpack with a descriptor that is a run-time value: encode float32 and float64
/// inputs, and convert codes of one run-time format into another.
void run_runtime(const float_format& f, config& c, lowp_fuzz::reader& in) {
  const oracle::format& o = oracle_for(spec_of(f, c.format));
  while (in.left() > 0) {
    const unsigned op = in.u8() % 3u;
    c.random_value = in.u32();
    const random_bits rb{c.random_value, c.random_count};
    if (op == 0) {
      const std::uint32_t x = in.u32();
      expect(lowp::pack(f, lowp::unpack(lowp_fuzz::f32(x)), c.policy, rb),
             oracle_encode(o, static_cast<double>(lowp_fuzz::f32(x)), c), c,
             "pack(unpack(float " + hex(x) + "))");
    } else if (op == 1) {
      const std::uint64_t x = in.u64();
      expect(lowp::pack(f, lowp::unpack(lowp_fuzz::f64(x)), c.policy, rb),
             oracle_encode(o, lowp_fuzz::f64(x), c), c, "pack(unpack(double " + hex(x) + "))");
    } else {
      float_format from{};
      if (!runtime_descriptor(in, from)) continue;
      const oracle::format& of = oracle_for(spec_of(from, describe(from)));
      const std::uint32_t code = in.u16() & code_mask(of);
      expect(lowp::pack(f, lowp::unpack(from, code), c.policy, rb),
             oracle_encode(o, of.as_double(code), c), c,
             "pack(unpack(" + describe(from) + " code " + hex(code) + "))");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lowp_fuzz::reader in(data, size);
  const std::uint8_t kind = in.u8();
  config c;
  const compiled_format* compiled = nullptr;
  float_format runtime{};
  if ((kind & 1u) == 0) {
    compiled = &formats()[in.pick16(formats().size())];
    c.format = compiled->name;
  } else {
    if (!runtime_descriptor(in, runtime)) return 0;
    c.format = "runtime " + describe(runtime);
  }
  c.policy.round = lowp_fuzz::all_modes[in.pick(8)];
  c.policy.over = lowp_fuzz::all_overflows[in.pick(4)];
  c.random_count = in.u8();
  lowp_fuzz::trace(c.what() + " (" + std::to_string(in.left()) + " bytes of operations)");
  if (compiled != nullptr)
    run_compiled(*compiled, c, in);
  else
    run_runtime(runtime, c, in);
  return 0;
}
