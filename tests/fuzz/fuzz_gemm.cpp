// libFuzzer target: the mpGEMM kernels (gemm/lut.hpp) against the library's plain reference
// (gemm/reference.hpp) and against the contract oracle tests/support/gemm_oracle.hpp (from
// docs/gemm.md: exact 64-bit group sums or fused float32 sums, then one fma per group, one
// multiply by the row scale, NaN stored as 0x7FC00000). The fuzzer's bytes choose the shape
// (M 1..70, K 1..300, N 1..6), the level width (1..4 bits, or 4-bit codes with a codebook of
// levels up to 8 bits), the group (16, multiples of 32, the whole row, longer than the row, or
// one the packing must refuse), the weight layout, the kernel (automatic or scalar), the ISA
// (forced as tests/gemm does), the activation path (int8 with their own scales, float32 through
// the dynamic int8 rule, float32 kept exact) and every level, zero point, scale and activation
// (raw float32 bits for the scales and float activations: NaN, inf, zero and subnormals occur).
// Weights also come from the block codec (MXFP4, NVFP4 single level, q4_0 via from_blocks).
// Results are compared bit for bit; inputs the documentation calls invalid must be refused with
// std::invalid_argument, and valid ones must not be. Layout: README.md.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "lowp/block/codec.hpp"
#include "lowp/gemm/block_weights.hpp"
#include "lowp/gemm/lut.hpp"
#include "lowp/gemm/reference.hpp"
#include "support/gemm_oracle.hpp"

namespace {

namespace gemm = lowp::gemm;
using lowp_fuzz::fail;
using lowp_fuzz::hex;

// --- the case
// -------------------------------------------------------------------------------------

enum class path { int8, dynamic, exact };

struct config {
  lowp::simd::isa which = lowp::simd::isa::scalar;
  gemm::weight_layout layout = gemm::weight_layout::automatic;
  gemm::gemm_kernel kernel = gemm::gemm_kernel::automatic;
  path act = path::int8;
  std::size_t M = 1, K = 1, N = 1;
  std::string source = "levels";
  bool threads = false;

  std::string what() const {
    static const char* const paths[] = {"int8", "float32 dynamic int8", "float32 exact"};
    return std::string("isa=") + lowp::simd::isa_name(which) +
           " layout=" + std::to_string(static_cast<int>(layout)) +
           " kernel=" + (kernel == gemm::gemm_kernel::scalar ? "scalar" : "automatic") +
           " activations=" + paths[static_cast<int>(act)] + " weights=" + source +
           " M=" + std::to_string(M) + " K=" + std::to_string(K) + " N=" + std::to_string(N) +
           (threads ? " threads=3" : "");
  }
};

/// Cycles through the data bytes (zeros when there are none).
class cycle {
 public:
  explicit cycle(const std::vector<std::uint8_t>& d) : d_(d) {}
  std::uint8_t u8() { return d_.empty() ? 0 : d_[i_++ % d_.size()]; }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int k = 0; k < 4; ++k) v |= std::uint32_t{u8()} << (8 * k);
    return v;
  }

 private:
  const std::vector<std::uint8_t>& d_;
  std::size_t i_ = 0;
};

/// A float from raw bits (mode 0), a moderate value of any sign (mode 1), or a mix with a
/// special value now and then (mode 2).
float some_float(cycle& c, unsigned mode) {
  const std::uint32_t r = c.u32();
  switch (mode % 3) {
    case 1:
      return lowp_fuzz::f32((r & 0x807FFFFFu) | ((112u + (r >> 24) % 32u) << 23));
    case 2: {
      const float specials[] = {0.0f,
                                -0.0f,
                                std::numeric_limits<float>::infinity(),
                                -std::numeric_limits<float>::infinity(),
                                std::numeric_limits<float>::quiet_NaN(),
                                std::numeric_limits<float>::denorm_min(),
                                std::numeric_limits<float>::max(),
                                1.0f};
      if ((r & 7u) == 0) return specials[(r >> 3) % 8];
      return lowp_fuzz::f32((r & 0x807FFFFFu) | ((100u + (r >> 24) % 56u) << 23));
    }
    default:
      return lowp_fuzz::f32(r);
  }
}

/// Weights from the block codec: rows x cols (cols rounded up to the block) floats quantized.
template <class Block>
bool block_weights(cycle& c, config& cfg, gemm::int_weights& w) {
  cfg.K = (cfg.K + Block::block_size - 1) / Block::block_size * Block::block_size;
  std::vector<float> f(cfg.M * cfg.K);
  for (float& v : f) v = some_float(c, 1);
  const auto q = lowp::blocks::quantize<Block>(lowp::span<const float>(f));
  w = gemm::from_blocks(q, cfg.M, cfg.K);
  return true;
}

/// Whether the documentation says packed_weights refuses w under `layout`: levels wider than 4
/// bits without a codebook, a codebook under bit planes, a group that is neither 16, a
/// multiple of 32 nor the whole row, groups of 16 under bit planes.
bool packing_refuses(const gemm::int_weights& w, gemm::weight_layout layout) {
  const bool coded = !w.codebook.empty();
  if (!coded && w.level_bits > 4) return true;
  if (coded && layout == gemm::weight_layout::bit_planes) return true;
  const bool half = w.group == 16 && w.cols > w.group;
  if (w.group < w.cols && w.group % 32 != 0 && !half) return true;
  return half && layout == gemm::weight_layout::bit_planes;
}

void compare(const std::vector<float>& got, const std::vector<float>& want,
             const std::string& what) {
  for (std::size_t j = 0; j < want.size(); ++j)
    if (lowp_fuzz::bits(got[j]) != lowp_fuzz::bits(want[j]))
      fail(what + "\n  output " + std::to_string(j) + ": want " + hex(lowp_fuzz::bits(want[j])) +
           " got " + hex(lowp_fuzz::bits(got[j])));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lowp_fuzz::reader in(data, size);
  config cfg;
  cfg.which = lowp_fuzz::isas()[in.pick(lowp_fuzz::isas().size())];
  cfg.layout = static_cast<gemm::weight_layout>(in.pick(3));
  cfg.kernel = in.pick(2) == 0 ? gemm::gemm_kernel::automatic : gemm::gemm_kernel::scalar;
  cfg.act = static_cast<path>(in.pick(3));
  cfg.M = 1 + in.pick(70);
  cfg.K = 1 + in.pick16(300);
  cfg.N = 1 + in.pick(6);
  const std::uint8_t width = in.u8();
  const std::uint8_t group_kind = in.u8();
  const std::uint8_t source = in.u8();
  const std::uint8_t scale_mode = in.u8();
  const std::uint8_t act_mode = in.u8();
  const std::uint8_t bad = in.u8();
  const std::vector<std::uint8_t> bytes = in.rest();
  cycle c(bytes);

  // The weights.
  gemm::int_weights w;
  switch (source % 8) {
    case 5:
      cfg.source = "mxfp4 blocks";
      block_weights<lowp::blocks::mxfp4>(c, cfg, w);
      break;
    case 6:
      cfg.source = "nvfp4_single blocks";
      block_weights<lowp::blocks::nvfp4_single>(c, cfg, w);
      break;
    case 7:
      cfg.source = "q4_0 blocks";
      block_weights<lowp::blocks::q4_0>(c, cfg, w);
      break;
    default: {
      w.rows = cfg.M;
      w.cols = cfg.K;
      const bool coded = (width & 0x80u) != 0;
      w.level_bits = coded ? 4u + (width % 5u) : 1u + (width % 4u);          // coded: 4..8 bits
      if ((width & 0x40u) != 0 && !coded) w.level_bits = 5u + (width % 4u);  // refused unpacked
      const std::size_t groups_of[] = {16, 32, 64, 96, 128};
      switch (group_kind % 8) {
        case 0:
          w.group = cfg.K;
          break;
        case 6:
          w.group = cfg.K + 1 + group_kind / 8;  // longer than the row: one group
          break;
        case 7:
          w.group = 1 + std::size_t{group_kind} / 8 * 3;  // 1..94: usually refused by the packing
          break;
        default:
          w.group = groups_of[group_kind % 8 - 1];
          break;
      }
      const unsigned top = (1u << w.level_bits) - 1u;
      const std::size_t groups = (w.cols + w.group - 1) / w.group;
      w.levels.resize(w.rows * w.cols);
      w.zeros.resize(w.rows * groups);
      w.scales.resize(w.rows * groups);
      if (coded) {
        w.codebook.resize(16);
        for (std::uint8_t& l : w.codebook) l = static_cast<std::uint8_t>(c.u8() & top);
      }
      const unsigned code_top = coded ? 15u : top;
      const bool extreme = source % 8 == 4;  // largest |level - zero| with activations +-127
      cfg.source = extreme ? "extreme levels" : coded ? "codebook" : "levels";
      for (std::size_t m = 0; m < w.rows; ++m)
        for (std::size_t k = 0; k < w.cols; ++k)
          w.levels[m * w.cols + k] = static_cast<std::uint8_t>(
              extreme ? (m % 2 == 0 ? code_top : 0u) : (c.u8() & code_top));
      for (std::size_t i = 0; i < w.zeros.size(); ++i)
        w.zeros[i] =
            static_cast<std::uint8_t>(extreme ? (i / groups % 2 == 0 ? 0u : top) : (c.u8() & top));
      for (float& s : w.scales) s = some_float(c, scale_mode);
      break;
    }
  }
  cfg.K = w.cols;

  // The activations.
  std::vector<float> x(cfg.N * cfg.K);
  for (float& v : x) v = some_float(c, act_mode);
  gemm::int8_activations a;
  a.rows = cfg.N;
  a.cols = cfg.K;
  a.values.resize(cfg.N * cfg.K);
  for (std::size_t i = 0; i < a.values.size(); ++i)
    a.values[i] = source % 8 == 4 ? static_cast<std::int8_t>(i % 3 == 0 ? -127 : 127)
                                  : static_cast<std::int8_t>(static_cast<int>(c.u8() % 255) - 127);
  const bool minus_128 = (bad & 7u) == 7u && cfg.act == path::int8;
  // Output rows split across 3 threads (identical results), or one thread.
  cfg.threads = (bad & 0x80u) != 0;
  const lowp::parallel par = cfg.threads ? lowp::parallel{3, 1} : lowp::parallel{1, 1};
  if (minus_128) a.values[(bad >> 3) % a.values.size()] = -128;  // refused
  a.scales.resize(cfg.N);
  for (float& s : a.scales) s = some_float(c, act_mode);

  const std::string what = cfg.what() + " bits=" + std::to_string(w.level_bits) +
                           " group=" + std::to_string(w.group) +
                           (w.codebook.empty() ? "" : " codebook");
  lowp_fuzz::trace(what + (minus_128 ? " (an activation of -128)" : "") +
                   (packing_refuses(w, cfg.layout) ? " (packing must refuse)" : ""));

  // The library's reference against the contract (any valid weights).
  std::vector<float> want;
  if (cfg.act == path::exact) {
    want = gemm_oracle::f32_contract(w, x.data(), cfg.N);
    std::vector<float> ref(want.size());
    gemm::reference_matmul(w, x.data(), cfg.N, ref.data());
    compare(ref, want, what + "\n  reference_matmul (float32) vs the contract");
  } else {
    if (cfg.act == path::dynamic) {
      const gemm::int8_activations o =
          gemm_oracle::dynamic_int8<gemm::int8_activations>(x.data(), cfg.N, cfg.K);
      const lowp_fuzz::forced_isa force(cfg.which);
      a = gemm::quantize_activations(x.data(), cfg.N, cfg.K);
      for (std::size_t n = 0; n < cfg.N; ++n)
        if (lowp_fuzz::bits(a.scales[n]) != lowp_fuzz::bits(o.scales[n]) &&
            !(std::isnan(a.scales[n]) && std::isnan(o.scales[n])))
          fail(what + "\n  quantize_activations: row " + std::to_string(n) + " scale " +
               hex(lowp_fuzz::bits(a.scales[n])) + ", the rule gives " +
               hex(lowp_fuzz::bits(o.scales[n])));
      if (a.values != o.values)
        fail(what + "\n  quantize_activations: values differ from the rule");
    }
    if (!minus_128) {
      want = gemm_oracle::int8_contract(w, a);
      std::vector<float> ref(want.size());
      gemm::reference_matmul(w, a, ref.data());
      compare(ref, want, what + "\n  reference_matmul (int8) vs the contract");
    }
  }

  // Every kernel on the forced ISA.
  const lowp_fuzz::forced_isa force(cfg.which);
  const bool refuse = packing_refuses(w, cfg.layout);
  try {
    const gemm::packed_weights p(w, cfg.layout);
    if (refuse) fail(what + "\n  packed_weights accepted weights the documentation refuses");
    std::vector<float> y(cfg.N * cfg.M, lowp_fuzz::f32(0xDEADBEEFu));
    switch (cfg.act) {
      case path::int8:
        gemm::matmul(p, a, lowp::span<float>(y), par, cfg.kernel);
        if (minus_128) fail(what + "\n  matmul accepted an activation of -128");
        break;
      case path::dynamic:
        gemm::matmul(p, x.data(), cfg.N, lowp::span<float>(y), par,
                     gemm::float_activations::dynamic_int8, cfg.kernel);
        break;
      case path::exact:
        gemm::matmul(p, x.data(), cfg.N, lowp::span<float>(y), par, gemm::float_activations::exact,
                     cfg.kernel);
        break;
    }
    compare(y, want,
            what + "\n  matmul (" +
                gemm::kernel_name(p, cfg.kernel,
                                  cfg.act == path::exact ? gemm::float_activations::exact
                                                         : gemm::float_activations::dynamic_int8) +
                ") vs the contract");
  } catch (const std::invalid_argument& e) {
    if (!refuse && !minus_128) fail(what + "\n  unexpected std::invalid_argument: " + e.what());
  }
  return 0;
}
