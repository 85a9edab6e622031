// The storage of block_tensor: where each element's bits live (formats-reference D-25:
// sequential little-endian bit streams for MX/MSFP/NVFP4, split halves for ggml), sizes,
// incomplete last blocks, argument checks, stochastic reproducibility and element round trips.
// Expected bytes come from packers written here from the rules and from the element codes of
// the independent oracle (tests/support/block_oracle.hpp), or from codes worked out by hand.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "lowp/lowp.hpp"
#include "support/bits.hpp"
#include "support/block_oracle.hpp"
#include "support/catch.hpp"

namespace {

namespace blocks = lowp::blocks;
namespace bo = block_oracle;

using rng_t = std::mt19937_64;
float gauss(rng_t& rng) { return std::normal_distribution<float>(0.0f, 1.0f)(rng); }
int uint_in(rng_t& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

/// n values: Gaussian at per-block scales, with some +0, -0 and tiny values.
std::vector<float> sample(rng_t& rng, std::size_t n, std::size_t block) {
  std::vector<float> x(n);
  int k = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (i % block == 0) k = uint_in(rng, -10, 10);
    const int kind = uint_in(rng, 0, 15);
    x[i] = kind == 0 ? 0.0f : kind == 1 ? -0.0f : std::ldexp(gauss(rng), kind == 2 ? k - 8 : k);
  }
  return x;
}

template <class Block>
blocks::block_tensor<Block> quant(const std::vector<float>& x,
                                  const blocks::block_options& o = {}) {
  return blocks::quantize<Block>(lowp::span<const float>(x), o);
}

// --- packers written from the rules -----------------------------------------------------------

/// 4-bit sequential (CUDA __nv_fp4x2, torchao pack_uint4): element 2i in the low nibble of
/// byte i, element 2i + 1 in the high nibble.
std::vector<std::uint8_t> pack4_sequential(const std::vector<std::uint32_t>& c) {
  std::vector<std::uint8_t> out(c.size() / 2, 0);
  for (std::size_t i = 0; i < c.size(); ++i)
    out[i / 2] = static_cast<std::uint8_t>(out[i / 2] | (c[i] & 0xFu) << (i % 2 == 0 ? 0 : 4));
  return out;
}

/// 6-bit little-endian bit stream: element i at bits [6i, 6i + 6); four elements are one
/// 24-bit little-endian word c0 | c1 << 6 | c2 << 12 | c3 << 18 in three bytes.
std::vector<std::uint8_t> pack6(const std::vector<std::uint32_t>& c) {
  std::vector<std::uint8_t> out;
  for (std::size_t g = 0; g < c.size(); g += 4) {
    const std::uint32_t w = (c[g] & 0x3Fu) | (c[g + 1] & 0x3Fu) << 6 | (c[g + 2] & 0x3Fu) << 12 |
                            (c[g + 3] & 0x3Fu) << 18;
    out.push_back(static_cast<std::uint8_t>(w & 0xFFu));
    out.push_back(static_cast<std::uint8_t>((w >> 8) & 0xFFu));
    out.push_back(static_cast<std::uint8_t>((w >> 16) & 0xFFu));
  }
  return out;
}

/// One byte per element.
std::vector<std::uint8_t> pack8(const std::vector<std::uint32_t>& c) {
  std::vector<std::uint8_t> out;
  for (std::uint32_t v : c) out.push_back(static_cast<std::uint8_t>(v));
  return out;
}

/// ggml split halves, blocks of 32: byte j of a block = element j | element j + 16 << 4.
std::vector<std::uint8_t> pack4_split32(const std::vector<std::uint32_t>& c) {
  std::vector<std::uint8_t> out;
  for (std::size_t b = 0; b < c.size(); b += 32)
    for (std::size_t j = 0; j < 16; ++j)
      out.push_back(static_cast<std::uint8_t>((c[b + j] & 0xFu) | (c[b + j + 16] & 0xFu) << 4));
  return out;
}

template <class Block>
std::vector<std::uint32_t> codes_of(const blocks::block_tensor<Block>& q) {
  std::vector<std::uint32_t> c;
  for (std::size_t i = 0; i < q.blocks() * Block::block_size; ++i) c.push_back(q.code(i));
  return c;
}

/// The oracle's codes and scales of MX blocks (FLOOR rule, RNE, signed zeros kept).
struct oracle_codes {
  std::vector<std::uint32_t> codes;
  std::vector<std::uint8_t> scales;
  std::vector<float> out;
};

oracle_codes oracle_mx(bo::elem e, const std::vector<float>& x, std::size_t block = 32,
                       bo::rmode m = bo::rmode::nearest_even, std::uint64_t seed = 0,
                       unsigned count = 32) {
  oracle_codes r;
  for (std::size_t b = 0; b < x.size(); b += block) {
    const std::size_t k = std::min(block, x.size() - b);
    std::vector<std::uint32_t> rb(k);
    for (std::size_t i = 0; i < k; ++i) rb[i] = lowp::counter_bits(seed, b + i);
    const bo::mx_result res = bo::mx_quantize(e, bo::scale_rule::floor, m, bo::zero_sign::keep,
                                              x.data() + b, k, rb.data(), count);
    r.scales.push_back(res.scale);
    r.codes.insert(r.codes.end(), res.codes.begin(), res.codes.end());
    r.out.insert(r.out.end(), res.out.begin(), res.out.end());
  }
  return r;
}

oracle_codes oracle_msfp12(const std::vector<float>& x) {
  oracle_codes r;
  for (std::size_t b = 0; b < x.size(); b += 16) {
    const bo::bfp_result res =
        bo::bfp_quantize(3, bo::rmode::nearest_even, x.data() + b, 16, bo::zero_sign::keep);
    r.scales.push_back(res.scale);
    r.codes.insert(r.codes.end(), res.codes.begin(), res.codes.end());
    r.out.insert(r.out.end(), res.out.begin(), res.out.end());
  }
  return r;
}

template <class Block>
void check_packing(const std::vector<float>& x, const oracle_codes& ref,
                   std::vector<std::uint8_t> (*pack)(const std::vector<std::uint32_t>&),
                   const char* what) {
  INFO(what);
  const auto q = quant<Block>(x);
  REQUIRE(ref.codes.size() == x.size());
  CHECK(codes_of(q) == ref.codes);
  CHECK(std::vector<std::uint8_t>(q.scales.begin(), q.scales.end()) == ref.scales);
  CHECK(q.elements == pack(ref.codes));
  // Decoding the bytes the packer wrote gives the oracle's values.
  blocks::block_tensor<Block> p = q;
  p.elements = pack(ref.codes);
  const std::vector<float> out = blocks::dequantize(p);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    bad += lowp_test::u32(out[i]) != lowp_test::u32(ref.out[i]);
  CHECK(bad == 0);
}

std::vector<float> head(std::initializer_list<float> v, std::size_t n) {
  std::vector<float> x(v);
  x.resize(n, 0.0f);
  return x;
}

}  // namespace

TEST_CASE("Layout packing of MX MSFP and ggml elements", "[block][layout]") {
  rng_t rng(0x1A7);
  const std::vector<float> x = sample(rng, 32 * 512, 32);
  check_packing<blocks::mxfp4>(x, oracle_mx(bo::elem::e2m1, x), pack4_sequential, "mxfp4");
  check_packing<blocks::mxfp6_e2m3>(x, oracle_mx(bo::elem::e2m3, x), pack6, "mxfp6_e2m3");
  check_packing<blocks::mxfp6_e3m2>(x, oracle_mx(bo::elem::e3m2, x), pack6, "mxfp6_e3m2");
  check_packing<blocks::mxfp8_e4m3>(x, oracle_mx(bo::elem::e4m3, x), pack8, "mxfp8_e4m3");
  check_packing<blocks::mxfp8_e5m2>(x, oracle_mx(bo::elem::e5m2, x), pack8, "mxfp8_e5m2");
  check_packing<blocks::mxint8>(x, oracle_mx(bo::elem::int8, x), pack8, "mxint8");
  const std::vector<float> y = sample(rng, 16 * 1024, 16);
  check_packing<blocks::msfp12>(y, oracle_msfp12(y), pack4_sequential, "msfp12");
  // Q4_0: codes as lowp reports them, packed by the split-halves rule; each code decodes to
  // the oracle's output (q - 8) * fp16(d).
  const auto q = quant<blocks::q4_0>(x);
  const std::vector<std::uint32_t> c = codes_of(q);
  CHECK(q.elements == pack4_split32(c));
  const bo::ggml_result ref = bo::ggml_q4_0(x.data(), x.size());
  std::size_t bad = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const float d = bo::fp16_to_f32(q.scales[i / 32]);
    bad += lowp_test::u32(static_cast<float>(static_cast<int>(c[i]) - 8) * d) !=
           lowp_test::u32(ref.out[i]);
  }
  CHECK(bad == 0);
  // ggml_mxfp4: split halves of the oracle's GGUF bytes.
  const auto qm = quant<blocks::ggml_mxfp4>(x);
  const std::vector<std::uint8_t> gg = bo::ggml_mxfp4(x.data(), x.size()).bytes;
  std::vector<std::uint8_t> elems;
  for (std::size_t b = 0; b < gg.size(); b += 17)
    elems.insert(elems.end(), gg.data() + b + 1, gg.data() + b + 17);
  CHECK(qm.elements == elems);
  CHECK(qm.elements == pack4_split32(codes_of(qm)));
}

TEST_CASE("Layout packing worked by hand", "[block][layout]") {
  // MXFP4 {6, -6, 0.5, -0, 3, 0.25, 0.75, -5}: amax 6, scale 0x7F; codes 7 F 1 8 5 0 2 E
  // (0.25 and 0.75 are ties to even: 0 and 1.0; -5 ties to -4). Sequential nibbles:
  // F7 81 05 E2.
  {
    const auto q = quant<blocks::mxfp4>(head({6, -6, 0.5f, -0.0f, 3, 0.25f, 0.75f, -5}, 32));
    CHECK(q.scales[0] == 0x7F);
    const std::uint32_t c[] = {7, 0xF, 1, 8, 5, 0, 2, 0xE};
    for (std::size_t i = 0; i < 8; ++i) CHECK(q.code(i) == c[i]);
    const std::vector<std::uint8_t> e = {0xF7, 0x81, 0x05, 0xE2};
    CHECK(std::vector<std::uint8_t>(q.elements.begin(), q.elements.begin() + 4) == e);
    for (std::size_t i = 4; i < 16; ++i) CHECK(q.elements[i] == 0);
  }
  // NVFP4 uses the same sequential nibbles: single level, amax 6 -> scale 1.0 (0x38);
  // {6, -6, 0.5, -0, 3, 0.25, 0.75, -5} -> 7 F 1 8 5 0 2 E -> F7 81 05 E2.
  {
    const auto q = quant<blocks::nvfp4_single>(head({6, -6, 0.5f, -0.0f, 3, 0.25f, 0.75f, -5}, 16));
    CHECK(q.scales[0] == 0x38);
    const std::vector<std::uint8_t> e = {0xF7, 0x81, 0x05, 0xE2, 0, 0, 0, 0};
    CHECK(q.elements == e);
  }
  // MXFP6 E2M3 {7.5, -1, 0.125, 0, -7.5}: scale 0x7F; codes 1F 28 01 00 3F; the first four
  // are the 24-bit word 0x1F | 0x28 << 6 | 0x01 << 12 = 0x001A1F -> 1F 1A 00; then 3F 00 00.
  {
    const auto q = quant<blocks::mxfp6_e2m3>(head({7.5f, -1, 0.125f, 0, -7.5f}, 32));
    CHECK(q.scales[0] == 0x7F);
    const std::uint32_t c[] = {0x1F, 0x28, 0x01, 0x00, 0x3F};
    for (std::size_t i = 0; i < 5; ++i) CHECK(q.code(i) == c[i]);
    REQUIRE(q.elements.size() == 24);
    const std::vector<std::uint8_t> e = {0x1F, 0x1A, 0x00, 0x3F, 0x00, 0x00};
    CHECK(std::vector<std::uint8_t>(q.elements.begin(), q.elements.begin() + 6) == e);
    // Element 5 alone: -1.375 (0x2B = 10 1011) at bits 30..35, across a byte boundary: byte 3
    // bits 6-7 = 11 (byte 0xC0 with element 4 = 0), byte 4 bits 0-3 = 1010 (0x0A).
    const auto q5 = quant<blocks::mxfp6_e2m3>(head({7.5f, 0, 0, 0, 0, -1.375f}, 32));
    CHECK(q5.code(5) == 0x2B);
    CHECK(q5.elements[3] == 0xC0);
    CHECK(q5.elements[4] == 0x0A);
    CHECK(q5.elements[5] == 0x00);
  }
  // MXFP8 E4M3 {448, -1, 2^-9, -0, 300}: scale 0x7F; 7E B8 01 80 79 (300 -> 288, RNE).
  {
    const auto q = quant<blocks::mxfp8_e4m3>(head({448, -1, 0x1p-9f, -0.0f, 300}, 32));
    CHECK(q.scales[0] == 0x7F);
    const std::vector<std::uint8_t> e = {0x7E, 0xB8, 0x01, 0x80, 0x79};
    CHECK(std::vector<std::uint8_t>(q.elements.begin(), q.elements.begin() + 5) == e);
  }
  // MSFP12 (sign + 3 magnitude bits, blocks of 16) {7, -3, 0.5, -0, 1.5, 2.5}: shared
  // exponent floor(log2 7) = 2 (code 0x81), step 2^0; codes 7 B 0 8 2 2 (RNE) -> B7 80 22.
  {
    const auto q = quant<blocks::msfp12>(head({7, -3, 0.5f, -0.0f, 1.5f, 2.5f}, 16));
    CHECK(q.scales[0] == 0x81);
    const std::vector<std::uint8_t> e = {0xB7, 0x80, 0x22, 0, 0, 0, 0, 0};
    CHECK(q.elements == e);
  }
  // Q4_0 {3, -3}: codes 0 F 8 ...; split halves: byte 0 = 0 | 8 << 4, byte 1 = F | 8 << 4.
  {
    const auto q = quant<blocks::q4_0>(head({3, -3}, 32));
    CHECK(q.scales[0] == 0xB600);
    CHECK(q.code(0) == 0);
    CHECK(q.code(1) == 15);
    CHECK(q.code(2) == 8);
    CHECK(q.elements[0] == 0x80);
    CHECK(q.elements[1] == 0x8F);
    CHECK(q.elements[2] == 0x88);
  }
}

TEST_CASE("Layout block_tensor sizes and bits per element", "[block][layout]") {
  CHECK(blocks::mxfp4::block_bytes == 16);
  CHECK(blocks::mxfp6_e2m3::block_bytes == 24);
  CHECK(blocks::mxfp6_e3m2::block_bytes == 24);
  CHECK(blocks::mxfp8_e4m3::block_bytes == 32);
  CHECK(blocks::nvfp4::block_bytes == 8);
  CHECK(blocks::msfp12::block_bytes == 8);
  CHECK(blocks::q8_0::block_bytes == 32);
  CHECK(blocks::q4_0::block_bytes == 16);
  CHECK(blocks::ggml_mxfp4::block_bytes == 16);
  CHECK(blocks::mxfp4::bits_per_element == 4.25);
  CHECK(blocks::mxfp6_e2m3::bits_per_element == 6.25);
  CHECK(blocks::mxfp8_e4m3::bits_per_element == 8.25);
  CHECK(blocks::mxint8::bits_per_element == 8.25);
  CHECK(blocks::nvfp4::bits_per_element == 4.5);
  CHECK(blocks::msfp12::bits_per_element == 4.5);
  CHECK(blocks::q8_0::bits_per_element == 8.5);
  CHECK(blocks::q4_0::bits_per_element == 4.5);
  CHECK(blocks::ggml_mxfp4::bits_per_element == 4.25);
  CHECK(blocks::interleaved_block_bytes<blocks::q8_0> == 34);
  CHECK(blocks::interleaved_block_bytes<blocks::q4_0> == 18);
  CHECK(blocks::interleaved_block_bytes<blocks::ggml_mxfp4> == 17);
  rng_t rng(0x512E);
  for (std::size_t n : {std::size_t{1}, std::size_t{31}, std::size_t{32}, std::size_t{33},
                        std::size_t{100}, std::size_t{1024}}) {
    const std::vector<float> x = sample(rng, n, 32);
    INFO("n " << n);
    const std::size_t b32 = (n + 31) / 32, b16 = (n + 15) / 16;
    const auto q4 = quant<blocks::mxfp4>(x);
    CHECK(q4.size == n);
    CHECK(q4.blocks() == b32);
    CHECK(q4.elements.size() == 16 * b32);
    const auto q6 = quant<blocks::mxfp6_e2m3>(x);
    CHECK(q6.elements.size() == 24 * b32);
    CHECK(q6.scales.size() == b32);
    const auto q8 = quant<blocks::mxfp8_e4m3>(x);
    CHECK(q8.elements.size() == 32 * b32);
    const auto qn = quant<blocks::nvfp4>(x);
    CHECK(qn.elements.size() == 8 * b16);
    CHECK(qn.scales.size() == b16);
    const auto qq = quant<blocks::q8_0>(x);
    CHECK(qq.elements.size() == 32 * b32);
    CHECK(qq.scales.size() == b32);
    CHECK(blocks::to_interleaved(qq).size() == 34 * b32);
    CHECK(blocks::block_count<blocks::nvfp4>(n) == b16);
    CHECK(blocks::dequantize(q6).size() == n);
  }
}

TEST_CASE("Layout incomplete last blocks", "[block][layout]") {
  rng_t rng(0x7A11);
  // MXFP4, 71 values: 3 blocks, the last holding 7 real values. Its scale and codes are the
  // oracle's on those 7 values alone; the 25 padding slots hold the code of +0.
  std::vector<float> x = sample(rng, 71, 32);
  for (std::size_t i = 64; i < 71; ++i) x[i] = -0.3f * static_cast<float>(i - 63);
  {
    // Storage overload over garbage: every byte of the last block is written.
    std::vector<std::uint8_t> el(48, 0xFF);
    std::vector<std::uint8_t> sc(3, 0xEE);
    blocks::quantize<blocks::mxfp4, lowp::rounding::nearest_even>(
        lowp::span<const float>(x), lowp::span<std::uint8_t>(el), lowp::span<std::uint8_t>(sc));
    const oracle_codes ref = oracle_mx(bo::elem::e2m1, x);
    REQUIRE(ref.codes.size() == 71);
    CHECK(std::vector<std::uint8_t>(sc.begin(), sc.end()) == ref.scales);
    CHECK(sc[2] == 0x7E);  // amax 2.1 of the 7 real values: floor(log2 2.1) - 2 = -1
    std::vector<std::uint32_t> c = ref.codes;
    c.resize(96, 0u);
    CHECK(el == pack4_sequential(c));
    const auto q = quant<blocks::mxfp4>(x);
    CHECK(q.elements == el);
    const std::vector<float> out = blocks::dequantize(q);
    REQUIRE(out.size() == 71);
    std::size_t bad = 0;
    for (std::size_t i = 0; i < 71; ++i)
      bad += lowp_test::u32(out[i]) != lowp_test::u32(ref.out[i]);
    CHECK(bad == 0);
    for (std::size_t i = 71; i < 96; ++i) CHECK(q.code(i) == 0);
  }
  // Q4_0, 40 values: GGUF bytes of the array padded with zeros (padding never wins the signed
  // max; it encodes as q = 8).
  {
    const std::vector<float> y = sample(rng, 40, 32);
    std::vector<float> padded = y;
    padded.resize(64, 0.0f);
    const auto q = quant<blocks::q4_0>(y);
    const bo::ggml_result ref = bo::ggml_q4_0(padded.data(), 64);
    CHECK(blocks::to_interleaved(q) == ref.bytes);
    const std::vector<float> out = blocks::dequantize(q);
    REQUIRE(out.size() == 40);
    std::size_t bad = 0;
    for (std::size_t i = 0; i < 40; ++i)
      bad += lowp_test::u32(out[i]) != lowp_test::u32(ref.out[i]);
    CHECK(bad == 0);
    for (std::size_t i = 40; i < 64; ++i) CHECK(q.code(i) == 8);
    // A tail whose real values are all negative: the tail block's signed max is negative.
    std::vector<float> z = y;
    for (std::size_t i = 32; i < 40; ++i) z[i] = -std::fabs(z[i]) - 0.125f;
    padded = z;
    padded.resize(64, 0.0f);
    CHECK(blocks::to_interleaved(quant<blocks::q4_0>(z)) == bo::ggml_q4_0(padded.data(), 64).bytes);
    CHECK((quant<blocks::q4_0>(z).scales[1] & 0x8000u) == 0);  // d = max / -8 > 0
  }
  // NVFP4 (two-level TE), 20 values: the oracle on the zero-padded array (zeros change
  // neither the tensor amax nor the block amax).
  {
    const std::vector<float> y = sample(rng, 20, 16);
    std::vector<float> padded = y;
    padded.resize(32, 0.0f);
    const auto q = quant<blocks::nvfp4>(y);
    const bo::nvfp4_result ref = bo::nvfp4_te(padded.data(), 32, true);
    CHECK(std::vector<std::uint8_t>(q.scales.begin(), q.scales.end()) == ref.scales);
    CHECK(codes_of(q) == ref.codes);
    CHECK(lowp_test::u32(q.tensor.decode) == lowp_test::u32(ref.tensor_scale));
    CHECK(blocks::dequantize(q).size() == 20);
  }
  // tail_rule::reject: std::invalid_argument unless the length is whole blocks.
  blocks::block_options reject;
  reject.tail = blocks::tail_rule::reject;
  CHECK_THROWS_AS(quant<blocks::mxfp4>(x, reject), std::invalid_argument);
  CHECK_THROWS_AS(quant<blocks::q8_0>(x, reject), std::invalid_argument);
  CHECK_THROWS_AS(quant<blocks::nvfp4>(std::vector<float>(17, 1.0f), reject),
                  std::invalid_argument);
  const std::vector<float> whole(x.begin(), x.begin() + 64);
  CHECK_NOTHROW(quant<blocks::mxfp4>(whole, reject));
  CHECK(quant<blocks::mxfp4>(whole, reject).elements == quant<blocks::mxfp4>(whole).elements);
  std::vector<std::uint8_t> el(48), sc(3);
  CHECK_THROWS_AS((blocks::quantize<blocks::mxfp4, lowp::rounding::nearest_even>(
                      lowp::span<const float>(x), lowp::span<std::uint8_t>(el),
                      lowp::span<std::uint8_t>(sc), reject)),
                  std::invalid_argument);
}

TEST_CASE("Layout mismatched sizes are rejected", "[block][layout]") {
  using B = blocks::mxfp4;
  constexpr auto rne = lowp::rounding::nearest_even;
  const std::vector<float> x(64, 1.5f);
  const lowp::span<const float> in(x);
  std::vector<std::uint8_t> e31(31), e32(32), e33(33), s1(1), s2(2), s3(3);
  using es = lowp::span<std::uint8_t>;
  CHECK_THROWS_AS((blocks::quantize<B, rne>(in, es(e31), es(s2))), std::invalid_argument);
  CHECK_THROWS_AS((blocks::quantize<B, rne>(in, es(e33), es(s2))), std::invalid_argument);
  CHECK_THROWS_AS((blocks::quantize<B, rne>(in, es(e32), es(s1))), std::invalid_argument);
  CHECK_THROWS_AS((blocks::quantize<B, rne>(in, es(e32), es(s3))), std::invalid_argument);
  CHECK_NOTHROW((blocks::quantize<B, rne>(in, es(e32), es(s2))));
  // q8_0 scales are fp16 codes.
  std::vector<std::uint16_t> h1(1), h2(2);
  std::vector<std::uint8_t> e64(64);
  using hs = lowp::span<std::uint16_t>;
  CHECK_THROWS_AS(
      (blocks::quantize<blocks::q8_0, lowp::rounding::nearest_away>(in, es(e64), hs(h1))),
      std::invalid_argument);
  CHECK_NOTHROW(
      (blocks::quantize<blocks::q8_0, lowp::rounding::nearest_away>(in, es(e64), hs(h2))));
  // dequantize from storage.
  using ce = lowp::span<const std::uint8_t>;
  std::vector<float> o63(63), o64(64), o65(65);
  const blocks::tensor_scale_state t{};
  CHECK_THROWS_AS(blocks::dequantize<B>(ce(e32), ce(s2), t, lowp::span<float>(o65)),
                  std::invalid_argument);
  CHECK_THROWS_AS(blocks::dequantize<B>(ce(e31), ce(s2), t, lowp::span<float>(o64)),
                  std::invalid_argument);
  CHECK_THROWS_AS(blocks::dequantize<B>(ce(e32), ce(s1), t, lowp::span<float>(o64)),
                  std::invalid_argument);
  CHECK_NOTHROW(blocks::dequantize<B>(ce(e32), ce(s2), t, lowp::span<float>(o63)));
  CHECK_NOTHROW(blocks::dequantize<B>(ce(e32), ce(s2), t, lowp::span<float>(o64)));
  // dequantize of a block_tensor into the wrong size.
  const auto q = quant<B>(x);
  CHECK_THROWS_AS(blocks::dequantize<B>(q, lowp::span<float>(o63)), std::invalid_argument);
  CHECK_NOTHROW(blocks::dequantize<B>(q, lowp::span<float>(o64)));
  // fake_quantize with different sizes; with equal sizes it is dequantize(quantize(x)).
  CHECK_THROWS_AS(blocks::fake_quantize<B>(in, lowp::span<float>(o63)), std::invalid_argument);
  CHECK_THROWS_AS(blocks::fake_quantize<B>(in, lowp::span<float>(o65)), std::invalid_argument);
  blocks::fake_quantize<B>(in, lowp::span<float>(o64));
  CHECK(o64 == blocks::dequantize(q));
  // from_interleaved with the wrong byte count; quantize_with_scales with the wrong count.
  const std::vector<std::uint8_t> g33(33), g34(34), g35(35);
  CHECK_THROWS_AS(blocks::from_interleaved<blocks::q8_0>(ce(g33), 32), std::invalid_argument);
  CHECK_THROWS_AS(blocks::from_interleaved<blocks::q8_0>(ce(g35), 32), std::invalid_argument);
  CHECK_THROWS_AS(blocks::from_interleaved<blocks::q8_0>(ce(g34), 33), std::invalid_argument);
  CHECK_NOTHROW(blocks::from_interleaved<blocks::q8_0>(ce(g34), 32));
  CHECK_THROWS_AS(blocks::quantize_with_scales<B>(in, ce(s1)), std::invalid_argument);
  CHECK_NOTHROW(blocks::quantize_with_scales<B>(in, ce(s2)));
}

TEST_CASE("Layout zero-length input", "[block][layout]") {
  const std::vector<float> none;
  const auto q = quant<blocks::mxfp4>(none);
  CHECK(q.size == 0);
  CHECK(q.blocks() == 0);
  CHECK(q.elements.empty());
  CHECK(blocks::dequantize(q).empty());
  const auto qn = quant<blocks::nvfp4>(none);
  CHECK(qn.blocks() == 0);
  CHECK(qn.tensor.decode == 1.0f);  // tensor amax 0: S_enc = S_dec = 1
  const auto qg = quant<blocks::q4_0>(none);
  CHECK(blocks::to_interleaved(qg).empty());
  CHECK(blocks::from_interleaved<blocks::q4_0>(lowp::span<const std::uint8_t>(), 0).blocks() == 0);
  std::vector<float> out;
  blocks::fake_quantize<blocks::mxfp8_e4m3>(lowp::span<const float>(none), lowp::span<float>(out));
  blocks::block_options reject;
  reject.tail = blocks::tail_rule::reject;
  CHECK_NOTHROW(quant<blocks::q8_0>(none, reject));
  CHECK(blocks::quantize_tiles<blocks::nvfp4>(lowp::span<const float>(none), 0, 16, 16).blocks() ==
        0);
}

TEST_CASE("Layout stochastic MXFP4 depends only on seed and index", "[block][layout]") {
  rng_t rng(0x570C);
  const std::vector<float> x = sample(rng, 128, 32);
  constexpr auto sr = lowp::rounding::stochastic;
  for (unsigned count : {32u, 5u, 1u}) {
    for (std::uint64_t seed :
         {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{0xDEADBEEFCAFEull}}) {
      INFO("seed " << seed << " random_count " << count);
      blocks::block_options o;
      o.seed = seed;
      o.random_count = count;
      const auto q = blocks::quantize<blocks::mxfp4, sr>(lowp::span<const float>(x), o);
      // Element i rounds with counter_bits(seed, i): the oracle with those bits.
      const oracle_codes ref = oracle_mx(bo::elem::e2m1, x, 32, bo::rmode::stochastic, seed, count);
      CHECK(codes_of(q) == ref.codes);
      CHECK(std::vector<std::uint8_t>(q.scales.begin(), q.scales.end()) == ref.scales);
      CHECK(q.elements == pack4_sequential(ref.codes));
      // Same seed, same bytes; the first two blocks alone are the first two blocks of all four.
      CHECK(blocks::quantize<blocks::mxfp4, sr>(lowp::span<const float>(x), o).elements ==
            q.elements);
      const std::vector<float> half(x.begin(), x.begin() + 64);
      const auto qh = blocks::quantize<blocks::mxfp4, sr>(lowp::span<const float>(half), o);
      CHECK(std::equal(qh.elements.begin(), qh.elements.end(), q.elements.begin()));
      // Another seed changes some element.
      blocks::block_options o2 = o;
      o2.seed = seed + 1;
      if (count > 1)
        CHECK(blocks::quantize<blocks::mxfp4, sr>(lowp::span<const float>(x), o2).elements !=
              q.elements);
    }
  }
}

namespace {

/// Every finite code of an MX element format, decoded and quantized again with scale 0x7F,
/// comes back unchanged (each block also holds the largest element value, which pins the
/// FLOOR scale at 2^0).
template <class Block>
void check_round_trip(bo::elem e) {
  const std::uint32_t width = static_cast<std::uint32_t>(bo::elem_width(e));
  const std::uint32_t max_code = bo::max_code(e);
  std::vector<std::uint32_t> codes;
  for (std::uint32_t c = 0; c < (1u << width); ++c)
    if ((c & ~(1u << (width - 1))) <= max_code) codes.push_back(c);
  std::vector<float> x;
  std::vector<std::uint32_t> expect;
  std::size_t k = 0;
  while (k < codes.size()) {
    x.push_back(static_cast<float>(bo::elem_max(e)));
    expect.push_back(max_code);
    for (int i = 1; i < 32; ++i) {
      const std::uint32_t c = k < codes.size() ? codes[k++] : 0u;
      x.push_back(static_cast<float>(bo::elem_value(e, c)));
      expect.push_back(c);
    }
  }
  const auto q = quant<Block>(x);
  for (std::uint8_t s : q.scales) CHECK(s == 0x7F);
  CHECK(codes_of(q) == expect);
  const std::vector<float> out = blocks::dequantize(q);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < x.size(); ++i) bad += lowp_test::u32(out[i]) != lowp_test::u32(x[i]);
  CHECK(bad == 0);
  // With the scale given instead of chosen.
  const std::vector<std::uint8_t> s7f(q.blocks(), 0x7F);
  const auto qs = blocks::quantize_with_scales<Block>(lowp::span<const float>(x),
                                                      lowp::span<const std::uint8_t>(s7f));
  CHECK(qs.elements == q.elements);
}

}  // namespace

TEST_CASE("Layout every element code round trips at scale 7F", "[block][layout]") {
  check_round_trip<blocks::mxfp8_e4m3>(bo::elem::e4m3);  // 254 codes: all but the two NaNs
  check_round_trip<blocks::mxfp8_e5m2>(bo::elem::e5m2);
  check_round_trip<blocks::mxfp6_e2m3>(bo::elem::e2m3);
  check_round_trip<blocks::mxfp6_e3m2>(bo::elem::e3m2);
  check_round_trip<blocks::mxfp4>(bo::elem::e2m1);
}
