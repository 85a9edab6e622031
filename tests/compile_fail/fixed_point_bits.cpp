// expect: fixed_point needs 2\.\.16 bits
#include <lowp/lowp.hpp>
using bad = lowp::blocks::block_format<lowp::blocks::fixed_point<17, 0>, lowp::formats::e8m0fnu, 32,
                                       lowp::blocks::scale_floor>;
int main() { return static_cast<int>(bad::block_bytes); }
