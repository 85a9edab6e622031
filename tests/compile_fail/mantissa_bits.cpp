// expect: mantissa_bits must be in 0\.\.23
#include <lowp/lowp.hpp>
int main() { return lowp::encode<lowp::exmy<5, 24>>(1.0f); }
