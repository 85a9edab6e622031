// expect: the packed overloads are for formats narrower than 8 bits
#include <lowp/lowp.hpp>
int main() {
  float x[8] = {};
  std::uint8_t q[8] = {};
  lowp::quantize_packed<lowp::formats::e4m3fn>(lowp::span<const float>(x, 8),
                                               lowp::span<std::uint8_t>(q, 8));
  return q[0];
}
