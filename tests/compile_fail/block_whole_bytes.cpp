// expect: a block's elements must fill whole bytes
#include <lowp/lowp.hpp>
using bad = lowp::blocks::block_format<lowp::formats::e2m3fn, lowp::formats::e8m0fnu, 3,
                                       lowp::blocks::scale_floor>;
int main() { return static_cast<int>(bad::block_bytes); }
