// expect: block size must be positive
#include <lowp/lowp.hpp>
using bad = lowp::blocks::block_format<lowp::formats::e4m3fn, lowp::formats::e8m0fnu, 0,
                                       lowp::blocks::scale_floor>;
int main() { return static_cast<int>(bad::block_bytes); }
