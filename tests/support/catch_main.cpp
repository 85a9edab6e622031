// Fallback main() for the lowp tests, compiled only when the Catch2 in use has no
// Catch2::Catch2WithMain target (old Catch2 v2 packages).
#include "support/catch_version.hpp"

#if LOWP_CATCH2_MAJOR >= 3
#include <catch2/catch_session.hpp>

int main(int argc, char* argv[]) { return Catch::Session().run(argc, argv); }
#else
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#endif
