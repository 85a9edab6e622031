# Optional third test oracle: the host code paths of the CUDA toolkit's conversion headers
# (cuda_fp8.h, cuda_fp6.h, cuda_fp4.h, cuda_bf16.h, cuda_fp16.h). No CUDA compiler, no GPU and
# no CUDA library are needed: the host conversions are inline functions in those headers and
# compile with a plain host C++ compiler (verified: g++ 12 and clang 14 with CUDA 13.0, C++17
# and C++20, no extra define). The directory must be a SYSTEM include: the headers trigger
# -Wunused-parameter with -Wextra otherwise.
#
# Sets (cache):
#   LOWP_CUDA_FP8_INCLUDE_DIR   directory holding cuda_fp8.h (or NOTFOUND)
#   LOWP_TEST_HAVE_CUDA_HEADERS TRUE when the five headers compile with CMAKE_CXX_COMPILER
#
#   lowp_use_cuda_headers(<target>)  adds the SYSTEM include dir and
#                                    LOWP_TEST_HAVE_CUDA_HEADERS=1 when available.

include_guard(GLOBAL)

option(LOWP_TEST_WITH_CUDA_HEADERS "Use the CUDA toolkit's host conversion headers as a test oracle when found" ON)

set(LOWP_TEST_HAVE_CUDA_HEADERS FALSE)

if(LOWP_TEST_WITH_CUDA_HEADERS)
  # nvcc is often not on PATH (e.g. /usr/local/cuda-13.0/bin/nvcc); FindCUDAToolkit also looks in
  # /usr/local/cuda. Its result is only a hint; the header search below is what counts.
  find_package(CUDAToolkit QUIET)

  file(GLOB _lowp_cuda_roots LIST_DIRECTORIES true "/usr/local/cuda*/include")
  list(SORT _lowp_cuda_roots COMPARE NATURAL ORDER DESCENDING)  # newest versioned dir first
  set(_lowp_cuda_hints "")
  if(CUDAToolkit_INCLUDE_DIRS)
    list(APPEND _lowp_cuda_hints ${CUDAToolkit_INCLUDE_DIRS})
  endif()
  if(DEFINED ENV{CUDA_PATH})
    list(APPEND _lowp_cuda_hints "$ENV{CUDA_PATH}/include")
  endif()
  find_path(LOWP_CUDA_FP8_INCLUDE_DIR cuda_fp8.h
    HINTS ${_lowp_cuda_hints}
    PATHS /usr/local/cuda/include ${_lowp_cuda_roots} /opt/cuda/include)
  mark_as_advanced(LOWP_CUDA_FP8_INCLUDE_DIR)

  if(LOWP_CUDA_FP8_INCLUDE_DIR)
    include(CheckCXXSourceCompiles)
    include(CMakePushCheckState)
    cmake_push_check_state(RESET)
    set(CMAKE_REQUIRED_INCLUDES "${LOWP_CUDA_FP8_INCLUDE_DIR}")
    set(CMAKE_REQUIRED_FLAGS "${CMAKE_CXX17_STANDARD_COMPILE_OPTION}")
    set(CMAKE_REQUIRED_QUIET ON)
    check_cxx_source_compiles([=[
#include <cuda_fp8.h>
#include <cuda_fp6.h>
#include <cuda_fp4.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
int main() {
  __nv_fp8_storage_t a = __nv_cvt_float_to_fp8(1.5f, __NV_SATFINITE, __NV_E4M3);
  __half_raw h = __nv_cvt_fp8_to_halfraw(a, __NV_E4M3);
  __nv_fp6_storage_t b = __nv_cvt_float_to_fp6(0.5f, __NV_E2M3, cudaRoundNearest);
  __nv_fp4_storage_t c = __nv_cvt_float_to_fp4(0.5f, __NV_E2M1, cudaRoundNearest);
  __nv_bfloat16 d = __float2bfloat16_rn(1.0f);
  __half e = __float2half_rn(1.0f);
  return static_cast<int>(h.x) + b + c + static_cast<int>(__bfloat162float(d)) +
         static_cast<int>(__half2float(e));
}
]=] LOWP_CUDA_HEADERS_COMPILE)
    cmake_pop_check_state()
    if(LOWP_CUDA_HEADERS_COMPILE)
      set(LOWP_TEST_HAVE_CUDA_HEADERS TRUE)
      message(STATUS "lowp: CUDA conversion headers usable as test oracle: ${LOWP_CUDA_FP8_INCLUDE_DIR}")
    else()
      message(STATUS "lowp: CUDA headers at ${LOWP_CUDA_FP8_INCLUDE_DIR} do not compile with "
                     "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}; CUDA oracle off")
    endif()
  else()
    message(STATUS "lowp: cuda_fp8.h not found; CUDA oracle off")
  endif()
endif()

function(lowp_use_cuda_headers target)
  if(LOWP_TEST_HAVE_CUDA_HEADERS)
    target_include_directories(${target} SYSTEM PRIVATE "${LOWP_CUDA_FP8_INCLUDE_DIR}")
    target_compile_definitions(${target} PRIVATE LOWP_TEST_HAVE_CUDA_HEADERS=1)
  endif()
endfunction()
