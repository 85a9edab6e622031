// block_kernels.inl: the block-format kernels (MX, NVFP4, BFP, ggml), written once over the
// lane operations of an ISA. No include guard: simd/<isa>/block_kernels.hpp includes it inside
// namespace lowp::simd::<isa>, after float_kernels.inl, with LOWP_SIMD_FN / LOWP_SIMD_KERNEL
// defined as there.
//
// The scalar reference (block/reference.hpp) is the specification. A kernel walks groups of
// `lanes` blocks: (1) each block's largest |x|, (2) the group's scales in one vector, by the
// rule's formula in float32 lane arithmetic (blocks the formula does not cover - subnormal
// or non-finite maxima, the log2f rules - take the scalar rule's plan), (3) each block's
// elements, divided by the scale in float32 and rounded by the float kernels' encoders.

/// float32 bits of 2^-s for a power-of-two scale exponent s in [-127, 127].
LOWP_SIMD_FN vu32 pow2_neg_bits(vu32 biased_neg) {
  // biased_neg = 127 - s in [0, 254]: a normal power of two, or 2^-127 (a float32 subnormal).
  return select(eq(biased_neg, zero()), splat(0x400000u), shl<23>(biased_neg));
}

/// Largest |x| bits of `count` (a multiple of lanes) floats; NaN shows as > 0x7F800000.
LOWP_SIMD_FN std::uint32_t amax_bits(const float* x, std::size_t count) {
  vu32 m = zero();
  for (std::size_t k = 0; k < count; k += lanes)
    m = max_u(m, and_(load_f32(x + k), splat(0x7FFFFFFFu)));
  return reduce_max_u(m);
}

/// The largest |x| of an array, NaN if it holds one (blocks::gather_stats(...).amax).
LOWP_SIMD_KERNEL float array_amax(const float* x, std::size_t n) {
  std::size_t i = 0;
  vu32 m = zero();
  for (; i + lanes <= n; i += lanes) m = max_u(m, and_(load_f32(x + i), splat(0x7FFFFFFFu)));
  alignas(64) std::uint32_t part[lanes];
  store_u32(part, m);
  std::uint32_t r = 0;
  for (std::size_t j = 0; j < lanes; ++j) r = part[j] > r ? part[j] : r;
  for (; i < n; ++i) {
    const std::uint32_t a = bit_cast<std::uint32_t>(x[i]) & 0x7FFFFFFFu;
    r = a > r ? a : r;
  }
  return bit_cast<float>(r > 0x7F800000u ? 0x7FC00000u : r);
}

/// Scales of `lanes` blocks from their maxima (amax bits; smax: the signed maximum, Q4_0).
/// Returns the lanes whose plan must come from the scalar rule.
template <class B>
LOWP_SIMD_FN vmask plan_lanes(vu32 amax, vu32 smax, const block_encode_plan<B>& p, vu32& code,
                              vu32& factor) {
  using T = block_traits<B>;
  using E = typename T::et;
  constexpr block_rule_kind kind = T::kind;
  const vu32 ef = shr<23>(amax);
  // Subnormal, infinite and NaN maxima go to the scalar rule (rare; zero blocks stay here).
  const vmask odd_max = mask_andnot(mask_or(eq(ef, zero()), eq(ef, splat(255))), eq(amax, zero()));
  if constexpr (is_pow2_kind(kind)) {
    if constexpr (kind == block_rule_kind::pow2_scalar) {
      code = zero();
      factor = zero();
      return eq(amax, amax);  // every lane
    } else {
      // e = the unclamped scale exponent + off (off keeps every lane non-negative).
      constexpr std::uint32_t off = 512;
      constexpr auto base = static_cast<std::uint32_t>(static_cast<int>(off) - 127 - E::emax);
      vu32 e;
      if constexpr (kind == block_rule_kind::pow2_floor) {
        e = add(ef, splat(base));
      } else if constexpr (kind == block_rule_kind::pow2_ceil) {
        e = inc_if(ne(and_(amax, splat(0x7FFFFFu)), zero()), add(ef, splat(base)));
      } else if constexpr (kind == block_rule_kind::pow2_even) {
        e = add(shr<23>(add(amax, splat(std::uint32_t{1} << (22 - E::mantissa_bits)))),
                splat(base));
      } else {  // rceil: E8M0 of fp32(amax * fp32(1 / max_elem)), rounded up
        const vu32 d = fmul(amax, splat(bit_cast<std::uint32_t>(p.per_block)));
        const vu32 df = shr<23>(d);
        const vu32 dm = and_(d, splat(0x7FFFFFu));
        const vu32 c_sub = select(gt_u(dm, splat(0x400000u)), splat(1), zero());
        const vu32 c = select(eq(df, zero()), c_sub, inc_if(ne(dm, zero()), df));
        e = add(c, splat(off - 127));
      }
      constexpr auto lo = static_cast<std::uint32_t>(T::s_min + static_cast<int>(off));
      constexpr auto hi = static_cast<std::uint32_t>(T::s_max + static_cast<int>(off));
      e = select(eq(amax, zero()), splat(lo), min_u(max_u(e, splat(lo)), splat(hi)));
      code = sub(e, splat(off - static_cast<std::uint32_t>(T::scale_bias)));
      factor = pow2_neg_bits(sub(splat(127 + off), e));
      return odd_max;
    }
  } else {
    const std::uint32_t* scale_table = scale_value_table<B>().data();
    constexpr auto one = bit_cast<std::uint32_t>(1.0f);
    constexpr auto flt_max = bit_cast<std::uint32_t>(std::numeric_limits<float>::max());
    using S = typename B::scale_format;
    if constexpr (kind == block_rule_kind::nvfp4_te) {
      const vu32 v = fmul(amax, splat(bit_cast<std::uint32_t>(p.per_block)));
      code = encode_vector<S, rounding::nearest_even>(v, p.scale, zero(), zero(), zero());
      const float s_dec = B::two_level ? p.tensor.decode : 1.0f;
      const vu32 m = fdiv(
          splat(one), fmul(lookup256(scale_table, code), splat(bit_cast<std::uint32_t>(s_dec))));
      factor = select(gt_u(m, splat(flt_max)), splat(flt_max), m);  // fminf; NaN -> FLT_MAX
      return odd_max;
    } else if constexpr (kind == block_rule_kind::nvfp4_torchao) {
      constexpr float_format sf = T::sf;
      constexpr auto lo = bit_cast<std::uint32_t>(static_cast<float>(min_normal(sf)));
      constexpr auto hi = bit_cast<std::uint32_t>(static_cast<float>(max_finite(sf)));
      constexpr auto elem_max = bit_cast<std::uint32_t>(static_cast<float>(E::max_value));
      vu32 bs = fdiv(amax, splat(elem_max));
      if constexpr (B::two_level) bs = fdiv(bs, splat(bit_cast<std::uint32_t>(p.tensor.encode)));
      // NaN or negative quotients (a negative tensor scale) take the scalar rule.
      const vmask odd_bs = gt_u(bs, splat(0x7F800000u));
      bs = min_u(max_u(bs, splat(lo)), splat(hi));
      code = encode_vector<S, rounding::nearest_even>(bs, p.scale, zero(), zero(), zero());
      const vu32 scale = lookup256(scale_table, code);
      factor = B::two_level ? fmul(splat(bit_cast<std::uint32_t>(p.tensor.encode)), scale) : scale;
      return mask_or(odd_max, odd_bs);
    } else {  // ggml q8_0 / q4_0: d = m / divisor in the scale format, factor fp32(1 / d)
      vu32 d;
      if constexpr (kind == block_rule_kind::ggml_q8_0) {
        d = fdiv(amax, splat(bit_cast<std::uint32_t>(static_cast<float>(E::n_max))));
      } else {
        constexpr auto divisor = -static_cast<float>(std::uint32_t{1} << (B::element_bits - 1));
        d = fdiv(smax, splat(bit_cast<std::uint32_t>(divisor)));
      }
      code = encode_vector<S, rounding::nearest_even>(d, p.scale, zero(), zero(), zero());
      factor = select(eq(and_(d, splat(0x7FFFFFFFu)), zero()), zero(), fdiv(splat(one), d));
      return odd_max;
    }
  }
}

/// What the zero_sign policy needs per lane, precomputed: `keep` is all ones unless zeros are
/// always positive; `force` is all ones unless a float32 zero quotient counts as +0.
/// `fix` is false for zero_sign::keep, which the float encoders already produce (a zero result
/// takes the sign of the value rounded).
struct zero_sign_rule {
  std::uint32_t keep = ~std::uint32_t{0};
  std::uint32_t force = ~std::uint32_t{0};
  bool fix = false;
};

inline zero_sign_rule make_zero_sign_rule(blocks::zero_sign z) noexcept {
  zero_sign_rule r;
  if (z == blocks::zero_sign::positive) r.keep = 0;
  if (z == blocks::zero_sign::from_nonzero) r.force = 0;
  r.fix = z != blocks::zero_sign::keep;
  return r;
}

/// The sign bit (at `sign`) of an element that rounds to zero, from the float32 quotient y
/// (blocks::detail::zero_is_negative), without branches.
LOWP_SIMD_FN vu32 zero_sign_bits(vu32 y, const zero_sign_rule& z, std::uint32_t sign) {
  const vu32 a = and_(y, splat(0x7FFFFFFFu));
  const vmask negative = mask_and(ne(y, a), ne(or_(a, splat(z.force)), zero()));
  return and_(select(negative, splat(sign), zero()), splat(z.keep));
}

/// What an element encoder may meet in its lanes.
enum class lane_check : std::uint8_t {
  any,     ///< any value: NaN lanes are found and given the rule's code
  finite,  ///< the block's elements and its factor are finite, so no quotient is NaN
};

/// Element codes of one vector of a block: x divided by the block's scale (factor f) as the
/// rule does, then rounded by the element's rule.
template <class B, rounding R, lane_check C = lane_check::any>
LOWP_SIMD_FN vu32 encode_element_lanes(vu32 x, vu32 f, const block_encode_plan<B>& p,
                                       const zero_sign_rule& zs, vu32 rnd, vu32 rmask,
                                       vu32 rshift) {
  using T = block_traits<B>;
  using E = typename T::et;
  constexpr block_rule_kind kind = T::kind;
  const vu32 y = kind == block_rule_kind::nvfp4_torchao ? fdiv(x, f) : fmul(x, f);
  if constexpr (kind == block_rule_kind::ggml_q4_0) {
    // code = min(top, trunc(fp32(fp32(x * id) + 8.5))), 0 for t <= 0.
    constexpr std::uint32_t top = (std::uint32_t{1} << B::element_bits) - 1u;
    constexpr float half_up = static_cast<float>(std::uint32_t{1} << (B::element_bits - 1)) + 0.5f;
    const vu32 t = fadd(y, splat(bit_cast<std::uint32_t>(half_up)));
    const vu32 a = and_(t, splat(0x7FFFFFFFu));
    vu32 n = round_magnitude<integer_grid<0>, rounding::toward_zero>(a, mask_none(), zero(), rmask,
                                                                     rshift);
    n = select(gt_u(a, splat(0x4B7FFFFFu)), splat(top), min_u(n, splat(top)));  // >= 2^24
    // t <= 0 and NaN (an infinite id times a zero element) give 0, as the reference.
    return select(mask_or(mask_or(ne(t, a), eq(a, zero())), gt_u(a, splat(0x7F800000u))), zero(),
                  n);
  } else {
    vu32 yr = y;
    if constexpr (C == lane_check::any && (kind == block_rule_kind::nvfp4_te ||
                                           kind == block_rule_kind::nvfp4_torchao)) {
      // The NVFP4 rules' quotient is lowp::fp32 arithmetic, whose NaN results are the default
      // +NaN (as on the GPU); this hardware keeps a NaN operand's sign, and x86 makes its own
      // NaNs negative. Clearing the sign of NaN lanes gives the rule's NaN on every ISA.
      const vu32 m = and_(y, splat(0x7FFFFFFFu));
      yr = select(gt_u(m, splat(0x7F800000u)), m, y);
    }
    if constexpr (is_pow2_kind(kind) && (R == rounding::toward_positive ||
                                         R == rounding::toward_negative || R == rounding::to_odd)) {
      // x * 2^-s underflowed to zero in float32: the smallest float of x's sign rounds as the
      // exact quotient would (both lie far below the element's smallest quantum).
      const vmask lost = mask_and(eq(and_(y, splat(0x7FFFFFFFu)), zero()),
                                  ne(and_(x, splat(0x7FFFFFFFu)), zero()));
      yr = select(lost, or_(and_(x, splat(0x80000000u)), splat(1)), y);
    }
    const vu32 a = and_(yr, splat(0x7FFFFFFFu));
    const vmask nan = C == lane_check::any ? gt_u(a, splat(0x7F800000u)) : mask_none();
    if constexpr (T::minifloat) {
      using EF = typename B::element;
      constexpr float_format ef = descriptor_v<EF>;
      // Elements saturate: clamping finite magnitudes to the largest value gives the same codes
      // in every mode and keeps the encoder off its special-case path.
      const vu32 limited = min_u(a, splat(encode_traits<EF>::max_bits));
      vu32 code;
      if constexpr (encode_traits<EF>::table_magic && encode_traits<EF>::sign != 0 &&
                    has_lookup32 && has_embedded_rounding && fpu_rounding(R)) {
        // The clamped quotient goes straight to the table-magic encoder; NaN lanes (rare: an
        // infinite factor times zero) take the plan's NaN code, as the general encoder gives
        // them. No call in this path: a call inside the block loop would make GCC rebuild the
        // loop's constants in every iteration.
        code = encode_table_magic<EF, R, high_bits::zero>(yr, limited);
        if constexpr (C == lane_check::any) {
          if (any(nan)) code = select(nan, by_sign(ne(yr, a), p.element.nan), code);
        }
      } else if constexpr (C == lane_check::finite) {
        // No NaN, no overflow: the general steps inline (encode_vector would test for
        // specials and call out of line).
        code = encode_vector_general<EF, R>(or_(limited, and_(yr, splat(0x80000000u))), p.element,
                                            rnd, rmask, rshift);
      } else {
        code = encode_vector<EF, R>(or_(select(nan, a, limited), and_(yr, splat(0x80000000u))),
                                    p.element, rnd, rmask, rshift);
      }
      if (has_negative_zero(ef) && zs.fix) {
        const auto mag = static_cast<std::uint32_t>(all_ones_magnitude(ef));
        const vmask zero_code = mask_andnot(eq(and_(code, splat(mag)), zero()), nan);
        code = select(zero_code, zero_sign_bits(y, zs, static_cast<std::uint32_t>(sign_mask(ef))),
                      code);
      }
      return code;
    } else if constexpr (has_embedded_rounding && !E::sign_magnitude && !E::offset_binary &&
                         (R == rounding::nearest_even || R == rounding::toward_zero ||
                          R == rounding::nearest_away)) {
      // Two's complement under a mode symmetric in the sign: round the signed quotient, scaled
      // by 2^fraction_bits (exact), with one conversion, and keep the low bits. A symmetric
      // range is clamped before the rounding (rounding is monotonic and the limit an integer,
      // so that equals clamping after it); another is clamped to 2^24 first, the integer after
      // (n + 2^30 has n's low bits). 8-bit codes keep garbage above bit 7: their byte stores
      // truncate.
      constexpr std::uint32_t mask = (std::uint32_t{1} << E::bits) - 1u;
      constexpr std::uint32_t off = std::uint32_t{1} << 30;
      constexpr bool symmetric = E::n_min == -E::n_max;
      constexpr auto scale = static_cast<std::uint32_t>(127 + E::fraction_bits) << 23;
      constexpr auto limit =
          symmetric ? bit_cast<std::uint32_t>(static_cast<float>(E::n_max)) : 0x4B800000u;
      vu32 v = E::fraction_bits == 0 ? yr : fmul(yr, splat(scale));
      v = clamp_abs(v, splat(limit));  // sign kept
      vu32 n;
      if constexpr (R == rounding::nearest_away) {
        // v + copysign(0.5, v) toward zero, then truncated (exact below 2^23).
        const vu32 half = or_(and_(v, splat(0x80000000u)), splat(0x3F000000u));
        n = float_to_int_round<rounding::toward_zero>(fadd_round<rounding::toward_zero>(v, half));
      } else {
        n = float_to_int_round<R>(v);
      }
      vu32 code = n;
      if constexpr (!symmetric) {
        const vu32 lo = splat(off - static_cast<std::uint32_t>(-E::n_min));
        const vu32 hi = splat(off + static_cast<std::uint32_t>(E::n_max));
        code = min_u(max_u(add(n, splat(off)), lo), hi);
      }
      if constexpr (E::bits < 8) code = and_(code, splat(mask));
      return select(nan, zero(), code);
    } else {
      using G = integer_grid<E::fraction_bits>;
      constexpr std::uint32_t mask = (std::uint32_t{1} << E::bits) - 1u;
      constexpr auto n_max = static_cast<std::uint32_t>(E::n_max);
      constexpr auto neg_max = static_cast<std::uint32_t>(-E::n_min);
      const vmask negative = ne(yr, a);
      vu32 n = round_magnitude<G, R>(a, negative, rnd, rmask, rshift);
      const vu32 limit = select(negative, splat(neg_max), splat(n_max));
      const vmask big =
          gt_u(a, splat((static_cast<std::uint32_t>(G::first_binade) << 23) | 0x7FFFFFu));
      n = select(mask_or(big, gt_u(n, limit)), limit, n);
      vu32 code;
      if constexpr (E::sign_magnitude) {
        constexpr std::uint32_t sign_bit = std::uint32_t{1} << (E::bits - 1);
        code = select(negative, or_(n, splat(sign_bit)), n);
        code = select(eq(n, zero()), zero_sign_bits(y, zs, sign_bit), code);
      } else if constexpr (E::offset_binary) {
        code =
            and_(select(negative, sub(splat(n_max + 1), n), add(n, splat(n_max + 1))), splat(mask));
      } else {
        code = select(negative, and_(sub(zero(), n), splat(mask)), n);
      }
      return select(nan, zero(), code);
    }
  }
}

/// Codes of element vector k of a block (elements [k * lanes, (k + 1) * lanes)); the cursor
/// stands at the block's first element.
template <class B, rounding R, lane_check C = lane_check::any>
LOWP_SIMD_FN vu32 element_vector(const float* x, std::size_t k, vu32 fv,
                                 const block_encode_plan<B>& p, const zero_sign_rule& zs,
                                 const lowp::detail::counter_cursor& cursor, vu32 rmask,
                                 vu32 rshift) {
  vu32 rnd = zero();
  if constexpr (R == rounding::stochastic) {
    lowp::detail::counter_cursor c = cursor;
    c.advance(static_cast<std::uint32_t>(k * lanes));
    rnd = counter_bits_lanes(c);
  }
  return encode_element_lanes<B, R, C>(load_f32(x + k * lanes), fv, p, zs, rnd, rmask, rshift);
}

/// Encodes one block under its scale (factor bits f) and stores it packed; the cursor stands
/// at its first element. Vectors are encoded in the order their packing pairs them.
template <class B, rounding R, lane_check C = lane_check::any>
LOWP_SIMD_FN void encode_block_lanes(const float* x, std::uint32_t f, const block_encode_plan<B>& p,
                                     const zero_sign_rule& zs, lowp::detail::counter_cursor& cursor,
                                     vu32 rmask, vu32 rshift, std::uint8_t* dst) {
  constexpr std::size_t bs = B::block_size;
  constexpr std::size_t nv = bs / lanes;
  constexpr int bits = B::element_bits;
  const vu32 fv = splat(f);
  if constexpr (bits == 8) {
#pragma GCC unroll 16
    for (std::size_t k = 0; k < nv; ++k)
      store_u8(dst + k * lanes, element_vector<B, R, C>(x, k, fv, p, zs, cursor, rmask, rshift));
  } else if constexpr (bits == 4 && nv % 2 == 0 &&
                       B::order == blocks::element_order::split_halves) {
#pragma GCC unroll 16
    for (std::size_t k = 0; k < nv / 2; ++k)
      store_u8(
          dst + k * lanes,
          or_(element_vector<B, R, C>(x, k, fv, p, zs, cursor, rmask, rshift),
              shl<4>(element_vector<B, R, C>(x, k + nv / 2, fv, p, zs, cursor, rmask, rshift))));
  } else if constexpr (bits == 4 && nv % 2 == 0) {
#pragma GCC unroll 16
    for (std::size_t j = 0; j < nv / 2; ++j) {
      vu32 even;
      vu32 odd;
      deinterleave(element_vector<B, R, C>(x, 2 * j, fv, p, zs, cursor, rmask, rshift),
                   element_vector<B, R, C>(x, 2 * j + 1, fv, p, zs, cursor, rmask, rshift), even,
                   odd);
      store_u8(dst + j * lanes, or_(even, shl<4>(odd)));
    }
  } else if constexpr (bits == 4 && nv == 1 && B::order == blocks::element_order::sequential) {
    // One vector per block: pair its lanes, store the low half.
    alignas(64) std::uint8_t tmp[lanes];
    vu32 even;
    vu32 odd;
    const vu32 c = element_vector<B, R, C>(x, 0, fv, p, zs, cursor, rmask, rshift);
    deinterleave(c, c, even, odd);
    store_u8(tmp, or_(even, shl<4>(odd)));
    std::memcpy(dst, tmp, lanes / 2);
  } else if constexpr (has_pack_lanes<bits> && B::order == blocks::element_order::sequential &&
                       lanes == 16 && (nv == 2 || nv == 4)) {
    // A bit stream packed in registers (32 or 64 codes).
    const vu32 c0 = element_vector<B, R, C>(x, 0, fv, p, zs, cursor, rmask, rshift);
    const vu32 c1 = element_vector<B, R, C>(x, 1, fv, p, zs, cursor, rmask, rshift);
    if constexpr (nv == 2) {
      pack_lanes<bits, 32>(c0, c1, zero(), zero(), dst);
    } else {
      const vu32 c2 = element_vector<B, R, C>(x, 2, fv, p, zs, cursor, rmask, rshift);
      const vu32 c3 = element_vector<B, R, C>(x, 3, fv, p, zs, cursor, rmask, rshift);
      pack_lanes<bits, 64>(c0, c1, c2, c3, dst);
    }
  } else {
    alignas(64) std::uint8_t tmp[bs];
#pragma GCC unroll 16
    for (std::size_t k = 0; k < nv; ++k)
      store_u8(tmp + k * lanes, element_vector<B, R, C>(x, k, fv, p, zs, cursor, rmask, rshift));
    if constexpr (B::order == blocks::element_order::split_halves) {
      for (std::size_t i = 0; i < bs / 2; ++i)
        dst[i] = static_cast<std::uint8_t>((tmp[i] & 0xFu) | (tmp[i + bs / 2] << 4));
    } else {
      blocks::detail::pack_codes(tmp, bs, bits, dst);
    }
  }
  if constexpr (R == rounding::stochastic) cursor.advance(static_cast<std::uint32_t>(bs));
}

/// How the elements of a planned block are encoded.
enum class block_state : std::uint8_t {
  finite = 0,  ///< finite elements and a finite factor from the vector plan: the lean path
  general,     ///< anything else (the scalar rule's plan, non-finite values): every check
  nan_block,   ///< the scalar rule made it a NaN block: every element code 0
};

/// Blocks planned before their elements are encoded: the planning makes calls (the scalar
/// rule for odd blocks), and a call inside the element loop would make GCC rebuild the
/// loop's constants in every iteration.
inline constexpr std::size_t chunk_blocks = 4 * lanes;

/// The comparison mask and shift of stochastic rounding's random bits (random_count, 1..32).
LOWP_SIMD_FN void random_masks(unsigned random_count, vu32& rmask, vu32& rshift) {
  const unsigned r = random_count < 1 ? 1u : random_count > 32 ? 32u : random_count;
  rmask = splat(~std::uint32_t{0} << (32 - r));
  rshift = splat(32 - r);
}

/// Scales, factors and states of blocks [g0, g0 + gn) from the group's vector plan
/// (`scalar_lanes` take the scalar rule's plan instead); factors and states are indexed from
/// g0. Returns whether a block is not in the finite state.
template <class B>
LOWP_SIMD_FN bool plan_group(const float* in, std::size_t g0, std::size_t gn,
                             typename B::scale_storage* scales, const block_encode_plan<B>& p,
                             vu32 code, vu32 factor, vmask scalar_lanes, std::uint32_t* factors,
                             block_state* states) {
  constexpr std::size_t bs = B::block_size;
  // A finite factor keeps finite elements finite (a product that overflows saturates); the
  // division rule also needs it non-zero.
  const vu32 fa = and_(factor, splat(0x7FFFFFFFu));
  vmask other = mask_or(scalar_lanes, gt_u(fa, splat(0x7F7FFFFFu)));
  if constexpr (block_traits<B>::kind == block_rule_kind::nvfp4_torchao)
    other = mask_or(other, eq(fa, zero()));
  if (gn == lanes && !any(other)) {  // the common case: the whole group is lean
    store_codes(scales + g0, code);
    store_u32(factors, factor);
    store_u8(reinterpret_cast<std::uint8_t*>(states), zero());
    return false;
  }
  alignas(64) std::uint32_t codes[lanes];
  alignas(64) std::uint32_t how[lanes];  // 0: lean, 1: the scalar rule's plan, 2: general
  store_u32(codes, code);
  store_u32(how, select(other, select(scalar_lanes, splat(1), splat(2)), zero()));
  if (gn == lanes) {
    store_u32(factors, factor);
  } else {
    alignas(64) std::uint32_t f[lanes];
    store_u32(f, factor);
    for (std::size_t g = 0; g < gn; ++g) factors[g] = f[g];
  }
  for (std::size_t g = 0; g < gn; ++g) {
    states[g] = how[g] == 0 ? block_state::finite : block_state::general;
    if (how[g] != 0) {
      if (how[g] == 1) {
        const std::size_t b = g0 + g;
        const blocks::scale_plan sp =
            B::scale_rule::template plan<B>(blocks::gather_stats(in + b * bs, bs), p.tensor,
                                            blocks::rule_options{p.options.specials});
        codes[g] = sp.code;
        if (sp.map == blocks::element_map::nan_block) {
          states[g] = block_state::nan_block;
        } else {
          factors[g] =
              sp.map == blocks::element_map::shift
                  ? (sp.shift == 127 ? 0x400000u : static_cast<std::uint32_t>(127 - sp.shift) << 23)
                  : bit_cast<std::uint32_t>(sp.factor);
        }
      }
    }
    scales[g0 + g] = static_cast<typename B::scale_storage>(codes[g]);
  }
  return true;
}

/// Encodes the blocks of a chunk whose state is finite; the others are left for the general
/// path, and so are blocks of a pair (below) whose partner is not finite: their state becomes
/// general, and the return value says whether that happened. `first` is the array index of
/// in[0]. Out of line, so that its loop has no call.
template <class B, rounding R>
LOWP_SIMD_OUTLINE bool encode_finite_blocks(const float* in, std::size_t n,
                                            const std::uint32_t* factors, block_state* states,
                                            std::uint8_t* elements, const block_encode_plan<B>& p,
                                            const zero_sign_rule& zs, std::uint64_t first) {
  constexpr std::size_t bs = B::block_size;
  vu32 rmask;
  vu32 rshift;
  random_masks(p.options.random_count, rmask, rshift);
  lowp::detail::counter_cursor cursor(p.key, first);
  // Blocks of one vector of 4-bit codes (NVFP4) go in pairs, packed into one store (a loop
  // with a single-block branch besides made GCC rebuild its constants in every iteration).
  constexpr bool pairs = B::element_bits == 4 && bs == lanes &&
                         B::order == blocks::element_order::sequential &&
                         B::block_bytes * 2 == lanes;
  if constexpr (pairs) {
    bool left = false;
    if (n % 2 != 0 && states[n - 1] == block_state::finite) {
      states[n - 1] = block_state::general;
      left = true;
    }
    for (std::size_t b = 0; b + 1 < n; b += 2) {
      if (states[b] == block_state::finite && states[b + 1] == block_state::finite) {
        // Vector k = 1 of block b is block b + 1 (elements and stream positions).
        const float* x = in + b * bs;
        vu32 even;
        vu32 odd;
        deinterleave(element_vector<B, R, lane_check::finite>(x, 0, splat(factors[b]), p, zs,
                                                              cursor, rmask, rshift),
                     element_vector<B, R, lane_check::finite>(x, 1, splat(factors[b + 1]), p, zs,
                                                              cursor, rmask, rshift),
                     even, odd);
        store_u8(elements + b * B::block_bytes, or_(even, shl<4>(odd)));
      } else {
        for (std::size_t j = b; j < b + 2; ++j) {
          if (states[j] == block_state::finite) {
            states[j] = block_state::general;
            left = true;
          }
        }
      }
      if constexpr (R == rounding::stochastic) cursor.advance(static_cast<std::uint32_t>(2 * bs));
    }
    return left;
  } else {
    for (std::size_t b = 0; b < n; ++b) {
      if (states[b] == block_state::finite) {
        encode_block_lanes<B, R, lane_check::finite>(in + b * bs, factors[b], p, zs, cursor, rmask,
                                                     rshift, elements + b * B::block_bytes);
      } else if constexpr (R == rounding::stochastic) {
        cursor.advance(static_cast<std::uint32_t>(bs));
      }
    }
    return false;
  }
}

/// Quantizes `nblocks` whole blocks (the reference's quantize_blocks for them); `first` is the
/// array index of in[0] (stochastic rounding's stream position).
template <class B, rounding R>
LOWP_SIMD_KERNEL void quantize_blocks(const float* in, std::size_t nblocks, std::uint8_t* elements,
                                      typename B::scale_storage* scales,
                                      const block_encode_plan<B>& p, std::uint64_t first) {
  using T = block_traits<B>;
  constexpr std::size_t bs = B::block_size;
  const zero_sign_rule zs = make_zero_sign_rule(p.options.zeros);
  // The array index of in's first block, for the error that names a block.
  [[maybe_unused]] const auto block0 = static_cast<std::size_t>(first / bs);
  for (std::size_t c0 = 0; c0 < nblocks; c0 += chunk_blocks) {
    const std::size_t cn = nblocks - c0 < chunk_blocks ? nblocks - c0 : chunk_blocks;
    alignas(64) std::uint32_t factors[chunk_blocks];
    block_state states[chunk_blocks];
    bool other = false;
    for (std::size_t g0 = c0; g0 < c0 + cn; g0 += lanes) {
      const std::size_t gn = c0 + cn - g0 < lanes ? c0 + cn - g0 : lanes;
      vu32 code{};    // set by plan_lanes on one of the two paths below ({} for clang 14's
      vu32 factor{};  // -Wsometimes-uninitialized, which does not follow if constexpr)
      vmask scalar_lanes{};
      bool planned = false;
      if constexpr (has_group_max && bs % lanes == 0 && T::kind != block_rule_kind::ggml_q4_0) {
        if (gn == lanes) {
          // A whole group: every block's partial maxima, then one reduction of all of them.
          vu32 part[lanes];
#pragma GCC unroll 16
          for (std::size_t g = 0; g < lanes; ++g) {
            const float* x = in + (g0 + g) * bs;
            vu32 m = and_(load_f32(x), splat(0x7FFFFFFFu));
            for (std::size_t k = lanes; k < bs; k += lanes)
              m = max_u(m, and_(load_f32(x + k), splat(0x7FFFFFFFu)));
            part[g] = m;
          }
          const vu32 amv = group_max(part);
          if constexpr (B::scale_rule::finite_only) {
            if (any(gt_u(amv, splat(0x7F7FFFFFu)))) {
              alignas(64) std::uint32_t am[lanes];
              store_u32(am, amv);
              for (std::size_t g = 0; g < lanes; ++g)
                if (am[g] >= 0x7F800000u)
                  blocks::detail::check_finite<B>(blocks::gather_stats(in + (g0 + g) * bs, bs),
                                                  block0 + g0 + g);  // throws
            }
          }
          scalar_lanes = plan_lanes<B>(amv, zero(), p, code, factor);
          planned = true;
        }
      }
      if (!planned) {
        alignas(64) std::uint32_t am[lanes];
        alignas(64) std::uint32_t sm[lanes];
        for (std::size_t g = 0; g < lanes; ++g) {
          am[g] = bit_cast<std::uint32_t>(1.0f);  // padding lanes: any normal value
          sm[g] = am[g];
        }
        for (std::size_t g = 0; g < gn; ++g) {
          const float* x = in + (g0 + g) * bs;
          am[g] = amax_bits(x, bs);
          if constexpr (B::scale_rule::finite_only) {
            if (am[g] >= 0x7F800000u)
              blocks::detail::check_finite<B>(blocks::gather_stats(x, bs),
                                              block0 + g0 + g);  // throws
          }
          if constexpr (T::kind == block_rule_kind::ggml_q4_0) {
            // The first element with the largest |x| (+0 for an all-zero block).
            sm[g] = 0;
            if (am[g] != 0) {
              for (std::size_t i = 0; i < bs; ++i) {
                if ((bit_cast<std::uint32_t>(x[i]) & 0x7FFFFFFFu) == am[g]) {
                  sm[g] = bit_cast<std::uint32_t>(x[i]);
                  break;
                }
              }
            }
          }
        }
        scalar_lanes = plan_lanes<B>(load_u32(am), load_u32(sm), p, code, factor);
      }
      other = plan_group<B>(in, g0, gn, scales, p, code, factor, scalar_lanes, factors + (g0 - c0),
                            states + (g0 - c0)) ||
              other;
    }
    if (encode_finite_blocks<B, R>(in + c0 * bs, cn, factors, states,
                                   elements + c0 * B::block_bytes, p, zs, first + c0 * bs))
      other = true;
    if (!other) continue;
    // The rest, with every check.
    vu32 rmask;
    vu32 rshift;
    random_masks(p.options.random_count, rmask, rshift);
    for (std::size_t j = 0; j < cn; ++j) {
      const std::size_t b = c0 + j;
      std::uint8_t* dst = elements + b * B::block_bytes;
      if (states[j] == block_state::nan_block) {
        std::memset(dst, 0, B::block_bytes);
      } else if (states[j] == block_state::general) {
        lowp::detail::counter_cursor cursor(p.key, first + b * bs);
        encode_block_lanes<B, R>(in + b * bs, factors[j], p, zs, cursor, rmask, rshift, dst);
      }
    }
  }
}

/// Unpacks one block's element codes into vectors (one per `lanes` elements); `more`: another
/// block follows in memory.
template <class B>
LOWP_SIMD_FN void load_block_codes(const std::uint8_t* src, vu32* codes, bool more) {
  constexpr std::size_t nv = B::block_size / lanes;
  constexpr int bits = B::element_bits;
  if constexpr (bits == 8) {
    for (std::size_t k = 0; k < nv; ++k) codes[k] = load_u8(src + k * lanes);
  } else if constexpr (bits == 4 && nv % 2 == 0 &&
                       B::order == blocks::element_order::split_halves) {
    for (std::size_t k = 0; k < nv / 2; ++k) {
      const vu32 b = load_u8(src + k * lanes);
      codes[k] = and_(b, splat(0xFu));
      codes[k + nv / 2] = shr<4>(b);
    }
  } else if constexpr (bits == 4 && nv % 2 == 0) {
    for (std::size_t j = 0; j < nv / 2; ++j) {
      const vu32 b = load_u8(src + j * lanes);
      interleave(and_(b, splat(0xFu)), shr<4>(b), codes[2 * j], codes[2 * j + 1]);
    }
  } else if constexpr (bits == 4 && nv == 1 && B::order == blocks::element_order::sequential) {
    // One vector per block: its lanes / 2 bytes, split into nibbles and interleaved. Blocks
    // followed by another read a whole vector of bytes (no copy, no store-forwarding stall).
    vu32 b;
    if (more) {
      b = load_u8(src);
    } else {
      alignas(64) std::uint8_t tmp[lanes] = {};
      std::memcpy(tmp, src, lanes / 2);
      b = load_u8(tmp);
    }
    vu32 hi;
    interleave(and_(b, splat(0xFu)), shr<4>(b), codes[0], hi);
  } else if constexpr (has_unpack16 && B::order == blocks::element_order::sequential && bits < 8 &&
                       B::block_size % lanes == 0 && lanes == 16) {
    // A bit stream unpacked in registers: 16 codes from every 2 * bits bytes.
    for (std::size_t k = 0; k < nv; ++k) codes[k] = unpack16<bits>(src + k * 2 * bits);
  } else {
    alignas(64) std::uint8_t tmp[B::block_size];
    if constexpr (B::order == blocks::element_order::split_halves) {
      for (std::size_t i = 0; i < B::block_size / 2; ++i) {
        tmp[i] = static_cast<std::uint8_t>(src[i] & 0xFu);
        tmp[i + B::block_size / 2] = static_cast<std::uint8_t>(src[i] >> 4);
      }
    } else {
      blocks::detail::unpack_codes(src, B::block_size, bits, tmp);
    }
    for (std::size_t k = 0; k < nv; ++k) codes[k] = load_u8(tmp + k * lanes);
  }
}

/// Element values times the block's scale (float32 bits), as the reference multiplies them
/// (NVFP4 in TE's order also by the tensor's decode scale).
template <class B>
LOWP_SIMD_FN vu32 scaled_values(vu32 v, vu32 scale, float s_dec) {
  v = fmul(v, scale);
  if constexpr (block_traits<B>::kind == block_rule_kind::nvfp4_te)
    v = fmul(v, splat(bit_cast<std::uint32_t>(s_dec)));
  return v;
}

/// Lanes holding a NaN.
LOWP_SIMD_FN vmask nan_lanes(vu32 v) {
  return gt_u(and_(v, splat(0x7FFFFFFFu)), splat(0x7F800000u));
}
/// Lanes holding an infinity or a NaN.
LOWP_SIMD_FN vmask nonfinite_lanes(vu32 v) {
  return gt_u(and_(v, splat(0x7FFFFFFFu)), splat(0x7F7FFFFFu));
}

/// One vector of element codes -> their scaled values (scaled_values), stored at o; returns
/// the lanes that came out NaN when check_nan.
template <class B>
LOWP_SIMD_FN vmask emit_scaled(vu32 c, std::uint32_t scale_bits, float s_dec, bool check_nan,
                               const std::uint32_t* values, float* o) {
  vu32 v;
  if constexpr (B::element_bits <= 4) {
    v = lookup16(values, c);
  } else if constexpr (has_lookup64 && B::element_bits <= 6) {
    v = lookup64(values, c);
  } else {
    v = lookup256(values, c);
  }
  v = scaled_values<B>(v, splat(scale_bits), s_dec);
  store_f32(o, v);
  return check_nan ? nan_lanes(v) : mask_none();
}

/// Dequantizes `nblocks` whole blocks (the reference's decode, element by element).
template <class B>
LOWP_SIMD_KERNEL void dequantize_blocks(const std::uint8_t* elements,
                                        const typename B::scale_storage* scales,
                                        const blocks::tensor_scale_state& t, float* out,
                                        std::size_t nblocks) {
  using T = block_traits<B>;
  using S = typename B::scale_format;
  constexpr std::size_t bs = B::block_size;
  constexpr std::size_t nv = bs / lanes;
  // NaN results need a non-finite element value, a non-finite block scale or a non-finite
  // tensor decode scale (infinity times zero); without them the per-vector NaN test is skipped.
  constexpr bool element_nonfinite = [] {
    if constexpr (is_float_format_v<typename B::element>) {
      return has_nan(descriptor_v<typename B::element>) ||
             has_inf(descriptor_v<typename B::element>);
    } else {
      return false;
    }
  }();
  const std::uint32_t* values = element_value_table<typename B::element>().data();
  const std::uint32_t* scale_table = scale_value_table<B>().data();
  const float s_dec = B::two_level ? t.decode : 1.0f;
  const bool tensor_finite = (bit_cast<std::uint32_t>(s_dec) & 0x7FFFFFFFu) < 0x7F800000u;
  for (std::size_t g0 = 0; g0 < nblocks; g0 += lanes) {
    const std::size_t gn = nblocks - g0 < lanes ? nblocks - g0 : lanes;
    // The group's scale values, decoded in one vector (a whole group straight from the
    // array: copying bytes into a buffer and loading it as a vector stalls store forwarding).
    vu32 scodes;
    if (gn == lanes) {
      scodes = load_codes(scales + g0);
    } else {
      alignas(64) typename B::scale_storage sc[lanes] = {};
      for (std::size_t g = 0; g < gn; ++g) sc[g] = scales[g0 + g];
      scodes = load_codes(sc);
    }
    vu32 sv;
    if constexpr (total_bits(T::sf) <= 8) {
      sv = lookup256(scale_table, scodes);
    } else {
      sv = decode_vector_ieee<S>(scodes, nan_decoding::keep_sign);
    }
    if constexpr (T::kind == block_rule_kind::nvfp4_torchao && B::two_level)
      sv = fmul(splat(bit_cast<std::uint32_t>(t.decode)), sv);
    alignas(64) std::uint32_t f[lanes];
    store_u32(f, sv);
    const bool check_nan = element_nonfinite || !tensor_finite || any(nonfinite_lanes(sv));
    if constexpr (has_byte_planes && B::element_bits == 8) {
      // Byte codes: the group's element values by bulk byte-plane lookups, then scaled in place.
      float* o = out + g0 * bs;
      decode_byte_planes(elements + g0 * B::block_bytes, o, gn * bs,
                         element_byte_planes<typename B::element>());
      for (std::size_t g = 0; g < gn; ++g) {
        const vu32 fv = splat(f[g]);
        vmask nan = mask_none();
        for (std::size_t k = 0; k < nv; ++k) {
          float* at = o + g * bs + k * lanes;
          const vu32 v = scaled_values<B>(load_f32(at), fv, s_dec);
          if (check_nan) nan = mask_or(nan, nan_lanes(v));
          store_f32(at, v);
        }
        const std::size_t b = g0 + g;
        if (any(nan))
          blocks::reference::dequantize_elements<B>(elements, scales, t, out, b * bs, (b + 1) * bs);
      }
      continue;
    }
    std::size_t g = 0;
    if constexpr (nv == 1 && B::element_bits == 4 &&
                  B::order == blocks::element_order::sequential && B::block_bytes * 2 == lanes) {
      // Two blocks per load: the nibbles of both, interleaved into one vector each.
      for (; g + 1 < gn; g += 2) {
        const std::size_t b = g0 + g;
        const vu32 bytes = load_u8(elements + b * B::block_bytes);
        vu32 lo;
        vu32 hi;
        interleave(and_(bytes, splat(0xFu)), shr<4>(bytes), lo, hi);
        const vmask nan0 = emit_scaled<B>(lo, f[g], s_dec, check_nan, values, out + b * bs);
        const vmask nan1 =
            emit_scaled<B>(hi, f[g + 1], s_dec, check_nan, values, out + (b + 1) * bs);
        if (any(nan0))
          blocks::reference::dequantize_elements<B>(elements, scales, t, out, b * bs, (b + 1) * bs);
        if (any(nan1))
          blocks::reference::dequantize_elements<B>(elements, scales, t, out, (b + 1) * bs,
                                                    (b + 2) * bs);
      }
    }
    for (; g < gn; ++g) {
      const std::size_t b = g0 + g;
      vu32 codes[nv];
      load_block_codes<B>(elements + b * B::block_bytes, codes, b + 1 < nblocks);
      vmask nan = mask_none();
      for (std::size_t k = 0; k < nv; ++k)
        nan = mask_or(nan, emit_scaled<B>(codes[k], f[g], s_dec, check_nan, values,
                                          out + b * bs + k * lanes));
      // NaN results take the reference's NaN (rare: NaN scales and NaN elements).
      if (any(nan))
        blocks::reference::dequantize_elements<B>(elements, scales, t, out, b * bs, (b + 1) * bs);
    }
  }
}
