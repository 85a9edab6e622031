# Warning flags shared by lowp's tests, header checks, examples and benchmarks.
#
#   lowp_target_warnings(<target> [WERROR] [STRICT])
#
# STRICT adds what a strict user build may turn on (the header checks and the examples use it:
# a user's -Wsign-conversion -Werror must not fail on lowp's headers).

set(LOWP_WARNING_FLAGS_GNU -Wall -Wextra -Wpedantic -Wconversion -Wshadow)
set(LOWP_WARNING_FLAGS_STRICT_GNU -Wsign-conversion -Wold-style-cast -Wcast-qual
  -Wundef -Wnon-virtual-dtor)
set(LOWP_WARNING_FLAGS_MSVC /W4 /permissive-)

function(lowp_target_warnings target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "WERROR;STRICT" "" "")
  target_compile_options(${target} PRIVATE
    "$<$<CXX_COMPILER_ID:GNU,Clang,AppleClang>:${LOWP_WARNING_FLAGS_GNU}>"
    "$<$<CXX_COMPILER_ID:MSVC>:${LOWP_WARNING_FLAGS_MSVC}>")
  # GCC 12's libstdc++ std::string code gives false -Wrestrict errors at -O2/-O3 in C++20
  # (GCC bug 105329, fixed in GCC 13); they would break -Werror builds, so they are off there.
  target_compile_options(${target} PRIVATE
    "$<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>")
  if(arg_STRICT)
    target_compile_options(${target} PRIVATE
      "$<$<CXX_COMPILER_ID:GNU,Clang,AppleClang>:${LOWP_WARNING_FLAGS_STRICT_GNU}>")
  else()
    # Clang's -Wconversion includes -Wsign-conversion, GCC's does not: the base set means the
    # same on both (sign conversions are checked in the STRICT targets only).
    target_compile_options(${target} PRIVATE
      "$<$<CXX_COMPILER_ID:Clang,AppleClang>:-Wno-sign-conversion>")
  endif()
  if(arg_WERROR OR LOWP_WERROR)
    target_compile_options(${target} PRIVATE
      "$<$<CXX_COMPILER_ID:GNU,Clang,AppleClang>:-Werror>"
      "$<$<CXX_COMPILER_ID:MSVC>:/WX>")
  endif()
endfunction()
