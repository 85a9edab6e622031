// Acceptance 2 of the codec: the independent oracle (tests/support/oracle.hpp, exact double
// arithmetic, never calling lowp) agrees with lowp bit for bit, for every catalogue format and
// every rounding mode and overflow policy:
//   - decode: every code of every format up to 19 bits;
//   - convert: every code of every format <= 8 bits into every format <= 8 bits;
//   - encode(float): every float32 whose exponent lies in the format's window (slow test: all
//     2^32 inputs for the 8-bit formats), strided plus edge binades for full-range formats;
//   - encode(double): boundary values +-1 double ulp and seeded random doubles.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "lowp/lowp.hpp"
#include "support/bits.hpp"
#include "support/catalogue.hpp"
#include "support/catch.hpp"
#include "support/golden.hpp"
#include "support/harness.hpp"

namespace {

using lowp::conversion_policy;
using lowp::overflow;
using lowp::rounding;

using lowp_test::all_modes;
using lowp_test::all_overflows;
using lowp_test::count_for;
using lowp_test::f32;
using lowp_test::hex;
using lowp_test::mismatch_log;
using lowp_test::to_oracle;
using lowp_test::u32;
inline std::uint32_t mix(std::uint64_t z) { return lowp_test::mix32(z); }

// Checks lowp's float encode against the oracle for every float32 with biased exponent in
// [e_lo, e_hi] (both signs, every mantissa, or every `stride`-th one; lowp_test::sweep_stride
// makes it sparser under the sanitizers), every mode and overflow policy listed.
template <class Tag>
void sweep_float(const oracle::format& o, int e_lo, int e_hi, std::uint32_t stride,
                 const std::vector<rounding>& modes, const std::vector<overflow>& ovfs) {
  stride = lowp_test::sweep_stride(stride);  // sparser under the sanitizers
  mismatch_log log;
  const auto t0 = std::chrono::steady_clock::now();
  const unsigned threads = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  std::atomic<int> next{e_lo};
  auto work = [&] {
    for (int e = next++; e <= e_hi; e = next++) {
      for (std::uint32_t s = 0; s < 2; ++s) {
        for (std::uint32_t m = 0; m < (1u << 23); m += stride) {
          const std::uint32_t bits = (s << 31) | (static_cast<std::uint32_t>(e) << 23) | m;
          const float x = f32(bits);
          for (rounding r : modes) {
            const std::uint32_t rv = mix(bits * 8ull + static_cast<unsigned>(r));
            const unsigned rc = count_for(bits);
            for (overflow ov : ovfs) {
              const conversion_policy p = conversion_policy{}.with(r).with(ov);
              const auto got = lowp::encode_as<Tag>(x, p, lowp::random_bits{rv, rc});
              const auto want =
                  o.encode(static_cast<double>(x), to_oracle(r), to_oracle(ov), rv, rc);
              if (got != want)
                log.add(o.desc().name + " x=" + hex(bits) +
                        " mode=" + std::to_string(static_cast<int>(r)) +
                        " ovf=" + std::to_string(static_cast<int>(ov)) + " lowp=" + hex(got) +
                        " oracle=" + hex(want));
            }
          }
        }
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr,
               "[oracle sweep] %-12s exponents [%3d, %3d] stride %4u, %zu x %zu policies: %.1f s\n",
               o.desc().name.c_str(), e_lo, e_hi, stride, modes.size(), ovfs.size(), secs);
  INFO(o.desc().name << " exponents [" << e_lo << ", " << e_hi << "] stride " << stride);
  log.report();
}

// Biased float32 exponents of the format's range plus one binade on each side: from the
// binade below its smallest value (where values round to zero or to the smallest value) to
// the binade above its largest (the first overflowing binade).
std::pair<int, int> window(const oracle::format& o) {
  double minpos = 0;
  for (std::uint32_t c = 0; c < o.code_count(); ++c) {
    const auto& i = o.info(c);
    if (!i.nan && !i.inf && i.value > 0 && (minpos == 0 || i.value < minpos)) minpos = i.value;
  }
  int emn = 0, emx = 0;
  std::frexp(minpos, &emn);
  std::frexp(o.max_value(), &emx);
  const int lo = std::max(1, (emn - 1) + 127 - 1);
  const int hi = std::min(254, (emx - 1) + 127 + 1);
  return {lo, hi};
}

std::vector<rounding> modes_vec() { return {std::begin(all_modes), std::end(all_modes)}; }
std::vector<overflow> ovfs_vec() { return {std::begin(all_overflows), std::end(all_overflows)}; }

}  // namespace

TEST_CASE("oracle: decode every code", "[oracle]") {
  auto check = [](auto& e) {
    using Tag = typename std::decay_t<decltype(e)>::tag;
    const oracle::format o(e.spec);
    INFO(e.spec.name);
    std::uint64_t bad = 0;
    for (std::uint32_t c = 0; c < o.code_count(); ++c) {
      const auto got = u32(lowp::decode<Tag>(static_cast<lowp::storage_t<Tag>>(c)));
      if (got != o.decode_bits(c) && ++bad < 5)
        UNSCOPED_INFO("code " << hex(c) << " lowp " << hex(got) << " oracle "
                              << hex(o.decode_bits(c)));
    }
    CHECK(bad == 0);
  };
  lowp_test::for_each_entry(lowp_test::small_formats(), check);
  lowp_test::for_each_entry(lowp_test::wide_formats(), check);
}

TEST_CASE("oracle: convert every code between formats of 8 bits or fewer", "[oracle]") {
  lowp_test::for_each_entry(lowp_test::small_formats(), [](auto& from_e) {
    using From = typename std::decay_t<decltype(from_e)>::tag;
    const oracle::format of(from_e.spec);
    lowp_test::for_each_entry(lowp_test::small_formats(), [&](auto& to_e) {
      using To = typename std::decay_t<decltype(to_e)>::tag;
      const oracle::format ot(to_e.spec);
      mismatch_log log;
      for (std::uint32_t c = 0; c < of.code_count(); ++c) {
        const double v = of.as_double(c);
        for (rounding r : all_modes)
          for (overflow ov : all_overflows) {
            const std::uint32_t rv = mix(c * 64ull + static_cast<unsigned>(r));
            const unsigned rc = count_for(c + static_cast<unsigned>(r));
            const auto got = lowp::convert_as<To, From>(static_cast<lowp::storage_t<From>>(c),
                                                        conversion_policy{}.with(r).with(ov),
                                                        lowp::random_bits{rv, rc});
            const auto want = ot.encode(v, to_oracle(r), to_oracle(ov), rv, rc);
            if (got != want)
              log.add(from_e.spec.name + "->" + to_e.spec.name + " code " + hex(c) + " mode " +
                      std::to_string(static_cast<int>(r)) + " ovf " +
                      std::to_string(static_cast<int>(ov)) + " lowp " + hex(got) + " oracle " +
                      hex(want));
          }
      }
      log.report();
    });
  });
}

TEST_CASE("oracle: convert every 16-bit code into every small format", "[oracle]") {
  lowp_test::for_each_entry(lowp_test::wide_formats(), [](auto& from_e) {
    using From = typename std::decay_t<decltype(from_e)>::tag;
    if (lowp::total_bits(From::value) > 16) return;
    const oracle::format of(from_e.spec);
    lowp_test::for_each_entry(lowp_test::small_formats(), [&](auto& to_e) {
      using To = typename std::decay_t<decltype(to_e)>::tag;
      const oracle::format ot(to_e.spec);
      mismatch_log log;
      for (std::uint32_t c = 0; c < of.code_count(); ++c) {
        const double v = of.as_double(c);
        const rounding r = all_modes[c % 8];
        const overflow ov = all_overflows[(c / 8) % 4];
        const std::uint32_t rv = mix(c);
        const auto got = lowp::convert_as<To, From>(static_cast<lowp::storage_t<From>>(c),
                                                    conversion_policy{}.with(r).with(ov),
                                                    lowp::random_bits{rv, 32});
        const auto want = ot.encode(v, to_oracle(r), to_oracle(ov), rv, 32);
        if (got != want)
          log.add(from_e.spec.name + "->" + to_e.spec.name + " code " + hex(c) + " lowp " +
                  hex(got) + " oracle " + hex(want));
      }
      log.report();
    });
  });
}

TEST_CASE("oracle: encode every float32 in the range of each small format", "[oracle]") {
  lowp_test::for_each_entry(lowp_test::small_formats(), [](auto& e) {
    using Tag = typename std::decay_t<decltype(e)>::tag;
    const oracle::format o(e.spec);
    const overflow dflt = lowp::default_overflow_v<Tag>;
    auto [lo, hi] = window(o);
    // Named formats: every rounding mode; samples (P3109, ad hoc): nearest-even, the others
    // strided.
    const std::vector<rounding> modes =
        e.named ? modes_vec() : std::vector<rounding>{rounding::nearest_even};
    if (hi - lo > 48) {
      // Full-range formats (E8M0, P3109 p1): both edge ranges exhaustively, the rest strided.
      sweep_float<Tag>(o, 0, 3, 1, modes, {dflt});
      sweep_float<Tag>(o, 251, 255, 1, modes, {dflt});
      sweep_float<Tag>(o, 0, 255, 509, modes_vec(), ovfs_vec());
    } else {
      // Every float32 in the range, every overflow policy strided, everything else strided.
      sweep_float<Tag>(o, lo, hi, 1, modes, {dflt});
      sweep_float<Tag>(o, lo, hi, 127, modes_vec(), ovfs_vec());
      sweep_float<Tag>(o, 0, lo - 1, 4093, modes_vec(), ovfs_vec());
      sweep_float<Tag>(o, hi + 1, 255, 4093, modes_vec(), ovfs_vec());
    }
  });
}

TEST_CASE("oracle: stratified golden inputs in every mode and overflow policy", "[oracle]") {
  // The stratified input sets of shared/golden (values, midpoints, +-1 ulp, overflow and
  // underflow edges, specials) for formats that have them, checked against the oracle
  // rather than a reference library, so every rounding mode is covered.
  auto run = [](auto& e, const char* file) {
    using Tag = typename std::decay_t<decltype(e)>::tag;
    const oracle::format o(e.spec);
    const auto t = lowp_test::read_golden(std::string("encode/") + file + ".txt");
    REQUIRE(t.inputs.size() > 100);
    mismatch_log log;
    for (std::size_t k = 0; k < t.inputs.size(); ++k) {
      const float x = f32(static_cast<std::uint32_t>(t.inputs[k]));
      for (rounding r : all_modes)
        for (overflow ov : all_overflows) {
          const std::uint32_t rv = mix(k * 8 + static_cast<unsigned>(r));
          const unsigned rc = count_for(k);
          const auto got = lowp::encode_as<Tag>(x, conversion_policy{}.with(r).with(ov),
                                                lowp::random_bits{rv, rc});
          const auto want = o.encode(static_cast<double>(x), to_oracle(r), to_oracle(ov), rv, rc);
          if (got != want)
            log.add(e.spec.name + " x=" + hex(t.inputs[k]) + " (" + t.tags[k] + ") mode " +
                    std::to_string(static_cast<int>(r)) + " ovf " +
                    std::to_string(static_cast<int>(ov)) + " lowp " + hex(got) + " oracle " +
                    hex(want));
        }
    }
    log.report();
  };
  auto each = [&](auto& e) {
    if (e.golden != nullptr) run(e, e.golden);
  };
  lowp_test::for_each_entry(lowp_test::small_formats(), each);
  lowp_test::for_each_entry(lowp_test::wide_formats(), each);
}

TEST_CASE("oracle: encode float32 into 16- and 19-bit formats", "[oracle]") {
  lowp_test::for_each_entry(lowp_test::wide_formats(), [](auto& e) {
    using Tag = typename std::decay_t<decltype(e)>::tag;
    const oracle::format o(e.spec);
    auto [lo, hi] = window(o);
    // Edges exhaustively for the default mode, everything strided for every mode.
    sweep_float<Tag>(o, std::max(0, lo - 1), lo + 3, 1, {rounding::nearest_even},
                     {overflow::to_nonfinite});
    sweep_float<Tag>(o, hi - 3, std::min(255, hi + 1), 1, {rounding::nearest_even},
                     {overflow::to_nonfinite});
    sweep_float<Tag>(o, 0, 255, 1021, modes_vec(), ovfs_vec());
  });
}

TEST_CASE("oracle: encode double at boundaries and seeded random", "[oracle]") {
  lowp_test::for_each_entry(lowp_test::small_formats(), [](auto& e) {
    using Tag = typename std::decay_t<decltype(e)>::tag;
    const oracle::format o(e.spec);
    std::vector<double> xs;
    std::vector<double> vals;
    for (std::uint32_t c = 0; c < o.code_count(); ++c) {
      const auto& i = o.info(c);
      if (!i.nan && !i.inf && i.value >= 0) vals.push_back(i.value);
    }
    std::sort(vals.begin(), vals.end());
    vals.push_back(vals.back() * 2);
    for (std::size_t k = 0; k + 1 < vals.size(); ++k) {
      for (double b : {vals[k], (vals[k] + vals[k + 1]) / 2}) {
        for (double y : {b, std::nextafter(b, 0.0), std::nextafter(b, INFINITY)}) {
          xs.push_back(y);
          xs.push_back(-y);
        }
      }
    }
    std::mt19937_64 rng(20261123);
    std::uniform_real_distribution<double> mant(1.0, 2.0);
    std::uniform_int_distribution<int> ex(-160, 140);
    for (int k = 0; k < 200000; ++k) {
      const double y = std::ldexp(mant(rng), ex(rng));
      xs.push_back((k & 1) ? -y : y);
    }
    xs.push_back(1.0625 + std::ldexp(1.0, -40));  // D-12: one rounding from double
    xs.push_back(-431.99999999999994);
    xs.push_back(1e300);
    xs.push_back(-1e-300);
    xs.push_back(std::ldexp(1.0, -1074));
    mismatch_log log;
    for (std::size_t k = 0; k < xs.size(); ++k) {
      for (rounding r : all_modes) {
        const std::uint32_t rv = mix(k * 16 + static_cast<unsigned>(r));
        const unsigned rc = count_for(k);
        for (overflow ov : all_overflows) {
          const auto got = lowp::encode_as<Tag>(xs[k], conversion_policy{}.with(r).with(ov),
                                                lowp::random_bits{rv, rc});
          const auto want = o.encode(xs[k], to_oracle(r), to_oracle(ov), rv, rc);
          if (got != want) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%a", xs[k]);
            log.add(e.spec.name + " x=" + buf + " mode " + std::to_string(static_cast<int>(r)) +
                    " lowp " + hex(got) + " oracle " + hex(want));
          }
        }
      }
    }
    log.report();
  });
}

TEST_CASE("oracle: all 2^32 float32 inputs into every named format of 8 bits or fewer",
          "[oracle][slow]") {
  // About an hour on 2 cores: every float32, every rounding mode, default overflow policy.
  lowp_test::for_each_entry(lowp_test::small_formats(), [](auto& e) {
    using Tag = typename std::decay_t<decltype(e)>::tag;
    if (!e.named) return;
    const oracle::format o(e.spec);
    sweep_float<Tag>(o, 0, 255, 1, modes_vec(), {lowp::default_overflow_v<Tag>});
  });
}
