// Golden test vectors for hardware verification: float32 -> low-precision code -> float32 for
// one element format under a chosen rounding mode and overflow policy, or for one block format
// (MXFP8/6/4, MXINT8, NVFP4) block by block. Each file is plain text: a header of `//` lines
// (format, rounding, policy, seed, column meaning), then one vector per line of hex fields
// without 0x, which a SystemVerilog testbench reads with $fscanf(fd, "%h %h %h\n", ...) after
// skipping the `//` lines, and Python with int(field, 16).
//
// Usage: golden_vectors [--format NAME] [--rounding MODE] [--overflow POLICY] [--profile NAME]
//                       [--block NAME] [--sr-bits K] [--count N] [--seed S] [--out FILE]
//   --format    e4m3fn (default) e5m2 e4m3 e3m4 e4m3fnuz e5m2fnuz e4m3b11fnuz e8m0fnu e2m3fn
//               e3m2fn e2m1fn ue4m3 bfloat16 binary16 tf32
//   --rounding  nearest_even (default) nearest_away nearest_zero toward_zero toward_positive
//               toward_negative to_odd stochastic
//   --overflow  to_nonfinite (default) saturate saturate_keep_inf ieee
//   --profile   the NaN / zero / negative policies: default, cuda_satfinite, cuda_nosat,
//               mldtypes_rne, mldtypes_rne_sat (its rounding and overflow unless given)
//   --block     mxfp8_e4m3 mxfp8_e5m2 mxfp6_e2m3 mxfp6_e3m2 mxfp4 mxint8 nvfp4 nvfp4_single:
//               block vectors instead (elements always saturate, as OCP MX requires)
//   --sr-bits   random bits per stochastic rounding, 1..32 (default 8, as PTX cvt.rs)
//   --count N   random vectors after the boundary ones (default 256 values or 64 blocks)
//   --seed S    seed of the std::mt19937 behind the random inputs (default 1)
//   --out FILE  output file (default <format>_<rounding>[_<overflow>]_vectors.txt)
// With no arguments it writes a default set of files into the working directory and prints a
// summary with a few sample vectors.
// Build: any C++17 compiler, `-I include -pthread`.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "lowp/lowp.hpp"

namespace {

namespace fm = lowp::formats;
namespace bl = lowp::blocks;
using lowp::overflow;
using lowp::rounding;

std::uint32_t bits_of(float x) {
  std::uint32_t u = 0;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

float float_of(std::uint32_t u) {
  float x = 0.0f;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

int hex_digits(int bits) { return (bits + 3) / 4; }

// ---------------------------------------------------------------------------------------------
// Names on the command line -> lowp policies. One table per choice.

struct rounding_name {
  const char* name;
  const char* tag;  // in default file names
  rounding mode;
};
const rounding_name rounding_names[] = {
    {"nearest_even", "rne", rounding::nearest_even},
    {"nearest_away", "rna", rounding::nearest_away},
    {"nearest_zero", "rnz", rounding::nearest_zero},
    {"toward_zero", "rz", rounding::toward_zero},
    {"toward_positive", "ru", rounding::toward_positive},
    {"toward_negative", "rd", rounding::toward_negative},
    {"to_odd", "ro", rounding::to_odd},
    {"stochastic", "sr", rounding::stochastic},
};

struct overflow_name {
  const char* name;
  const char* tag;  // in default file names ("" for the default)
  overflow policy;
};
const overflow_name overflow_names[] = {
    {"to_nonfinite", "", overflow::to_nonfinite},
    {"saturate", "_sat", overflow::saturate},
    {"saturate_keep_inf", "_satinf", overflow::saturate_keep_inf},
    {"ieee", "_ieee", overflow::ieee},
};

struct profile_name {
  const char* name;
  lowp::conversion_policy policy;
};
const profile_name profile_names[] = {
    {"default", lowp::conversion_policy{}},
    {"cuda_satfinite", lowp::profiles::cuda_satfinite},
    {"cuda_nosat", lowp::profiles::cuda_nosat},
    {"mldtypes_rne", lowp::profiles::mldtypes_rne},
    {"mldtypes_rne_sat", lowp::profiles::mldtypes_rne_sat},
};

/// The table entry called `name`, or nullptr.
template <class Entry, std::size_t N>
const Entry* find_name(const Entry (&table)[N], const std::string& name) {
  for (const Entry& e : table)
    if (name == e.name) return &e;
  return nullptr;
}

const rounding_name& name_of(rounding r) {
  for (const auto& e : rounding_names)
    if (e.mode == r) return e;
  return rounding_names[0];
}

const overflow_name& name_of(overflow o) {
  for (const auto& e : overflow_names)
    if (e.policy == o) return e;
  return overflow_names[0];
}

// The remaining policy fields, spelled as in lowp/core/policy.hpp (for the file header).
const char* name_of(lowp::nan_encoding v) {
  switch (v) {
    case lowp::nan_encoding::keep_sign:
      return "keep_sign";
    case lowp::nan_encoding::positive:
      return "positive";
    case lowp::nan_encoding::all_ones:
      return "all_ones";
  }
  return "?";
}
const char* name_of(lowp::nan_substitute v) {
  switch (v) {
    case lowp::nan_substitute::max_positive:
      return "max_positive";
    case lowp::nan_substitute::flipped_zero:
      return "flipped_zero";
    case lowp::nan_substitute::zero:
      return "zero";
  }
  return "?";
}
const char* name_of(lowp::zero_substitute v) {
  return v == lowp::zero_substitute::lowest ? "lowest" : "nan";
}
const char* name_of(lowp::negative_substitute v) {
  switch (v) {
    case lowp::negative_substitute::nan:
      return "nan";
    case lowp::negative_substitute::lowest:
      return "lowest";
    case lowp::negative_substitute::magnitude:
      return "magnitude";
  }
  return "?";
}
const char* name_of(lowp::quirk v) {
  return v == lowp::quirk::none ? "none" : "mldtypes_e8m0_subnormal";
}
const char* name_of(lowp::special_values v) {
  switch (v) {
    case lowp::special_values::ieee:
      return "ieee";
    case lowp::special_values::fn:
      return "fn";
    case lowp::special_values::fnuz:
      return "fnuz";
    case lowp::special_values::finite:
      return "finite";
    case lowp::special_values::e8m0:
      return "e8m0";
    case lowp::special_values::p3109_extended:
      return "p3109_extended";
    case lowp::special_values::p3109_finite:
      return "p3109_finite";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------------
// Random inputs. They come from raw std::mt19937 outputs, whose sequence the C++ standard fixes,
// and not from std::uniform_*_distribution, whose algorithms differ between standard libraries:
// a seed gives the same file on every platform.

/// The next 32 bits of the generator (its result_type may be wider than 32 bits).
std::uint32_t next32(std::mt19937& g) { return static_cast<std::uint32_t>(g()); }

/// A float32 with random sign and mantissa and an exponent in [e_lo, e_hi] (float32 subnormals
/// below -126, built from the bits, so no rounding is involved).
float random_float(std::mt19937& g, int e_lo, int e_hi) {
  const std::uint32_t r = next32(g);
  const int e = e_lo + static_cast<int>(next32(g) % static_cast<std::uint32_t>(e_hi - e_lo + 1));
  const std::uint32_t mantissa = r & 0x7FFFFFu;
  std::uint32_t magnitude = 0;
  if (e >= -126) {
    magnitude = (static_cast<std::uint32_t>(e + 127) << 23) | mantissa;
  } else {
    magnitude = (mantissa | 0x800000u) >> std::min(24, -126 - e);
  }
  return float_of((r & 0x80000000u) | magnitude);
}

std::uint32_t low_bits(std::uint32_t v, unsigned count) {
  return count >= 32 ? v : v & ((std::uint32_t{1} << count) - 1u);
}

/// An input value with an optional name (shown in the summary, not written to the files).
struct labelled {
  float x;
  const char* label;
};

/// Appends x and -x unless already present.
void add_both_signs(std::vector<labelled>& v, std::set<std::uint32_t>& seen, float x,
                    const char* label) {
  for (const float y : {x, -x})
    if (seen.insert(bits_of(y)).second)
      v.push_back({y, bits_of(y) == bits_of(x) ? label : nullptr});
}

// ---------------------------------------------------------------------------------------------
// Scalar vectors: float32 -> code -> float32 for one format.

struct scalar_request {
  lowp::conversion_policy policy;
  unsigned sr_bits = 8;
  std::size_t count = 256;
  std::uint32_t seed = 1;
};

struct scalar_vector {
  std::uint32_t in;     // float32 bits
  std::uint32_t rbits;  // random bits (stochastic rounding only)
  std::uint32_t code;   // code in the format (low bits)
  std::uint32_t out;    // decoded float32 bits
  const char* label;    // nullptr for most
};

struct scalar_result {
  std::vector<scalar_vector> vectors;
  std::size_t boundary = 0;  // the first `boundary` vectors are boundary values
};

/// The finite non-negative values of a format, ascending (magnitude codes are ordered like
/// their values, so decoding the codes in order gives them sorted).
template <class Fmt>
std::vector<float> positive_values() {
  constexpr lowp::float_format d = Fmt::value;
  std::vector<float> v;
  const std::uint64_t codes = std::uint64_t{1} << lowp::magnitude_bits(d);
  for (std::uint64_t c = 0; c < codes; ++c) {
    if (lowp::is_nan_code(d, c) || lowp::is_inf_code(d, c)) continue;
    v.push_back(lowp::decode<Fmt>(static_cast<lowp::storage_t<Fmt>>(c)));
  }
  return v;
}

/// Boundary inputs of a format: zeros, the overflow threshold around max, the underflow
/// threshold around the smallest value, infinities, NaNs, and every representable value with
/// the midpoint to its upper neighbour and the floats just below and above that midpoint (for
/// formats wider than 8 bits: around 0, 1, max and a sample in between). Both signs.
template <class Fmt>
std::vector<labelled> boundary_inputs() {
  constexpr lowp::float_format d = Fmt::value;
  constexpr float inf = std::numeric_limits<float>::infinity();
  constexpr float flt_max = std::numeric_limits<float>::max();
  const std::vector<float> values = positive_values<Fmt>();
  const float max = values.back();
  const float min_positive = values[0] > 0.0f ? values[0] : values[1];
  // Spacing of the top binade: max + ulp is the first value past max on the format's grid.
  const double ulp_max = std::ldexp(1.0, lowp::emax(d) - d.mantissa_bits);

  std::vector<labelled> v;
  std::set<std::uint32_t> seen;
  // Takes a float or a double (values past FLT_MAX, e.g. max + ulp of bfloat16, are skipped).
  const auto add = [&](auto x, const char* label) {
    const auto y = static_cast<double>(x);
    if (std::fabs(y) <= static_cast<double>(flt_max) || std::isinf(y))
      add_both_signs(v, seen, static_cast<float>(y), label);
  };
  const double tie = static_cast<double>(max) + ulp_max / 2;  // exact in float
  add(0.0, "zero");
  add(1.0, "one");
  add(max, "max");
  add(tie, "max + ulp/2 (overflow tie)");
  add(std::nextafter(static_cast<float>(tie), 0.0f), "just below the overflow tie");
  add(std::nextafter(static_cast<float>(tie), inf), "just above the overflow tie");
  add(static_cast<double>(max) + ulp_max, "max + ulp");
  add(std::ldexp(1.0, lowp::emax(d) + 1), "2^(emax+1)");
  add(2.0 * static_cast<double>(max), "2 max");
  add(flt_max, "FLT_MAX");
  add(inf, "inf");
  add(min_positive, "min positive");
  add(static_cast<double>(min_positive) / 2, "min positive / 2 (tie with zero)");
  add(std::nextafter(min_positive / 2, inf), "just above min positive / 2");
  add(static_cast<double>(min_positive) * 0.75, "3/4 min positive");
  add(static_cast<double>(min_positive) / 4, "min positive / 4");
  add(std::numeric_limits<float>::denorm_min(), "float32 min subnormal");
  add(std::numeric_limits<float>::min(), "float32 min normal");
  for (const std::uint32_t nan : {0x7FC00000u, 0xFFC00000u, 0x7F800001u, 0xFFBFFFFFu})
    if (seen.insert(nan).second) v.push_back({float_of(nan), nan == 0x7FC00000u ? "NaN" : nullptr});

  // Every value and midpoint (8-bit formats), or a sample of them (wider formats).
  const std::size_t n = values.size();
  const auto one = static_cast<std::size_t>(std::lower_bound(values.begin(), values.end(), 1.0f) -
                                            values.begin());
  const std::size_t stride = n <= 512 ? 1 : n / 64;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const bool near_edge = i < 16 || i + 17 > n || (i + 16 > one && i < one + 16);
    if (i % stride != 0 && !near_edge) continue;
    const auto lo = static_cast<double>(values[i]), hi = static_cast<double>(values[i + 1]);
    const auto mid = static_cast<float>((lo + hi) / 2);  // exact: M + 2 significant bits
    add(lo, nullptr);
    add(mid, nullptr);
    add(std::nextafter(mid, 0.0f), nullptr);
    add(std::nextafter(mid, inf), nullptr);
  }
  return v;
}

/// Encodes and decodes the boundary inputs and `count` random ones.
template <class Fmt>
scalar_result scalar_vectors(const scalar_request& req) {
  constexpr lowp::float_format d = Fmt::value;
  std::vector<labelled> inputs = boundary_inputs<Fmt>();
  scalar_result r;
  r.boundary = inputs.size();

  std::mt19937 g(req.seed);
  for (std::size_t i = 0; i < req.count; ++i) {
    if (i % 2 == 0) {
      inputs.push_back({float_of(next32(g)), nullptr});  // any float32: NaN, inf, huge, tiny
    } else {
      // In and around the format's range.
      const int lo = lowp::min_exponent(d) - 3;
      const int hi = std::min(lowp::emax(d) + 2, 127);
      inputs.push_back({random_float(g, lo, hi), nullptr});
    }
  }
  const bool stochastic = req.policy.round == rounding::stochastic;
  for (const labelled& in : inputs) {
    const std::uint32_t rb = stochastic ? low_bits(next32(g), req.sr_bits) : 0u;
    const auto code = lowp::encode_as<Fmt>(in.x, req.policy, lowp::random_bits{rb, req.sr_bits});
    const float out = lowp::decode<Fmt>(code);  // NaN codes decode to +-0x7FC00000
    r.vectors.push_back({bits_of(in.x), rb, code, bits_of(out), in.label});
  }
  return r;
}

struct format_entry {
  const char* name;
  lowp::float_format desc;
  scalar_result (*make)(const scalar_request&);
};

template <class Fmt>
constexpr format_entry format_row(const char* name) {
  return {name, Fmt::value, &scalar_vectors<Fmt>};
}

const format_entry format_table[] = {
    format_row<fm::e4m3fn>("e4m3fn"),
    format_row<fm::e5m2>("e5m2"),
    format_row<fm::e4m3>("e4m3"),
    format_row<fm::e3m4>("e3m4"),
    format_row<fm::e4m3fnuz>("e4m3fnuz"),
    format_row<fm::e5m2fnuz>("e5m2fnuz"),
    format_row<fm::e4m3b11fnuz>("e4m3b11fnuz"),
    format_row<fm::e8m0fnu>("e8m0fnu"),
    format_row<fm::e2m3fn>("e2m3fn"),
    format_row<fm::e3m2fn>("e3m2fn"),
    format_row<fm::e2m1fn>("e2m1fn"),
    format_row<fm::ue4m3>("ue4m3"),
    format_row<fm::bfloat16>("bfloat16"),
    format_row<fm::binary16>("binary16"),
    format_row<fm::tf32>("tf32"),
};

void write_scalar_file(std::FILE* f, const format_entry& fmt, const scalar_request& req,
                       const scalar_result& r, const std::string& file_name) {
  const lowp::float_format& d = fmt.desc;
  const lowp::conversion_policy& p = req.policy;
  const bool stochastic = p.round == rounding::stochastic;
  const int code_bits = lowp::total_bits(d);
  std::fprintf(f, "// lowp golden vectors: float32 -> %s -> float32 (%s)\n", fmt.name,
               file_name.c_str());
  std::fprintf(f, "// format: %s\n", fmt.name);
  std::fprintf(f, "// layout: E%d M%d bias %d, %s, specials %s, %d-bit codes, max %.9g\n",
               d.exponent_bits, d.mantissa_bits, d.bias, lowp::is_signed(d) ? "signed" : "unsigned",
               name_of(d.specials), code_bits, lowp::max_finite(d));
  std::fprintf(f, "// rounding: %s\n", name_of(p.round).name);
  std::fprintf(f, "// overflow: %s\n", name_of(p.over).name);
  std::fprintf(f, "// nan: %s\n// no_nan: %s\n// no_zero: %s\n// negative: %s\n// compat: %s\n",
               name_of(p.nan), name_of(p.no_nan), name_of(p.no_zero), name_of(p.negative),
               name_of(p.compat));
  std::fprintf(f, "// decode: NaN codes decode to 0x7FC00000 with the code's sign bit\n");
  if (stochastic)
    std::fprintf(f,
                 "// sr_bits: %u (rounds up iff the top %u bits of the discarded fraction of "
                 "an ulp + rbits >= 2^%u)\n",
                 req.sr_bits, req.sr_bits, req.sr_bits);
  std::fprintf(f, "// seed: %u (std::mt19937: random inputs, then random bits)\n", req.seed);
  std::fprintf(f, "// vectors: %zu (%zu boundary, %zu random)\n", r.vectors.size(), r.boundary,
               r.vectors.size() - r.boundary);
  std::fprintf(f, "// columns: input_f32%s code decoded_f32\n", stochastic ? " rbits" : "");
  std::fprintf(f, "//   hex without 0x; code is %d bits (%d hex digit%s)\n", code_bits,
               hex_digits(code_bits), hex_digits(code_bits) > 1 ? "s" : "");
  for (const scalar_vector& v : r.vectors) {
    std::fprintf(f, "%08X ", v.in);
    if (stochastic) std::fprintf(f, "%08X ", v.rbits);
    std::fprintf(f, "%0*X %08X\n", hex_digits(code_bits), v.code, v.out);
  }
}

// ---------------------------------------------------------------------------------------------
// Block vectors: one line per block.

struct block_request {
  rounding mode = rounding::nearest_even;
  unsigned sr_bits = 8;
  std::size_t count = 64;
  std::uint32_t seed = 1;
};

struct block_result {
  std::size_t block_size = 0;
  int element_bits = 0;
  int scale_bits = 0;
  int emax_elem = 0;
  bool two_level = false;
  float tensor_amax = 0.0f;
  lowp::blocks::tensor_scale_state tensor;
  std::vector<const char*> labels;  // one per block (nullptr for random blocks)
  std::size_t boundary = 0;         // boundary blocks first
  std::vector<float> in;
  std::vector<std::uint32_t> rbits;  // per element, stochastic rounding only
  std::vector<std::uint32_t> scales;
  std::vector<std::uint32_t> codes;
  std::vector<float> out;
};

/// The element values >= 0 of a block element type, ascending.
template <class Elem>
std::vector<double> element_values() {
  std::vector<double> v;
  if constexpr (lowp::is_float_format_v<Elem>) {
    for (float x : positive_values<Elem>()) v.push_back(static_cast<double>(x));
  } else {  // fixed_point: n / 2^fraction_bits
    for (int n = 0; n < (1 << (Elem::bits - 1)); ++n)
      v.push_back(std::ldexp(static_cast<double>(n), -Elem::fraction_bits));
  }
  return v;
}

/// Boundary blocks (each block_size values, with a name).
template <class Block>
std::vector<std::pair<const char*, std::vector<float>>> boundary_blocks() {
  using elem = bl::element_traits<typename Block::element>;
  constexpr std::size_t B = Block::block_size;
  constexpr float inf = std::numeric_limits<float>::infinity();
  const auto sign = [](std::size_t i) { return i % 2 == 0 ? 1.0f : -1.0f; };
  const auto ramp = [&](float top) {  // +-top * (i+1)/B: amax = top at the last element
    std::vector<float> v(B);
    for (std::size_t i = 0; i < B; ++i)
      v[i] = sign(i) * top * static_cast<float>(i + 1) / static_cast<float>(B);
    return v;
  };
  std::vector<std::pair<const char*, std::vector<float>>> out;
  out.push_back({"all +0", std::vector<float>(B, 0.0f)});
  std::vector<float> v(B);
  for (std::size_t i = 0; i < B; ++i) v[i] = sign(i) * 0.0f;
  out.push_back({"signed zeros", v});
  out.push_back({"ramp, amax 1", ramp(1.0f)});
  v = ramp(1.0f);
  v[0] = float_of(0x3FFFFFFFu);  // 1.99999988: floor(log2 amax) = 0
  out.push_back({"amax just below 2", v});
  v = ramp(1.0f);
  v[0] = 1.9375f;  // above the element max once scaled (E4M3 1.75, E2M1 1.5): clamps
  v[1] = -1.9375f;
  out.push_back({"amax 1.9375 (FP elements clamp)", v});
  v = ramp(3.0f);
  v[3] = std::numeric_limits<float>::quiet_NaN();
  out.push_back({"NaN element", v});
  v = ramp(3.0f);
  v[5] = inf;
  out.push_back({"+inf element", v});
  v = ramp(3.0f);
  v[6] = -inf;
  out.push_back({"-inf element", v});
  for (std::size_t i = 0; i < B; ++i)
    v[i] = sign(i) * float_of(static_cast<std::uint32_t>(i * 0x2345u + 1u));
  out.push_back({"float32 subnormals", v});
  for (std::size_t i = 0; i < B; ++i)
    v[i] = sign(i) * std::ldexp(std::numeric_limits<float>::max(), -static_cast<int>(i));
  out.push_back({"FLT_MAX", v});
  for (std::size_t i = 0; i < B; ++i) v[i] = sign(i) * std::ldexp(1.5f, -static_cast<int>(i));
  out.push_back({"wide range (underflow)", v});
  v.assign(B, 0.0f);
  v[7] = -3.0f;
  out.push_back({"one negative value", v});

  // Midpoints between neighbouring element values, under the scale 2^0: the first element
  // 2^emax_elem makes floor(log2 amax) - emax_elem = 0 (for the power-of-two rules).
  const std::vector<double> ev = element_values<typename Block::element>();
  std::vector<float> tie_values;
  for (std::size_t i = 0; i + 1 < ev.size(); ++i)
    tie_values.push_back(sign(i) * static_cast<float>((ev[i] + ev[i + 1]) / 2));
  for (std::size_t k = 0; k < tie_values.size(); k += B - 1) {
    v.assign(B, 0.0f);
    v[0] = std::ldexp(1.0f, elem::emax);
    for (std::size_t i = 1; i < B && k + i - 1 < tie_values.size(); ++i)
      v[i] = tie_values[k + i - 1];
    out.push_back({"element midpoints, scale 2^0", v});
  }
  return out;
}

template <class Block, rounding R>
block_result block_vectors_with(const block_request& req) {
  constexpr std::size_t B = Block::block_size;
  block_result r;
  r.block_size = B;
  r.element_bits = Block::element_bits;
  r.scale_bits = lowp::total_bits(Block::scale_format::value);
  r.emax_elem = bl::element_traits<typename Block::element>::emax;
  r.two_level = Block::two_level;
  for (const auto& blk : boundary_blocks<Block>()) {
    r.labels.push_back(blk.first);
    r.in.insert(r.in.end(), blk.second.begin(), blk.second.end());
  }
  r.boundary = r.labels.size();

  // Random blocks: a base exponent per block, elements spread 15 binades below it; one block
  // in 8 anywhere in the float32 range; one element in 8 zero.
  std::mt19937 g(req.seed);
  float random_amax = 0.0f;
  for (std::size_t b = 0; b < req.count; ++b) {
    const int base = b % 8 == 7 ? -126 + static_cast<int>(next32(g) % 254u)
                                : -16 + static_cast<int>(next32(g) % 33u);
    r.labels.push_back(nullptr);
    for (std::size_t i = 0; i < B; ++i) {
      const float x = next32(g) % 8 == 0 ? 0.0f : random_float(g, std::max(base - 15, -149), base);
      if (b % 8 != 7) random_amax = std::max(random_amax, std::fabs(x));
      r.in.push_back(x);
    }
  }

  bl::block_options o;
  o.seed = req.seed;
  o.random_count = req.sr_bits;
  if (Block::two_level) {
    // The tensor scale comes from a calibrated amax (the random blocks' largest |x|), so that
    // the FLT_MAX and infinity blocks do not make every other block scale underflow.
    r.tensor_amax = random_amax > 0.0f ? random_amax : 1.0f;
    o.tensor_amax = r.tensor_amax;
  }
  const bl::block_tensor<Block> q = bl::quantize<Block, R>(r.in, o);
  r.out = bl::dequantize(q);
  r.tensor = q.tensor;
  for (const auto s : q.scales) r.scales.push_back(s);
  for (std::size_t i = 0; i < r.in.size(); ++i) {
    r.codes.push_back(q.code(i));
    // Element i of a stochastic quantize uses the low sr_bits of counter_bits(seed, i).
    if (R == rounding::stochastic)
      r.rbits.push_back(low_bits(lowp::counter_bits(o.seed, i), req.sr_bits));
  }
  return r;
}

/// Run-time rounding mode -> compiled instantiation (lowp::with_rounding is the one switch).
template <class Block>
block_result block_vectors(const block_request& req) {
  return lowp::with_rounding(
      req.mode, [&](auto mode) { return block_vectors_with<Block, decltype(mode)::value>(req); });
}

struct block_entry {
  const char* name;
  const char* what;     // for the header
  const char* element;  // element format name
  const char* scale;    // scale format name
  const char* rule;     // how the scale is chosen and applied
  block_result (*make)(const block_request&);
};

const char* const mx_rule =
    "scale = 2^(floor(log2 amax) - emax_elem), clamped to 2^[-127, 127]; all-zero block: code "
    "0; NaN or inf in the block: scale 0xFF (NaN); element = round(x / scale), saturating; "
    "out = value(element) * 2^(scale - 127)";
const char* const nvfp4_rule =
    "TransformerEngine order: scale = ue4m3(amax_b * (S_enc * (1/6))) RNE satfinite; element "
    "= e2m1(x * fminf(1 / (scale * S_dec), FLT_MAX)) saturating; out = (e2m1 * scale) * S_dec "
    "(each step a float32 operation); a NaN in the block: scale 0x7F (NaN)";

const block_entry block_table[] = {
    {"mxfp8_e4m3", "OCP MX v1.0 MXFP8, E4M3 elements", "e4m3fn", "e8m0fnu", mx_rule,
     &block_vectors<bl::mxfp8_e4m3>},
    {"mxfp8_e5m2", "OCP MX v1.0 MXFP8, E5M2 elements", "e5m2", "e8m0fnu", mx_rule,
     &block_vectors<bl::mxfp8_e5m2>},
    {"mxfp6_e2m3", "OCP MX v1.0 MXFP6, E2M3 elements", "e2m3fn", "e8m0fnu", mx_rule,
     &block_vectors<bl::mxfp6_e2m3>},
    {"mxfp6_e3m2", "OCP MX v1.0 MXFP6, E3M2 elements", "e3m2fn", "e8m0fnu", mx_rule,
     &block_vectors<bl::mxfp6_e3m2>},
    {"mxfp4", "OCP MX v1.0 MXFP4, E2M1 elements", "e2m1fn", "e8m0fnu", mx_rule,
     &block_vectors<bl::mxfp4>},
    {"mxint8", "OCP MX v1.0 MXINT8, int8 elements n/64 in [-127, 127]", "int8/64", "e8m0fnu",
     mx_rule, &block_vectors<bl::mxint8>},
    {"nvfp4", "NVIDIA NVFP4, 16 E2M1 elements, UE4M3 scale, fp32 tensor scale", "e2m1fn", "ue4m3",
     nvfp4_rule, &block_vectors<bl::nvfp4>},
    {"nvfp4_single", "NVFP4 block scales only (S_enc = S_dec = 1)", "e2m1fn", "ue4m3", nvfp4_rule,
     &block_vectors<bl::nvfp4_single>},
};

void write_block_file(std::FILE* f, const block_entry& blk, const block_request& req,
                      const block_result& r, const std::string& file_name) {
  const bool stochastic = req.mode == rounding::stochastic;
  const std::size_t B = r.block_size;
  const std::size_t last = B - 1;
  std::fprintf(f, "// lowp golden vectors: block format %s (%s)\n", blk.name, file_name.c_str());
  std::fprintf(f, "// block: %s\n", blk.name);
  std::fprintf(f, "// description: %s\n", blk.what);
  std::fprintf(f, "// layout: %zu elements %s (%d bits), scale %s (%d bits), emax_elem %d\n", B,
               blk.element, r.element_bits, blk.scale, r.scale_bits, r.emax_elem);
  std::fprintf(f, "// rule: %s\n", blk.rule);
  std::fprintf(f, "// rounding: %s\n", name_of(req.mode).name);
  std::fprintf(f, "// zeros: keep (an element that rounds to zero keeps the input's sign)\n");
  if (stochastic)
    std::fprintf(f, "// sr_bits: %u (element i of the file uses lowp::counter_bits(seed, i))\n",
                 req.sr_bits);
  if (r.two_level)
    std::fprintf(f,
                 "// tensor_amax: %08X (calibrated: the largest |x| of the random blocks; "
                 "S_enc, S_dec in the columns tenc, tdec)\n",
                 bits_of(r.tensor_amax));
  std::fprintf(f, "// seed: %u (std::mt19937: random blocks)\n", req.seed);
  std::fprintf(f, "// vectors: %zu blocks (%zu boundary, %zu random)\n", r.labels.size(),
               r.boundary, r.labels.size() - r.boundary);
  std::fprintf(f, "// columns: in[0..%zu]%s%s scale code[0..%zu] out[0..%zu]\n", last,
               stochastic ? " rbits[0..last]" : "", r.two_level ? " tenc tdec" : "", last, last);
  std::fprintf(f, "//   hex without 0x; in, out%s float32; codes %d bits\n",
               r.two_level ? ", tenc, tdec" : "", r.element_bits);
  for (std::size_t b = 0; b < r.labels.size(); ++b) {
    const std::size_t first = b * B;
    for (std::size_t i = 0; i < B; ++i) std::fprintf(f, "%08X ", bits_of(r.in[first + i]));
    if (stochastic)
      for (std::size_t i = 0; i < B; ++i) std::fprintf(f, "%08X ", r.rbits[first + i]);
    if (r.two_level)
      std::fprintf(f, "%08X %08X ", bits_of(r.tensor.encode), bits_of(r.tensor.decode));
    std::fprintf(f, "%0*X", hex_digits(r.scale_bits), r.scales[b]);
    for (std::size_t i = 0; i < B; ++i)
      std::fprintf(f, " %0*X", hex_digits(r.element_bits), r.codes[first + i]);
    for (std::size_t i = 0; i < B; ++i) std::fprintf(f, " %08X", bits_of(r.out[first + i]));
    std::fprintf(f, "\n");
  }
}

// ---------------------------------------------------------------------------------------------
// Command line and the default run.

struct job {
  const format_entry* format = &format_table[0];
  const block_entry* block = nullptr;
  lowp::conversion_policy policy;
  unsigned sr_bits = 8;
  long long count = -1;  // -1: the default of the kind (256 values or 64 blocks)
  std::uint32_t seed = 1;
  std::string out;
};

std::string default_file_name(const job& j) {
  const std::string mode = name_of(j.policy.round).tag;
  if (j.block) return std::string(j.block->name) + "_" + mode + "_vectors.txt";
  return std::string(j.format->name) + "_" + mode + name_of(j.policy.over).tag + "_vectors.txt";
}

/// Writes one file; prints one summary row and returns the vectors' sample lines.
bool run_job(const job& j, std::vector<std::string>& samples) {
  const std::string file = j.out.empty() ? default_file_name(j) : j.out;
  std::FILE* f = std::fopen(file.c_str(), "w");
  if (!f) {
    std::fprintf(stderr, "golden_vectors: cannot write %s\n", file.c_str());
    return false;
  }
  char line[512];
  std::size_t count = 0;
  if (j.block) {
    block_request req;
    req.mode = j.policy.round;
    req.sr_bits = j.sr_bits;
    req.count = j.count >= 0 ? static_cast<std::size_t>(j.count) : 64;
    req.seed = j.seed;
    const block_result r = j.block->make(req);
    write_block_file(f, *j.block, req, r, file);
    count = r.labels.size();
    std::printf("%-28s %-6s %-12s %-16s %-13s %6zu blocks\n", file.c_str(), "block", j.block->name,
                name_of(j.policy.round).name, "saturate", count);
    // Samples: the first named blocks, first four elements each.
    const char* shown = nullptr;
    for (std::size_t b = 0; b < r.boundary && samples.size() < 6; ++b) {
      if (shown && std::strcmp(shown, r.labels[b]) == 0) continue;
      shown = r.labels[b];
      const std::size_t i = b * r.block_size;
      std::snprintf(line, sizeof line,
                    "%-34s scale %0*X | in %08X %08X %08X %08X | code %0*X %0*X %0*X %0*X | "
                    "out %08X %08X %08X %08X",
                    r.labels[b], hex_digits(r.scale_bits), r.scales[b], bits_of(r.in[i]),
                    bits_of(r.in[i + 1]), bits_of(r.in[i + 2]), bits_of(r.in[i + 3]),
                    hex_digits(r.element_bits), r.codes[i], hex_digits(r.element_bits),
                    r.codes[i + 1], hex_digits(r.element_bits), r.codes[i + 2],
                    hex_digits(r.element_bits), r.codes[i + 3], bits_of(r.out[i]),
                    bits_of(r.out[i + 1]), bits_of(r.out[i + 2]), bits_of(r.out[i + 3]));
      if (std::strstr(r.labels[b], "midpoints") || std::strstr(r.labels[b], "NaN") ||
          std::strstr(r.labels[b], "clamp") || std::strstr(r.labels[b], "ramp"))
        samples.push_back(line);
    }
  } else {
    scalar_request req;
    req.policy = j.policy;
    req.sr_bits = j.sr_bits;
    req.count = j.count >= 0 ? static_cast<std::size_t>(j.count) : 256;
    req.seed = j.seed;
    const scalar_result r = j.format->make(req);
    write_scalar_file(f, *j.format, req, r, file);
    count = r.vectors.size();
    std::printf("%-28s %-6s %-12s %-16s %-13s %6zu values\n", file.c_str(), "scalar",
                j.format->name, name_of(j.policy.round).name, name_of(j.policy.over).name, count);
    const bool stochastic = j.policy.round == rounding::stochastic;
    const int digits = hex_digits(lowp::total_bits(j.format->desc));
    for (const scalar_vector& v : r.vectors) {
      if (!v.label) continue;
      if (stochastic) {
        std::snprintf(line, sizeof line, "%-34s %08X %08X %0*X %08X", v.label, v.in, v.rbits,
                      digits, v.code, v.out);
      } else {
        std::snprintf(line, sizeof line, "%-34s %08X %0*X %08X", v.label, v.in, digits, v.code,
                      v.out);
      }
      samples.push_back(line);
    }
  }
  std::fclose(f);
  return true;
}

int usage() {
  std::fprintf(stderr,
               "usage: golden_vectors [--format NAME] [--rounding MODE] [--overflow POLICY]\n"
               "                      [--profile NAME] [--block NAME] [--sr-bits K] [--count N]\n"
               "                      [--seed S] [--out FILE]\n  formats:");
  for (const auto& e : format_table) std::fprintf(stderr, " %s", e.name);
  std::fprintf(stderr, "\n  rounding:");
  for (const auto& e : rounding_names) std::fprintf(stderr, " %s", e.name);
  std::fprintf(stderr, "\n  overflow:");
  for (const auto& e : overflow_names) std::fprintf(stderr, " %s", e.name);
  std::fprintf(stderr, "\n  profiles:");
  for (const auto& e : profile_names) std::fprintf(stderr, " %s", e.name);
  std::fprintf(stderr, "\n  blocks:");
  for (const auto& e : block_table) std::fprintf(stderr, " %s", e.name);
  std::fprintf(stderr, "\n");
  return 2;
}

void print_header() {
  std::printf("%-28s %-6s %-12s %-16s %-13s %13s\n", "file", "kind", "format", "rounding",
              "overflow", "vectors");
}

/// No arguments: a small default set.
int default_run() {
  std::printf("golden_vectors: default set, seed 1 (run with --help for the options)\n\n");
  print_header();
  job e4m3;  // e4m3fn, nearest even, overflow to NaN
  job e5m2;
  e5m2.format = find_name(format_table, "e5m2");
  e5m2.policy = lowp::profiles::cuda_satfinite;  // saturate, +-inf -> +-max
  job e2m1;
  e2m1.format = find_name(format_table, "e2m1fn");
  e2m1.policy.round = rounding::stochastic;  // 8 random bits per value
  job mxfp8;
  mxfp8.block = find_name(block_table, "mxfp8_e4m3");
  mxfp8.count = 16;
  job mxfp4;
  mxfp4.block = find_name(block_table, "mxfp4");
  mxfp4.count = 16;

  std::vector<std::string> samples[5];
  const job* jobs[] = {&e4m3, &e5m2, &e2m1, &mxfp8, &mxfp4};
  for (int i = 0; i < 5; ++i)
    if (!run_job(*jobs[i], samples[i])) return 1;

  const char* titles[] = {
      "e4m3fn_rne_vectors.txt (input_f32 code decoded_f32)",
      "e5m2_rne_sat_vectors.txt (input_f32 code decoded_f32; cuda_satfinite policy)",
      "e2m1fn_sr_vectors.txt (input_f32 rbits code decoded_f32)",
      "mxfp8_e4m3_rne_vectors.txt (first four elements of some boundary blocks)",
      "mxfp4_rne_vectors.txt (first four elements of some boundary blocks)",
  };
  // The scalar samples worth a look (the files hold every labelled input and many more).
  const char* shown[] = {"one",
                         "max",
                         "max + ulp/2 (overflow tie)",
                         "just above the overflow tie",
                         "2^(emax+1)",
                         "inf",
                         "NaN",
                         "min positive",
                         "min positive / 2 (tie with zero)",
                         "3/4 min positive"};
  for (int i = 0; i < 5; ++i) {
    std::printf("\n%s:\n", titles[i]);
    for (const std::string& s : samples[i]) {
      bool show = i >= 3;
      for (const char* label : shown)
        show = show || (s.compare(0, std::strlen(label), label) == 0 &&
                        s[std::strlen(label)] == ' ' && s[std::strlen(label) + 1] == ' ');
      if (show) std::printf("  %s\n", s.c_str());
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 1) return default_run();
  job j;
  bool rounding_given = false, overflow_given = false, element_policy_given = false;
  rounding mode = rounding::nearest_even;
  overflow over = overflow::to_nonfinite;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") return usage();
    if (i + 1 >= argc) return usage();
    const std::string v = argv[++i];
    if (a == "--format") {
      if (!(j.format = find_name(format_table, v))) return usage();
      element_policy_given = true;
    } else if (a == "--block") {
      if (!(j.block = find_name(block_table, v))) return usage();
    } else if (a == "--rounding") {
      const rounding_name* r = find_name(rounding_names, v);
      if (!r) return usage();
      mode = r->mode;
      rounding_given = true;
    } else if (a == "--overflow") {
      const overflow_name* o = find_name(overflow_names, v);
      if (!o) return usage();
      over = o->policy;
      overflow_given = true;
    } else if (a == "--profile") {
      const profile_name* p = find_name(profile_names, v);
      if (!p) return usage();
      j.policy = p->policy;
      element_policy_given = true;
    } else if (a == "--sr-bits") {
      j.sr_bits = static_cast<unsigned>(std::stoul(v));
      if (j.sr_bits < 1 || j.sr_bits > 32) return usage();
    } else if (a == "--count") {
      j.count = std::stoll(v);
      if (j.count < 0) return usage();
    } else if (a == "--seed") {
      j.seed = static_cast<std::uint32_t>(std::stoul(v));
    } else if (a == "--out") {
      j.out = v;
    } else {
      return usage();
    }
  }
  if (rounding_given) j.policy.round = mode;
  if (overflow_given) j.policy.over = over;
  if (j.block && (overflow_given || element_policy_given)) {
    std::fprintf(stderr,
                 "golden_vectors: --block fixes the element format and its policy (elements "
                 "saturate): no --format, --overflow or --profile with it\n");
    return 2;
  }
  print_header();
  std::vector<std::string> samples;
  return run_job(j, samples) ? 0 : 1;
}
