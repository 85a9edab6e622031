// expect: IEEE-like format needs a mantissa bit
#include <lowp/lowp.hpp>
int main() { return lowp::encode<lowp::exmy<4, 0>>(1.0f); }
