// expect: fnuz puts NaN at the -0 code
#include <lowp/lowp.hpp>
using bad = lowp::exmy<4, 3, lowp::special_values::fnuz, 8, lowp::signedness::unsigned_>;
int main() { return lowp::encode<bad>(1.0f); }
