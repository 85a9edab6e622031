// expect: invalid integer format: bits must be in 1\.\.16
#include <lowp/lowp.hpp>
struct int20 {
  static constexpr lowp::int_format value{20, lowp::signedness::signed_};
};
int main() { return static_cast<int>(lowp::quantize_int<int20>(1.0f, lowp::affine_params{})); }
