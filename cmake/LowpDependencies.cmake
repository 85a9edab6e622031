# Third-party dependencies of the lowp developer build.
#
# Each dependency is declared with FetchContent_Declare(... FIND_PACKAGE_ARGS CONFIG): CMake
# first tries find_package(<name> CONFIG) and downloads the pinned tag only when the package is
# not installed. This file is included from the top-level CMakeLists.txt so that imported
# targets found here are visible in tests/, bench/ and examples/.
#
#   Catch2     only when LOWP_BUILD_TESTS   (no version: Debian's 2.13 and upstream v3 both work)
#   benchmark  only when LOWP_BUILD_BENCH
#   fmt        developer builds: FetchContent; otherwise (add_subdirectory consumers) only a
#              quiet find_package, lowp::fmt is created when it is found.

include(FetchContent)

if(LOWP_BUILD_TESTS)
  FetchContent_Declare(Catch2
    GIT_REPOSITORY https://github.com/catchorg/Catch2.git
    GIT_TAG        v3.5.2
    GIT_SHALLOW    TRUE
    SYSTEM
    FIND_PACKAGE_ARGS CONFIG)
  set(CATCH_INSTALL_DOCS OFF CACHE BOOL "")
  set(CATCH_INSTALL_EXTRAS OFF CACHE BOOL "")
  FetchContent_MakeAvailable(Catch2)

  # Catch2 major version (2: Debian/Ubuntu<24.04 package, 3: upstream / downloaded).
  # find_package sets Catch2_VERSION; a downloaded copy is always the pinned v3.
  if(DEFINED Catch2_VERSION AND NOT Catch2_VERSION STREQUAL "")
    string(REGEX MATCH "^[0-9]+" LOWP_CATCH2_MAJOR "${Catch2_VERSION}")
  else()
    set(LOWP_CATCH2_MAJOR 3)
    set(Catch2_VERSION "3.5.2")
  endif()
  if(catch2_SOURCE_DIR)
    list(APPEND CMAKE_MODULE_PATH "${catch2_SOURCE_DIR}/extras")
  endif()
  message(STATUS "lowp: Catch2 ${Catch2_VERSION} (major ${LOWP_CATCH2_MAJOR})")
endif()

if(LOWP_BUILD_TESTS OR LOWP_BUILD_BENCH OR LOWP_BUILD_EXAMPLES)
  FetchContent_Declare(fmt
    GIT_REPOSITORY https://github.com/fmtlib/fmt.git
    GIT_TAG        10.2.1
    GIT_SHALLOW    TRUE
    SYSTEM
    FIND_PACKAGE_ARGS CONFIG)
  set(FMT_INSTALL OFF CACHE BOOL "")
  set(FMT_DOC OFF CACHE BOOL "")
  set(FMT_TEST OFF CACHE BOOL "")
  FetchContent_MakeAvailable(fmt)
  if(NOT DEFINED fmt_VERSION OR fmt_VERSION STREQUAL "")
    set(fmt_VERSION "10.2.1")
  endif()
else()
  find_package(fmt CONFIG QUIET)
endif()

if(LOWP_BUILD_BENCH)
  FetchContent_Declare(benchmark
    GIT_REPOSITORY https://github.com/google/benchmark.git
    GIT_TAG        v1.8.3
    GIT_SHALLOW    TRUE
    SYSTEM
    FIND_PACKAGE_ARGS CONFIG)
  set(BENCHMARK_ENABLE_TESTING OFF CACHE BOOL "")
  set(BENCHMARK_ENABLE_GTEST_TESTS OFF CACHE BOOL "")
  set(BENCHMARK_ENABLE_INSTALL OFF CACHE BOOL "")
  set(BENCHMARK_INSTALL_DOCS OFF CACHE BOOL "")
  set(BENCHMARK_ENABLE_WERROR OFF CACHE BOOL "")
  FetchContent_MakeAvailable(benchmark)
  if(NOT DEFINED benchmark_VERSION OR benchmark_VERSION STREQUAL "")
    set(benchmark_VERSION "1.8.3")
  endif()
  message(STATUS "lowp: Google Benchmark ${benchmark_VERSION}")
endif()
