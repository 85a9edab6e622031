// Compile-time probe 2 of 3: the array API with its SIMD kernels and the block formats (timed
// by run_bench.py; see bench/README.md).
#include <cstdint>
#include <lowp/array/convert.hpp>
#include <lowp/block/blocks.hpp>
#include <vector>

std::size_t probe_array_api(const std::vector<float>& x) {
  std::vector<std::uint8_t> codes(x.size());
  lowp::quantize<lowp::formats::e4m3fn>(x, codes);
  const auto q = lowp::blocks::quantize<lowp::blocks::mxfp4>(x);
  return codes.size() + q.elements.size();
}
