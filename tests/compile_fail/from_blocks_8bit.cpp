// expect: block_weights: 4-bit elements only
#include <lowp/lowp.hpp>
int main() {
  float x[32] = {};
  auto q = lowp::blocks::quantize<lowp::blocks::mxfp8_e4m3>(lowp::span<const float>(x, 32));
  return static_cast<int>(lowp::gemm::from_blocks(q, 1, 32).rows);
}
