// LOWP_CATCH2_MAJOR: 2 or 3. CMake defines it from the Catch2 it found; without CMake it is
// deduced from the headers that exist (v3 splits its headers, v2 has catch2/catch.hpp).
#pragma once

#if !defined(LOWP_CATCH2_MAJOR)
#if defined(__has_include)
#if __has_include(<catch2/catch_test_macros.hpp>)
#define LOWP_CATCH2_MAJOR 3
#else
#define LOWP_CATCH2_MAJOR 2
#endif
#else
#define LOWP_CATCH2_MAJOR 2
#endif
#endif
