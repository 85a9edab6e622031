// Catch2 shim: lets the lowp tests compile against Catch2 v2 (single header, e.g. Debian 12's
// 2.13) and Catch2 v3 (split headers, e.g. Ubuntu 24.04 or the copy CMake downloads).
// Tests include it as `#include "support/catch.hpp"`.
//
// Available with both versions: TEST_CASE, SECTION, REQUIRE/CHECK(_THAT/_THROWS...), INFO,
// CAPTURE, TEMPLATE_TEST_CASE, GENERATE / take / range / values / random / filter / map,
// Catch::Approx (also plain Approx), Catch::Matchers::WithinAbs / WithinRel / WithinULP.
//
// LOWP_CATCH2_MAJOR is 2 or 3. CMake defines it from the Catch2 it found; without CMake it is
// deduced from the headers that exist.
#pragma once

#include "support/catch_version.hpp"

#if LOWP_CATCH2_MAJOR >= 3
#include <catch2/catch_approx.hpp>
#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators_all.hpp>
#include <catch2/matchers/catch_matchers_floating_point.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
// v2 offers Approx at global scope; keep that spelling working too.
using Catch::Approx;
#else
#include <catch2/catch.hpp>
// v2 spells it Catch::Detail::Approx (+ a global `using`); v3 spells it Catch::Approx.
namespace Catch {
using Detail::Approx;
}  // namespace Catch
#endif
