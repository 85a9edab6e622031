/// \file packing.hpp
/// Where each element's bits live inside a packed block: the only place lowp defines a bit
/// order for sub-byte elements.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace lowp {
namespace blocks {

/// Order of sub-byte elements inside a block's bytes (formats-reference D-25).
enum class element_order : std::uint8_t {
  /// Little-endian bit stream: element i occupies bits [i*b, i*b + b) counting from bit 0 of
  /// byte 0. For 4-bit elements, element 2i is the low nibble and 2i+1 the high nibble of
  /// byte i (CUDA __nv_fp4x2, torchao pack_uint4); 6-bit elements pack 4 per 3 bytes.
  sequential,
  /// 4-bit only: element j (j < B/2) in the low nibble of byte j and element j + B/2 in its
  /// high nibble (ggml Q4_0 and MXFP4, GGUF).
  split_halves,
};

namespace detail {

/// Writes the low `bits` bits of `code` as element `i` of a block starting at `bytes`.
constexpr void put_element(std::uint8_t* bytes, std::size_t block_size, std::size_t i,
                           std::uint32_t code, int bits, element_order order) noexcept {
  if (order == element_order::split_halves) {
    const std::size_t half = block_size / 2;
    const std::size_t byte = i < half ? i : i - half;
    const int shift = i < half ? 0 : 4;
    bytes[byte] =
        static_cast<std::uint8_t>((bytes[byte] & ~(0xFu << shift)) | ((code & 0xFu) << shift));
    return;
  }
  std::size_t bit = i * static_cast<std::size_t>(bits);
  for (int done = 0; done < bits;) {
    const std::size_t byte = bit / 8;
    const int at = static_cast<int>(bit % 8);
    const int take = (8 - at) < (bits - done) ? (8 - at) : (bits - done);
    const std::uint32_t mask = ((1u << take) - 1u) << at;
    const std::uint32_t piece = ((code >> done) << at) & mask;
    bytes[byte] = static_cast<std::uint8_t>((bytes[byte] & ~mask) | piece);
    done += take;
    bit += static_cast<std::size_t>(take);
  }
}

/// Reads element `i` of a block starting at `bytes`.
constexpr std::uint32_t get_element(const std::uint8_t* bytes, std::size_t block_size,
                                    std::size_t i, int bits, element_order order) noexcept {
  if (order == element_order::split_halves) {
    const std::size_t half = block_size / 2;
    return i < half ? (bytes[i] & 0xFu) : (bytes[i - half] >> 4);
  }
  std::uint32_t code = 0;
  std::size_t bit = i * static_cast<std::size_t>(bits);
  for (int done = 0; done < bits;) {
    const std::size_t byte = bit / 8;
    const int at = static_cast<int>(bit % 8);
    const int take = (8 - at) < (bits - done) ? (8 - at) : (bits - done);
    code |= ((static_cast<std::uint32_t>(bytes[byte]) >> at) & ((1u << take) - 1u)) << done;
    done += take;
    bit += static_cast<std::size_t>(take);
  }
  return code;
}

/// Packs `count` codes (one per byte, low `bits` bits used) into a little-endian bit stream.
/// `count` is a multiple of 8 or the stream's last piece.
inline void pack_codes(const std::uint8_t* codes, std::size_t count, int bits,
                       std::uint8_t* out) noexcept {
  const std::uint32_t mask = (1u << bits) - 1u;
  std::size_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  // Eight codes per step through one 64-bit word (byte k = code k): fold neighbouring fields
  // together, doubling their width each time.
  if (bits == 4) {
    for (; i + 8 <= count; i += 8) {
      std::uint64_t x;
      std::memcpy(&x, codes + i, 8);
      x &= 0x0F0F0F0F0F0F0F0Full;
      x = (x | (x >> 4)) & 0x00FF00FF00FF00FFull;
      x = (x | (x >> 8)) & 0x0000FFFF0000FFFFull;
      x = (x | (x >> 16)) & 0x00000000FFFFFFFFull;
      const auto w = static_cast<std::uint32_t>(x);
      std::memcpy(out + i / 2, &w, 4);
    }
  } else if (bits == 6) {
    for (; i + 8 <= count; i += 8) {
      std::uint64_t x;
      std::memcpy(&x, codes + i, 8);
      x = (x & 0x003F003F003F003Full) | ((x >> 2) & 0x0FC00FC00FC00FC0ull);  // 12-bit pairs
      x = (x & 0x00000FFF00000FFFull) | ((x >> 4) & 0x00FFF00000FFF000ull);  // 24-bit quads
      x = (x & 0x0000000000FFFFFFull) | ((x >> 8) & 0x0000FFFFFF000000ull);  // 48 bits
      std::uint8_t b[8];
      std::memcpy(b, &x, 8);
      std::memcpy(out + i / 8 * 6, b, 6);
    }
  }
#endif
  if (bits == 4) {
    for (; i + 2 <= count; i += 2)
      out[i / 2] = static_cast<std::uint8_t>((codes[i] & mask) | ((codes[i + 1] & mask) << 4));
  } else if (bits == 6) {
    for (; i + 4 <= count; i += 4) {
      const std::uint32_t w = (codes[i] & mask) | ((codes[i + 1] & mask) << 6) |
                              ((codes[i + 2] & mask) << 12) | ((codes[i + 3] & mask) << 18);
      std::uint8_t* o = out + i / 4 * 3;
      o[0] = static_cast<std::uint8_t>(w);
      o[1] = static_cast<std::uint8_t>(w >> 8);
      o[2] = static_cast<std::uint8_t>(w >> 16);
    }
  }
  // Everything else (and any remainder): bit by bit through a 64-bit accumulator.
  std::size_t bit = i * static_cast<std::size_t>(bits);
  std::uint64_t acc = 0;
  int have = 0;
  std::size_t byte = bit / 8;
  for (; i < count; ++i) {
    acc |= static_cast<std::uint64_t>(codes[i] & mask) << have;
    have += bits;
    while (have >= 8) {
      out[byte++] = static_cast<std::uint8_t>(acc);
      acc >>= 8;
      have -= 8;
    }
  }
  if (have > 0) out[byte] = static_cast<std::uint8_t>(acc);
}

/// Unpacks `count` codes of `bits` bits from a little-endian bit stream, one per byte.
inline void unpack_codes(const std::uint8_t* in, std::size_t count, int bits,
                         std::uint8_t* codes) noexcept {
  const std::uint32_t mask = (1u << bits) - 1u;
  std::size_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  // Eight codes per step: spread the fields of one word apart, halving their width each time.
  if (bits == 4) {
    for (; i + 8 <= count; i += 8) {
      std::uint32_t w;
      std::memcpy(&w, in + i / 2, 4);
      std::uint64_t x = w;
      x = (x | (x << 16)) & 0x0000FFFF0000FFFFull;
      x = (x | (x << 8)) & 0x00FF00FF00FF00FFull;
      x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0Full;
      std::memcpy(codes + i, &x, 8);
    }
  } else if (bits == 6) {
    for (; i + 8 <= count; i += 8) {
      std::uint64_t x;
      if (i + 11 <= count) {
        // Two bytes of the next codes come along (masked off below); they lie in the stream.
        std::memcpy(&x, in + i / 8 * 6, 8);
      } else {
        std::uint8_t b[8] = {};
        std::memcpy(b, in + i / 8 * 6, 6);
        std::memcpy(&x, b, 8);
      }
      x = (x & 0x0000000000FFFFFFull) | ((x << 8) & 0x00FFFFFF00000000ull);
      x = (x & 0x00000FFF00000FFFull) | ((x << 4) & 0x0FFF00000FFF0000ull);
      x = (x & 0x003F003F003F003Full) | ((x << 2) & 0x3F003F003F003F00ull);
      std::memcpy(codes + i, &x, 8);
    }
  }
#endif
  if (bits == 4) {
    for (; i + 2 <= count; i += 2) {
      codes[i] = static_cast<std::uint8_t>(in[i / 2] & 0xFu);
      codes[i + 1] = static_cast<std::uint8_t>(in[i / 2] >> 4);
    }
  } else if (bits == 6) {
    for (; i + 4 <= count; i += 4) {
      const std::uint8_t* b = in + i / 4 * 3;
      const std::uint32_t w = b[0] | (std::uint32_t{b[1]} << 8) | (std::uint32_t{b[2]} << 16);
      codes[i] = static_cast<std::uint8_t>(w & mask);
      codes[i + 1] = static_cast<std::uint8_t>((w >> 6) & mask);
      codes[i + 2] = static_cast<std::uint8_t>((w >> 12) & mask);
      codes[i + 3] = static_cast<std::uint8_t>((w >> 18) & mask);
    }
  }
  std::size_t bit = i * static_cast<std::size_t>(bits);
  for (; i < count; ++i, bit += static_cast<std::size_t>(bits)) {
    const std::size_t byte = bit / 8;
    const int at = static_cast<int>(bit % 8);
    std::uint32_t w = in[byte] >> at;
    if (at + bits > 8) w |= static_cast<std::uint32_t>(in[byte + 1]) << (8 - at);
    codes[i] = static_cast<std::uint8_t>(w & mask);
  }
}

}  // namespace detail
}  // namespace blocks
}  // namespace lowp
