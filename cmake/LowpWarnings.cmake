# Warning flags shared by lowp's tests, header checks, examples and benchmarks.
#
#   lowp_target_warnings(<target> [WERROR])

set(LOWP_WARNING_FLAGS_GNU -Wall -Wextra -Wpedantic -Wconversion -Wshadow)
set(LOWP_WARNING_FLAGS_MSVC /W4 /permissive-)

function(lowp_target_warnings target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "WERROR" "" "")
  target_compile_options(${target} PRIVATE
    "$<$<CXX_COMPILER_ID:GNU,Clang,AppleClang>:${LOWP_WARNING_FLAGS_GNU}>"
    "$<$<CXX_COMPILER_ID:MSVC>:${LOWP_WARNING_FLAGS_MSVC}>")
  if(arg_WERROR)
    target_compile_options(${target} PRIVATE
      "$<$<CXX_COMPILER_ID:GNU,Clang,AppleClang>:-Werror>"
      "$<$<CXX_COMPILER_ID:MSVC>:/WX>")
  endif()
endfunction()
