/// \file config.hpp
/// Version, compiler detection and feature macros shared by every lowp header.
#pragma once

#define LOWP_VERSION_MAJOR 0
#define LOWP_VERSION_MINOR 1
#define LOWP_VERSION_PATCH 0

#if __cplusplus >= 202002L
#define LOWP_CPP20 1
#else
#define LOWP_CPP20 0
#endif

// Forces inlining of the codec core so that a constant descriptor and policy fold away at
// every call site (the scalar path is also the fallback kernel).
#if defined(__GNUC__) || defined(__clang__)
#define LOWP_FORCE_INLINE __attribute__((always_inline))
#else
#define LOWP_FORCE_INLINE
#endif

namespace lowp {
/// Library version as a single number: major * 10000 + minor * 100 + patch.
inline constexpr int version =
    LOWP_VERSION_MAJOR * 10000 + LOWP_VERSION_MINOR * 100 + LOWP_VERSION_PATCH;
}  // namespace lowp
