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

/// Whether a float32 bit pattern is a NaN.
inline bool is_nan_bits(std::uint32_t b) { return (b & 0x7FFFFFFFu) > 0x7F800000u; }

/// Float bit patterns equal, except that any NaN matches any NaN (for results whose NaN
/// payload no specification fixes).
inline bool same_bits_or_nan(std::uint32_t x, std::uint32_t y) {
  if (is_nan_bits(x) || is_nan_bits(y)) return is_nan_bits(x) && is_nan_bits(y);
  return x == y;
}

/// Floats equal bit for bit, except that any NaN matches any NaN.
inline bool same_float(float a, float b) { return same_bits_or_nan(u32(a), u32(b)); }

/// Lower-case hex without prefix.
inline std::string hex(std::uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(v));
  return buf;
}

/// Float bit patterns in hex, space separated (for mismatch messages).
inline std::string hex_floats(const float* p, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += hex(u32(p[i])) + (i + 1 < n ? " " : "");
  return s;
}

}  // namespace lowp_test
