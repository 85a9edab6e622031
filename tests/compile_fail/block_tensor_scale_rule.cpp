// expect: a tensor scale needs a two-level scale rule
#include <lowp/lowp.hpp>
using bad = lowp::blocks::block_format<lowp::formats::e2m1fn, lowp::formats::e8m0fnu, 32,
                                       lowp::blocks::scale_floor, lowp::blocks::fp32_tensor_scale>;
int main() { return static_cast<int>(bad::block_bytes); }
