// Acceptance 3 of the codec: the CUDA toolkit's host conversions (cuda_fp8.h, cuda_fp6.h,
// cuda_fp4.h, cuda_bf16.h, cuda_fp16.h) as a third oracle. Compiled only when CMake finds
// the headers (LOWP_TEST_HAVE_CUDA_HEADERS); otherwise this file registers no test and CMake
// says so at configure time. Never a dependency of lowp itself.
#if defined(LOWP_TEST_HAVE_CUDA_HEADERS)
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp4.h>
#include <cuda_fp6.h>
#include <cuda_fp8.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "lowp/lowp.hpp"
#include "support/bits.hpp"
#include "support/catch.hpp"

namespace {

namespace fm = lowp::formats;
namespace profiles = lowp::profiles;
using lowp::rounding;

using lowp_test::f32;
using lowp_test::u32;

// Every `stride`-th float32 bit pattern (all exponents, both signs, specials included),
// split across threads; counts inputs where lowp and CUDA differ.
std::uint64_t sweep(std::uint32_t stride, const std::function<bool(float)>& same,
                    std::uint32_t* first_bad) {
  std::atomic<std::uint64_t> bad{0};
  std::atomic<std::uint32_t> first{0};
  const unsigned threads = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (std::uint64_t b = std::uint64_t{t} * stride; b <= 0xFFFFFFFFull;
           b += std::uint64_t{stride} * threads) {
        const auto bits = static_cast<std::uint32_t>(b);
        if (!same(f32(bits)) && bad++ == 0) first = bits;
      }
    });
  for (auto& th : pool) th.join();
  *first_bad = first;
  return bad;
}

constexpr std::uint32_t kStride = 251;  // ~17 million inputs per conversion

#define LOWP_CUDA_SWEEP(desc, expr_lowp, expr_cuda)                           \
  do {                                                                        \
    std::uint32_t first = 0;                                                  \
    const auto bad = sweep(                                                   \
        kStride, [](float x) { return (expr_lowp) == (expr_cuda); }, &first); \
    INFO(desc << ": first mismatch at float bits " << std::hex << first);     \
    CHECK(bad == 0);                                                          \
  } while (0)

}  // namespace

TEST_CASE("cuda: fp8 host conversions", "[cuda]") {
  LOWP_CUDA_SWEEP("e4m3 satfinite", lowp::encode_as<fm::e4m3fn>(x, profiles::cuda_satfinite),
                  __nv_cvt_float_to_fp8(x, __NV_SATFINITE, __NV_E4M3));
  LOWP_CUDA_SWEEP("e4m3 nosat", lowp::encode_as<fm::e4m3fn>(x, profiles::cuda_nosat),
                  __nv_cvt_float_to_fp8(x, __NV_NOSAT, __NV_E4M3));
  LOWP_CUDA_SWEEP("e5m2 satfinite", lowp::encode_as<fm::e5m2>(x, profiles::cuda_satfinite),
                  __nv_cvt_float_to_fp8(x, __NV_SATFINITE, __NV_E5M2));
  LOWP_CUDA_SWEEP("e5m2 nosat", lowp::encode_as<fm::e5m2>(x, profiles::cuda_nosat),
                  __nv_cvt_float_to_fp8(x, __NV_NOSAT, __NV_E5M2));
}

TEST_CASE("cuda: fp6 and fp4 host conversions", "[cuda]") {
  LOWP_CUDA_SWEEP("e2m3 rn", lowp::encode_as<fm::e2m3fn>(x, profiles::cuda_nosat),
                  __nv_cvt_float_to_fp6(x, __NV_E2M3, cudaRoundNearest));
  LOWP_CUDA_SWEEP("e2m3 rz",
                  lowp::encode_as<fm::e2m3fn>(x, profiles::cuda_nosat.with(rounding::toward_zero)),
                  __nv_cvt_float_to_fp6(x, __NV_E2M3, cudaRoundZero));
  LOWP_CUDA_SWEEP("e3m2 rn", lowp::encode_as<fm::e3m2fn>(x, profiles::cuda_nosat),
                  __nv_cvt_float_to_fp6(x, __NV_E3M2, cudaRoundNearest));
  LOWP_CUDA_SWEEP("e3m2 rz",
                  lowp::encode_as<fm::e3m2fn>(x, profiles::cuda_nosat.with(rounding::toward_zero)),
                  __nv_cvt_float_to_fp6(x, __NV_E3M2, cudaRoundZero));
  LOWP_CUDA_SWEEP("e2m1 rn", lowp::encode_as<fm::e2m1fn>(x, profiles::cuda_nosat),
                  __nv_cvt_float_to_fp4(x, __NV_E2M1, cudaRoundNearest));
  LOWP_CUDA_SWEEP("e2m1 rz",
                  lowp::encode_as<fm::e2m1fn>(x, profiles::cuda_nosat.with(rounding::toward_zero)),
                  __nv_cvt_float_to_fp4(x, __NV_E2M1, cudaRoundZero));
}

TEST_CASE("cuda: e8m0 host conversions", "[cuda]") {
  LOWP_CUDA_SWEEP(
      "e8m0 rz satfinite",
      lowp::encode_as<fm::e8m0fnu>(x, profiles::cuda_satfinite.with(rounding::toward_zero)),
      __nv_cvt_float_to_e8m0(x, __NV_SATFINITE, cudaRoundZero));
  LOWP_CUDA_SWEEP("e8m0 rz nosat",
                  lowp::encode_as<fm::e8m0fnu>(x, profiles::cuda_nosat.with(rounding::toward_zero)),
                  __nv_cvt_float_to_e8m0(x, __NV_NOSAT, cudaRoundZero));
  LOWP_CUDA_SWEEP(
      "e8m0 rp satfinite",
      lowp::encode_as<fm::e8m0fnu>(x, profiles::cuda_satfinite.with(rounding::toward_positive)),
      __nv_cvt_float_to_e8m0(x, __NV_SATFINITE, cudaRoundPosInf));
  LOWP_CUDA_SWEEP(
      "e8m0 rp nosat",
      lowp::encode_as<fm::e8m0fnu>(x, profiles::cuda_nosat.with(rounding::toward_positive)),
      __nv_cvt_float_to_e8m0(x, __NV_NOSAT, cudaRoundPosInf));
}

TEST_CASE("cuda: bfloat16 and half host conversions", "[cuda]") {
  LOWP_CUDA_SWEEP("bf16 rn", lowp::encode_as<fm::bfloat16>(x, profiles::cuda_nosat),
                  __nv_bfloat16_raw(__float2bfloat16_rn(x)).x);
  LOWP_CUDA_SWEEP("half rn", lowp::encode_as<fm::binary16>(x, profiles::cuda_nosat),
                  __half_raw(__float2half_rn(x)).x);
}

TEST_CASE("cuda: every code decodes as CUDA does", "[cuda]") {
  for (unsigned c = 0; c < 256; ++c) {
    const auto b = static_cast<std::uint8_t>(c);
    const auto how = [](const lowp::float_format& f) { return profiles::cuda_decode(f); };
    CHECK(u32(lowp::decode_as<fm::e4m3fn>(b, how(fm::e4m3fn::value))) ==
          u32(__half2float(__half(__nv_cvt_fp8_to_halfraw(b, __NV_E4M3)))));
    CHECK(u32(lowp::decode_as<fm::e5m2>(b, how(fm::e5m2::value))) ==
          u32(__half2float(__half(__nv_cvt_fp8_to_halfraw(b, __NV_E5M2)))));
    CHECK(u32(lowp::decode_as<fm::e8m0fnu>(b, how(fm::e8m0fnu::value))) ==
          u32(__bfloat162float(__nv_bfloat16(__nv_cvt_e8m0_to_bf16raw(b)))));
    if (c < 64) {
      CHECK(u32(lowp::decode_as<fm::e2m3fn>(b, how(fm::e2m3fn::value))) ==
            u32(__half2float(__half(__nv_cvt_fp6_to_halfraw(b, __NV_E2M3)))));
      CHECK(u32(lowp::decode_as<fm::e3m2fn>(b, how(fm::e3m2fn::value))) ==
            u32(__half2float(__half(__nv_cvt_fp6_to_halfraw(b, __NV_E3M2)))));
    }
    if (c < 16)
      CHECK(u32(lowp::decode_as<fm::e2m1fn>(b, how(fm::e2m1fn::value))) ==
            u32(__half2float(__half(__nv_cvt_fp4_to_halfraw(b, __NV_E2M1)))));
  }
  for (unsigned c = 0; c < 65536; ++c) {
    const auto h = static_cast<std::uint16_t>(c);
    __half_raw hr;
    hr.x = h;
    __nv_bfloat16_raw br;
    br.x = h;
    const auto bf =
        u32(lowp::decode_as<fm::bfloat16>(h, profiles::cuda_decode(fm::bfloat16::value)));
    const auto hf =
        u32(lowp::decode_as<fm::binary16>(h, profiles::cuda_decode(fm::binary16::value)));
    if (bf != u32(__bfloat162float(__nv_bfloat16(br)))) FAIL_CHECK("bf16 code " << c);
    if (hf != u32(__half2float(__half(hr)))) FAIL_CHECK("half code " << c);
  }
}
#endif  // LOWP_TEST_HAVE_CUDA_HEADERS
