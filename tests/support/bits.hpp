// Small helpers shared by the tests: float <-> bit pattern and hex formatting.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

namespace lowp_test {

/// The float with bit pattern `b`.
inline float f32(std::uint64_t b) {
  const auto b32 = static_cast<std::uint32_t>(b);
  float x;
  std::memcpy(&x, &b32, 4);
  return x;
}

/// The bit pattern of `x`.
inline std::uint32_t u32(float x) {
  std::uint32_t b;
  std::memcpy(&b, &x, 4);
  return b;
}

/// Lower-case hex without prefix.
inline std::string hex(std::uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace lowp_test
