// Array conversion throughput per ISA (the public API with simd::set_active_isa), at an L1-,
// an L2- and a DRAM-sized array, next to two in-run baselines: memcpy of the float32 bytes and
// the scalar path (the codec element by element). Items are elements; bytes are bytes read
// plus bytes written (float32 side + code side; memcpy: source + destination).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "lowp/array/convert.hpp"
#include "lowp/block/codec.hpp"
#include "lowp/format/formats.hpp"

namespace {

namespace fm = lowp::formats;
namespace simd = lowp::simd;

struct size_class {
  const char* name;
  std::size_t count;
};
// L1d is 48 KiB and L2 1 MiB per core on the reference machine (performance-reference.md).
constexpr size_class kSizes[] = {{"L1_4K", 1u << 12}, {"L2_64K", 1u << 16}, {"DRAM_16M", 1u << 24}};

std::vector<float> gaussian(std::size_t n) {
  std::mt19937 rng(11);
  std::normal_distribution<float> d(0.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

void set_counters(benchmark::State& state, std::size_t n, std::size_t bytes_per_call) {
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes_per_call));
}

template <class Fmt, lowp::rounding R>
void quantize_bench(benchmark::State& state, simd::isa which, std::size_t n) {
  simd::set_active_isa(which);
  const auto in = gaussian(n);
  std::vector<lowp::storage_t<Fmt>> out(n);
  const lowp::array_options opt{42, 32, 0, lowp::nan_decoding::keep_sign};
  for (auto _ : state) {
    lowp::quantize<Fmt, R>(lowp::span<const float>(in), lowp::span<lowp::storage_t<Fmt>>(out), opt);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, n, n * (4 + sizeof(lowp::storage_t<Fmt>)));
}

template <class Fmt>
void dequantize_bench(benchmark::State& state, simd::isa which, std::size_t n) {
  simd::set_active_isa(which);
  const auto x = gaussian(n);
  std::vector<lowp::storage_t<Fmt>> codes(n);
  lowp::quantize<Fmt>(lowp::span<const float>(x), lowp::span<lowp::storage_t<Fmt>>(codes));
  std::vector<float> out(n);
  for (auto _ : state) {
    lowp::dequantize<Fmt>(lowp::span<const lowp::storage_t<Fmt>>(codes), lowp::span<float>(out));
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, n, n * (4 + sizeof(lowp::storage_t<Fmt>)));
}

template <class Fmt>
void quantize_packed_bench(benchmark::State& state, simd::isa which, std::size_t n) {
  simd::set_active_isa(which);
  const auto in = gaussian(n);
  std::vector<std::uint8_t> out(lowp::packed_bytes<Fmt>(n));
  for (auto _ : state) {
    lowp::quantize_packed<Fmt>(lowp::span<const float>(in), lowp::span<std::uint8_t>(out));
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, n, n * 4 + out.size());
}

template <class Fmt>
void dequantize_packed_bench(benchmark::State& state, simd::isa which, std::size_t n) {
  simd::set_active_isa(which);
  const auto x = gaussian(n);
  std::vector<std::uint8_t> packed(lowp::packed_bytes<Fmt>(n));
  lowp::quantize_packed<Fmt>(lowp::span<const float>(x), lowp::span<std::uint8_t>(packed));
  std::vector<float> out(n);
  for (auto _ : state) {
    lowp::dequantize_packed<Fmt>(lowp::span<const std::uint8_t>(packed), lowp::span<float>(out));
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, n, n * 4 + packed.size());
}

/// Bytes of a block format's storage for n elements (packed elements plus scale codes).
template <class B>
std::size_t block_storage_bytes(std::size_t n) {
  return lowp::blocks::block_count<B>(n) * (B::block_bytes + sizeof(typename B::scale_storage));
}

template <class B, lowp::rounding R>
void block_quantize_bench(benchmark::State& state, simd::isa which, std::size_t n) {
  namespace blocks = lowp::blocks;
  simd::set_active_isa(which);
  const auto in = gaussian(n);
  const std::size_t nb = blocks::block_count<B>(n);
  std::vector<std::uint8_t> elements(nb * B::block_bytes);
  std::vector<typename B::scale_storage> scales(nb);
  blocks::block_options o;
  o.seed = 42;
  for (auto _ : state) {
    blocks::quantize<B, R>(lowp::span<const float>(in), lowp::span<std::uint8_t>(elements),
                           lowp::span<typename B::scale_storage>(scales), o);
    benchmark::DoNotOptimize(elements.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, n, n * 4 + block_storage_bytes<B>(n));
}

template <class B>
void block_quantize_default_bench(benchmark::State& state, simd::isa which, std::size_t n) {
  block_quantize_bench<B, lowp::blocks::default_rounding_v<B>>(state, which, n);
}

template <class B>
void block_dequantize_bench(benchmark::State& state, simd::isa which, std::size_t n) {
  namespace blocks = lowp::blocks;
  simd::set_active_isa(which);
  const auto x = gaussian(n);
  const auto q = blocks::quantize<B>(lowp::span<const float>(x));
  std::vector<float> out(n);
  for (auto _ : state) {
    blocks::dequantize<B>(q, lowp::span<float>(out));
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, n, n * 4 + block_storage_bytes<B>(n));
}

void memcpy_bench(benchmark::State& state, std::size_t n) {
  const auto in = gaussian(n);
  std::vector<float> out(n);
  for (auto _ : state) {
    std::memcpy(out.data(), in.data(), n * sizeof(float));
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, n, 2 * n * sizeof(float));
}

using bench_fn = void (*)(benchmark::State&, simd::isa, std::size_t);

struct kernel_entry {
  const char* family;
  const char* format;
  const char* mode;
  bench_fn fn;
};

const kernel_entry kKernels[] = {
    {"simd_quantize", "e4m3fn", "rne", quantize_bench<fm::e4m3fn, lowp::rounding::nearest_even>},
    {"simd_quantize", "e5m2", "rne", quantize_bench<fm::e5m2, lowp::rounding::nearest_even>},
    {"simd_quantize", "e4m3fnuz", "rne",
     quantize_bench<fm::e4m3fnuz, lowp::rounding::nearest_even>},
    {"simd_quantize", "e8m0fnu", "rne", quantize_bench<fm::e8m0fnu, lowp::rounding::nearest_even>},
    {"simd_quantize", "e4m3fn", "stochastic",
     quantize_bench<fm::e4m3fn, lowp::rounding::stochastic>},
    {"simd_quantize", "e4m3fn", "away", quantize_bench<fm::e4m3fn, lowp::rounding::nearest_away>},
    {"simd_quantize", "bfloat16", "rne",
     quantize_bench<fm::bfloat16, lowp::rounding::nearest_even>},
    {"simd_quantize", "binary16", "rne",
     quantize_bench<fm::binary16, lowp::rounding::nearest_even>},
    {"simd_quantize", "e2m1fn_packed", "rne", quantize_packed_bench<fm::e2m1fn>},
    {"simd_quantize", "e3m2fn_packed", "rne", quantize_packed_bench<fm::e3m2fn>},
    {"simd_dequantize", "e4m3fn", "-", dequantize_bench<fm::e4m3fn>},
    {"simd_dequantize", "e5m2", "-", dequantize_bench<fm::e5m2>},
    {"simd_dequantize", "e8m0fnu", "-", dequantize_bench<fm::e8m0fnu>},
    {"simd_dequantize", "bfloat16", "-", dequantize_bench<fm::bfloat16>},
    {"simd_dequantize", "binary16", "-", dequantize_bench<fm::binary16>},
    {"simd_dequantize", "e2m1fn_packed", "-", dequantize_packed_bench<fm::e2m1fn>},
    {"simd_dequantize", "e3m2fn_packed", "-", dequantize_packed_bench<fm::e3m2fn>},
    {"simd_block_quantize", "mxfp8_e4m3", "rne",
     block_quantize_default_bench<lowp::blocks::mxfp8_e4m3>},
    {"simd_block_quantize", "mxfp6_e2m3", "rne",
     block_quantize_default_bench<lowp::blocks::mxfp6_e2m3>},
    {"simd_block_quantize", "mxfp4", "rne", block_quantize_default_bench<lowp::blocks::mxfp4>},
    {"simd_block_quantize", "mxfp4", "stochastic",
     block_quantize_bench<lowp::blocks::mxfp4, lowp::rounding::stochastic>},
    {"simd_block_quantize", "mxint8", "rne", block_quantize_default_bench<lowp::blocks::mxint8>},
    {"simd_block_quantize", "nvfp4", "rne", block_quantize_default_bench<lowp::blocks::nvfp4>},
    {"simd_block_quantize", "msfp12", "rne", block_quantize_default_bench<lowp::blocks::msfp12>},
    {"simd_block_quantize", "q8_0", "away", block_quantize_default_bench<lowp::blocks::q8_0>},
    {"simd_block_quantize", "q4_0", "ggml", block_quantize_default_bench<lowp::blocks::q4_0>},
    {"simd_block_quantize", "ggml_mxfp4", "ggml",
     block_quantize_default_bench<lowp::blocks::ggml_mxfp4>},
    {"simd_block_dequantize", "mxfp8_e4m3", "-", block_dequantize_bench<lowp::blocks::mxfp8_e4m3>},
    {"simd_block_dequantize", "mxfp6_e2m3", "-", block_dequantize_bench<lowp::blocks::mxfp6_e2m3>},
    {"simd_block_dequantize", "mxfp4", "-", block_dequantize_bench<lowp::blocks::mxfp4>},
    {"simd_block_dequantize", "nvfp4", "-", block_dequantize_bench<lowp::blocks::nvfp4>},
    {"simd_block_dequantize", "q8_0", "-", block_dequantize_bench<lowp::blocks::q8_0>},
    {"simd_block_dequantize", "q4_0", "-", block_dequantize_bench<lowp::blocks::q4_0>},
};

// Names: <family>/<format>/<mode>/<isa>/<size>; the scalar path is skipped at DRAM size
// (minutes per run) and measured at L1 and L2.
const bool kRegistered = [] {
  for (const size_class& size : kSizes) {
    benchmark::RegisterBenchmark((std::string("simd_memcpy/float32/-/memcpy/") + size.name).c_str(),
                                 [n = size.count](benchmark::State& st) { memcpy_bench(st, n); });
    for (const kernel_entry& k : kKernels) {
      for (simd::isa which : simd::all_isas) {
        if (!simd::supported(which)) continue;
        if (which == simd::isa::scalar && size.count > (1u << 16)) continue;
        const std::string name = std::string(k.family) + "/" + k.format + "/" + k.mode + "/" +
                                 simd::isa_name(which) + "/" + size.name;
        benchmark::RegisterBenchmark(name.c_str(), [fn = k.fn, which, n = size.count](
                                                       benchmark::State& st) { fn(st, which, n); });
      }
    }
  }
  return true;
}();

}  // namespace
