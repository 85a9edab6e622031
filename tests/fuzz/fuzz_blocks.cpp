// libFuzzer target: the block codec. The fuzzer's bytes choose a block format (OCP MX FP8/FP6/
// FP4/INT8, NVFP4 in both orders and single level, BFP/MSFP, ggml q8_0/q4_0/mxfp4, and MX blocks
// under the CEIL, EVEN, RCEIL and log2f scale rules), a rounding mode, the ISA, every
// block_options field, the length (tails that are not a multiple of the block included), and
// the floats: raw float32 bits, grid points and ties under a scale, or bits within a few binades,
// then edited (NaN and inf inside blocks, all-equal blocks, zero blocks, negated blocks). Checks:
//   1. blocks::quantize (the SIMD path on the chosen ISA; on threads when the bytes ask) gives
//      block/reference.hpp's element bytes, scale codes and tensor scale byte for byte, and
//      throws what the reference throws (std::domain_error for NaN/inf in ggml blocks;
//      std::invalid_argument for a rejected tail);
//   2. the independent oracle tests/support/block_oracle.hpp (no lowp code) gives the same
//      scales, element codes and decoded floats, wherever it models the configuration (MX and
//      BFP under every rule and mode, NVFP4 in both orders, the ggml byte layouts);
//   3. blocks::dequantize equals the reference's decode, for the quantized data and for
//      arbitrary element bytes and scale codes; fake_quantize equals dequantize(quantize);
//   4. power-of-two FLOOR blocks (MX, BFP) of finite inputs are idempotent:
//      quantize(dequantize(q)) == q for zero_sign keep/positive (see README.md for why this
//      holds there and not for CEIL/EVEN/RCEIL, full-range MXINT8 or zero_sign::from_nonzero);
//      quantize_with_scales with the rule's own scales gives the rule's elements;
//   5. single-level blocks survive to_interleaved / from_interleaved unchanged.
// Any other exception, a sanitizer report or a mismatch is a failure. Layout: README.md.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "fuzz_common.hpp"
#include "lowp/block/blocks.hpp"
#include "lowp/core/parallel.hpp"
#include "lowp/core/random.hpp"
#include "support/block_oracle.hpp"

namespace {

namespace blk = lowp::blocks;
namespace bo = block_oracle;
using lowp::rounding;
using lowp::span;
using lowp_fuzz::fail;
using lowp_fuzz::hex;

// --- the block formats -----------------------------------------------------------------------

/// Which oracle function models a block format.
enum class model { none, mx, bfp, nvfp4_te, nvfp4_torchao, q8_0, q4_0, ggml_mxfp4 };

constexpr unsigned all = 0xFFu;
constexpr unsigned bit(rounding r) { return 1u << static_cast<unsigned>(r); }
constexpr unsigned rne = bit(rounding::nearest_even);
constexpr unsigned sr = bit(rounding::stochastic);

/// A block format, the rounding modes compiled for it (a bit mask over lowp::rounding), and
/// what the oracle knows about it.
template <class B, unsigned Modes>
struct entry {
  using block = B;
  static constexpr unsigned modes = Modes;
  const char* name;
  model m = model::none;
  bo::elem e = bo::elem::e4m3;
  bo::scale_rule rule = bo::scale_rule::floor;
  bool int8_full = false;
  int bfp_bits = 0;
  bool idempotent = false;  ///< FLOOR power-of-two: quantize(dequantize(q)) == q
};

auto block_formats() {
  using blk::with_scale_rule_t;
  using bo::elem;
  using bo::scale_rule;
  return std::make_tuple(
      entry<blk::mxfp8_e4m3, all>{"mxfp8_e4m3", model::mx, elem::e4m3, scale_rule::floor, false, 0,
                                  true},
      entry<blk::mxfp8_e5m2, all>{"mxfp8_e5m2", model::mx, elem::e5m2, scale_rule::floor, false, 0,
                                  true},
      entry<blk::mxfp6_e2m3, all>{"mxfp6_e2m3", model::mx, elem::e2m3, scale_rule::floor, false, 0,
                                  true},
      entry<blk::mxfp6_e3m2, all>{"mxfp6_e3m2", model::mx, elem::e3m2, scale_rule::floor, false, 0,
                                  true},
      entry<blk::mxfp4, all>{"mxfp4", model::mx, elem::e2m1, scale_rule::floor, false, 0, true},
      entry<blk::mxint8, all>{"mxint8", model::mx, elem::int8, scale_rule::floor, false, 0, true},
      entry<blk::mxint8_full, rne | sr | bit(rounding::toward_negative)>{
          "mxint8_full", model::mx, elem::int8, scale_rule::floor, true, 0, false},
      entry<blk::nvfp4, all>{"nvfp4", model::nvfp4_te},
      entry<blk::nvfp4_torchao_order, rne | sr | bit(rounding::toward_zero)>{"nvfp4_torchao_order",
                                                                             model::nvfp4_torchao},
      entry<blk::nvfp4_single, rne | bit(rounding::to_odd)>{"nvfp4_single", model::nvfp4_te},
      entry<blk::msfp12, all>{"msfp12", model::bfp, elem::e4m3, scale_rule::floor, false, 3, true},
      entry<blk::msfp16, rne | sr | bit(rounding::nearest_away)>{"msfp16", model::bfp, elem::e4m3,
                                                                 scale_rule::floor, false, 7, true},
      entry<blk::bfp<5, 32>, rne | bit(rounding::toward_positive)>{
          "bfp<5,32>", model::bfp, elem::e4m3, scale_rule::floor, false, 5, true},
      entry<blk::bfp<1, 8>, rne | bit(rounding::nearest_zero)>{"bfp<1,8>", model::bfp, elem::e4m3,
                                                               scale_rule::floor, false, 1, true},
      entry<blk::q8_0, bit(rounding::nearest_away) | rne | sr>{"q8_0", model::q8_0},
      entry<blk::q4_0, bit(rounding::toward_zero)>{"q4_0", model::q4_0},
      entry<blk::ggml_mxfp4, bit(rounding::nearest_zero) | rne | sr>{"ggml_mxfp4",
                                                                     model::ggml_mxfp4},
      entry<with_scale_rule_t<blk::mxfp4, blk::scale_ceil>, rne | bit(rounding::toward_zero)>{
          "mxfp4 ceil", model::mx, elem::e2m1, scale_rule::ceil},
      entry<with_scale_rule_t<blk::mxfp8_e4m3, blk::scale_even>, rne | sr>{
          "mxfp8_e4m3 even", model::mx, elem::e4m3, scale_rule::even},
      entry<with_scale_rule_t<blk::mxfp8_e4m3, blk::scale_rceil>,
            rne | bit(rounding::nearest_away)>{"mxfp8_e4m3 rceil", model::mx, elem::e4m3,
                                               scale_rule::rceil},
      entry<with_scale_rule_t<blk::mxfp4, blk::scale_rceil>, rne>{"mxfp4 rceil", model::mx,
                                                                  elem::e2m1, scale_rule::rceil},
      entry<with_scale_rule_t<blk::mxint8, blk::scale_even>, rne | bit(rounding::to_odd)>{
          "mxint8 even", model::mx, elem::int8, scale_rule::even},
      entry<with_scale_rule_t<blk::mxfp6_e3m2, blk::scale_log2f>, rne>{"mxfp6_e3m2 log2f"});
}
using format_list = decltype(block_formats());
constexpr std::size_t format_count = std::tuple_size_v<format_list>;

template <class F, std::size_t... I>
void with_format_impl(std::size_t i, F&& f, std::index_sequence<I...>) {
  const format_list formats = block_formats();
  ((i == I ? (f(std::get<I>(formats)), 0) : 0), ...);
}
template <class F>
void with_format(std::size_t i, F&& f) {
  with_format_impl(i, f, std::make_index_sequence<format_count>{});
}

/// The k-th (cyclically) rounding mode of a mask.
rounding mode_of(unsigned mask, std::size_t k) {
  std::vector<rounding> modes;
  for (rounding r : lowp_fuzz::all_modes)
    if ((mask & bit(r)) != 0) modes.push_back(r);
  return modes[k % modes.size()];
}

// --- the case ------------------------------------------------------------------------------------

struct config {
  std::size_t format = 0;
  std::size_t mode_index = 0;  ///< the k-th of the format's compiled modes (cyclically)
  rounding round = rounding::nearest_even;
  lowp::simd::isa which = lowp::simd::isa::scalar;
  blk::block_options o;
  bool threads = false;
  std::size_t in_off = 0;
  std::vector<float> x;
  std::vector<std::uint8_t> bytes;  ///< the raw data (arbitrary element bytes and scale codes)

  std::string what(const char* name) const {
    std::string s = std::string(name) + " round=" + lowp_fuzz::name_of(round) +
                    " isa=" + lowp::simd::isa_name(which) + " n=" + std::to_string(x.size()) +
                    " seed=" + hex(o.seed) + " random_count=" + std::to_string(o.random_count) +
                    " zeros=" + std::to_string(static_cast<int>(o.zeros)) +
                    " specials=" + std::to_string(static_cast<int>(o.specials)) +
                    " no_nan=" + std::to_string(static_cast<int>(o.no_nan)) +
                    " tail=" + std::to_string(static_cast<int>(o.tail)) +
                    " in_off=" + std::to_string(in_off) + (threads ? " threads" : "");
    if (o.tensor_amax) s += " tensor_amax=" + hex(lowp_fuzz::bits(*o.tensor_amax));
    return s;
  }
};

/// Whether every input is finite.
bool all_finite(const std::vector<float>& x) {
  return std::all_of(x.begin(), x.end(), [](float v) { return std::isfinite(v); });
}

/// Input value of data word w: raw bits; a small integer times a power of two (grid points
/// and ties of every element grid under some scale); or a random mantissa in a window of
/// binades around `centre`.
float value_of(std::uint32_t w, unsigned how, unsigned centre) {
  switch (how % 3) {
    case 1: {
      const int k = static_cast<std::int8_t>(w & 0xFFu);
      const int e = static_cast<int>((w >> 8) % 200) - 150 + static_cast<int>(centre % 64);
      return std::ldexp(static_cast<float>(k), e);  // may round to a subnormal, 0 or inf
    }
    case 2: {
      const unsigned field = std::min(254u, std::max(1u, centre + ((w >> 23) & 7u)));
      return lowp_fuzz::f32((w & 0x807FFFFFu) | (field << 23));
    }
    default:
      return lowp_fuzz::f32(w);
  }
}

config read_config(lowp_fuzz::reader& in) {
  config c;
  c.format = in.pick(format_count);
  c.mode_index = in.u8();
  c.which = lowp_fuzz::isas()[in.pick(lowp_fuzz::isas().size())];
  const std::uint8_t opt = in.u8();
  c.o.zeros = static_cast<blk::zero_sign>(opt % 3);
  c.o.specials = static_cast<blk::nonfinite>((opt / 3) % 2);
  c.o.no_nan = static_cast<lowp::nan_substitute>((opt / 6) % 3);
  c.o.tail = (opt / 18) % 4 == 3 ? blk::tail_rule::reject : blk::tail_rule::pad_zero;
  c.threads = (opt / 72) % 2 == 1;
  const std::uint8_t opt2 = in.u8();
  const std::uint32_t amax_bits = in.u32();
  // A calibrated tensor amax: any magnitude (0, subnormal, inf and NaN included), one in a
  // window of binades, or any float32 with its sign (a negative amax is a caller error that
  // lowp accepts without a word).
  if (opt2 % 4 == 1) c.o.tensor_amax = lowp_fuzz::f32(amax_bits & 0x7FFFFFFFu);
  if (opt2 % 4 == 2) c.o.tensor_amax = std::abs(value_of(amax_bits, 2, 100 + (opt2 >> 2)));
  if (opt2 % 4 == 3) c.o.tensor_amax = lowp_fuzz::f32(amax_bits);
  c.in_off = (opt2 >> 4) % 8;
  c.o.seed = in.u64();
  c.o.random_count = in.u8();
  const unsigned how = in.u8();
  const unsigned centre = in.u8();
  const std::uint16_t len = in.u16();
  const std::size_t edits = in.pick(8);
  struct edit {
    std::uint8_t kind;
    std::uint16_t at;
    std::uint32_t arg;
  };
  std::vector<edit> ed(edits);
  for (edit& e : ed) {
    e.kind = in.u8();
    e.at = in.u16();
    e.arg = in.u32();
  }
  c.bytes = in.rest();
  const std::size_t words = c.bytes.size() / 4;
  const std::size_t n = (len & 0x8000u) != 0 ? std::min<std::size_t>(words, 4200) : len % 4200u;
  c.x.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t w = 0;
    if (words > 0) std::memcpy(&w, c.bytes.data() + 4 * (i % words), 4);
    c.x[i] = value_of(w, how, centre);
  }
  // Edits act on the 32-element neighbourhood of their position (a whole block of the
  // 32-element formats; two blocks of the 16-element ones).
  for (const edit& e : ed) {
    if (n == 0) break;
    const std::size_t at = e.at % n;
    const std::size_t b0 = at / 32 * 32, b1 = std::min(n, b0 + 32);
    switch (e.kind % 8) {
      case 0:  // a NaN (any payload, either sign)
        c.x[at] = lowp_fuzz::f32(0x7F800000u | (e.arg & 0x807FFFFFu) | 1u);
        break;
      case 1:  // an infinity
        c.x[at] = lowp_fuzz::f32((e.arg & 0x80000000u) | 0x7F800000u);
        break;
      case 2:  // a block of zeros (signs from arg)
        for (std::size_t i = b0; i < b1; ++i)
          c.x[i] = lowp_fuzz::f32(((e.arg >> (i % 32)) & 1u) << 31);
        break;
      case 3:  // a block of one value
        for (std::size_t i = b0; i < b1; ++i) c.x[i] = c.x[at];
        break;
      case 4:  // a negated block
        for (std::size_t i = b0; i < b1; ++i) c.x[i] = -c.x[i];
        break;
      case 5:  // one element raw
        c.x[at] = lowp_fuzz::f32(e.arg);
        break;
      case 6:  // a block scaled by 2^k (exact unless it leaves the float32 range)
        for (std::size_t i = b0; i < b1; ++i)
          c.x[i] = std::ldexp(c.x[i], static_cast<int>(e.arg % 80) - 40);
        break;
      default:  // a largest element just below a power of two
        c.x[at] = lowp_fuzz::f32((e.arg & 0x80000000u) |
                                 ((std::min(254u, 1u + (e.arg >> 8) % 254u)) << 23) |
                                 (0x7FFFFFu - (e.arg & 0x3Fu)));
        break;
    }
  }
  return c;
}

// --- quantized data ------------------------------------------------------------------------------

template <class B>
struct quantized {
  std::vector<std::uint8_t> e;
  std::vector<typename B::scale_storage> s;
  blk::tensor_scale_state t;
};

template <class B>
bool same(const quantized<B>& a, const quantized<B>& b) {
  return a.e == b.e && a.s == b.s && lowp_fuzz::bits(a.t.encode) == lowp_fuzz::bits(b.t.encode) &&
         lowp_fuzz::bits(a.t.decode) == lowp_fuzz::bits(b.t.decode);
}

/// The inputs of block b, as float32 bits.
template <class B>
std::string block_inputs(const std::vector<float>& x, std::size_t b) {
  std::string s = "\n  inputs of block " + std::to_string(b) + ":";
  for (std::size_t i = b * B::block_size; i < std::min(x.size(), (b + 1) * B::block_size); ++i)
    s += " " + hex(lowp_fuzz::bits(x[i]));
  return s;
}

template <class B>
std::string first_difference(const quantized<B>& got, const quantized<B>& want,
                             const std::vector<float>& x) {
  for (std::size_t i = 0; i < want.e.size(); ++i)
    if (got.e[i] != want.e[i])
      return "element byte " + std::to_string(i) + " (block " + std::to_string(i / B::block_bytes) +
             "): reference " + hex(want.e[i]) + " got " + hex(got.e[i]) +
             block_inputs<B>(x, i / B::block_bytes);
  for (std::size_t b = 0; b < want.s.size(); ++b)
    if (got.s[b] != want.s[b])
      return "scale of block " + std::to_string(b) + ": reference " + hex(want.s[b]) + " got " +
             hex(got.s[b]) + block_inputs<B>(x, b);
  return "tensor scale: reference encode " + hex(lowp_fuzz::bits(want.t.encode)) + " decode " +
         hex(lowp_fuzz::bits(want.t.decode)) + ", got encode " +
         hex(lowp_fuzz::bits(got.t.encode)) + " decode " + hex(lowp_fuzz::bits(got.t.decode));
}

/// The reference: statistics, scale rule and element rounding block by block. Returns false
/// if it threw std::domain_error (NaN or inf in a block of a finite-only format).
template <class B, rounding R>
bool reference_quantize(const std::vector<float>& x, const blk::block_options& o, quantized<B>& q) {
  const std::size_t nb = blk::block_count<B>(x.size());
  q.e.assign(nb * B::block_bytes, 0);
  q.s.assign(nb, 0);
  q.t = {};
  if constexpr (B::two_level)
    q.t = B::scale_rule::template tensor<B>(
        o.tensor_amax ? *o.tensor_amax : blk::gather_stats(x.data(), x.size()).amax);
  try {
    blk::reference::quantize_blocks<B, R>(x.data(), x.size(), 0, nb, q.e.data(), q.s.data(), q.t,
                                          o);
  } catch (const std::domain_error&) {
    return false;
  }
  return true;
}

template <class B>
std::vector<float> reference_dequantize(const quantized<B>& q, std::size_t n) {
  std::vector<float> out(n);
  blk::reference::dequantize_elements<B>(q.e.data(), q.s.data(), q.t, out.data(), 0, n);
  return out;
}

void compare_floats(const std::vector<float>& got, const std::vector<float>& want,
                    const std::string& what) {
  for (std::size_t i = 0; i < want.size(); ++i)
    if (lowp_fuzz::bits(got[i]) != lowp_fuzz::bits(want[i]))
      fail(what + "\n  element " + std::to_string(i) + ": want " + hex(lowp_fuzz::bits(want[i])) +
           " got " + hex(lowp_fuzz::bits(got[i])));
}

/// The public dequantize on the active ISA, output at an offset inside an exact allocation.
template <class B>
std::vector<float> public_dequantize(const quantized<B>& q, std::size_t n, std::size_t off) {
  std::vector<float> buf(off + n, lowp_fuzz::f32(0xDEADBEEFu));
  blk::dequantize<B>(span<const std::uint8_t>(q.e), span<const typename B::scale_storage>(q.s), q.t,
                     span<float>(buf.data() + off, n));
  for (std::size_t i = 0; i < off; ++i)
    if (lowp_fuzz::bits(buf[i]) != 0xDEADBEEFu) fail("dequantize wrote before its output");
  return std::vector<float>(buf.begin() + static_cast<std::ptrdiff_t>(off), buf.end());
}

// --- 2. the oracle -------------------------------------------------------------------------------

bo::rmode to_oracle(rounding r) { return static_cast<bo::rmode>(static_cast<int>(r)); }

/// Decoded values against the oracle: bit for bit, except that where the oracle's value comes
/// from the host FPU (NVFP4, ggml) a NaN matches any NaN: no specification fixes the payload
/// of a NaN computed there, and lowp writes 0x7FC00000 (lowp against its own reference is
/// compared strictly, above).
bool same_value(float got, float want, bool any_nan) {
  if (any_nan && std::isnan(want)) return std::isnan(got);
  return lowp_fuzz::bits(got) == lowp_fuzz::bits(want);
}

/// Whether ggml itself is undefined on a 32-element Q8_0 / Q4_0 block: its id = 1 / d
/// overflows to inf (d = amax / 127, or max / -8, in float32's lowest binades), and ggml casts
/// the +-inf or NaN products to integers (the oracle clamps -inf to -128, lowp to -127, as
/// tests/block/test_ggml.cpp notes). Such blocks are not compared with the oracle.
bool ggml_undefined(model m, const float* x) {
  if (m != model::q8_0 && m != model::q4_0) return false;
  float amax = 0.0f, mx = 0.0f;
  for (std::size_t i = 0; i < 32; ++i)
    if (std::fabs(x[i]) > amax) {
      amax = std::fabs(x[i]);
      mx = x[i];
    }
  const float d = m == model::q8_0 ? amax / 127.0f : mx / -8.0f;
  return d != 0.0f && std::isinf(1.0f / d);
}

/// Compares one quantized array with the oracle where it models the configuration.
template <class B, class E>
void check_oracle(const E& ent, rounding R, const config& c, const quantized<B>& q,
                  const std::vector<float>& decoded, const std::string& what) {
  constexpr std::size_t k = B::block_size;
  const std::vector<float>& x = c.x;
  const std::size_t n = x.size();
  const std::size_t nb = blk::block_count<B>(n);
  std::vector<float> padded(x);
  padded.resize(nb * k, 0.0f);
  auto code_at = [&](std::size_t g) {
    return blk::detail::get_element(q.e.data() + (g / k) * B::block_bytes, k, g % k,
                                    B::element_bits, B::order);
  };
  const bool host_nan = ent.m != model::mx && ent.m != model::bfp;
  auto check_block = [&](std::size_t b, std::uint32_t want_scale,
                         const std::vector<std::uint32_t>& want_codes,
                         const std::vector<float>& want_out, std::size_t off) {
    const std::string where = what + "\n  oracle, block " + std::to_string(b);
    if (q.s[b] != want_scale)
      fail(where + " scale: oracle " + hex(want_scale) + " lowp " + hex(q.s[b]));
    for (std::size_t i = 0; i < k; ++i) {
      const std::size_t g = b * k + i;
      if (code_at(g) != want_codes[off + i])
        fail(where + " element " + std::to_string(i) + " code: oracle " + hex(want_codes[off + i]) +
             " lowp " + hex(code_at(g)));
      if (g < n && !same_value(decoded[g], want_out[off + i], host_nan))
        fail(where + " element " + std::to_string(i) + " value: oracle " +
             hex(lowp_fuzz::bits(want_out[off + i])) + " lowp " + hex(lowp_fuzz::bits(decoded[g])));
    }
  };
  switch (ent.m) {
    case model::mx:
    case model::bfp: {
      if (c.o.zeros == blk::zero_sign::from_nonzero) return;  // not modelled
      const bo::zero_sign zs =
          c.o.zeros == blk::zero_sign::keep ? bo::zero_sign::keep : bo::zero_sign::positive;
      // BFP: the oracle makes every non-finite block a NaN block (no saturate_inf).
      if (ent.m == model::bfp && c.o.specials == blk::nonfinite::saturate_inf && !all_finite(x))
        return;
      const bo::nonfinite nf = c.o.specials == blk::nonfinite::nan_scale
                                   ? bo::nonfinite::nan_scale
                                   : bo::nonfinite::saturate_inf;
      std::vector<std::uint32_t> rbits(k);
      for (std::size_t b = 0; b < nb; ++b) {
        for (std::size_t i = 0; i < k; ++i) rbits[i] = lowp::counter_bits(c.o.seed, b * k + i);
        const bo::block_result r =
            ent.m == model::mx
                ? bo::mx_quantize(ent.e, ent.rule, to_oracle(R), zs, padded.data() + b * k, k,
                                  rbits.data(), c.o.random_count, nf, ent.int8_full)
                : bo::bfp_quantize(ent.bfp_bits, to_oracle(R), padded.data() + b * k, k, zs,
                                   rbits.data(), c.o.random_count);
        check_block(b, r.scale, r.codes, r.out, 0);
      }
      return;
    }
    case model::nvfp4_te:
    case model::nvfp4_torchao: {
      // The oracle: round to nearest even, zero signs kept, NaN elements +6, the tensor amax
      // of the input itself.
      if (R != rounding::nearest_even || c.o.zeros != blk::zero_sign::keep ||
          c.o.no_nan != lowp::nan_substitute::max_positive || c.o.tensor_amax)
        return;
      const bo::nvfp4_result r =
          ent.m == model::nvfp4_te ? bo::nvfp4_te(padded.data(), padded.size(), B::two_level)
                                   : bo::nvfp4_torchao(padded.data(), padded.size(), B::two_level);
      for (std::size_t b = 0; b < nb; ++b) check_block(b, r.scales[b], r.codes, r.out, b * k);
      return;
    }
    case model::q8_0:
    case model::q4_0:
    case model::ggml_mxfp4: {
      if constexpr (!B::two_level) {
        if (R != blk::default_rounding_v<B> || !all_finite(x)) return;
        const bo::ggml_result r = ent.m == model::q8_0   ? bo::ggml_q8_0(padded.data(), nb * k)
                                  : ent.m == model::q4_0 ? bo::ggml_q4_0(padded.data(), nb * k)
                                                         : bo::ggml_mxfp4(padded.data(), nb * k);
        blk::block_tensor<B> t;
        t.size = n;
        t.elements = q.e;
        t.scales = q.s;
        const std::vector<std::uint8_t> aos = blk::to_interleaved(t);
        constexpr std::size_t bb = blk::interleaved_block_bytes<B>;
        if (aos.size() != r.bytes.size()) fail(what + "\n  oracle: GGUF byte counts differ");
        for (std::size_t b = 0; b < nb; ++b) {
          if (ggml_undefined(ent.m, padded.data() + b * k)) continue;
          for (std::size_t i = b * bb; i < (b + 1) * bb; ++i) {
            if (aos[i] == r.bytes[i]) continue;
            std::string got_bytes, want_bytes;
            for (std::size_t j = b * bb; j < (b + 1) * bb; ++j) {
              got_bytes += " " + hex(aos[j]);
              want_bytes += " " + hex(r.bytes[j]);
            }
            fail(what + "\n  oracle: GGUF bytes differ at byte " + std::to_string(i) + " (block " +
                 std::to_string(b) + ")\n  lowp:  " + got_bytes + "\n  oracle:" + want_bytes +
                 block_inputs<B>(padded, b));
          }
          for (std::size_t g = b * k; g < std::min(n, (b + 1) * k); ++g)
            if (!same_value(decoded[g], r.out[g], true))
              fail(what + "\n  oracle: value of element " + std::to_string(g) + ": oracle " +
                   hex(lowp_fuzz::bits(r.out[g])) + " lowp " + hex(lowp_fuzz::bits(decoded[g])));
        }
      }
      return;
    }
    case model::none:
      return;
  }
}

// --- the checks ----------------------------------------------------------------------------------

template <class B, rounding R, class E>
void run(const E& ent, const config& c) {
  using S = typename B::scale_storage;
  const std::string what = c.what(ent.name);
  lowp_fuzz::trace(what);
  const std::vector<float>& x = c.x;
  const std::size_t n = x.size();
  const std::size_t nb = blk::block_count<B>(n);

  // 1. The public path against the reference.
  quantized<B> ref;
  const bool ref_ok = reference_quantize<B, R>(x, c.o, ref);
  const bool rejected_tail = c.o.tail == blk::tail_rule::reject && n % B::block_size != 0;
  // docs/blocks.md: a negative or NaN calibrated tensor_amax throws std::invalid_argument.
  const bool bad_amax =
      B::two_level && c.o.tensor_amax &&
      (std::signbit(*c.o.tensor_amax) ? *c.o.tensor_amax != 0.0f : std::isnan(*c.o.tensor_amax));
  std::vector<float> xin(c.in_off + n);  // the input at an offset of an exact allocation
  std::copy(x.begin(), x.end(), xin.begin() + static_cast<std::ptrdiff_t>(c.in_off));
  const span<const float> in(xin.data() + c.in_off, n);
  quantized<B> got;
  got.e.assign(nb * B::block_bytes, 0);
  got.s.assign(nb, 0);
  {
    const lowp_fuzz::forced_isa force(c.which);
    try {
      got.t = c.threads ? blk::quantize<B, R>(lowp::parallel{3, B::block_size}, in,
                                              span<std::uint8_t>(got.e), span<S>(got.s), c.o)
                        : blk::quantize<B, R>(in, span<std::uint8_t>(got.e), span<S>(got.s), c.o);
    } catch (const std::invalid_argument& err) {
      if (!rejected_tail && !bad_amax)
        fail(what + "\n  unexpected std::invalid_argument: " + err.what());
      return;
    } catch (const std::domain_error& err) {
      if (ref_ok || rejected_tail)
        fail(what + "\n  std::domain_error where the reference quantizes: " + err.what());
      return;
    }
  }
  if (rejected_tail)
    fail(what + "\n  a tail of " + std::to_string(n % B::block_size) +
         " elements was accepted under tail_rule::reject");
  if (bad_amax) fail(what + "\n  a negative or NaN tensor_amax was accepted");
  if (!ref_ok) fail(what + "\n  quantized a block the reference rejects with std::domain_error");
  if (!same(got, ref)) fail(what + "\n  quantize vs reference: " + first_difference(got, ref, x));

  // 3. Dequantize, fake_quantize.
  const std::vector<float> want = reference_dequantize(ref, n);
  {
    const lowp_fuzz::forced_isa force(c.which);
    compare_floats(public_dequantize(ref, n, c.in_off), want, what + "\n  dequantize");
    std::vector<float> fake(n);
    blk::fake_quantize<B, R>(in, span<float>(fake), c.o);
    compare_floats(fake, want, what + "\n  fake_quantize vs dequantize(quantize)");
  }

  // 2. The oracle.
  check_oracle<B>(ent, R, c, ref, want, what);

  // 4. Power-of-two properties.
  if constexpr (std::is_base_of_v<blk::pow2_rule_base, typename B::scale_rule>) {
    if (all_finite(x)) {
      const blk::block_tensor<B> ws =
          blk::quantize_with_scales<B, R>(span<const float>(x), span<const S>(ref.s), c.o);
      if (ws.elements != ref.e)
        fail(what + "\n  quantize_with_scales(the rule's scales) changed the elements");
      if (ent.idempotent && c.o.zeros != blk::zero_sign::from_nonzero) {
        quantized<B> again;
        if (!reference_quantize<B, R>(want, c.o, again))
          fail(what + "\n  re-quantizing finite decoded values threw");
        if (!same(again, ref))
          fail(what + "\n  quantize(dequantize(q)) != q: " + first_difference(again, ref, x));
      }
    }
  }

  // 5. The array-of-structs layout.
  if constexpr (!B::two_level) {
    blk::block_tensor<B> t;
    t.size = n;
    t.elements = ref.e;
    t.scales = ref.s;
    const std::vector<std::uint8_t> aos = blk::to_interleaved(t);
    const blk::block_tensor<B> back = blk::from_interleaved<B>(span<const std::uint8_t>(aos), n);
    if (back.elements != ref.e || back.scales != ref.s || back.size != n)
      fail(what + "\n  from_interleaved(to_interleaved(q)) != q");
  }

  // 3b. Dequantize of arbitrary element bytes and scale codes (the data bytes again).
  quantized<B> raw;
  raw.e.resize(nb * B::block_bytes);
  raw.s.resize(nb);
  const std::vector<std::uint8_t>& d = c.bytes;
  for (std::size_t i = 0; i < raw.e.size(); ++i)
    raw.e[i] = d.empty() ? 0 : d[(i * 7 + 3) % d.size()];
  for (std::size_t b = 0; b < nb; ++b) {
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < sizeof(S); ++k)
      v |= static_cast<std::uint32_t>(d.empty() ? 0 : d[(b * 5 + k) % d.size()]) << (8 * k);
    raw.s[b] = static_cast<S>(v);
  }
  raw.t = ref.t;
  const std::vector<float> raw_want = reference_dequantize(raw, n);
  const lowp_fuzz::forced_isa force(c.which);
  compare_floats(public_dequantize(raw, n, c.in_off), raw_want,
                 what + "\n  dequantize of arbitrary bytes");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lowp_fuzz::reader in(data, size);
  config c = read_config(in);
  with_format(c.format, [&](const auto& ent) {
    using E = std::decay_t<decltype(ent)>;
    using B = typename E::block;
    c.round = mode_of(E::modes, c.mode_index);
    lowp::with_rounding(c.round, [&](auto mode) {
      constexpr rounding R = decltype(mode)::value;
      if constexpr ((E::modes & bit(R)) != 0) run<B, R>(ent, c);
    });
  });
  return 0;
}
