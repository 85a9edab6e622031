// Compile-time probe 1 of 3: the value types only (timed by run_bench.py; see bench/README.md).
// A user who wants float8/bfloat16 values and the scalar codec includes just these headers.
#include <lowp/types/limits.hpp>
#include <lowp/types/minifloat.hpp>

float probe_value_types(float a, float b) {
  const lowp::float8_e4m3fn x{a};
  const lowp::bfloat16 y{b};
  const lowp::float8_e5m2 z = lowp::float8_e5m2{a} * lowp::float8_e5m2{b};
  return static_cast<float>(x + x) + static_cast<float>(y) + static_cast<float>(z) +
         static_cast<float>(std::numeric_limits<lowp::float4_e2m1fn>::max());
}
