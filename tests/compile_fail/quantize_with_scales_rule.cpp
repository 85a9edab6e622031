// expect: quantize_with_scales applies to power-of-two
#include <lowp/lowp.hpp>
int main() {
  float x[16] = {};
  std::uint8_t s[1] = {};
  auto q = lowp::blocks::quantize_with_scales<lowp::blocks::nvfp4_single>(
      lowp::span<const float>(x, 16), lowp::span<const std::uint8_t>(s, 1));
  return static_cast<int>(q.size);
}
