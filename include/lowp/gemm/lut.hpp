/// \file gemm/lut.hpp
/// LUT-based mixed-precision GEMM (T-MAC style, bit-serial): weights packed once into bit
/// planes, activation rows turned into lookup tables once per call and shared by every output
/// row, outputs bit-identical to gemm/reference.hpp's int8 contract on every ISA.
///
///     auto w = lowp::gemm::quantize_weights(W.data(), M, K, 2, 128);  // 2-bit, group 128
///     lowp::gemm::packed_weights p(w);                               // once
///     lowp::gemm::matmul(p, x.data(), N, lowp::span<float>(y));      // y = x W^T, N x M
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "lowp/core/checked.hpp"
#include "lowp/core/parallel.hpp"
#include "lowp/core/span.hpp"
#include "lowp/gemm/activations.hpp"
#include "lowp/gemm/reference.hpp"
#include "lowp/gemm/weights.hpp"
#include "lowp/simd/avx2/gemm_kernels.hpp"
#include "lowp/simd/avx512/gemm_kernels.hpp"
#include "lowp/simd/detect.hpp"
#include "lowp/simd/float_env.hpp"
#include "lowp/simd/gemm_args.hpp"
#include "lowp/simd/neon/gemm_kernels.hpp"
#include "lowp/simd/scalar/gemm_kernels.hpp"

namespace lowp {
namespace gemm {

namespace detail {
/// 64-byte aligned bytes (the kernels' loads never split a cache line).
struct aligned_delete {
  void operator()(std::uint8_t* p) const noexcept { ::operator delete[](p, std::align_val_t{64}); }
};
using aligned_bytes = std::unique_ptr<std::uint8_t[], aligned_delete>;
/// Whether allocate_aligned clears the bytes.
enum class fill { zeros, none };
inline aligned_bytes allocate_aligned(std::size_t n, fill f = fill::zeros) {
  auto* p = static_cast<std::uint8_t*>(
      ::operator new[](std::max<std::size_t>(n, 1), std::align_val_t{64}));
  if (f == fill::zeros) std::fill(p, p + std::max<std::size_t>(n, 1), std::uint8_t{0});
  return aligned_bytes(p);
}

/// The sum of n int8 values (whole 64-byte blocks with vpdpbusd on AVX-512).
inline std::int32_t sum_int8(const std::int8_t* x, std::size_t n) {
  std::int32_t sum = 0;
  std::size_t k = 0;
#if LOWP_HAVE_AVX512
  if (simd::active_isa() == simd::isa::avx512 && simd::supports_avx512_vnni()) {
    k = n / 64 * 64;
    sum = simd::avx512::sum_int8(x, k);
  }
#endif
  for (; k < n; ++k) sum += x[k];
  return sum;
}
}  // namespace detail

/// What matmul does with float32 activations.
enum class float_activations {
  /// quantize each row to int8 by the dynamic rule, then the int8 contract (fastest)
  dynamic_int8,
  /// keep them: the float32 contract, x[k] * (level - zero) fused into a sum per group
  /// (weight-only quantization; dot layouts run vectorized, bit planes on the scalar kernel)
  exact,
};

/// Which kernel runs a matmul.
enum class gemm_kernel {
  automatic,  ///< the active ISA's LUT kernel when there is one, else the scalar kernel
  scalar,     ///< the scalar kernel (levels read back from the bit planes)
};

/// Which layout packed_weights stores, hence which kernel family runs.
enum class weight_layout {
  /// bit planes (table lookups) for 1-bit levels, bytes for the int8 dot-product kernel
  /// otherwise: the faster family on AVX-512 VNNI at every N (docs/gemm.md, "Measured")
  automatic,
  /// bit planes and the table-lookup kernel at any width (T-MAC style, bit-serial)
  bit_planes,
  /// crumbs (2-bit) or nibbles (3-, 4-bit) and the int8 dot-product kernel
  dot_bytes,
};

/// An int_weights matrix packed once into the LUT kernels' bit-plane layout
/// (simd/gemm_args.hpp). Levels of 1 to 4 bits; the group must be a multiple of 32 columns or
/// cover whole rows. Copies are deep.
class packed_weights {
 public:
  /// Packs w (validated first); throws std::invalid_argument for levels wider than 4 bits or a
  /// group the layout cannot hold.
  explicit packed_weights(const int_weights& w, weight_layout layout = weight_layout::automatic) {
    validate(w);
    const bool coded = !w.codebook.empty();
    if (!coded && w.level_bits > simd::lut_max_bits)
      throw std::invalid_argument("lowp::gemm::packed_weights: levels of " +
                                  std::to_string(w.level_bits) +
                                  " bits; the kernels take 1 to 4 (or 4-bit codes and a codebook)");
    if (coded && layout == weight_layout::bit_planes)
      throw std::invalid_argument(
          "lowp::gemm::packed_weights: weights with a codebook pack as coded nibbles only");
    const bool half = w.group == simd::lut_chunk_cols / 2 && w.cols > w.group;
    if (w.group < w.cols && w.group % simd::lut_chunk_cols != 0 && !half)
      throw std::invalid_argument("lowp::gemm::packed_weights: group " + std::to_string(w.group) +
                                  " is neither 16, a multiple of 32 nor the whole row");
    // Table lookups sum both halves of a chunk at once: groups of 16 need the dot layouts.
    if (half && layout == weight_layout::bit_planes)
      throw std::invalid_argument(
          "lowp::gemm::packed_weights: groups of 16 columns need the dot_bytes layout");
    if (half && layout == weight_layout::automatic) layout = weight_layout::dot_bytes;
    rows_ = w.rows;
    cols_ = w.cols;
    group_ = w.group;
    bits_ = w.level_bits;
    tiles_ = (rows_ + simd::lut_tile_rows - 1) / simd::lut_tile_rows;
    chunks_ = (cols_ + simd::lut_chunk_cols - 1) / simd::lut_chunk_cols;
    groups_ = w.groups();
    half_groups_ = half;
    chunks_per_group_ = w.group >= w.cols ? chunks_ : half ? 1 : w.group / simd::lut_chunk_cols;
    layout_ =
        coded ? simd::packed_layout::coded_nibbles
        : layout == weight_layout::bit_planes || (layout == weight_layout::automatic && bits_ == 1)
            ? simd::packed_layout::bit_planes
        : bits_ <= 2 ? simd::packed_layout::crumbs
                     : simd::packed_layout::nibbles;
    if (coded) std::copy(w.codebook.begin(), w.codebook.end(), codebook_.begin());
    zero_ = w.zeros[0];
    uniform_zero_ = std::all_of(w.zeros.begin(), w.zeros.end(),
                                [&](std::uint8_t z) { return z == w.zeros[0]; });
    planes_ = detail::allocate_aligned(tiles_ * chunks_ * simd::packed_chunk_bytes(layout_, bits_));
    scales_.assign(tiles_ * groups_ * simd::lut_tile_rows, 0.0f);
    zeros_.assign(tiles_ * groups_ * simd::lut_tile_rows, 0);
    for (std::size_t m = 0; m < rows_; ++m) {
      const std::size_t t = m / simd::lut_tile_rows, r = m % simd::lut_tile_rows;
      for (std::size_t g = 0; g < groups_; ++g) {
        scales_[(t * groups_ + g) * simd::lut_tile_rows + r] = w.scales[m * groups_ + g];
        zeros_[(t * groups_ + g) * simd::lut_tile_rows + r] = w.zeros[m * groups_ + g];
      }
      for (std::size_t k = 0; k < cols_; ++k) {
        const simd::level_slot slot = simd::locate_level(layout_, bits_, chunks_, m, k);
        const unsigned level = w.levels[m * cols_ + k];
        if (slot.width != 1) {
          planes_[slot.byte] |= static_cast<std::uint8_t>(level << slot.shift);
          continue;
        }
        for (unsigned i = 0; i < bits_; ++i)
          planes_[slot.byte + i * simd::lut_unit_bytes] |=
              static_cast<std::uint8_t>(((level >> i) & 1u) << slot.shift);
      }
    }
  }

  packed_weights(const packed_weights& o)
      : rows_(o.rows_),
        cols_(o.cols_),
        group_(o.group_),
        tiles_(o.tiles_),
        chunks_(o.chunks_),
        groups_(o.groups_),
        chunks_per_group_(o.chunks_per_group_),
        half_groups_(o.half_groups_),
        uniform_zero_(o.uniform_zero_),
        zero_(o.zero_),
        bits_(o.bits_),
        layout_(o.layout_),
        codebook_(o.codebook_),
        planes_(detail::allocate_aligned(o.plane_bytes())),
        scales_(o.scales_),
        zeros_(o.zeros_) {
    std::copy(o.planes_.get(), o.planes_.get() + o.plane_bytes(), planes_.get());
  }
  packed_weights& operator=(const packed_weights& o) {
    if (this != &o) *this = packed_weights(o);
    return *this;
  }
  packed_weights(packed_weights&&) noexcept = default;
  packed_weights& operator=(packed_weights&&) noexcept = default;
  ~packed_weights() = default;

  std::size_t rows() const noexcept { return rows_; }    ///< M
  std::size_t cols() const noexcept { return cols_; }    ///< K
  std::size_t group() const noexcept { return group_; }  ///< columns per scale group
  unsigned bits() const noexcept { return bits_; }       ///< level bits (bit planes)
  std::size_t tiles() const noexcept { return tiles_; }  ///< tiles of 16 rows
  /// Bytes of packed bit planes (the weights a GEMV streams, scales aside).
  std::size_t plane_bytes() const noexcept {
    return tiles_ * chunks_ * simd::packed_chunk_bytes(layout_, bits_);
  }
  /// The kernels' view of the packed data.
  simd::lut_weight_view view() const noexcept {
    simd::lut_weight_view v;
    v.planes = planes_.get();
    v.scales = scales_.data();
    v.zeros = zeros_.data();
    v.rows = rows_;
    v.chunks = chunks_;
    v.groups = groups_;
    v.chunks_per_group = chunks_per_group_;
    v.half_groups = half_groups_;
    v.uniform_zero = uniform_zero_;
    v.zero = zero_;
    v.bits = bits_;
    v.layout = layout_;
    v.codebook = layout_ == simd::packed_layout::coded_nibbles ? codebook_.data() : nullptr;
    return v;
  }

 private:
  std::size_t rows_ = 0, cols_ = 0, group_ = 0, tiles_ = 0, chunks_ = 0, groups_ = 0;
  std::size_t chunks_per_group_ = 0;
  bool half_groups_ = false;
  bool uniform_zero_ = false;
  std::int32_t zero_ = 0;
  unsigned bits_ = 0;
  simd::packed_layout layout_ = simd::packed_layout::bit_planes;
  std::array<std::uint8_t, 16> codebook_{};
  detail::aligned_bytes planes_;
  std::vector<float> scales_;
  std::vector<std::int32_t> zeros_;
};

namespace detail {
/// The tables of one activation row (cols values, ceil(cols / 32) chunks): whole chunks on
/// the AVX-512 builder when it runs here, the rest on the scalar builder (same bytes).
inline void build_tables(const std::int8_t* x, std::size_t cols, std::uint8_t* tables) {
  std::size_t done = 0;
#if LOWP_HAVE_AVX512
  if (simd::active_isa() == simd::isa::avx512) {
    done = cols / simd::lut_chunk_cols;
    simd::avx512::lut_tables(x, done, tables);
  }
#endif
  const std::size_t chunks = (cols + simd::lut_chunk_cols - 1) / simd::lut_chunk_cols;
  for (std::size_t c = done; c < chunks; ++c) {
    const std::size_t k0 = c * simd::lut_chunk_cols;
    simd::scalar::lut_chunk_tables(x + k0, std::min(cols - k0, simd::lut_chunk_cols),
                                   tables + c * simd::lut_table_bytes);
  }
}
}  // namespace detail

/// The lookup tables of int8 activation rows for weights of a given shape (gemm_args.hpp).
class activation_tables {
 public:
  /// Builds the tables (and group sums) of every row of a for weights packed like w.
  activation_tables(const packed_weights& w, const int8_activations& a) : a_(&a) {
    validate(a);
    if (a.cols != w.cols())
      throw std::invalid_argument("lowp::gemm: weights have " + std::to_string(w.cols()) +
                                  " columns, activations " + std::to_string(a.cols));
    const simd::lut_weight_view v = w.view();
    chunks_ = v.chunks;
    groups_ = v.groups;
    lookups_ = v.layout == simd::packed_layout::bit_planes;
    tables_ = detail::allocate_aligned(lookups_ ? a.rows * chunks_ * simd::lut_table_bytes : 0,
                                       detail::fill::none);  // every byte is built below
    values_ = detail::allocate_aligned(a.rows * chunks_ * simd::lut_chunk_cols);
    sums_.assign(a.rows * groups_, 0);
    for (std::size_t n = 0; n < a.rows; ++n) {
      const std::int8_t* x = a.values.data() + n * a.cols;
      std::copy(x, x + a.cols, values_.get() + n * chunks_ * simd::lut_chunk_cols);
      if (lookups_)
        detail::build_tables(x, a.cols, tables_.get() + n * chunks_ * simd::lut_table_bytes);
      for (std::size_t g = 0; g < groups_; ++g) {
        const std::size_t span_cols = simd::group_columns(v);
        const std::size_t k0 = g * span_cols;
        const std::size_t k1 = std::min(a.cols, k0 + span_cols);
        sums_[n * groups_ + g] = k1 > k0 ? detail::sum_int8(x + k0, k1 - k0) : 0;
      }
    }
  }

  /// The kernels' view of row n.
  simd::lut_row_view row(std::size_t n) const noexcept {
    simd::lut_row_view r;
    r.tables = lookups_ ? tables_.get() + n * chunks_ * simd::lut_table_bytes : nullptr;
    r.sums = sums_.data() + n * groups_;
    r.values =
        reinterpret_cast<const std::int8_t*>(values_.get()) + n * chunks_ * simd::lut_chunk_cols;
    r.cols = a_->cols;
    r.scale = a_->scales[n];
    return r;
  }

 private:
  const int8_activations* a_;
  std::size_t chunks_ = 0, groups_ = 0;
  bool lookups_ = false;
  detail::aligned_bytes tables_;
  detail::aligned_bytes values_;
  std::vector<std::int32_t> sums_;
};

namespace detail {

/// A kernel: outputs of tiles [t0, t1) for `count` activation rows, y[n * ldy + m]
/// (simd/gemm_args.hpp).
using gemm_fn = void (*)(const simd::lut_weight_view&, const simd::lut_row_view*, std::size_t,
                         std::size_t, std::size_t, float*, std::size_t);

/// A kernel and its name.
struct kernel_choice {
  gemm_fn fn;
  const char* name;
};

/// The kernel `k` chooses for weights stored as `v` on this machine's active ISA (the one
/// dispatch point of the mpGEMM kernels).
inline kernel_choice choose_kernel(gemm_kernel k, const simd::lut_weight_view& v,
                                   float_activations mode = float_activations::dynamic_int8) {
  using simd::packed_layout;
  if (mode == float_activations::exact) {
#if LOWP_HAVE_AVX512
    if (k == gemm_kernel::automatic && simd::active_isa() == simd::isa::avx512 &&
        simd::supports_avx512_vnni()) {
      if (v.layout == packed_layout::crumbs)
        return {&simd::avx512::f32_gemm<packed_layout::crumbs>, "avx512-f32"};
      if (v.layout == packed_layout::nibbles)
        return {&simd::avx512::f32_gemm<packed_layout::nibbles>, "avx512-f32"};
      if (v.layout == packed_layout::coded_nibbles)
        return {&simd::avx512::f32_gemm<packed_layout::coded_nibbles>, "avx512-f32"};
    }
#endif
#if LOWP_HAVE_AVX2
    if (k == gemm_kernel::automatic && simd::active_isa() == simd::isa::avx2) {
      if (v.layout == packed_layout::crumbs)
        return {&simd::avx2::f32_gemm<packed_layout::crumbs>, "avx2-f32"};
      if (v.layout == packed_layout::nibbles)
        return {&simd::avx2::f32_gemm<packed_layout::nibbles>, "avx2-f32"};
      if (v.layout == packed_layout::coded_nibbles)
        return {&simd::avx2::f32_gemm<packed_layout::coded_nibbles>, "avx2-f32"};
    }
#endif
#if LOWP_HAVE_NEON
    if (k == gemm_kernel::automatic && simd::active_isa() == simd::isa::neon) {
      if (v.layout == packed_layout::crumbs)
        return {&simd::neon::f32_gemm<packed_layout::crumbs>, "neon-f32"};
      if (v.layout == packed_layout::nibbles)
        return {&simd::neon::f32_gemm<packed_layout::nibbles>, "neon-f32"};
      if (v.layout == packed_layout::coded_nibbles)
        return {&simd::neon::f32_gemm<packed_layout::coded_nibbles>, "neon-f32"};
    }
#endif
    return {&simd::scalar::f32_gemm, "scalar-f32"};
  }
  if (k == gemm_kernel::automatic) {
#if LOWP_HAVE_AVX512
    if (simd::active_isa() == simd::isa::avx512 && simd::supports_avx512_vnni()) {
      switch (v.layout) {
        case packed_layout::crumbs:
          return {&simd::avx512::dot_gemm<packed_layout::crumbs>, "avx512-dot"};
        case packed_layout::nibbles:
          return {&simd::avx512::dot_gemm<packed_layout::nibbles>, "avx512-dot"};
        case packed_layout::coded_nibbles:
          return {&simd::avx512::dot_gemm<packed_layout::coded_nibbles>, "avx512-dot"};
        case packed_layout::bit_planes:
          if (v.bits == 1) return {&simd::avx512::lut_gemm<1>, "avx512-lut"};
          if (v.bits == 2) return {&simd::avx512::lut_gemm<2>, "avx512-lut"};
          if (v.bits == 3) return {&simd::avx512::lut_gemm<3>, "avx512-lut"};
          if (v.bits == 4) return {&simd::avx512::lut_gemm<4>, "avx512-lut"};
          break;
      }
    }
#endif
#if LOWP_HAVE_AVX2
    if (simd::active_isa() == simd::isa::avx2) {
      if (v.layout == packed_layout::crumbs)
        return {&simd::avx2::dot_gemm<packed_layout::crumbs>, "avx2-dot"};
      if (v.layout == packed_layout::nibbles)
        return {&simd::avx2::dot_gemm<packed_layout::nibbles>, "avx2-dot"};
      if (v.layout == packed_layout::coded_nibbles)
        return {&simd::avx2::dot_gemm<packed_layout::coded_nibbles>, "avx2-dot"};
    }
#endif
#if LOWP_HAVE_NEON
    if (simd::active_isa() == simd::isa::neon) {
      if (v.layout == packed_layout::crumbs)
        return {&simd::neon::dot_gemm<packed_layout::crumbs>, "neon-dot"};
      if (v.layout == packed_layout::nibbles)
        return {&simd::neon::dot_gemm<packed_layout::nibbles>, "neon-dot"};
      if (v.layout == packed_layout::coded_nibbles)
        return {&simd::neon::dot_gemm<packed_layout::coded_nibbles>, "neon-dot"};
      if (v.layout == packed_layout::bit_planes) {
        if (v.bits == 1) return {&simd::neon::lut_gemm<1>, "neon-lut"};
        if (v.bits == 2) return {&simd::neon::lut_gemm<2>, "neon-lut"};
        if (v.bits == 3) return {&simd::neon::lut_gemm<3>, "neon-lut"};
        if (v.bits == 4) return {&simd::neon::lut_gemm<4>, "neon-lut"};
      }
    }
#endif
  }
  (void)v;
  return {&simd::scalar::lut_gemm, "scalar"};
}

/// Tiles per pass over the activation rows: about 256 KiB of packed planes, so that a pass's
/// weights stay in L2 while every row of a GEMM goes by.
inline std::size_t tiles_per_pass(const packed_weights& w) {
  const std::size_t tile_bytes = w.plane_bytes() / std::max<std::size_t>(w.tiles(), 1);
  const std::size_t t = (std::size_t{256} << 10) / std::max<std::size_t>(tile_bytes, 1);
  return std::max<std::size_t>(4, t / 4 * 4);
}

}  // namespace detail

/// The name of the kernel a matmul with these weights would run here: "<isa>-lut" (table
/// lookups), "<isa>-dot" (int8 dot products), "<isa>-f32" (float32 activations), "scalar" or
/// "scalar-f32".
inline const char* kernel_name(const packed_weights& w, gemm_kernel k = gemm_kernel::automatic,
                               float_activations mode = float_activations::dynamic_int8) {
  return detail::choose_kernel(k, w.view(), mode).name;
}

namespace detail {
/// Runs kernel fn over every tile for the given rows, the tiles split across threads.
inline void run_kernel(const packed_weights& w, gemm_fn fn,
                       const std::vector<simd::lut_row_view>& rows, span<float> y,
                       const parallel& par) {
  const std::size_t n =
      lowp::detail::checked_mul(rows.size(), w.rows(), "matmul: rows(x) * rows(W)");
  if (y.size() != n)
    throw std::invalid_argument("lowp::gemm::matmul: y holds " + std::to_string(y.size()) +
                                " floats, rows(x) * rows(W) is " + std::to_string(n));
  const simd::lut_weight_view v = w.view();
  const std::size_t pass = tiles_per_pass(w);
  parallel p = par;
  p.min_per_thread =
      std::max<std::size_t>(1, par.min_per_thread / (simd::lut_tile_rows * w.cols()));
  lowp::detail::run_parallel(p, w.tiles(), 4, [&](std::size_t t0, std::size_t t1) {
    const simd::ieee_denormals env;  // float_env.hpp
    for (std::size_t b0 = t0; b0 < t1; b0 += pass) {
      const std::size_t b1 = std::min(t1, b0 + pass);
      fn(v, rows.data(), rows.size(), b0, b1, y.data(), w.rows());
    }
  });
}
}  // namespace detail

/// y = a W^T by the int8 contract (gemm/reference.hpp), bit-identical to reference_matmul:
/// y is row-major a.rows x w.rows(). Output rows are split across par.threads threads
/// (identical results for any count).
inline void matmul(const packed_weights& w, const int8_activations& a, span<float> y,
                   const parallel& par, gemm_kernel kernel = gemm_kernel::automatic) {
  const std::size_t need = lowp::detail::checked_mul(a.rows, w.rows(), "matmul: rows(x) * rows(W)");
  if (y.size() != need)
    throw std::invalid_argument("lowp::gemm::matmul: y holds " + std::to_string(y.size()) +
                                " floats, rows(x) * rows(W) is " + std::to_string(need));
  const activation_tables tables(w, a);
  std::vector<simd::lut_row_view> rows(a.rows);
  for (std::size_t n = 0; n < a.rows; ++n) rows[n] = tables.row(n);
  detail::run_kernel(w, detail::choose_kernel(kernel, w.view()).fn, rows, y, par);
}

/// y = a W^T on one thread.
inline void matmul(const packed_weights& w, const int8_activations& a, span<float> y,
                   gemm_kernel kernel = gemm_kernel::automatic) {
  matmul(w, a, y, parallel{1, 1}, kernel);
}

/// y = x W^T for float32 activations x (row-major rows x w.cols()): by default each row is
/// quantized to int8 by the dynamic rule of gemm/activations.hpp, then the int8 contract;
/// float_activations::exact keeps them and follows the float32 contract
/// (reference_matmul(w, x, rows, y) gives the same bits).
inline void matmul(const packed_weights& w, const float* x, std::size_t rows, span<float> y,
                   const parallel& par = parallel{1, 1},
                   float_activations mode = float_activations::dynamic_int8,
                   gemm_kernel kernel = gemm_kernel::automatic) {
  if (rows == 0) {  // no activation rows: nothing to compute (either mode)
    if (!y.empty())
      throw std::invalid_argument("lowp::gemm::matmul: y holds " + std::to_string(y.size()) +
                                  " floats, rows(x) * rows(W) is 0");
    return;
  }
  if (mode == float_activations::dynamic_int8) {
    matmul(w, quantize_activations(x, rows, w.cols()), y, par, kernel);
    return;
  }
  std::vector<simd::lut_row_view> views(rows);
  for (std::size_t n = 0; n < rows; ++n) {
    views[n].floats = x + n * w.cols();
    views[n].cols = w.cols();
  }
  detail::run_kernel(w, detail::choose_kernel(kernel, w.view(), mode).fn, views, y, par);
}

}  // namespace gemm
}  // namespace lowp
