// expect: rounding::stochastic needs random bits
#include <lowp/lowp.hpp>
int main() { return lowp::encode<lowp::formats::e4m3fn, lowp::rounding::stochastic>(1.0f); }
