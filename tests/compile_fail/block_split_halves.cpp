// expect: split_halves needs 4-bit elements
#include <lowp/lowp.hpp>
using bad = lowp::blocks::block_format<lowp::formats::e4m3fn, lowp::formats::e8m0fnu, 32,
                                       lowp::blocks::scale_floor, lowp::blocks::no_tensor_scale,
                                       lowp::blocks::element_order::split_halves>;
int main() { return static_cast<int>(bad::block_bytes); }
