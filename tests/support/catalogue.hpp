// The catalogue as the tests know it: raw numbers typed from formats-reference.md section
// 10.1 (and the P3109 parameter rules), paired with lowp's tags. The oracle is built from
// these numbers, never from lowp's derived properties.
#pragma once

#include <tuple>

#include "lowp/format/formats.hpp"
#include "support/oracle.hpp"

namespace lowp_test {

template <class Tag>
struct entry {
  using tag = Tag;
  oracle::spec spec;
  const char* golden = nullptr;  // name of its golden vector files, if any
  bool named = true;             // in lowp::formats (false: P3109 and ad-hoc samples)
};

namespace fm = lowp::formats;
using K = oracle::kind;

// Every named format of 8 bits or fewer, plus P3109 and ad-hoc samples.
inline auto small_formats() {
  return std::make_tuple(
      entry<fm::e4m3fn>{{"e4m3fn", 4, 3, 7, true, K::fn}, "float8_e4m3fn"},
      entry<fm::e5m2>{{"e5m2", 5, 2, 15, true, K::ieee}, "float8_e5m2"},
      entry<fm::e4m3>{{"e4m3", 4, 3, 7, true, K::ieee}, "float8_e4m3"},
      entry<fm::e3m4>{{"e3m4", 3, 4, 3, true, K::ieee}, "float8_e3m4"},
      entry<fm::e4m3fnuz>{{"e4m3fnuz", 4, 3, 8, true, K::fnuz}, "float8_e4m3fnuz"},
      entry<fm::e5m2fnuz>{{"e5m2fnuz", 5, 2, 16, true, K::fnuz}, "float8_e5m2fnuz"},
      entry<fm::e4m3b11fnuz>{{"e4m3b11fnuz", 4, 3, 11, true, K::fnuz}, "float8_e4m3b11fnuz"},
      entry<fm::e8m0fnu>{{"e8m0fnu", 8, 0, 127, false, K::e8m0}, "float8_e8m0fnu"},
      entry<fm::e2m3fn>{{"e2m3fn", 2, 3, 1, true, K::finite}, "float6_e2m3fn"},
      entry<fm::e3m2fn>{{"e3m2fn", 3, 2, 3, true, K::finite}, "float6_e3m2fn"},
      entry<fm::e2m1fn>{{"e2m1fn", 2, 1, 1, true, K::finite}, "float4_e2m1fn"},
      entry<fm::ue4m3>{{"ue4m3", 4, 3, 7, false, K::fn}},
      // P3109 binary8p3 (signed, extended): E5 M2, bias 2^(8-3-1) = 16
      entry<lowp::p3109<8, 3>>{{"binary8p3se", 5, 2, 16, true, K::p3109_ext}, nullptr, false},
      // P3109 binary8p4 unsigned finite: E5 M3, bias 2^(8-4) = 16
      entry<lowp::p3109<8, 4, lowp::signedness::unsigned_, lowp::p3109_domain::finite>>{
          {"binary8p4uf", 5, 3, 16, false, K::p3109_fin}, nullptr, false},
      // P3109 binary8p1 signed extended: E7 M0, bias 64
      entry<lowp::p3109<8, 1>>{{"binary8p1se", 7, 0, 64, true, K::p3109_ext}, nullptr, false},
      // P3109 binary6p3 unsigned extended: E4 M2, bias 8
      entry<lowp::p3109<6, 3, lowp::signedness::unsigned_>>{
          {"binary6p3ue", 4, 2, 8, false, K::p3109_ext}, nullptr, false},
      // ad-hoc IEEE-like E3M3 and an fn E5M1 with bias 10
      entry<lowp::exmy<3, 3>>{{"exmy33", 3, 3, 3, true, K::ieee}, nullptr, false},
      entry<lowp::exmy<5, 1, lowp::special_values::fn, 10>>{
          {"e5m1fn_b10", 5, 1, 10, true, K::fn}, nullptr, false});
}

inline auto wide_formats() {
  return std::make_tuple(entry<fm::bfloat16>{{"bfloat16", 8, 7, 127, true, K::ieee}, "bfloat16"},
                         entry<fm::binary16>{{"binary16", 5, 10, 15, true, K::ieee}, "float16"},
                         entry<fm::tf32>{{"tf32", 8, 10, 127, true, K::ieee}});
}

template <class Tuple, class F>
void for_each_entry(Tuple&& t, F&& f) {
  std::apply([&](auto&... e) { (f(e), ...); }, t);
}

}  // namespace lowp_test
