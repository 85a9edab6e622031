// expect: a block element must be a minifloat format tag
#include <lowp/lowp.hpp>
using bad = lowp::blocks::block_format<lowp::formats::int8, lowp::formats::e8m0fnu, 32,
                                       lowp::blocks::scale_floor>;
int main() { return static_cast<int>(bad::block_bytes); }
