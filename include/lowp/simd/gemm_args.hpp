/// \file gemm_args.hpp
/// What the mpGEMM kernels read: pre-packed weights (bit planes for the table-lookup kernel,
/// crumbs or nibbles for the int8 dot-product kernel) and one activation row's values and
/// lookup tables, as plain pointers (gemm/lut.hpp builds both; docs/gemm.md draws the layout).
///
/// Weights. Rows go in tiles of 16, columns in chunks of 32; padding levels are 0. For tile t,
/// chunk c and bit plane i (ascending), 64 bytes follow one another (tile-major, then chunk,
/// then plane). Byte p = 4 r + j (row r of the tile, j = 0..3) holds in its low nibble bit i of
/// the levels of columns 32 c + 4 j + q (bit q, q = 0..3) and in its high nibble those of
/// columns 32 c + 16 + 4 j + q. Scales (float) and zero points (int32) go per tile and group,
/// 16 entries each (zero for padding rows).
///
/// Activation tables. An int8 value v is split exactly as v = 16 h + l with l = v & 15 in
/// 0..15 and h = v >> 4 in -8..7. For chunk c, 256 bytes hold four 64-entry tables:
/// low-A, low-B, high-A, high-B. Entry 16 j + e of low-A is the sum of l over the columns
/// 32 c + 4 j + q whose bit q of e is set (0..60); B tables cover columns 32 c + 16 + 4 j + q;
/// high tables sum h (-32..28). A lookup with the byte index (nibble | 16 j) of byte p = 4 r + j
/// therefore gives the partial sums of four columns for row r, and sum over planes of
/// 2^i (lowA + lowB + 16 (highA + highB)) is the exact integer dot product.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lowp {
namespace simd {

/// Rows per weight tile of the LUT kernels.
inline constexpr std::size_t lut_tile_rows = 16;
/// Columns per chunk of the LUT kernels (eight 4-column table groups).
inline constexpr std::size_t lut_chunk_cols = 32;
/// Bytes of one (tile, chunk, plane) unit of packed weights.
inline constexpr std::size_t lut_unit_bytes = 64;
/// Bytes of one chunk's four activation tables.
inline constexpr std::size_t lut_table_bytes = 256;
/// The widest levels the LUT kernels take (the high tables' plane weight 16 * 2^i must fit a
/// byte).
inline constexpr unsigned lut_max_bits = 4;

/// How pre-packed weights store their levels (docs/gemm.md).
enum class packed_layout : std::uint8_t {
  /// Bit planes for the table-lookup kernel (the layout above), 1 to 4 bits.
  bit_planes,
  /// 2-bit levels for the int8 dot-product kernel: per tile and chunk two 64-byte vectors u;
  /// bits 2 e .. 2 e + 1 of byte 4 r + q of vector u hold the level of row r, column
  /// 32 c + 8 e + 4 u + q.
  crumbs,
  /// 3- and 4-bit levels for the int8 dot-product kernel: per tile and chunk four 64-byte
  /// vectors u; byte 4 r + q of vector u holds row r's levels of columns 32 c + 4 u + q (low
  /// nibble) and 32 c + 16 + 4 u + q (high nibble).
  nibbles,
  /// 4-bit codes stored like `nibbles`, turned into levels by a 16-entry codebook (FP4 E2M1
  /// weights: level 2 v + 12).
  coded_nibbles,
};

/// The bits every GEMM output that is NaN carries (a positive quiet NaN).
inline constexpr std::uint32_t gemm_nan_bits = 0x7FC00000u;

/// How a 16-bit dot kernel (AVX2, NEON) turns codebook codes into levels: one lookup, or two
/// (16 hi + lo, both below 16) for levels too large for its int16 pair sums.
enum class level_lookup : std::uint8_t { single, split };

/// What a scale group covers in a dot kernel: whole chunks, or each half of a chunk (groups
/// of 16 columns).
enum class group_cover : std::uint8_t { chunks, halves };

/// The geometry of a dot layout (crumbs, nibbles, coded_nibbles) as the kernels walk it.
template <packed_layout L>
struct dot_shape {
  static_assert(L != packed_layout::bit_planes, "dot layouts only");
  static constexpr bool coded = L == packed_layout::coded_nibbles;       ///< codes, not levels
  static constexpr unsigned parts = L == packed_layout::crumbs ? 4 : 2;  ///< fields per byte
  static constexpr unsigned field = 8 / parts;                           ///< bits per field
  /// 64-byte vectors per chunk: 16 rows x 32 columns x field bits / 512
  static constexpr std::size_t vectors = field;
  static constexpr std::size_t part_cols = lut_chunk_cols / parts;  ///< columns per field
};

/// Bytes of one (tile, chunk) of packed weights.
constexpr std::size_t packed_chunk_bytes(packed_layout l, unsigned bits) noexcept {
  return l == packed_layout::bit_planes ? bits * lut_unit_bytes
         : l == packed_layout::crumbs   ? 2 * lut_unit_bytes
                                        : 4 * lut_unit_bytes;  // nibbles, coded_nibbles
}

/// Where the level of row m, column k lives in packed weights: the byte (from the start of
/// the packed data) and bit shift of its lowest bit; the field is `width` bits wide. Bit-plane
/// levels are one bit per plane, plane i at byte + 64 i.
struct level_slot {
  std::size_t byte = 0;
  unsigned shift = 0;
  unsigned width = 0;  ///< 1 (bit planes: one bit per plane), 2 (crumbs) or 4 (nibbles)
};

/// The slot of row m, column k (the one place the layouts' bit order is written down).
constexpr level_slot locate_level(packed_layout l, unsigned bits, std::size_t chunks, std::size_t m,
                                  std::size_t k) noexcept {
  const std::size_t t = m / lut_tile_rows, r = m % lut_tile_rows;
  const std::size_t c = k / lut_chunk_cols, kk = k % lut_chunk_cols;
  const std::size_t base = (t * chunks + c) * packed_chunk_bytes(l, bits);
  level_slot s;
  switch (l) {
    case packed_layout::bit_planes:
      s.byte = base + 4 * r + (kk % 16) / 4;
      s.shift = static_cast<unsigned>((kk >= 16 ? 4 : 0) + kk % 4);
      s.width = 1;
      break;
    case packed_layout::crumbs:
      s.byte = base + lut_unit_bytes * ((kk % 8) / 4) + 4 * r + kk % 4;
      s.shift = static_cast<unsigned>(2 * (kk / 8));
      s.width = 2;
      break;
    case packed_layout::nibbles:
    case packed_layout::coded_nibbles:
      s.byte = base + lut_unit_bytes * ((kk % 16) / 4) + 4 * r + kk % 4;
      s.shift = kk >= 16 ? 4u : 0u;
      s.width = 4;
      break;
  }
  return s;
}

/// A pre-packed weight matrix as the kernels see it.
struct lut_weight_view {
  const std::uint8_t* planes = nullptr;  ///< tiles * chunks * packed_chunk_bytes
  const float* scales = nullptr;         ///< tiles * groups * 16
  const std::int32_t* zeros = nullptr;   ///< tiles * groups * 16
  std::size_t rows = 0;                  ///< M (the last tile may be partial)
  std::size_t chunks = 0;                ///< ceil(K / 32)
  std::size_t groups = 0;                ///< scale groups per row
  std::size_t chunks_per_group = 0;      ///< the last group may have fewer
  /// Groups of 16 columns (NVFP4): two groups per chunk, the low then the high half of
  /// every chunk (dot layouts only; chunks_per_group is then 1).
  bool half_groups = false;
  /// True when every zero point equals `zero` (block formats, symmetric rules): the kernels
  /// then subtract one product zero * sum(a) per group.
  bool uniform_zero = false;
  std::int32_t zero = 0;                             ///< the zero point when uniform_zero
  unsigned bits = 0;                                 ///< level bits, 1..lut_max_bits
  packed_layout layout = packed_layout::bit_planes;  ///< how the levels are stored
  const std::uint8_t* codebook = nullptr;            ///< coded_nibbles: the levels of the 16 codes
};

/// One activation row as the LUT kernels see it.
struct lut_row_view {
  const std::uint8_t* tables = nullptr;  ///< chunks * 256 bytes
  const std::int32_t* sums = nullptr;    ///< per group: the sum of the row's int8 values
  const std::int8_t* values = nullptr;   ///< chunks * 32 int8 values, zero beyond cols
  const float* floats = nullptr;         ///< float32 activations (cols), the float contract
  std::size_t cols = 0;                  ///< K
  float scale = 0.0f;                    ///< d, the row's scale
};

/// Columns per scale group of packed weights (the last group may be cut short by K).
constexpr std::size_t group_columns(const lut_weight_view& w) noexcept {
  return w.half_groups ? lut_chunk_cols / 2 : w.chunks_per_group * lut_chunk_cols;
}

}  // namespace simd
}  // namespace lowp
