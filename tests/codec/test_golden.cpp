// Acceptance 1 of the codec: every code column of every golden file (other people's code:
// ml_dtypes 0.6.0 and the CUDA 13.0 host headers) is reproduced bit for bit by a documented
// lowp call. The mapping below is the table in docs/compatibility.md.
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <string>

#include "lowp/lowp.hpp"
#include "support/bits.hpp"
#include "support/catch.hpp"
#include "support/golden.hpp"

namespace {

using lowp::conversion_policy;
namespace profiles = lowp::profiles;
using lowp::rounding;

using lowp_test::f32;

// Column name -> conversion policy for float formats.
const std::map<std::string, conversion_policy>& float_columns() {
  static const std::map<std::string, conversion_policy> m = {
      {"mldtypes:rne", profiles::mldtypes_rne},
      {"mldtypes:rne_sat", profiles::mldtypes_rne_sat},
      {"mldtypes:rz", profiles::mldtypes_rz},
      {"mldtypes:rz_sat", profiles::mldtypes_rz_sat},
      {"cuda:nosat", profiles::cuda_nosat},
      {"cuda:satfinite", profiles::cuda_satfinite},
      {"cuda:rn", profiles::cuda_nosat},
      {"cuda:rz", profiles::cuda_nosat.with(rounding::toward_zero)},
      {"cuda:rz_nosat", profiles::cuda_nosat.with(rounding::toward_zero)},
      {"cuda:rz_satfinite", profiles::cuda_satfinite.with(rounding::toward_zero)},
      {"cuda:rp_nosat", profiles::cuda_nosat.with(rounding::toward_positive)},
      {"cuda:rp_satfinite", profiles::cuda_satfinite.with(rounding::toward_positive)},
  };
  return m;
}

template <class Fmt>
void check_float_encode(const std::string& name) {
  const auto t = lowp_test::read_golden("encode/" + name + ".txt");
  REQUIRE(!t.inputs.empty());
  const auto mask = (std::uint64_t{1} << lowp::total_bits(Fmt::value)) - 1;
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    const auto it = float_columns().find(t.columns[c]);
    INFO(name << " column " << t.columns[c]);
    REQUIRE(it != float_columns().end());
    std::size_t mismatches = 0;
    for (std::size_t r = 0; r < t.inputs.size(); ++r) {
      const auto got = lowp::encode_as<Fmt>(f32(t.inputs[r]), it->second);
      if ((got & mask) != (t.codes[r][c] & mask)) {
        if (++mismatches <= 5)
          UNSCOPED_INFO("input " << std::hex << t.inputs[r] << " expected " << t.codes[r][c]
                                 << " got " << +got << " (" << t.tags[r] << ")");
      }
    }
    CHECK(mismatches == 0);
  }
}

template <class Fmt>
void check_float_decode(const std::string& name) {
  const auto t = lowp_test::read_golden("decode/" + name + ".txt");
  REQUIRE(t.inputs.size() == (std::size_t{1} << lowp::total_bits(Fmt::value)));
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    const std::string& col = t.columns[c];
    INFO(name << " decode column " << col);
    const lowp::nan_decoding how =
        col == "cuda" ? profiles::cuda_decode(Fmt::value) : profiles::mldtypes_decode(Fmt::value);
    REQUIRE((col == "cuda" || col == "mldtypes"));
    std::size_t mismatches = 0;
    for (std::size_t r = 0; r < t.inputs.size(); ++r) {
      const auto code = static_cast<lowp::storage_t<Fmt>>(t.inputs[r]);
      const auto got = lowp_test::u32(lowp::decode_as<Fmt>(code, how));
      if (got != t.codes[r][c] && ++mismatches <= 5)
        UNSCOPED_INFO("code " << std::hex << t.inputs[r] << " expected " << t.codes[r][c] << " got "
                              << got);
    }
    CHECK(mismatches == 0);
  }
}

template <class Fmt>
void check_int(const std::string& name) {
  const auto enc = lowp_test::read_golden("encode/" + name + ".txt");
  REQUIRE(enc.columns.size() == 1);
  REQUIRE(enc.columns[0] == "mldtypes:trunc_wrap");
  const auto mask = (std::uint64_t{1} << Fmt::value.bits) - 1;
  std::size_t mismatches = 0;
  for (std::size_t r = 0; r < enc.inputs.size(); ++r) {
    const auto got = lowp::encode_int_as<Fmt>(f32(enc.inputs[r]), profiles::mldtypes_int_cast);
    if ((got & mask) != (enc.codes[r][0] & mask) && ++mismatches <= 5)
      UNSCOPED_INFO("input " << std::hex << enc.inputs[r] << " expected " << enc.codes[r][0]
                             << " got " << +got);
  }
  CHECK(mismatches == 0);
  const auto dec = lowp_test::read_golden("decode/" + name + ".txt");
  REQUIRE(dec.inputs.size() == (std::size_t{1} << Fmt::value.bits));
  for (std::size_t r = 0; r < dec.inputs.size(); ++r) {
    const auto code = static_cast<lowp::storage_t<Fmt>>(dec.inputs[r]);
    CHECK(lowp_test::u32(lowp::decode_int<Fmt>(code)) == dec.codes[r][0]);
  }
}

}  // namespace

namespace fm = lowp::formats;

TEST_CASE("golden: 8-bit and narrower float formats encode", "[golden]") {
  check_float_encode<fm::e4m3fn>("float8_e4m3fn");
  check_float_encode<fm::e5m2>("float8_e5m2");
  check_float_encode<fm::e4m3>("float8_e4m3");
  check_float_encode<fm::e3m4>("float8_e3m4");
  check_float_encode<fm::e4m3fnuz>("float8_e4m3fnuz");
  check_float_encode<fm::e5m2fnuz>("float8_e5m2fnuz");
  check_float_encode<fm::e4m3b11fnuz>("float8_e4m3b11fnuz");
  check_float_encode<fm::e8m0fnu>("float8_e8m0fnu");
  check_float_encode<fm::e2m3fn>("float6_e2m3fn");
  check_float_encode<fm::e3m2fn>("float6_e3m2fn");
  check_float_encode<fm::e2m1fn>("float4_e2m1fn");
}

TEST_CASE("golden: 16-bit float formats encode", "[golden]") {
  check_float_encode<fm::bfloat16>("bfloat16");
  check_float_encode<fm::binary16>("float16");
}

TEST_CASE("golden: every code decodes as the references do", "[golden]") {
  check_float_decode<fm::e4m3fn>("float8_e4m3fn");
  check_float_decode<fm::e5m2>("float8_e5m2");
  check_float_decode<fm::e4m3>("float8_e4m3");
  check_float_decode<fm::e3m4>("float8_e3m4");
  check_float_decode<fm::e4m3fnuz>("float8_e4m3fnuz");
  check_float_decode<fm::e5m2fnuz>("float8_e5m2fnuz");
  check_float_decode<fm::e4m3b11fnuz>("float8_e4m3b11fnuz");
  check_float_decode<fm::e8m0fnu>("float8_e8m0fnu");
  check_float_decode<fm::e2m3fn>("float6_e2m3fn");
  check_float_decode<fm::e3m2fn>("float6_e3m2fn");
  check_float_decode<fm::e2m1fn>("float4_e2m1fn");
  check_float_decode<fm::bfloat16>("bfloat16");
  check_float_decode<fm::binary16>("float16");
}

TEST_CASE("golden: narrow integers (ml_dtypes casts)", "[golden]") {
  check_int<fm::int4>("int4");
  check_int<fm::uint4>("uint4");
  check_int<fm::int2>("int2");
  check_int<fm::uint2>("uint2");
}
