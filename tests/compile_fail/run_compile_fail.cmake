# Compile-fail test driver:
#   cmake -DCOMPILER=<c++> -DFLAGS=<flag>|<flag>|... -DSOURCE=<file.cpp> [-DEXPECT=<regex>]
#         -P run_compile_fail.cmake
#
# <file.cpp> starts with `// expect: <regex>` (used when EXPECT is not given). The test passes
# only if compiling <file.cpp> FAILS and the compiler output matches <regex>. FLAGS is a
# '|'-separated list (so that it survives as one command-line argument).

cmake_minimum_required(VERSION 3.25)

foreach(_v COMPILER SOURCE)
  if(NOT DEFINED ${_v} OR "${${_v}}" STREQUAL "")
    message(FATAL_ERROR "run_compile_fail.cmake: -D${_v}=... is required")
  endif()
endforeach()
if(NOT EXISTS "${SOURCE}")
  message(FATAL_ERROR "run_compile_fail.cmake: ${SOURCE} does not exist")
endif()

if(NOT DEFINED EXPECT OR "${EXPECT}" STREQUAL "")
  file(STRINGS "${SOURCE}" _first LIMIT_COUNT 1)
  if(NOT _first MATCHES "^//[ \t]*expect:[ \t]*(.+)$")
    message(FATAL_ERROR "${SOURCE}: first line must be `// expect: <regex>`")
  endif()
  string(STRIP "${CMAKE_MATCH_1}" EXPECT)
endif()

set(_flags "")
if(DEFINED FLAGS AND NOT "${FLAGS}" STREQUAL "")
  string(REPLACE "|" ";" _flags "${FLAGS}")
endif()

# LC_ALL=C: plain ASCII quotes in diagnostics, whatever the user's locale.
execute_process(
  COMMAND "${CMAKE_COMMAND}" -E env LC_ALL=C "${COMPILER}" ${_flags} "${SOURCE}"
  RESULT_VARIABLE _rc
  OUTPUT_VARIABLE _out
  ERROR_VARIABLE _out)

string(REPLACE ";" " " _cmdline "${COMPILER};${_flags};${SOURCE}")
if(_rc EQUAL 0)
  message(FATAL_ERROR "FAIL: ${SOURCE} compiled, but it must not.\n  ${_cmdline}\n${_out}")
endif()
if(NOT _out MATCHES "${EXPECT}")
  message(FATAL_ERROR "FAIL: ${SOURCE} failed to compile as expected (rc=${_rc}), but the "
                      "output does not match `${EXPECT}`.\n  ${_cmdline}\n--- output ---\n${_out}")
endif()
message(STATUS "PASS: ${SOURCE} rejected with a diagnostic matching `${EXPECT}`")
