/// \file block_format.hpp
/// block_format: an element format, a scale format, a block size, a scale rule, an optional
/// tensor scale and a sub-byte element order; and the named blocks (OCP MX, NVFP4, BFP/MSFP,
/// ggml) as aliases of it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "lowp/block/element.hpp"
#include "lowp/block/packing.hpp"
#include "lowp/block/scale_rules.hpp"
#include "lowp/format/formats.hpp"

namespace lowp {
namespace blocks {

/// No tensor scale: a block decodes as element x block scale.
struct no_tensor_scale {
  static constexpr bool two_level = false;  ///< single-level scaling
};
/// An fp32 tensor scale above the block scales (NVFP4 two-level scaling).
struct fp32_tensor_scale {
  static constexpr bool two_level = true;  ///< two-level scaling
};

/// A block format. Elements are stored packed (`Order` for sub-byte widths), one `Scale` code
/// per block, and, with fp32_tensor_scale, one float per tensor: struct-of-arrays, the layout
/// GEMM kernels and hardware read.
template <class Elem, class Scale, std::size_t BlockSize, class ScaleRule,
          class TensorScale = no_tensor_scale, element_order Order = element_order::sequential>
struct block_format {
  using element = Elem;              ///< element format (catalogue tag or fixed_point)
  using scale_format = Scale;        ///< scale format (catalogue tag)
  using scale_rule = ScaleRule;      ///< how scales are chosen, applied and decoded
  using tensor_scale = TensorScale;  ///< no_tensor_scale or fp32_tensor_scale
  /// Storage type of one scale code.
  using scale_storage = storage_t<Scale>;
  static constexpr std::size_t block_size = BlockSize;             ///< elements per block
  static constexpr element_order order = Order;                    ///< sub-byte element order
  static constexpr int element_bits = element_traits<Elem>::bits;  ///< bits per element
  static constexpr bool two_level = TensorScale::two_level;        ///< has a tensor scale
  /// Bytes of packed elements per block.
  static constexpr std::size_t block_bytes = BlockSize * static_cast<std::size_t>(element_bits) / 8;
  /// Storage bits per element, the stored scale byte(s) included (4.25 for MXFP4, 4.5 for
  /// NVFP4 and Q4_0), tensor scale excluded.
  static constexpr double bits_per_element =
      element_bits + static_cast<double>(8 * sizeof(storage_t<Scale>)) / BlockSize;

  static_assert(BlockSize > 0, "lowp: block size must be positive");
  static_assert((BlockSize * static_cast<std::size_t>(element_bits)) % 8 == 0,
                "lowp: a block's elements must fill whole bytes (block size x element bits "
                "must be a multiple of 8)");
  static_assert(Order == element_order::sequential || (element_bits == 4 && BlockSize % 2 == 0),
                "lowp: element_order::split_halves needs 4-bit elements and an even block size");
  static_assert(!TensorScale::two_level || std::is_same_v<ScaleRule, nvfp4_torchao> ||
                    std::is_same_v<ScaleRule, nvfp4_te>,
                "lowp: a tensor scale needs a two-level scale rule (nvfp4_torchao or nvfp4_te)");
};

/// The same block format with another scale rule.
template <class Block, class Rule>
using with_scale_rule_t =
    block_format<typename Block::element, typename Block::scale_format, Block::block_size, Rule,
                 typename Block::tensor_scale, Block::order>;

/// The element rounding a block format's reference uses.
template <class Block>
inline constexpr rounding default_rounding_v = Block::scale_rule::default_rounding;

/// MXINT8 element: 8-bit two's complement, value n / 64, symmetric [-127, 127] (microxcaling;
/// OCP MX v1.0 allows restricting to the symmetric range).
using mxint8_element = fixed_point<8, 6>;

// clang-format off
/// OCP MX v1.0 MXFP8 with E4M3 elements (block 32, E8M0 scale, FLOOR rule).
using mxfp8_e4m3 = block_format<formats::e4m3fn, formats::e8m0fnu, 32, scale_floor>;
/// OCP MX v1.0 MXFP8 with E5M2 elements.
using mxfp8_e5m2 = block_format<formats::e5m2,   formats::e8m0fnu, 32, scale_floor>;
/// OCP MX v1.0 MXFP6 with E2M3 elements (4 elements per 3 bytes).
using mxfp6_e2m3 = block_format<formats::e2m3fn, formats::e8m0fnu, 32, scale_floor>;
/// OCP MX v1.0 MXFP6 with E3M2 elements.
using mxfp6_e3m2 = block_format<formats::e3m2fn, formats::e8m0fnu, 32, scale_floor>;
/// OCP MX v1.0 MXFP4 (E2M1 elements, element 2i in the low nibble).
using mxfp4      = block_format<formats::e2m1fn, formats::e8m0fnu, 32, scale_floor>;
/// OCP MX v1.0 MXINT8 (symmetric range).
using mxint8     = block_format<mxint8_element,  formats::e8m0fnu, 32, scale_floor>;
/// MXINT8 whose quantizer uses the full two's complement range (-2 representable).
using mxint8_full = block_format<fixed_point<8, 6, int_encoding::twos_complement, int_range::full>,
                                 formats::e8m0fnu, 32, scale_floor>;

/// NVIDIA NVFP4: E2M1 elements, blocks of 16, UE4M3 scales and an fp32 tensor scale, in
/// TransformerEngine's arithmetic order (nvfp4_torchao_order for torchao's).
using nvfp4 = block_format<formats::e2m1fn, formats::ue4m3, 16, nvfp4_te, fp32_tensor_scale>;
/// NVFP4 in torchao's arithmetic order (formats-reference D-19, D-20).
using nvfp4_torchao_order =
    block_format<formats::e2m1fn, formats::ue4m3, 16, nvfp4_torchao, fp32_tensor_scale>;
/// NVFP4 with block scales only (no tensor scale), TransformerEngine order.
using nvfp4_single = block_format<formats::e2m1fn, formats::ue4m3, 16, nvfp4_te>;

/// Block floating point (MSFP style): a shared 8-bit exponent, sign-magnitude mantissas with
/// `MagnitudeBits` bits, value q * 2^(E - MagnitudeBits + 1), E = floor(log2 amax).
template <int MagnitudeBits, std::size_t BlockSize>
using bfp = block_format<fixed_point<MagnitudeBits + 1, MagnitudeBits - 1, int_encoding::sign_magnitude>,
                         formats::e8m0fnu, BlockSize, scale_floor>;
/// MSFP12: sign + 3 magnitude bits, blocks of 16 (Rouhani et al., NeurIPS 2020).
using msfp12 = bfp<3, 16>;
/// MSFP16: sign + 7 magnitude bits, blocks of 16.
using msfp16 = bfp<7, 16>;

/// ggml / llama.cpp Q8_0: {fp16 d; int8 qs[32]}.
using q8_0 = block_format<fixed_point<8, 0>, formats::binary16, 32, ggml_q8_0_scale>;
/// ggml / llama.cpp Q4_0: {fp16 d; uint8 qs[16]}, q + 8 in nibbles, element j low and j + 16
/// high.
using q4_0 = block_format<fixed_point<4, 0, int_encoding::offset_binary, int_range::full>,
                          formats::binary16, 32, ggml_q4_0_scale, no_tensor_scale,
                          element_order::split_halves>;
/// ggml MXFP4: {uint8 e; uint8 qs[16]}, E2M1 codes, element j low and j + 16 high.
using ggml_mxfp4 = block_format<formats::e2m1fn, formats::e8m0fnu, 32, ggml_mxfp4_scale,
                                no_tensor_scale, element_order::split_halves>;
// clang-format on

}  // namespace blocks
}  // namespace lowp
