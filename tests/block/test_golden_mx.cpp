// Acceptance 1 of the block formats: the golden MX vectors of microsoft/microxcaling (commit
// 7bc41952; copied from shared/golden into tests/golden/mx and tests/golden/mx_cpp).
//  - mx_cpp (its spec-aligned C++ path): lowp's OCP FLOOR blocks with the microxcaling_cpp
//    profile reproduce every scale code and every output bit pattern, for 'even' and
//    'nearest' element rounding, in all 12 files.
//  - mx (its PyTorch path): every difference from lowp's exact OCP reading is one of the three
//    classes of shared/golden/README.md, and each class is shown to be exactly that.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "lowp/lowp.hpp"
#include "support/bits.hpp"
#include "support/catch.hpp"
#include "support/golden.hpp"

namespace {

namespace blocks = lowp::blocks;
using lowp::rounding;

struct mx_line {
  int index = 0;
  std::string name;
  std::uint32_t scale = 0;
  std::vector<float> in;
  std::vector<std::uint32_t> out;
  std::vector<std::string> tail;  // mx_cpp: {eq}; mx: 32 element codes
};

bool is_zero_bits(std::uint32_t b) { return (b & 0x7FFFFFFFu) == 0; }

std::vector<mx_line> read_mx(const std::string& rel) {
  std::ifstream f(lowp_test::golden_path(rel));
  if (!f) throw std::runtime_error("cannot open " + rel);
  std::vector<mx_line> lines;
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    mx_line m;
    std::string tok;
    ls >> m.index >> m.name >> tok;
    m.scale = static_cast<std::uint32_t>(std::stoul(tok, nullptr, 16));
    for (int i = 0; i < 32; ++i) {
      ls >> tok;
      m.in.push_back(lowp_test::f32(static_cast<std::uint32_t>(std::stoul(tok, nullptr, 16))));
    }
    for (int i = 0; i < 32; ++i) {
      ls >> tok;
      m.out.push_back(static_cast<std::uint32_t>(std::stoul(tok, nullptr, 16)));
    }
    while (ls >> tok) m.tail.push_back(tok);
    lines.push_back(m);
  }
  return lines;
}

struct lowp_block {
  std::uint32_t scale = 0;
  std::vector<std::uint32_t> out;
  std::vector<std::uint32_t> codes;
};

template <class Block, rounding R>
lowp_block run(const std::vector<float>& in, const blocks::block_options& o,
               const std::uint8_t* forced_scale = nullptr) {
  const lowp::span<const float> x(in.data(), in.size());
  blocks::block_tensor<Block> q;
  if (forced_scale != nullptr) {
    const std::uint8_t s[1] = {*forced_scale};
    q = blocks::quantize_with_scales<Block, R>(x, lowp::span<const std::uint8_t>(s, 1), o);
  } else {
    q = blocks::quantize<Block, R>(x, o);
  }
  lowp_block r;
  r.scale = q.scales[0];
  for (float v : blocks::dequantize(q)) r.out.push_back(lowp_test::u32(v));
  for (std::size_t i = 0; i < in.size(); ++i) r.codes.push_back(q.code(i));
  return r;
}

// Outputs equal bit for bit; NaN outputs only as NaN (OCP does not specify NaN payloads and
// microxcaling propagates each NaN input's sign).

template <class Block>
void check_cpp(const std::string& file, bool away) {
  const auto lines = read_mx("mx_cpp/" + file);
  REQUIRE(lines.size() == 189);
  std::size_t blocks_checked = 0;
  for (const mx_line& m : lines) {
    const lowp_block r =
        away ? run<Block, rounding::nearest_away>(m.in, blocks::profiles::microxcaling_cpp)
             : run<Block, rounding::nearest_even>(m.in, blocks::profiles::microxcaling_cpp);
    INFO(file << " block " << m.index << " " << m.name);
    CHECK(r.scale == m.scale);
    for (std::size_t i = 0; i < 32; ++i) {
      INFO("element " << i << " lowp " << std::hex << r.out[i] << " microxcaling " << m.out[i]);
      CHECK(lowp_test::same_bits_or_nan(r.out[i], m.out[i]));
    }
    ++blocks_checked;
  }
  CHECK(blocks_checked == 189);
}

struct class_counts {
  int scale_blocks = 0;  // class 1: float32 log2 just below a power of two
  int zero_sign = 0;     // class 2: elements differing only in the sign of a zero
  int zero_block = 0;    // class 3: all-zero block, int8 scale 01
};

bool amax_just_below_power_of_two(const std::vector<float>& in) {
  float amax = 0;
  for (float v : in) amax = std::fabs(v) > amax ? std::fabs(v) : amax;
  const std::uint32_t mant = lowp_test::u32(amax) & 0x7FFFFFu;
  return mant >= 0x7FFF00u;  // within 256 float ulps below the next power of two
}

template <class Block, rounding R>
class_counts check_pytorch(const std::string& file, bool int8) {
  const auto lines = read_mx("mx/" + file);
  REQUIRE(lines.size() == 189);
  class_counts c;
  for (const mx_line& m : lines) {
    INFO(file << " block " << m.index << " " << m.name);
    // lowp's exact OCP reading, with the PyTorch path's sign-of-zero rule.
    const lowp_block spec = run<Block, R>(m.in, blocks::block_options{});
    bool all_zero = true;
    for (float v : m.in) all_zero = all_zero && v == 0.0f;
    lowp_block r = run<Block, R>(m.in, blocks::profiles::microxcaling_pytorch);
    if (r.scale != m.scale) {
      if (all_zero) {
        // Class 3: the PyTorch path takes log2(0 + 2^-126) = -126, so int8 (emax 0) gets 01.
        CHECK(int8);
        CHECK(m.scale == 0x01);
        CHECK(r.scale == 0x00);
        ++c.zero_block;
      } else {
        // Class 1: float32 log2 rounds up to the next power of two.
        UNSCOPED_INFO("class 1 block " << m.index << " " << m.name);
        CHECK(amax_just_below_power_of_two(m.in));
        CHECK((m.scale == r.scale + 1 || (int8 && m.scale == 0xFF && r.scale == 0xFE)));
        ++c.scale_blocks;
      }
      // With microxcaling's scale, lowp's elements are microxcaling's.
      const auto forced = static_cast<std::uint8_t>(m.scale);
      r = run<Block, R>(m.in, blocks::profiles::microxcaling_pytorch, &forced);
    }
    for (std::size_t i = 0; i < 32; ++i) {
      INFO("element " << i << " lowp " << std::hex << r.out[i] << " microxcaling " << m.out[i]);
      if (int8 && is_zero_bits(r.out[i]) && is_zero_bits(m.out[i])) {
        // MXINT8 codes have no -0; microxcaling works in the value domain (class 2).
      } else {
        CHECK(lowp_test::same_bits_or_nan(r.out[i], m.out[i]));
      }
      if (m.tail[i] != "xx")
        CHECK(r.codes[i] == static_cast<std::uint32_t>(std::stoul(m.tail[i], nullptr, 16)));
      // Class 2 measured against the exact reading (spec keeps the input's sign).
      if (r.scale == spec.scale && is_zero_bits(spec.out[i]) && is_zero_bits(m.out[i]) &&
          spec.out[i] != m.out[i])
        ++c.zero_sign;
    }
  }
  return c;
}

}  // namespace

TEST_CASE("mx_cpp golden: lowp FLOOR blocks reproduce microxcaling's C++ path", "[block][golden]") {
  for (bool away : {false, true}) {
    const std::string r = away ? "nearest" : "even";
    check_cpp<blocks::mxfp8_e4m3>("mxfp8_e4m3_" + r + ".txt", away);
    check_cpp<blocks::mxfp8_e5m2>("mxfp8_e5m2_" + r + ".txt", away);
    check_cpp<blocks::mxfp6_e2m3>("mxfp6_e2m3_" + r + ".txt", away);
    check_cpp<blocks::mxfp6_e3m2>("mxfp6_e3m2_" + r + ".txt", away);
    check_cpp<blocks::mxfp4>("mxfp4_e2m1_" + r + ".txt", away);
    check_cpp<blocks::mxint8>("mxint8_" + r + ".txt", away);
  }
}

TEST_CASE("mx golden: the PyTorch path differs from OCP in exactly three classes",
          "[block][golden]") {
  struct row {
    const char* name;
    const char* three_way;
    class_counts even, nearest;
  };
  std::vector<row> rows;
  rows.push_back(
      {"mxfp8_e4m3", "fp8_e4m3",
       check_pytorch<blocks::mxfp8_e4m3, rounding::nearest_even>("mxfp8_e4m3_even.txt", false),
       check_pytorch<blocks::mxfp8_e4m3, rounding::nearest_away>("mxfp8_e4m3_nearest.txt", false)});
  rows.push_back(
      {"mxfp8_e5m2", "fp8_e5m2",
       check_pytorch<blocks::mxfp8_e5m2, rounding::nearest_even>("mxfp8_e5m2_even.txt", false),
       check_pytorch<blocks::mxfp8_e5m2, rounding::nearest_away>("mxfp8_e5m2_nearest.txt", false)});
  rows.push_back(
      {"mxfp6_e2m3", "fp6_e2m3",
       check_pytorch<blocks::mxfp6_e2m3, rounding::nearest_even>("mxfp6_e2m3_even.txt", false),
       check_pytorch<blocks::mxfp6_e2m3, rounding::nearest_away>("mxfp6_e2m3_nearest.txt", false)});
  rows.push_back(
      {"mxfp6_e3m2", "fp6_e3m2",
       check_pytorch<blocks::mxfp6_e3m2, rounding::nearest_even>("mxfp6_e3m2_even.txt", false),
       check_pytorch<blocks::mxfp6_e3m2, rounding::nearest_away>("mxfp6_e3m2_nearest.txt", false)});
  rows.push_back(
      {"mxfp4", "fp4_e2m1",
       check_pytorch<blocks::mxfp4, rounding::nearest_even>("mxfp4_e2m1_even.txt", false),
       check_pytorch<blocks::mxfp4, rounding::nearest_away>("mxfp4_e2m1_nearest.txt", false)});
  rows.push_back(
      {"mxint8", "int8",
       check_pytorch<blocks::mxint8, rounding::nearest_even>("mxint8_even.txt", true),
       check_pytorch<blocks::mxint8, rounding::nearest_away>("mxint8_nearest.txt", true)});
  // shared/golden/mx/THREE_WAY.txt counts the PyTorch path's differences from an exact OCP
  // reading: "<elem> <round> pytorch~spec scale_blocks N" and "... zero_sign N".
  std::map<std::string, int> three_way;
  {
    std::ifstream f(lowp_test::golden_path("mx/THREE_WAY.txt"));
    REQUIRE(f);
    std::string line;
    while (std::getline(f, line)) {
      std::istringstream ls(line);
      std::string elem, round, pair, what;
      int n = 0;
      if (line.empty() || line[0] == '#' || !(ls >> elem >> round >> pair >> what >> n)) continue;
      if (pair == "pytorch~spec") three_way[elem + " " + round + " " + what] = n;
    }
  }
  for (const row& r : rows) {
    for (int k = 0; k < 2; ++k) {
      const class_counts& c = k == 0 ? r.even : r.nearest;
      const std::string key = std::string(r.three_way) + (k == 0 ? " even " : " nearest ");
      INFO(r.name << (k == 0 ? " even" : " nearest") << ": scale blocks " << c.scale_blocks
                  << ", zero-sign elements " << c.zero_sign << ", zero blocks " << c.zero_block);
      CHECK(c.scale_blocks == three_way.at(key + "scale_blocks"));
      // MXINT8 codes have no -0 (the exact reading there is in the value domain): compared
      // for the float elements only.
      if (std::string(r.name) != "mxint8") CHECK(c.zero_sign == three_way.at(key + "zero_sign"));
      // Both all-zero blocks (+0 and -0) get 01 in MXINT8 only.
      CHECK(c.zero_block == (std::string(r.name) == "mxint8" ? 2 : 0));
    }
  }
}
