// Acceptance 1 of the value types: arithmetic rounded once, bit for bit against the exact
// big-integer oracle (tests/support/arith_oracle.hpp), including NaN, inf, signed zero and
// subnormal results. Formats of 8 bits or fewer: every operand pair through + - * /, every
// code through sqrt, a seeded sample of triples through fma; all rounding modes and overflow
// policies on sampled pairs. 16-bit formats and tf32: boundary operands plus seeded random
// operands (10^7 per op in the slow test).
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "lowp/lowp.hpp"
#include "lowp/types/minifloat.hpp"
#include "support/arith_oracle.hpp"
#include "support/bits.hpp"
#include "support/catalogue.hpp"
#include "support/catch.hpp"
#include "support/harness.hpp"

namespace {

using lowp::conversion_policy;
using lowp::overflow;
using lowp::rounding;
using op = oracle::arith::op;
using lowp_test::hex;

using lowp_test::all_modes;
using lowp_test::mix32;
using lowp_test::to_oracle;
using failures = lowp_test::mismatch_log;

const char* op_name(op o) {
  constexpr const char* n[] = {"add", "sub", "mul", "div", "sqrt", "fma"};
  return n[static_cast<int>(o)];
}

// lowp's result for an operation under a policy.
template <class Tag>
std::uint32_t lowp_op(op o, std::uint32_t a, std::uint32_t b, std::uint32_t c,
                      const conversion_policy& p, lowp::random_bits rb) {
  using S = lowp::storage_t<Tag>;
  const auto A = static_cast<S>(a), B = static_cast<S>(b), C = static_cast<S>(c);
  switch (o) {
    case op::add:
      return lowp::add_as<Tag>(A, B, p, rb);
    case op::sub:
      return lowp::sub_as<Tag>(A, B, p, rb);
    case op::mul:
      return lowp::mul_as<Tag>(A, B, p, rb);
    case op::div:
      return lowp::div_as<Tag>(A, B, p, rb);
    case op::sqrt:
      return lowp::sqrt_as<Tag>(A, p, rb);
    case op::fma:
      return lowp::fma_as<Tag>(A, B, C, p, rb);
  }
  return 0;
}

// The value type's operators (nearest-even, default overflow).
template <class Tag>
std::uint32_t value_op(op o, std::uint32_t a, std::uint32_t b, std::uint32_t c) {
  using M = lowp::minifloat<Tag>;
  using S = lowp::storage_t<Tag>;
  const M A = M::from_bits(static_cast<S>(a)), B = M::from_bits(static_cast<S>(b)),
          C = M::from_bits(static_cast<S>(c));
  switch (o) {
    case op::add:
      return (A + B).bits();
    case op::sub:
      return (A - B).bits();
    case op::mul:
      return (A * B).bits();
    case op::div:
      return (A / B).bits();
    case op::sqrt:
      return sqrt(A).bits();
    case op::fma:
      return fma(A, B, C).bits();
  }
  return 0;
}

// Runs `body(i)` for i in [0, n) on the machine's threads.
template <class F>
void parallel_for(std::uint64_t n, F body) {
  const unsigned threads = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  std::atomic<std::uint64_t> next{0};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (std::uint64_t i = next.fetch_add(4096); i < n; i = next.fetch_add(4096))
        for (std::uint64_t k = i; k < std::min(n, i + 4096); ++k) body(k);
    });
  for (auto& th : pool) th.join();
}

}  // namespace

TEST_CASE("arith: every operand pair of every small format - value type operators", "[types]") {
  lowp_test::for_each_entry(lowp_test::small_formats(), [](auto& e) {
    using Tag = typename std::decay_t<decltype(e)>::tag;
    const oracle::format fo(e.spec);
    const oracle::arith ar(fo);
    const std::uint32_t n = fo.code_count();
    const auto ov = to_oracle(lowp::default_overflow_v<Tag>);
    for (op o : {op::add, op::sub, op::mul, op::div}) {
      failures fail;
      parallel_for(std::uint64_t{n} * n, [&](std::uint64_t i) {
        const auto a = static_cast<std::uint32_t>(i / n), b = static_cast<std::uint32_t>(i % n);
        const auto got = value_op<Tag>(o, a, b, 0);
        const auto want = ar.compute(o, a, b, 0, oracle::mode::rne, ov);
        if (got != want)
          fail.add(e.spec.name + " " + op_name(o) + "(" + hex(a) + ", " + hex(b) + ") lowp " +
                   hex(got) + " oracle " + hex(want));
      });
      fail.report();
    }
    failures fail;
    for (std::uint32_t a = 0; a < n; ++a) {
      const auto got = value_op<Tag>(op::sqrt, a, 0, 0);
      const auto want = ar.compute(op::sqrt, a, 0, 0, oracle::mode::rne, ov);
      if (got != want)
        fail.add(e.spec.name + " sqrt(" + hex(a) + ") lowp " + hex(got) + " oracle " + hex(want));
    }
    // fma: 200,000 seeded triples.
    parallel_for(200000, [&](std::uint64_t i) {
      const std::uint32_t r = mix32(i);
      const std::uint32_t a = r % n, b = (r >> 8) % n, c = mix32(i + 77777) % n;
      const auto got = value_op<Tag>(op::fma, a, b, c);
      const auto want = ar.compute(op::fma, a, b, c, oracle::mode::rne, ov);
      if (got != want)
        fail.add(e.spec.name + " fma(" + hex(a) + ", " + hex(b) + ", " + hex(c) + ") lowp " +
                 hex(got) + " oracle " + hex(want));
    });
    fail.report();
  });
}

TEST_CASE("arith: every rounding mode and overflow policy on sampled operands", "[types]") {
  lowp_test::for_each_entry(lowp_test::small_formats(), [](auto& e) {
    using Tag = typename std::decay_t<decltype(e)>::tag;
    const oracle::format fo(e.spec);
    const oracle::arith ar(fo);
    const std::uint32_t n = fo.code_count();
    failures fail;
    parallel_for(40000, [&](std::uint64_t i) {
      const std::uint32_t r = mix32(i * 3 + 1);
      const std::uint32_t a = r % n, b = (r >> 8) % n, c = (r >> 16) % n;
      const op o = static_cast<op>(i % 6);
      const rounding md = all_modes[(i / 6) % 8];
      const overflow ov = static_cast<overflow>((i / 48) % 4);
      const std::uint32_t rv = mix32(i + 12345);
      const unsigned rc = (i % 5 == 0) ? 8u : 32u;
      const auto got = lowp_op<Tag>(o, a, b, c, conversion_policy{}.with(md).with(ov),
                                    lowp::random_bits{rv, rc});
      const auto want = ar.compute(o, a, b, c, to_oracle(md), to_oracle(ov), rv, rc);
      if (got != want)
        fail.add(e.spec.name + " " + op_name(o) + "(" + hex(a) + ", " + hex(b) + ", " + hex(c) +
                 ") mode " + std::to_string(static_cast<int>(md)) + " ovf " +
                 std::to_string(static_cast<int>(ov)) + " lowp " + hex(got) + " oracle " +
                 hex(want));
    });
    fail.report();
  });
}

namespace {
// Boundary codes of a wide format plus seeded random codes, every op, every mode.
template <class Tag>
void wide_check(const oracle::format& fo, std::uint64_t samples) {
  const oracle::arith ar(fo);
  const std::uint32_t n = fo.code_count();
  std::vector<std::uint32_t> edge;
  const std::uint32_t sign = fo.desc().is_signed ? 1u << (fo.desc().E + fo.desc().M) : 0u;
  for (std::uint32_t k = 0; k < 8; ++k) {
    for (std::uint32_t base : {0u, 1u << fo.desc().M, sign - 1u - 8u, sign / 2u}) {
      edge.push_back((base + k) % n);
      edge.push_back(((base + k) % n) | sign);
    }
  }
  failures fail;
  parallel_for(samples, [&](std::uint64_t i) {
    const std::uint32_t r1 = mix32(i), r2 = mix32(i ^ 0xABCDEF), r3 = mix32(i + 99);
    std::uint32_t a = r1 % n, b = r2 % n, c = r3 % n;
    if (i % 4 == 0) a = edge[r1 % edge.size()];
    if (i % 8 == 1) b = edge[r2 % edge.size()];
    // Operands in nearby binades exercise cancellation and ties.
    if (i % 3 == 2) b = (a & ~0xFFu) | (r2 & 0xFFu);
    const op o = static_cast<op>(i % 6);
    const rounding md = (i % 7 < 4) ? rounding::nearest_even : all_modes[(i / 7) % 8];
    const std::uint32_t rv = mix32(i + 5);
    const auto got =
        lowp_op<Tag>(o, a, b, c, conversion_policy{}.with(md), lowp::random_bits{rv, 32});
    const auto want = ar.compute(o, a, b, c, to_oracle(md), oracle::ovf::nonfinite, rv, 32);
    if (got != want)
      fail.add(fo.desc().name + " " + op_name(o) + "(" + hex(a) + ", " + hex(b) + ", " + hex(c) +
               ") mode " + std::to_string(static_cast<int>(md)) + " lowp " + hex(got) + " oracle " +
               hex(want));
  });
  fail.report();
}
}  // namespace

TEST_CASE("arith: 16-bit formats and tf32 - boundaries and seeded random", "[types]") {
  lowp_test::for_each_entry(lowp_test::wide_formats(), [](auto& e) {
    using Tag = typename std::decay_t<decltype(e)>::tag;
    wide_check<Tag>(oracle::format(e.spec), 300000);
  });
}

TEST_CASE("arith: 16-bit formats and tf32 - 10^7 operands per op", "[types][slow]") {
  lowp_test::for_each_entry(lowp_test::wide_formats(), [](auto& e) {
    using Tag = typename std::decay_t<decltype(e)>::tag;
    wide_check<Tag>(oracle::format(e.spec), 60000000);
  });
}
