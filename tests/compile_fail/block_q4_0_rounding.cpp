// expect: ggml Q4_0 has one element rule
#include <lowp/lowp.hpp>
int main() {
  float x[32] = {};
  auto q = lowp::blocks::quantize<lowp::blocks::q4_0, lowp::rounding::nearest_even>(
      lowp::span<const float>(x, 32));
  return static_cast<int>(q.size);
}
