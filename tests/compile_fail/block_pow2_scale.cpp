// expect: power-of-two scale rules need an E8M0-like scale format
#include <lowp/lowp.hpp>
using bad = lowp::blocks::block_format<lowp::formats::e2m1fn, lowp::formats::ue4m3, 16,
                                       lowp::blocks::scale_floor>;
int main() {
  float x[16] = {};
  return static_cast<int>(lowp::blocks::quantize<bad>(lowp::span<const float>(x, 16)).size);
}
