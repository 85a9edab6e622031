// expect: block elements must be signed formats
#include <lowp/lowp.hpp>
using bad = lowp::blocks::block_format<lowp::formats::ue4m3, lowp::formats::e8m0fnu, 32,
                                       lowp::blocks::scale_floor>;
int main() { return static_cast<int>(bad::block_bytes); }
