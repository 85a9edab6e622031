/// \file isas.hpp
/// The SIMD ISAs a test can run here.
#pragma once

#include <vector>

#include "lowp/simd/detect.hpp"

namespace lowp_test {

/// Whether a list of ISAs includes the scalar path.
enum class scalar_path { include, exclude };

/// The ISAs this build and CPU support, in lowp::simd::all_isas order (scalar first when
/// included).
inline std::vector<lowp::simd::isa> supported_isas(scalar_path s = scalar_path::include) {
  std::vector<lowp::simd::isa> v;
  for (lowp::simd::isa i : lowp::simd::all_isas)
    if (lowp::simd::supported(i) && (s == scalar_path::include || i != lowp::simd::isa::scalar))
      v.push_back(i);
  return v;
}

/// Restores the active ISA on scope exit.
struct isa_guard {
  lowp::simd::isa saved = lowp::simd::active_isa();
  isa_guard() = default;
  isa_guard(const isa_guard&) = delete;
  isa_guard& operator=(const isa_guard&) = delete;
  ~isa_guard() { lowp::simd::set_active_isa(saved); }
};

}  // namespace lowp_test
