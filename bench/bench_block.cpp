// Scalar block codec throughput (the reference path; the SIMD issue will beat it). Items are
// elements; bytes are float32 input plus packed output (elements and scales).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "lowp/lowp.hpp"

namespace {

namespace blocks = lowp::blocks;

constexpr std::size_t kBlockN = 1 << 14;  // 16K floats: cache-resident, whole blocks
constexpr auto kBlockItems = static_cast<std::int64_t>(kBlockN);

std::vector<float> gaussian(std::size_t n) {
  std::mt19937 rng(7);
  std::normal_distribution<float> d(0.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

template <class Block>
std::int64_t packed_bytes(std::size_t n) {
  const std::size_t blocks_n = blocks::block_count<Block>(n);
  return static_cast<std::int64_t>(blocks_n *
                                   (Block::block_bytes + sizeof(typename Block::scale_storage)));
}

template <class Block>
void block_quantize(benchmark::State& state) {
  const auto in = gaussian(kBlockN);
  std::vector<std::uint8_t> elements(blocks::block_count<Block>(kBlockN) * Block::block_bytes);
  std::vector<typename Block::scale_storage> scales(blocks::block_count<Block>(kBlockN));
  for (auto _ : state) {
    blocks::quantize<Block>(lowp::span<const float>(in), lowp::span<std::uint8_t>(elements),
                            lowp::span<typename Block::scale_storage>(scales));
    benchmark::DoNotOptimize(elements.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * kBlockItems);
  state.SetBytesProcessed(state.iterations() * (kBlockItems * 4 + packed_bytes<Block>(kBlockN)));
}

template <class Block>
void block_dequantize(benchmark::State& state) {
  const auto in = gaussian(kBlockN);
  const blocks::block_tensor<Block> q = blocks::quantize<Block>(lowp::span<const float>(in));
  std::vector<float> out(kBlockN);
  for (auto _ : state) {
    blocks::dequantize(q, lowp::span<float>(out));
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * kBlockItems);
  state.SetBytesProcessed(state.iterations() * (kBlockItems * 4 + packed_bytes<Block>(kBlockN)));
}

}  // namespace

BENCHMARK_TEMPLATE(block_quantize, blocks::mxfp8_e4m3);
BENCHMARK_TEMPLATE(block_quantize, blocks::mxfp6_e2m3);
BENCHMARK_TEMPLATE(block_quantize, blocks::mxfp4);
BENCHMARK_TEMPLATE(block_quantize, blocks::mxint8);
BENCHMARK_TEMPLATE(block_quantize, blocks::nvfp4);
BENCHMARK_TEMPLATE(block_quantize, blocks::msfp16);
BENCHMARK_TEMPLATE(block_quantize, blocks::q8_0);
BENCHMARK_TEMPLATE(block_quantize, blocks::q4_0);
BENCHMARK_TEMPLATE(block_quantize, blocks::ggml_mxfp4);
BENCHMARK_TEMPLATE(block_dequantize, blocks::mxfp8_e4m3);
BENCHMARK_TEMPLATE(block_dequantize, blocks::mxfp4);
BENCHMARK_TEMPLATE(block_dequantize, blocks::nvfp4);
BENCHMARK_TEMPLATE(block_dequantize, blocks::q4_0);
