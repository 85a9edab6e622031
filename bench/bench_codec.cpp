// Scalar codec throughput: the reference path that SIMD kernels will be measured against.
// Items are elements converted; bytes are input + output bytes.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "lowp/lowp.hpp"

namespace {

std::vector<float> make_inputs(std::size_t n) {
  std::mt19937 rng(42);
  std::normal_distribution<float> d(0.0f, 4.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

constexpr std::size_t kN = 1 << 16;
constexpr std::int64_t kItems = static_cast<std::int64_t>(kN);

template <class Fmt, lowp::rounding R>
void encode_scalar(benchmark::State& state) {
  const auto in = make_inputs(kN);
  std::vector<lowp::storage_t<Fmt>> out(kN);
  for (auto _ : state) {
    for (std::size_t i = 0; i < kN; ++i) out[i] = lowp::encode<Fmt, R>(in[i]);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * kItems);
  state.SetBytesProcessed(state.iterations() * kItems *
                          static_cast<std::int64_t>(4 + sizeof(out[0])));
}

template <class Fmt>
void decode_scalar(benchmark::State& state) {
  std::vector<lowp::storage_t<Fmt>> in(kN);
  for (std::size_t i = 0; i < kN; ++i) in[i] = static_cast<lowp::storage_t<Fmt>>(i * 2654435761u);
  std::vector<float> out(kN);
  for (auto _ : state) {
    for (std::size_t i = 0; i < kN; ++i) out[i] = lowp::decode<Fmt>(in[i]);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * kItems);
  state.SetBytesProcessed(state.iterations() * kItems *
                          static_cast<std::int64_t>(4 + sizeof(in[0])));
}

// Baseline: memcpy of the same input bytes.
void memcpy_baseline(benchmark::State& state) {
  const auto in = make_inputs(kN);
  std::vector<float> out(kN);
  for (auto _ : state) {
    std::memcpy(out.data(), in.data(), kN * 4);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * kItems);
  state.SetBytesProcessed(state.iterations() * kItems * 8);
}

namespace fm = lowp::formats;
using lowp::rounding;

BENCHMARK(memcpy_baseline);
BENCHMARK(encode_scalar<fm::e4m3fn, rounding::nearest_even>);
BENCHMARK(encode_scalar<fm::e5m2, rounding::nearest_even>);
BENCHMARK(encode_scalar<fm::e2m1fn, rounding::nearest_even>);
BENCHMARK(encode_scalar<fm::e8m0fnu, rounding::toward_positive>);
BENCHMARK(encode_scalar<fm::bfloat16, rounding::nearest_even>);
BENCHMARK(encode_scalar<fm::e4m3fn, rounding::toward_zero>);
BENCHMARK(decode_scalar<fm::e4m3fn>);
BENCHMARK(decode_scalar<fm::e2m1fn>);
BENCHMARK(decode_scalar<fm::bfloat16>);

}  // namespace
