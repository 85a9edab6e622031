// Acceptance 3 (Eigen part): an Eigen::Matrix of minifloats multiplies. Compiled when CMake
// finds Eigen (LOWP_TEST_HAVE_EIGEN); the entries are chosen so that every partial sum is
// exact in the format, making the expected products independent of Eigen's summation order.
#if defined(LOWP_TEST_HAVE_EIGEN)
#include "lowp/io/eigen.hpp"
#include "support/catch.hpp"

TEST_CASE("eigen: matrices of minifloats multiply", "[types][eigen]") {
  using T = lowp::float8_e4m3fn;
  Eigen::Matrix<T, 2, 2> a, b;
  a << T(1.0f), T(2.0f), T(3.0f), T(0.5f);
  b << T(0.25f), T(1.0f), T(-1.0f), T(2.0f);
  const Eigen::Matrix<T, 2, 2> c = a * b;
  CHECK(static_cast<float>(c(0, 0)) == -1.75f);
  CHECK(static_cast<float>(c(0, 1)) == 5.0f);
  CHECK(static_cast<float>(c(1, 0)) == 0.25f);
  CHECK(static_cast<float>(c(1, 1)) == 4.0f);

  using B = lowp::bfloat16;
  using M = Eigen::Matrix<B, Eigen::Dynamic, Eigen::Dynamic>;
  M x(4, 3), y(3, 5);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 3; ++j) x(i, j) = B(static_cast<float>(i + j));
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 5; ++j) y(i, j) = B(static_cast<float>(i - j));
  const M z = x * y;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 5; ++j) {
      float want = 0;
      for (int k = 0; k < 3; ++k) want += static_cast<float>((i + k) * (k - j));
      CHECK(static_cast<float>(z(i, j)) == want);  // small integers: exact in bfloat16
    }
  CHECK(static_cast<float>(Eigen::NumTraits<T>::highest()) == 448.0f);
}
#endif
