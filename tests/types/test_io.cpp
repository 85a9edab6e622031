// Acceptance 3 of the value types: fmt and ostream output for every alias.
#include <sstream>
#include <string>

#include "lowp/io/ostream.hpp"
#include "lowp/types/minifloat.hpp"
#include "support/catch.hpp"

#if __has_include(<fmt/format.h>)
#include "lowp/io/fmt.hpp"
#define LOWP_TEST_HAVE_FMT 1
#endif

namespace {

template <class T>
std::string via_ostream(const T& x) {
  std::ostringstream os;
  os << x;
  return os.str();
}

template <class T>
void check_value_output(float v) {
  const T x{v};
  INFO("value " << v);
  CHECK(via_ostream(x) == via_ostream(static_cast<float>(x)));
#if defined(LOWP_TEST_HAVE_FMT)
  CHECK(fmt::format("{}", x) == fmt::format("{}", static_cast<float>(x)));
  CHECK(fmt::format("{:.3e}", x) == fmt::format("{:.3e}", static_cast<float>(x)));
  CHECK(fmt::format("{:>12g}", x) == fmt::format("{:>12g}", static_cast<float>(x)));
#endif
}

template <class T>
void check_all_values() {
  for (float v : {0.0f, -0.0f, 1.0f, -1.5f, 0.3f, 3.0f, 100.0f, 1e-3f, 6.0f})
    check_value_output<T>(v);
}

}  // namespace

using namespace lowp;

TEST_CASE("io: value output of every alias matches float's", "[types][io]") {
  check_all_values<float8_e4m3fn>();
  check_all_values<float8_e5m2>();
  check_all_values<float8_e4m3>();
  check_all_values<float8_e3m4>();
  check_all_values<float8_e4m3fnuz>();
  check_all_values<float8_e5m2fnuz>();
  check_all_values<float8_e4m3b11fnuz>();
  check_all_values<float8_e8m0fnu>();
  check_all_values<float6_e2m3fn>();
  check_all_values<float6_e3m2fn>();
  check_all_values<float4_e2m1fn>();
  check_all_values<float8_ue4m3>();
  check_all_values<bfloat16>();
  check_all_values<float16>();
  check_all_values<tfloat32>();
}

#if defined(LOWP_TEST_HAVE_FMT)
TEST_CASE("io: code and field output", "[types][io]") {
  CHECK(fmt::format("{:x}", float8_e4m3fn{448.0f}) == "7e");
  CHECK(fmt::format("{:b}", float8_e4m3fn{448.0f}) == "0'1111'110");
  CHECK(fmt::format("{:x}", float8_e4m3fn{-0.0f}) == "80");
  CHECK(fmt::format("{:b}", float8_e5m2{-57344.0f}) == "1'11110'11");
  CHECK(fmt::format("{:x}", float8_e4m3{1.0f}) == "38");
  CHECK(fmt::format("{:b}", float8_e3m4{1.0f}) == "0'011'0000");
  CHECK(fmt::format("{:x}", float8_e4m3fnuz{1.0f}) == "40");
  CHECK(fmt::format("{:x}", float8_e5m2fnuz{1.0f}) == "40");
  CHECK(fmt::format("{:x}", float8_e4m3b11fnuz{1.0f}) == "58");
  CHECK(fmt::format("{:x}", float8_e8m0fnu{1.0f}) == "7f");
  CHECK(fmt::format("{:b}", float8_e8m0fnu{1.0f}) == "01111111");
  CHECK(fmt::format("{:x}", float6_e2m3fn{-7.5f}) == "3f");
  CHECK(fmt::format("{:b}", float6_e2m3fn{-7.5f}) == "1'11'111");
  CHECK(fmt::format("{:x}", float6_e3m2fn{1.0f}) == "0c");
  CHECK(fmt::format("{:x}", float4_e2m1fn{6.0f}) == "7");
  CHECK(fmt::format("{:b}", float4_e2m1fn{-0.5f}) == "1'00'1");
  CHECK(fmt::format("{:x}", float8_ue4m3{448.0f}) == "7e");
  CHECK(fmt::format("{:b}", float8_ue4m3{1.0f}) == "0111'000");
  CHECK(fmt::format("{:x}", bfloat16{1.0f}) == "3f80");
  CHECK(fmt::format("{:b}", bfloat16{-2.0f}) == "1'10000000'0000000");
  CHECK(fmt::format("{:x}", float16{1.0f}) == "3c00");
  CHECK(fmt::format("{:b}", float16{65504.0f}) == "0'11110'1111111111");
  CHECK(fmt::format("{:x}", tfloat32{1.0f}) == "1fc00");
  CHECK(fmt::format("{}", std::numeric_limits<float8_e4m3fn>::max()) == "448");
}
#endif
