// expect: exponent_bits must be in 1\.\.8
#include <lowp/lowp.hpp>
int main() { return lowp::encode<lowp::exmy<9, 3>>(1.0f); }
