// Quantization explorer: the design-space sweep done before choosing a number format.
//
// Every tensor is quantized and dequantized with
//   - each element format under one fp32 per-tensor scale (amax maps to the format's largest
//     finite value): FP8 (e4m3fn, e4m3, e5m2, e3m4), FP6, FP4, bfloat16, float16;
//   - each block format of lowp::blocks (OCP MX, NVFP4, MSFP, ggml) and each power-of-two
//     scale rule (floor, ceil, even, rceil);
//   - symmetric integers (INT8/6/4) per tensor and per block of 32 (and 16) with fp32 scales,
//     and INT4/INT6 in the MX and NVFP4 layouts (same block, same scale format as the FP
//     element), so that "same bits, same block" comparisons hold;
// and one table per tensor lists bits per element (block scales included, the fp32 tensor
// scale not), SQNR = 10 log10(sum x^2 / sum (q - x)^2), the largest |q - x|, and the mean of
// q - x and of |q - x|. A last section checks three published trends on these numbers:
//   (1) 8 bits: MXINT8 beats MXFP8 E4M3 (van Baalen et al. 2023; Rouhani et al. 2023);
//   (2) 4 bits: FP4 beats INT4 with the same block (Zhang et al. 2023, "Integer or Floating
//       Point? New Outlooks for Low-Bit Quantization on Large Language Models");
//   (3) NVFP4 (block 16, E4M3 scale) beats MXFP4 (block 32, E8M0 scale).
//
// Run:  example_quantization_explorer                 four built-in tensors (fixed seed)
//       example_quantization_explorer a.npy w.bin     your tensors: .npy (float32 or float16,
//                                                     little-endian, C order, any shape) or
//                                                     raw little-endian float32
//       example_quantization_explorer --csv rows.csv  also write every row as CSV
// examples/quantization_explorer_plot.py rows.csv plot.png draws SQNR against bits.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "lowp/lowp.hpp"

namespace {

namespace b = lowp::blocks;
namespace fm = lowp::formats;

struct tensor {
  std::string name;
  std::vector<float> x;
};

// ---- Built-in tensors ---------------------------------------------------------------------
// Only the engine (std::mt19937_64, whose output the standard fixes) comes from the library;
// the distributions are written out, so every standard library gives the same tensors.

constexpr std::size_t builtin_size = std::size_t{1} << 17;  // 131072 values per tensor
constexpr double pi = 3.14159265358979323846;

// Uniform in (0, 1), never 0 or 1: the top 53 bits of the engine, centred in their interval.
double uniform01(std::mt19937_64& g) { return (static_cast<double>(g() >> 11) + 0.5) * 0x1p-53; }

// Standard normal, Box-Muller (both values of each pair are used).
struct normal_source {
  std::mt19937_64& g;
  bool have_spare = false;
  double spare = 0.0;
  double operator()() {
    if (have_spare) {
      have_spare = false;
      return spare;
    }
    const double r = std::sqrt(-2.0 * std::log(uniform01(g)));
    const double t = 2.0 * pi * uniform01(g);
    spare = r * std::sin(t);
    have_spare = true;
    return r * std::cos(t);
  }
};

std::vector<tensor> builtin_tensors() {
  std::mt19937_64 g(20240601);
  normal_source normal{g};
  std::vector<tensor> ts;

  tensor gauss{"gaussian", std::vector<float>(builtin_size)};
  for (float& v : gauss.x) v = static_cast<float>(normal());
  ts.push_back(gauss);

  // Laplace with unit variance (b = 1/sqrt(2)), by the inverse CDF.
  tensor laplace{"laplace", std::vector<float>(builtin_size)};
  for (float& v : laplace.x) {
    const double u = uniform01(g) - 0.5;
    const double mag = -std::log(1.0 - 2.0 * std::fabs(u)) / std::sqrt(2.0);
    v = static_cast<float>(u < 0 ? -mag : mag);
  }
  ts.push_back(laplace);

  // Student-t with nu = 4: z / sqrt(chi2_4 / 4), chi2_4 a sum of four squared normals.
  tensor student{"student_t4", std::vector<float>(builtin_size)};
  for (float& v : student.x) {
    const double z = normal();
    double chi2 = 0.0;
    for (int k = 0; k < 4; ++k) {
      const double n = normal();
      chi2 += n * n;
    }
    v = static_cast<float>(z / std::sqrt(chi2 / 4.0));
  }
  ts.push_back(student);

  // Gaussian in which 0.1% of the entries (chosen at random) are multiplied by 50, the
  // activation outliers of large language models in miniature.
  tensor outliers{"gauss_outliers", std::vector<float>(builtin_size)};
  for (float& v : outliers.x) {
    v = static_cast<float>(normal());
    if (uniform01(g) < 0.001) v *= 50.0f;
  }
  ts.push_back(outliers);
  return ts;
}

// ---- Reading a tensor from a file ---------------------------------------------------------

std::uint32_t le32(const unsigned char* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
         std::uint32_t{p[3]} << 24;
}

float float_from_bits(std::uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// The value of a key in a .npy header dict, e.g. "'descr': '<f4', ..." -> "'<f4'".
std::string npy_field(const std::string& header, const std::string& key) {
  const std::size_t k = header.find("'" + key + "'");
  if (k == std::string::npos) throw std::runtime_error(".npy header has no '" + key + "'");
  std::size_t v = header.find(':', k);
  if (v == std::string::npos) throw std::runtime_error(".npy header is malformed");
  ++v;
  while (v < header.size() && header[v] == ' ') ++v;
  const char close = header[v] == '(' ? ')' : (header[v] == '\'' ? '\'' : ',');
  const std::size_t end = header.find(close, v + 1);
  if (end == std::string::npos) throw std::runtime_error(".npy header is malformed");
  return header.substr(v, end - v + (close == ',' ? 0 : 1));
}

// .npy (format versions 1-3): a magic string, a header length, a Python dict literal, data.
std::vector<float> parse_npy(const std::vector<unsigned char>& bytes) {
  if (bytes.size() < 10) throw std::runtime_error("truncated .npy file");
  const unsigned major = bytes[6];
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + len_bytes) throw std::runtime_error("truncated .npy file");
  std::size_t header_len = std::size_t{bytes[8]} | std::size_t{bytes[9]} << 8;
  if (len_bytes == 4) header_len |= std::size_t{bytes[10]} << 16 | std::size_t{bytes[11]} << 24;
  const std::size_t data_at = 8 + len_bytes + header_len;
  if (bytes.size() < data_at) throw std::runtime_error("truncated .npy header");
  const std::string header(bytes.begin() + static_cast<std::ptrdiff_t>(8 + len_bytes),
                           bytes.begin() + static_cast<std::ptrdiff_t>(data_at));

  const std::string descr = npy_field(header, "descr");
  if (npy_field(header, "fortran_order").find("False") != 0)
    throw std::runtime_error(".npy data in Fortran order is not supported (use C order)");
  std::size_t count = 1;  // product of the shape; () is a scalar
  const std::string shape = npy_field(header, "shape");
  for (std::size_t i = 0; i < shape.size();) {
    if (shape[i] >= '0' && shape[i] <= '9') {
      std::size_t used = 0;
      count *= static_cast<std::size_t>(std::stoull(shape.substr(i), &used));
      i += used;
    } else {
      ++i;
    }
  }

  const unsigned char* data = bytes.data() + data_at;
  const std::size_t avail = bytes.size() - data_at;
  std::vector<float> out(count);
  if (descr == "'<f4'") {
    if (avail < 4 * count) throw std::runtime_error("truncated .npy data");
    for (std::size_t i = 0; i < count; ++i) out[i] = float_from_bits(le32(data + 4 * i));
  } else if (descr == "'<f2'") {
    if (avail < 2 * count) throw std::runtime_error("truncated .npy data");
    for (std::size_t i = 0; i < count; ++i) {
      const auto h = static_cast<std::uint16_t>(data[2 * i] | data[2 * i + 1] << 8);
      out[i] = lowp::decode<fm::binary16>(h);  // float16 -> float32 is exact
    }
  } else {
    throw std::runtime_error(".npy dtype " + descr + " is not supported ('<f4' or '<f2')");
  }
  return out;
}

tensor load_tensor(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path);
  const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(f)),
                                         std::istreambuf_iterator<char>());
  tensor t;
  t.name = path.substr(path.find_last_of("/\\") + 1);
  if (bytes.size() >= 6 && std::memcmp(bytes.data(), "\x93NUMPY", 6) == 0) {
    t.x = parse_npy(bytes);
  } else {  // raw little-endian float32
    if (bytes.size() % 4 != 0)
      throw std::runtime_error(path + ": raw float32 file size is not a multiple of 4");
    t.x.resize(bytes.size() / 4);
    for (std::size_t i = 0; i < t.x.size(); ++i) t.x[i] = float_from_bits(le32(&bytes[4 * i]));
  }
  if (t.x.empty()) throw std::runtime_error(path + ": no values");
  for (float v : t.x)
    if (!std::isfinite(v)) throw std::runtime_error(path + ": contains NaN or infinity");
  return t;
}

// ---- Error statistics ---------------------------------------------------------------------

struct error_stats {
  double sqnr_db;   // 10 log10(sum x^2 / sum (q - x)^2); +inf when q == x
  double max_abs;   // max |q - x|
  double mean;      // mean of q - x (bias)
  double mean_abs;  // mean of |q - x|
};

// Sums in double, in index order.
error_stats measure(const std::vector<float>& x, const std::vector<float>& q) {
  double signal = 0, noise = 0, max_abs = 0, sum = 0, sum_abs = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double xi = static_cast<double>(x[i]);
    const double e = static_cast<double>(q[i]) - xi;  // exact: both are floats
    signal += xi * xi;
    noise += e * e;
    max_abs = std::max(max_abs, std::fabs(e));
    sum += e;
    sum_abs += std::fabs(e);
  }
  const auto n = static_cast<double>(x.size());
  const double sqnr = noise > 0 ? 10.0 * std::log10(signal / noise) : HUGE_VAL;
  return {sqnr, max_abs, sum / n, sum_abs / n};
}

float absmax(const float* p, std::size_t n) {
  float m = 0.0f;
  for (std::size_t i = 0; i < n; ++i) m = std::max(m, std::fabs(p[i]));
  return m;
}

// ---- The quantizers -----------------------------------------------------------------------

struct row {
  std::string format;   // unique name within a tensor
  std::string scaling;  // how the scale is chosen and stored
  std::string family;   // for grouping in plots
  double bits;          // storage bits per element, block scales included
  error_stats err;
};

// An element format under one fp32 per-tensor scale: s = amax / max_finite, the values x / s
// are rounded to nearest-even (saturating) in the format, and multiplied back by s.
template <class Fmt>
row element_per_tensor(const char* name, const std::vector<float>& x) {
  const float fmax = static_cast<float>(lowp::max_finite(Fmt::value));
  const float amax = absmax(x.data(), x.size());
  const float s = amax > 0.0f ? amax / fmax : 1.0f;
  std::vector<float> q(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) q[i] = x[i] / s;
  lowp::fake_quantize<Fmt, lowp::rounding::nearest_even, lowp::overflow::saturate>(q, q);
  for (float& v : q) v *= s;
  const auto bits = static_cast<double>(lowp::total_bits(Fmt::value));
  return {name, "fp32 per tensor", "fp-tensor", bits, measure(x, q)};
}

// A symmetric integer: scale = fp32(amax / qmax) per group of `group` values (0: the whole
// tensor), q = round-to-nearest-even of the exact x / scale, clamped to [-qmax, qmax].
template <class Int>
row int_symmetric(const char* name, const std::vector<float>& x, std::size_t group) {
  const std::size_t g = group == 0 ? x.size() : group;
  std::vector<lowp::affine_params> params;
  for (std::size_t i = 0; i < x.size(); i += g) {
    const float amax = absmax(x.data() + i, std::min(g, x.size() - i));
    params.push_back(lowp::choose_symmetric<Int>(amax, lowp::symmetric_scale::amax_over_qmax));
  }
  const lowp::int_quant_policy policy{lowp::rounding::nearest_even, lowp::int_range::narrow,
                                      lowp::scale_division::exact};
  std::vector<lowp::storage_t<Int>> codes(x.size());
  std::vector<float> q(x.size());
  lowp::quantize_int<Int>(x, codes, params, g, policy);
  lowp::dequantize_int<Int>(codes, q, params, g);
  const double bits =
      lowp::total_bits(Int::value) + (group == 0 ? 0.0 : 32.0 / static_cast<double>(group));
  std::string scaling = group == 0 ? "fp32 per tensor" : "fp32 per " + std::to_string(group);
  return {name, scaling, group == 0 ? "int-tensor" : "int-block", bits, measure(x, q)};
}

// A block format of lowp::blocks, with its default element rounding (nearest-even for MX,
// NVFP4 and BFP; each ggml block its reference's rule).
template <class Block>
row block(const std::string& name, const std::string& scaling, const char* family,
          const std::vector<float>& x) {
  std::vector<float> q(x.size());
  b::fake_quantize<Block>(x, q);
  return {name, scaling, family, Block::bits_per_element, measure(x, q)};
}

// One block under the four power-of-two scale rules of docs/blocks.md.
template <class Block>
void block_all_rules(std::vector<row>& rows, const std::string& name, const char* family,
                     const std::vector<float>& x, const std::string& note = "") {
  rows.push_back(block<Block>(name, "E8M0 per 32, floor" + note, family, x));
  rows.push_back(block<b::with_scale_rule_t<Block, b::scale_ceil>>(
      name + "/ceil", "E8M0 per 32, ceil" + note, family, x));
  rows.push_back(block<b::with_scale_rule_t<Block, b::scale_even>>(
      name + "/even", "E8M0 per 32, even" + note, family, x));
  rows.push_back(block<b::with_scale_rule_t<Block, b::scale_rceil>>(
      name + "/rceil", "E8M0 per 32, rceil" + note, family, x));
}

// Integer formats without a catalogue tag: INT6 for the codec, and INT4/INT6 elements in
// the MX and NVFP4 block layouts (same block size and scale format as the FP element).
struct int6 {
  static constexpr lowp::int_format value{6, lowp::signedness::signed_};
};
// n / 4 with n in [-7, 7] (range +-1.75), emax 0: the 4-bit analogue of MXINT8's n / 64.
using mxint4 = b::block_format<b::fixed_point<4, 2>, fm::e8m0fnu, 32, b::scale_floor>;
using mxint6 = b::block_format<b::fixed_point<6, 4>, fm::e8m0fnu, 32, b::scale_floor>;
// n in [-7, 7] with NVFP4's scaling: UE4M3 per 16 (amax_b -> 7) and an fp32 tensor scale.
using nvint4 =
    b::block_format<b::fixed_point<4, 0>, fm::ue4m3, 16, b::nvfp4_te, b::fp32_tensor_scale>;

std::vector<row> explore(const std::vector<float>& x) {
  std::vector<row> rows;
  rows.push_back(element_per_tensor<fm::binary16>("float16", x));
  rows.push_back(element_per_tensor<fm::bfloat16>("bfloat16", x));
  rows.push_back(element_per_tensor<fm::e4m3fn>("e4m3fn", x));
  rows.push_back(element_per_tensor<fm::e4m3>("e4m3", x));
  rows.push_back(element_per_tensor<fm::e5m2>("e5m2", x));
  rows.push_back(element_per_tensor<fm::e3m4>("e3m4", x));
  rows.push_back(element_per_tensor<fm::e2m3fn>("e2m3fn", x));
  rows.push_back(element_per_tensor<fm::e3m2fn>("e3m2fn", x));
  rows.push_back(element_per_tensor<fm::e2m1fn>("e2m1fn", x));

  rows.push_back(int_symmetric<fm::int8>("int8", x, 0));
  rows.push_back(int_symmetric<int6>("int6", x, 0));
  rows.push_back(int_symmetric<fm::int4>("int4", x, 0));
  rows.push_back(int_symmetric<fm::int8>("int8_g32", x, 32));
  rows.push_back(int_symmetric<int6>("int6_g32", x, 32));
  rows.push_back(int_symmetric<fm::int4>("int4_g32", x, 32));
  rows.push_back(int_symmetric<fm::int4>("int4_g16", x, 16));

  block_all_rules<b::mxfp8_e4m3>(rows, "mxfp8_e4m3", "mx-fp", x);
  block_all_rules<b::mxfp8_e5m2>(rows, "mxfp8_e5m2", "mx-fp", x);
  block_all_rules<b::mxfp6_e2m3>(rows, "mxfp6_e2m3", "mx-fp", x);
  block_all_rules<b::mxfp6_e3m2>(rows, "mxfp6_e3m2", "mx-fp", x);
  block_all_rules<b::mxfp4>(rows, "mxfp4", "mx-fp", x);
  block_all_rules<b::mxint8>(rows, "mxint8", "mx-int", x);
  rows.push_back(
      block<b::mxint8_full>("mxint8_full", "E8M0 per 32, floor, -2 allowed", "mx-int", x));
  block_all_rules<mxint6>(rows, "int6_mx", "mx-int", x, " (not OCP)");
  block_all_rules<mxint4>(rows, "int4_mx", "mx-int", x, " (not OCP)");

  rows.push_back(block<b::nvfp4>("nvfp4", "UE4M3 per 16 + fp32", "nv", x));
  rows.push_back(block<b::nvfp4_torchao_order>("nvfp4_torchao", "UE4M3 per 16 + fp32", "nv", x));
  rows.push_back(block<b::nvfp4_single>("nvfp4_single", "UE4M3 per 16", "nv", x));
  rows.push_back(block<nvint4>("int4_nv", "UE4M3 per 16 + fp32 (custom)", "nv", x));

  rows.push_back(block<b::msfp16>("msfp16", "E8M0 exponent per 16", "bfp", x));
  rows.push_back(block<b::msfp12>("msfp12", "E8M0 exponent per 16", "bfp", x));
  rows.push_back(block<b::q8_0>("q8_0", "fp16 per 32 (amax/127)", "ggml", x));
  rows.push_back(block<b::q4_0>("q4_0", "fp16 per 32 (max/-8)", "ggml", x));
  rows.push_back(block<b::ggml_mxfp4>("ggml_mxfp4", "E8M0 per 32, log2f", "ggml", x));

  // Fewest bits first; within the same bits, the best SQNR first; ties in the order above.
  // (std::sort over positions: std::stable_sort instantiates libstdc++ 12's deprecated
  // get_temporary_buffer, an error under clang 19 -Werror.)
  std::vector<std::size_t> order(rows.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
    const row& a = rows[i];
    const row& c = rows[j];
    if (a.bits != c.bits) return a.bits < c.bits;
    if (a.err.sqnr_db != c.err.sqnr_db) return a.err.sqnr_db > c.err.sqnr_db;
    return i < j;
  });
  std::vector<row> sorted;
  sorted.reserve(rows.size());
  for (std::size_t i : order) sorted.push_back(std::move(rows[i]));
  return sorted;
}

// ---- Output -------------------------------------------------------------------------------

void print_table(const tensor& t, const std::vector<row>& rows) {
  double rms = 0;
  for (float v : t.x) rms += static_cast<double>(v) * static_cast<double>(v);
  rms = std::sqrt(rms / static_cast<double>(t.x.size()));
  std::printf("== %s: %zu values, amax %.4g, rms %.4g\n", t.name.c_str(), t.x.size(),
              static_cast<double>(absmax(t.x.data(), t.x.size())), rms);
  std::printf("%-16s %-31s %6s %8s %10s %11s %10s\n", "format", "scaling", "bits", "SQNR dB",
              "max|err|", "mean err", "mean|err|");
  for (const row& r : rows)
    std::printf("%-16s %-31s %6.3f %8.3f %10.3e %11.3e %10.3e\n", r.format.c_str(),
                r.scaling.c_str(), r.bits, r.err.sqnr_db, r.err.max_abs, r.err.mean,
                r.err.mean_abs);
  std::printf("\n");
}

double sqnr_of(const std::vector<row>& rows, const std::string& format) {
  for (const row& r : rows)
    if (r.format == format) return r.err.sqnr_db;
  throw std::logic_error("no row " + format);
}

// "(n) tensor: A 12.34 dB > B 10.00 dB: holds" (or "<= ...: does not hold").
int compare(const char* trend, const std::string& tensor_name, const std::vector<row>& rows,
            const std::string& a, const std::string& c) {
  const double sa = sqnr_of(rows, a), sc = sqnr_of(rows, c);
  const bool holds = sa > sc;
  std::printf("  %s %-15s %-11s %7.3f dB %s %-11s %7.3f dB: %s\n", trend, tensor_name.c_str(),
              a.c_str(), sa, holds ? "> " : "<=", c.c_str(), sc, holds ? "holds" : "does not hold");
  return holds ? 1 : 0;
}

void write_csv(const std::string& path, const std::vector<tensor>& ts,
               const std::vector<std::vector<row>>& all) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) throw std::runtime_error("cannot write " + path);
  std::fprintf(f, "tensor,format,scaling,family,bits,sqnr_db,max_abs_err,mean_err,mean_abs_err\n");
  for (std::size_t k = 0; k < ts.size(); ++k)
    for (const row& r : all[k])  // %.17g: doubles round-trip exactly
      std::fprintf(f, "\"%s\",%s,\"%s\",%s,%.17g,%.17g,%.17g,%.17g,%.17g\n", ts[k].name.c_str(),
                   r.format.c_str(), r.scaling.c_str(), r.family.c_str(), r.bits, r.err.sqnr_db,
                   r.err.max_abs, r.err.mean, r.err.mean_abs);
  std::fclose(f);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string csv;
    std::vector<tensor> ts;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--csv") {
        if (i + 1 == argc) throw std::runtime_error("--csv needs a file name");
        csv = argv[++i];
      } else if (a == "-h" || a == "--help") {
        std::printf("usage: %s [--csv FILE] [tensor.npy | tensor.f32 ...]\n", argv[0]);
        return 0;
      } else if (!a.empty() && a[0] == '-') {
        std::fprintf(stderr, "unknown option %s (try --help)\n", a.c_str());
        return 2;
      } else {
        ts.push_back(load_tensor(a));
      }
    }
    if (ts.empty()) ts = builtin_tensors();

    // Each (tensor, format) pair is independent: distribute them over threads if you like.
    std::vector<std::vector<row>> all;
    for (const tensor& t : ts) {
      all.push_back(explore(t.x));
      print_table(t, all.back());
    }

    std::printf(
        "Trends (SQNR, higher is better; \"holds\": the published claim is true here)\n"
        "  (1) MXINT8 vs MXFP8 E4M3, both 8.25 bits per element\n"
        "  (2) MXFP4 (4.25) vs INT4 per 32 with an fp32 scale (5.0) and with MXFP4's E8M0\n"
        "      scale (4.25); NVFP4 vs INT4 with NVFP4's own scaling (both 4.5)\n"
        "  (3) NVFP4 (4.5) vs MXFP4 (4.25)\n");
    int held = 0, checked = 0;
    for (std::size_t k = 0; k < ts.size(); ++k) {
      const std::string& n = ts[k].name;
      const std::vector<row>& r = all[k];
      held += compare("(1) 8 bits, MX block 32:     ", n, r, "mxint8", "mxfp8_e4m3");
      held += compare("(2) 4 bits, fp32 scale/32:   ", n, r, "mxfp4", "int4_g32");
      held += compare("(2) 4 bits, E8M0 scale/32:   ", n, r, "mxfp4", "int4_mx");
      held += compare("(2) 4 bits, UE4M3 scale/16:  ", n, r, "nvfp4", "int4_nv");
      held += compare("(3) NVFP4 vs MXFP4:          ", n, r, "nvfp4", "mxfp4");
      checked += 5;
    }
    std::printf("%d of %d comparisons hold\n", held, checked);

    if (!csv.empty()) {
      write_csv(csv, ts, all);
      std::printf("wrote %s\n", csv.c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
