// expect: the interleaved layout has no place for a tensor scale
#include <lowp/lowp.hpp>
int main() {
  float x[16] = {};
  auto q = lowp::blocks::quantize<lowp::blocks::nvfp4>(lowp::span<const float>(x, 16));
  return static_cast<int>(lowp::blocks::to_interleaved(q).size());
}
