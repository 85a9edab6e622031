// expect: does not fit float32
#include <lowp/lowp.hpp>
using bad = lowp::exmy<8, 3, lowp::special_values::fn, 100>;
int main() { return lowp::encode<bad>(1.0f); }
