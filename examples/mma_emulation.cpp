// A block-scaled dot product as a tensor core computes it, for MXFP8 (E4M3) and MXFP4 (E2M1):
// two float vectors are quantized with lowp::blocks::quantize, then the dot product of the
// quantized vectors is computed four ways and compared:
//   (a) tensor-core style: per 32-element block, the element products summed exactly, scaled by
//       the two E8M0 scales, and added to an fp32 accumulator block by block, rounding once
//       per block (the order stated in mma_block_ordered below);
//   (b) exactly: every product of every block in a wide fixed-point accumulator, no rounding;
//   (c) an fp32 FMA loop over the dequantized values (what a CUDA-core kernel would do);
//   (d) the float64 dot product of the unquantized inputs (the quantization error reference).
// Results are printed with their bits in hex so that another implementation (an RTL model, a
// GPU kernel, tests/examples/mma_emulation_check.py) can compare bit for bit.
//
// Usage: mma_emulation [--k N] [--seed S] [--dump FILE]
//   --k N       vector length, a multiple of 32 (default 4096)
//   --seed S    seed of the std::mt19937 behind the inputs (default 1)
//   --dump FILE also write the inputs, scale codes and element codes used, as hex text
// Build: any C++17 compiler, `-I include -pthread`.
//
// Real hardware differs from (a) in ways that matter at the last bit: the order and width of
// the intra-block adder tree, whether and how (often by truncation) a block sum is narrowed
// before it meets the accumulator, and how many bits the accumulator keeps (the DeepSeek-V3
// report, arXiv 2412.19437, observed that FP8 GEMMs on H800 keep only about 14 bits in the
// accumulation). formats-reference.md documents conversions only and has no notes on
// accumulation, so (a) is one clearly stated order, not a model of a particular GPU.
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "lowp/lowp.hpp"

namespace {

namespace bl = lowp::blocks;

std::uint32_t bits_of(float x) {
  std::uint32_t u = 0;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

std::uint64_t bits_of(double x) {
  std::uint64_t u = 0;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

/// An exact accumulator (a small Kulisch accumulator): a 1024-bit two's complement fixed-point
/// number whose bit 0 weighs 2^-500, so it holds any sum of the values met here without
/// rounding: every E4M3/E2M1 product times two E8M0 scales is an integer times 2^k with
/// k >= 2 * (-9) - 2 * 127 = -272 and magnitude below 2^(2 * 9 + 2 * 127) * 2^20 (a 2^20-term
/// sum), and every float32 is an integer times 2^-149 below 2^128.
class exact_sum {
 public:
  /// Adds m * 2^e exactly (e >= -500, |m * 2^e| < 2^500).
  void add(std::int64_t m, int e) {
    if (m == 0) return;
    const std::uint64_t mag =
        m < 0 ? ~static_cast<std::uint64_t>(m) + 1u : static_cast<std::uint64_t>(m);
    const int shift = e - lsb;
    const auto word = static_cast<std::size_t>(shift / 64);
    const int bit = shift % 64;
    // The 128-bit value mag << bit, as two words placed at `word`.
    const std::uint64_t lo = mag << bit;
    const std::uint64_t hi = bit == 0 ? 0u : mag >> (64 - bit);
    if (m > 0) {
      std::uint64_t carry = 0;
      for (std::size_t i = word; i < words && (i < word + 2 || carry != 0); ++i) {
        const std::uint64_t add = i == word ? lo : (i == word + 1 ? hi : 0u);
        const std::uint64_t s = w_[i] + add;
        const std::uint64_t s2 = s + carry;
        carry = (s < add ? 1u : 0u) + (s2 < s ? 1u : 0u);
        w_[i] = s2;
      }
    } else {
      std::uint64_t borrow = 0;
      for (std::size_t i = word; i < words && (i < word + 2 || borrow != 0); ++i) {
        const std::uint64_t sub = i == word ? lo : (i == word + 1 ? hi : 0u);
        const std::uint64_t d = w_[i] - sub;
        const std::uint64_t d2 = d - borrow;
        borrow = (w_[i] < sub ? 1u : 0u) + (d < borrow ? 1u : 0u);
        w_[i] = d2;
      }
    }
  }

  /// Adds a finite float exactly.
  void add(float x) {
    const std::uint32_t u = bits_of(x);
    const auto field = static_cast<int>((u >> 23) & 0xFFu);
    std::int64_t m = u & 0x7FFFFFu;
    if (field != 0) m |= 0x800000;
    add((u >> 31) != 0 ? -m : m, (field == 0 ? 1 : field) - 150);
  }

  /// The value as lowp's unpacked form (sign, floor(log2 |v|), the top 64 significant bits with
  /// a sticky bit folded into the last one), which lowp::pack rounds once into any format.
  lowp::unpacked unpack() const {
    std::array<std::uint64_t, words> m = w_;
    lowp::unpacked u;
    u.negative = (m[words - 1] >> 63) != 0;
    if (u.negative) {  // two's complement negation
      std::uint64_t carry = 1;
      for (auto& x : m) {
        x = ~x + carry;
        carry = (carry != 0 && x == 0) ? 1u : 0u;
      }
    }
    std::size_t top = words;
    while (top > 0 && m[top - 1] == 0) --top;
    if (top == 0) return u;  // zero
    const std::size_t t = top - 1;
    const int lead = 63 - clz(m[t]);  // bit of the leading 1 within word t
    const int shift = 63 - lead;
    std::uint64_t sig = m[t] << shift;
    bool sticky = false;
    if (t > 0) {
      if (shift > 0) sig |= m[t - 1] >> (64 - shift);
      sticky = (shift > 0 ? (m[t - 1] << shift) : m[t - 1]) != 0;
      for (std::size_t i = 0; i + 1 < t; ++i) sticky = sticky || m[i] != 0;
    }
    u.cls = lowp::value_class::finite;
    u.exponent = static_cast<int>(t) * 64 + lead + lsb;
    u.significand = sig | (sticky ? 1u : 0u);
    return u;
  }

  /// Rounded once to float32, nearest even (overflow to infinity).
  float to_float() const {
    const auto code = static_cast<std::uint32_t>(
        lowp::pack(lowp::formats::binary32::value, unpack(), lowp::conversion_policy{}));
    float x = 0.0f;
    std::memcpy(&x, &code, sizeof x);
    return x;
  }

  /// Rounded once to float64, nearest even: the 64-bit significand (sticky bit included)
  /// rounds to 53 bits in the conversion, then the exact power-of-two scaling.
  double to_double() const {
    const lowp::unpacked u = unpack();
    if (u.cls == lowp::value_class::zero) return 0.0;
    const double m = std::ldexp(static_cast<double>(u.significand), u.exponent - 63);
    return u.negative ? -m : m;
  }

 private:
  static constexpr int lsb = -500;
  static constexpr std::size_t words = 16;
  static int clz(std::uint64_t x) {
    int n = 0;
    for (std::uint64_t b = std::uint64_t{1} << 63; (x & b) == 0; b >>= 1) ++n;
    return n;
  }
  std::array<std::uint64_t, words> w_{};
};

/// Spacing of float32 values at |x| (2^-149 below the normal range).
double fp32_ulp(double x) {
  const double a = std::fabs(x);
  if (a < std::ldexp(1.0, -126)) return std::ldexp(1.0, -149);
  int e = 0;
  std::frexp(a, &e);  // a = f * 2^e, f in [0.5, 1)
  return std::ldexp(1.0, e - 1 - 23);
}

/// Test data: the vectors a and b, with a different magnitude per 32-element block and an
/// outlier every 512 elements (what makes per-block scales worth having), b correlated with a
/// so the dot product does not cancel. Built from raw std::mt19937 outputs (a sequence the C++
/// standard fixes) with exact float operations: the same on every platform.
void make_inputs(std::size_t k, std::uint32_t seed, std::vector<float>& a, std::vector<float>& b) {
  std::mt19937 g(seed);
  const auto uniform = [&g]() {  // (-1, 1), a multiple of 2^-23
    const auto r = static_cast<std::int32_t>(static_cast<std::uint32_t>(g()) >> 8);
    return std::ldexp(static_cast<float>(r - (1 << 23)), -23);
  };
  a.resize(k);
  b.resize(k);
  int level = 0;
  for (std::size_t i = 0; i < k; ++i) {
    if (i % 32 == 0) level = static_cast<int>(static_cast<std::uint32_t>(g()) % 9u) - 4;
    a[i] = std::ldexp(uniform(), level);
    if (i % 512 == 100) a[i] *= 64.0f;  // outlier (exact)
    const float noise = std::ldexp(uniform(), level);
    b[i] = 0.5f * a[i] + noise;  // 0.5 * a is exact, so one rounding whatever the compiler
  }
}

struct mma_result {
  const char* name;
  std::size_t blocks = 0;
  float tensor_core = 0.0f;        // (a)
  double bound = 0.0;              // (a): sum of half-ulps of the rounded partial sums
  double exact = 0.0;              // (b) rounded once to double
  float exact_f32 = 0.0f;          // (b) rounded once to float
  double tensor_core_error = 0;    // (a) - (b), exactly then rounded
  double naive_error = 0;          // (c) - (b)
  float naive = 0.0f;              // (c)
  std::vector<std::string> trace;  // the first blocks of (a)
};

/// The dot product of two quantized MX vectors, in the four ways of the file comment.
template <class Block>
mma_result dot_products(const char* name, const bl::block_tensor<Block>& qa,
                        const bl::block_tensor<Block>& qb) {
  using elem = typename Block::element;
  constexpr lowp::float_format ed = elem::value;
  // Every element is an integer multiple of its smallest positive value 2^q (E4M3: 2^-9,
  // E2M1: 2^-1) and below 2^(emax + 1), so n = element / 2^q is an integer below 2^(emax+1-q)
  // (E4M3: 448 * 2^9 < 2^18; E2M1: 6 * 2 = 12 < 2^4). A product of two is an integer times
  // 2^(2q) below 2^36 (E4M3) or 2^8 (E2M1), and a sum of 32 of them stays below 2^41: exact in
  // an int64, and in a double (53-bit significand) too. So a tensor core can form the block
  // sum exactly with a fixed-point adder tree of about 41 (MXFP8) or 13 (MXFP4) bits.
  constexpr int q = lowp::min_exponent(ed);
  const auto integer = [](std::uint32_t code) {
    const float v = lowp::decode<elem>(static_cast<lowp::storage_t<elem>>(code));
    return static_cast<std::int64_t>(std::ldexp(static_cast<double>(v), -q));
  };

  mma_result r;
  r.name = name;
  r.blocks = qa.blocks();
  exact_sum total;   // (b)
  float acc = 0.0f;  // (a)
  for (std::size_t blk = 0; blk < qa.blocks(); ++blk) {
    // mma_block_ordered: for blocks in ascending order,
    //   1. P = sum of the 32 element products, exact (integer units of 2^(2q));
    //   2. v = P * 2^(2q) * 2^(scale_a - 127) * 2^(scale_b - 127), exact;
    //   3. acc = fp32(acc + v), one rounding to nearest even per block.
    std::int64_t p = 0;
    for (std::size_t i = blk * 32; i < blk * 32 + 32; ++i)
      p += integer(qa.code(i)) * integer(qb.code(i));
    const int e =
        2 * q + (static_cast<int>(qa.scales[blk]) - 127) + (static_cast<int>(qb.scales[blk]) - 127);
    total.add(p, e);
    exact_sum step;
    step.add(acc);
    step.add(p, e);
    acc = step.to_float();
    r.bound += fp32_ulp(static_cast<double>(acc)) / 2;  // |rounding error| <= ulp(acc)/2
    if (blk < 4) {
      char line[160];
      std::snprintf(line, sizeof line,
                    "%5zu   2^%-4d 2^%-4d %12lld x 2^%-5d %-16.9g %-16.9g 0x%08X", blk,
                    static_cast<int>(qa.scales[blk]) - 127, static_cast<int>(qb.scales[blk]) - 127,
                    static_cast<long long>(p), 2 * q, std::ldexp(static_cast<double>(p), e),
                    static_cast<double>(acc), bits_of(acc));
      r.trace.push_back(line);
    }
  }
  r.tensor_core = acc;
  r.exact = total.to_double();
  r.exact_f32 = total.to_float();
  exact_sum diff = total;
  diff.add(-acc);
  r.tensor_core_error = -diff.to_double();

  // (c): one FMA per element over the dequantized values, in index order. A product of two
  // dequantized values is exact in float32 here, so fma and multiply-then-add agree.
  const std::vector<float> da = bl::dequantize(qa), db = bl::dequantize(qb);
  float naive = 0.0f;
  for (std::size_t i = 0; i < da.size(); ++i) naive = std::fma(da[i], db[i], naive);
  r.naive = naive;
  exact_sum diff_naive = total;
  diff_naive.add(-naive);
  r.naive_error = -diff_naive.to_double();
  return r;
}

void dump_block_tensor(std::FILE* f, const char* name, const std::vector<std::uint32_t>& sa,
                       const std::vector<std::uint32_t>& sb, const std::vector<std::uint32_t>& ca,
                       const std::vector<std::uint32_t>& cb) {
  for (std::size_t blk = 0; blk < sa.size(); ++blk) {
    std::fprintf(f, "s %s %zu %02X %02X\n", name, blk, sa[blk], sb[blk]);
    for (std::size_t i = blk * 32; i < blk * 32 + 32; ++i)
      std::fprintf(f, "e %s %zu %02X %02X\n", name, i, ca[i], cb[i]);
  }
}

template <class Block>
void collect(const bl::block_tensor<Block>& q, std::vector<std::uint32_t>& scales,
             std::vector<std::uint32_t>& codes) {
  for (const auto s : q.scales) scales.push_back(s);
  for (std::size_t i = 0; i < q.size; ++i) codes.push_back(q.code(i));
}

void print_result(const mma_result& r, double reference) {
  const double ulp = fp32_ulp(r.exact);
  std::printf("\n%s: %zu blocks of 32\n", r.name, r.blocks);
  std::printf(
      "  block   scale_a scale_b  exact block sum P        block value      fp32 acc"
      "         acc bits\n");
  for (const std::string& line : r.trace) std::printf("  %s\n", line.c_str());
  std::printf("  ...\n");
  std::printf("  %-48s %-24s %s\n", "result", "value", "bits");
  std::printf("  %-48s %-24.9g 0x%08X\n", "(a) tensor core: exact blocks, fp32 accumulator",
              static_cast<double>(r.tensor_core), bits_of(r.tensor_core));
  std::printf("  %-48s %-24.17g 0x%016llX\n", "(b) exact sum of the quantized products", r.exact,
              static_cast<unsigned long long>(bits_of(r.exact)));
  std::printf("  %-48s %-24.9g 0x%08X\n", "(b) rounded once to fp32",
              static_cast<double>(r.exact_f32), bits_of(r.exact_f32));
  std::printf("  %-48s %-24.9g 0x%08X\n", "(c) fp32 FMA loop on the dequantized values",
              static_cast<double>(r.naive), bits_of(r.naive));
  std::printf("  %-48s %-24.17g 0x%016llX\n", "(d) float64 dot of the unquantized inputs",
              reference, static_cast<unsigned long long>(bits_of(reference)));
  std::printf("  errors (1 ulp = fp32 spacing at (b) = 2^%d)\n", static_cast<int>(std::log2(ulp)));
  std::printf("  %-48s %+.4f ulp (bound %.2f ulp: %s)\n", "(a) - (b) tensor core accumulation",
              r.tensor_core_error / ulp, r.bound / ulp,
              std::fabs(r.tensor_core_error) <= r.bound ? "within the bound" : "OUT OF BOUND");
  std::printf("  %-48s %+.4f ulp\n", "(c) - (b) fp32 loop accumulation", r.naive_error / ulp);
  std::printf("  %-48s %+.3e (relative)\n", "(b) - (d) quantization error",
              (r.exact - reference) / std::fabs(reference));
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t k = 4096;
  std::uint32_t seed = 1;
  std::string dump;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--k") {
      k = static_cast<std::size_t>(std::stoull(argv[i + 1]));
    } else if (arg == "--seed") {
      seed = static_cast<std::uint32_t>(std::stoul(argv[i + 1]));
    } else if (arg == "--dump") {
      dump = argv[i + 1];
    } else {
      k = 0;  // -> usage
    }
  }
  if (argc % 2 == 0 || k == 0 || k % 32 != 0) {
    std::fprintf(stderr,
                 "usage: mma_emulation [--k N (multiple of 32)] [--seed S] [--dump FILE]\n");
    return 2;
  }

  std::vector<float> a, b;
  make_inputs(k, seed, a, b);
  // (d): products of two floats are exact in double; the sum rounds in double, index order.
  double reference = 0.0;
  for (std::size_t i = 0; i < k; ++i)
    reference += static_cast<double>(a[i]) * static_cast<double>(b[i]);

  // OCP MX quantization: scale 2^(floor(log2 amax) - emax_elem), elements RNE, saturating.
  const auto a8 = bl::quantize<bl::mxfp8_e4m3>(a), b8 = bl::quantize<bl::mxfp8_e4m3>(b);
  const auto a4 = bl::quantize<bl::mxfp4>(a), b4 = bl::quantize<bl::mxfp4>(b);

  std::printf("mma_emulation: dot product of two %zu-element vectors (seed %u)\n", k, seed);
  std::printf(
      "MXFP8: elements e4m3fn (max 448, smallest 2^-9), E8M0 scales; "
      "MXFP4: elements e2m1fn (max 6, smallest 2^-1)\n");
  print_result(dot_products("MXFP8 (mxfp8_e4m3)", a8, b8), reference);
  print_result(dot_products("MXFP4 (mxfp4)", a4, b4), reference);

  if (!dump.empty()) {
    std::FILE* f = std::fopen(dump.c_str(), "w");
    if (!f) {
      std::fprintf(stderr, "mma_emulation: cannot write %s\n", dump.c_str());
      return 1;
    }
    std::fprintf(f, "# mma_emulation dump: k %zu seed %u\n", k, seed);
    std::fprintf(f, "# x <index> <a float32 bits> <b float32 bits>\n");
    std::fprintf(f, "# s <format> <block> <scale_a e8m0> <scale_b e8m0>\n");
    std::fprintf(f, "# e <format> <index> <code_a> <code_b>\n");
    for (std::size_t i = 0; i < k; ++i)
      std::fprintf(f, "x %zu %08X %08X\n", i, bits_of(a[i]), bits_of(b[i]));
    std::vector<std::uint32_t> sa, sb, ca, cb;
    collect(a8, sa, ca);
    collect(b8, sb, cb);
    dump_block_tensor(f, "mxfp8_e4m3", sa, sb, ca, cb);
    sa.clear();
    sb.clear();
    ca.clear();
    cb.clear();
    collect(a4, sa, ca);
    collect(b4, sb, cb);
    dump_block_tensor(f, "mxfp4", sa, sb, ca, cb);
    std::fclose(f);
    std::printf("\nwrote %s\n", dump.c_str());
  }
  return 0;
}
