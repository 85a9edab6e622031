// A consumer's program: uses the value codec, a value type and the array API, and checks the
// results against facts from the OCP specifications (exit status 1 on a mismatch).
#include <cstdio>
#include <lowp/lowp.hpp>
#include <vector>

int main() {
  namespace fm = lowp::formats;
  int bad = 0;
  // OCP FP8 v1.0: 300 lies between 288 (0x79) and 320 (0x7A), nearer to 288.
  bad += lowp::encode<fm::e4m3fn>(300.0f) != 0x79;
  bad += lowp::decode<fm::e4m3fn>(0x7E) != 448.0f;  // E4M3 max normal
  const lowp::float8_e5m2 x{1.5f};
  bad += (x * x).bits() != 0x40;  // 2.25 in E5M2 rounds to 2.0 (ties to even)
  // OCP MX v1.0 section 6.3: scale 2^(floor(log2 amax) - emax_elem); for a block of 32 ones and
  // E2M1 (emax 2) that is 2^-2 (E8M0 code 125) and every element is 4.0 (E2M1 0x6).
  const std::vector<float> ones(32, 1.0f);
  const auto q = lowp::blocks::quantize<lowp::blocks::mxfp4>(ones);
  bad += q.scales.at(0) != 125 || q.elements.at(0) != 0x66;
  std::printf("consumer: %s\n", bad ? "MISMATCH" : "ok");
  return bad ? 1 : 0;
}
