// float_kernels.inl: the float32 <-> float-format kernels, written once over the lane
// operations of an ISA. No include guard: simd/<isa>/float_kernels.hpp includes it inside
// namespace lowp::simd::<isa>, after defining LOWP_SIMD_FN (lane helpers), LOWP_SIMD_KERNEL
// (loops) and LOWP_SIMD_COLD (rare paths kept out of line) with that ISA's target attribute, so
// every function here is compiled for that ISA.
//
// The scalar codec (codec/pack.hpp) is the specification; each step below names the pack.hpp
// step it vectorizes. Special inputs take codes that the scalar codec computed (plan.hpp).

/// A per-sign code: k[1] in negative lanes, k[0] elsewhere.
LOWP_SIMD_FN vu32 by_sign(vmask negative, const std::uint32_t (&k)[2]) {
  return select(negative, splat(k[1]), splat(k[0]));
}

/// counter_bits_keyed(key, index) for the lanes' consecutive indices starting at the cursor
/// (core/random.hpp): lanes whose low index word wrapped take the next block's word.
LOWP_SIMD_FN vu32 counter_bits_lanes(const lowp::detail::counter_cursor& c) {
  const vu32 first = splat(c.lo);
  const vu32 lo = add(first, lane_index());
  vu32 x = xor_(lo, select(lt_u(lo, first), splat(c.next), splat(c.now)));
  x = mul_lo(xor_(x, shr<17>(x)), splat(lowp::detail::mix32_m1));
  x = mul_lo(xor_(x, shr<11>(x)), splat(lowp::detail::mix32_m2));
  x = mul_lo(xor_(x, shr<15>(x)), splat(lowp::detail::mix32_m3));
  return xor_(x, shr<14>(x));
}

/// Whether R is one of the four IEEE modes the FPU can apply (float-add path).
constexpr bool fpu_rounding(rounding r) noexcept {
  return r == rounding::nearest_even || r == rounding::toward_zero ||
         r == rounding::toward_positive || r == rounding::toward_negative;
}

/// Step 6 for the deterministic modes: n rounded by the discarded fraction `fr` (left-aligned
/// in 32 bits, sticky bits folded into its last bit); core/rounding.hpp, lane by lane.
template <rounding R>
LOWP_SIMD_FN vu32 round_fraction(vu32 n, vu32 fr, vmask negative) {
  constexpr std::uint32_t half = 0x80000000u;
  if constexpr (R == rounding::nearest_even) {
    return inc_if(gt_u(fr, sub(splat(half), and_(n, splat(1)))), n);
  } else if constexpr (R == rounding::nearest_away) {
    return inc_if(gt_u(fr, splat(half - 1)), n);
  } else if constexpr (R == rounding::nearest_zero) {
    return inc_if(gt_u(fr, splat(half)), n);
  } else if constexpr (R == rounding::toward_positive) {
    return inc_if(mask_andnot(ne(fr, zero()), negative), n);
  } else if constexpr (R == rounding::toward_negative) {
    return inc_if(mask_and(ne(fr, zero()), negative), n);
  } else if constexpr (R == rounding::to_odd) {
    return select(ne(fr, zero()), or_(n, splat(1)), n);
  } else {
    return n;  // toward_zero
  }
}

/// Steps 5-7 for formats with float32's exponent field (bfloat16, tf32): the quantum is a
/// fixed number S of float32 mantissa bits in every binade, subnormals included, so the
/// magnitude code is |x| >> S rounded once.
template <class Fmt, rounding R>
LOWP_SIMD_FN vu32 round_shift(vu32 a, vmask negative, vu32 rnd, vu32 rshift) {
  constexpr int S = 23 - encode_traits<Fmt>::M;
  if constexpr (S == 0) {
    return a;
  } else if constexpr (R == rounding::stochastic) {
    return shr<S>(add(a, shr<32 - S>(shlv(rnd, rshift))));  // see round_integer
  } else {
    return round_fraction<R>(shr<S>(a), shl<32 - S>(a), negative);
  }
}

/// Steps 5-6 by integer arithmetic, every rounding mode: n = |x| / quantum rounded once (the
/// significand, implicit bit included) and c = the quantum's binade. The grid T gives M and
/// first_binade (encode_traits of a format, or an integer grid). `negative` is the sign the
/// directed modes see; rnd/rmask/rshift carry stochastic rounding's bits.
template <class T, rounding R>
LOWP_SIMD_FN void round_integer(vu32 a, vmask negative, vu32 rnd, vu32 rmask, vu32 rshift, vu32& n,
                                vu32& c) {
  const vu32 ef = shr<23>(a);
  c = max_u(ef, splat(T::first_binade));
  // Step 5: s = bits of the 24-bit significand below the quantum (at most 64 matter).
  const vu32 s = min_u(add(sub(c, max_u(ef, splat(1))), splat(23 - T::M)), splat(64));
  const vu32 sig = select(eq(ef, zero()), a, or_(and_(a, splat(0x7FFFFFu)), splat(0x800000u)));
  if constexpr (R == rounding::stochastic) {
    // Up iff t + u >= 2^r (t = the fraction's top r bits). With U = u left-aligned in 32
    // bits, that is a carry out of sig + (U >> (32 - s)) into bit s when s < 32.
    const vu32 u = shlv(rnd, rshift);
    const vmask deep = gt_u(s, splat(31));
    if (!any(deep)) {
      n = shrv(add(sig, shrv(u, sub(splat(32), s))), s);
      return;
    }
    // Deep underflow: the carry out of t + U in 32 bits, t from the left-aligned fraction.
    const vu32 frac = or_(shlv(sig, sub(splat(32), s)), shrv(sig, sub(s, splat(32))));
    const vu32 t = and_(frac, rmask);
    n = inc_if(lt_u(add(t, u), t), shrv(sig, s));
  } else {
    n = shrv(sig, s);
    // The discarded fraction, left-aligned in 32 bits (counts of 32 or more shift out to 0).
    const vu32 frac = or_(shlv(sig, sub(splat(32), s)), shrv(sig, sub(s, splat(32))));
    // Bits beyond the 32 fraction bits fold into its last bit (a sticky bit).
    const vmask sticky = ne(shlv(sig, sub(splat(64), s)), zero());
    const vu32 fr = select(sticky, or_(frac, splat(1)), frac);
    n = round_fraction<R>(n, fr, negative);
  }
}

/// Steps 5-6 by one float addition (fp_magic formats, FPU modes): adding 2^(c + 23 - M), whose
/// ulp is the quantum of binade c, rounds |x| onto Fmt's grid; the sum's low bits are n.
/// `signbits` carries the sign for the directed modes (0 elsewhere).
template <class Fmt, rounding R>
LOWP_SIMD_FN void round_fp(vu32 a, vu32 signbits, vu32& n, vu32& c) {
  using T = encode_traits<Fmt>;
  // Above 2^(emax + 1) every value overflows: clamp there so the constant stays finite.
  vu32 x = min_u(a, splat(T::clamp_bits));
  if constexpr (R != rounding::nearest_even) {
    // Float32 subnormals round like 2^-126 in every mode (both lie below half a quantum);
    // substituting it keeps the result independent of a denormals-are-zero setting.
    x = select(mask_and(ne(a, zero()), lt_u(a, splat(0x800000u))), splat(0x800000u), x);
  }
  const vu32 ef = shr<23>(x);
  c = max_u(ef, splat(T::first_binade));
  const vu32 magic = add(shl<23>(c), splat(static_cast<std::uint32_t>(23 - T::M) << 23));
  if constexpr (R == rounding::toward_positive || R == rounding::toward_negative) {
    const vu32 y = fadd_round<R>(or_(x, signbits), or_(magic, signbits));
    n = sub(and_(y, splat(0x7FFFFFFFu)), magic);
  } else {
    n = sub(fadd_round<R>(x, magic), magic);
  }
}

/// Steps 1-4, 8 and 9 for lanes the plain assembly does not cover.
template <class Fmt>
LOWP_SIMD_FN vu32 fix_special_lanes(vu32 code, vu32 a, vu32 n, vu32 mag, vmask negative,
                                    vmask negative_eff, const encode_plan<Fmt>& p) {
  using T = encode_traits<Fmt>;
  code = select(gt_u(mag, splat(T::max_magnitude)), by_sign(negative_eff, p.overflow), code);
  code = select(eq(n, zero()), by_sign(negative_eff, p.underflow), code);
  if constexpr (T::sign == 0) {
    if (!p.negative_is_magnitude)
      code = select(mask_and(negative, ne(a, zero())), splat(p.negative_number), code);
  }
  code = select(eq(a, zero()), by_sign(negative, p.zero), code);
  code = select(eq(a, splat(0x7F800000u)), by_sign(negative, p.inf), code);
  return select(gt_u(a, splat(0x7F800000u)), by_sign(negative, p.nan), code);
}

/// Steps 5-7 and the sign by one table lookup and one float addition (table_magic formats,
/// FPU modes), for vectors without special lanes: the addend of |x|'s binade (magic_table)
/// rounds |x| onto Fmt's grid, and the sum's low bits are the magnitude code. Bits above the
/// format's width are those of the sum unless H asks for zeros.
template <class Fmt, rounding R, high_bits H>
LOWP_SIMD_FN vu32 encode_table_magic(vu32 u, vu32 a) {
  using T = encode_traits<Fmt>;
  constexpr float_format f = T::f;
  vu32 x = a;
  if constexpr (R != rounding::nearest_even) {
    // As in round_fp: float32 subnormals round like 2^-126 (independent of denormals-are-zero).
    x = select(mask_and(ne(a, zero()), lt_u(a, splat(0x800000u))), splat(0x800000u), x);
  }
  // The quantum's binade c = max(exponent of |x|, first_binade) indexes the table mod 32.
  vu32 magic =
      lookup32(magic_table<Fmt>::value.data(), shr<23>(max_u(a, splat(T::first_binade_bits))));
  if constexpr ((R == rounding::toward_positive || R == rounding::toward_negative) &&
                T::sign != 0) {
    const vu32 signbits = and_(u, splat(0x80000000u));
    x = or_(x, signbits);
    magic = or_(magic, signbits);
  }
  vu32 code = fadd_round<R>(x, magic);  // sign | exponent | magnitude code
  if constexpr (T::sign != 0) {
    // Lanes up to max_bits (the callers replace the others) have a magnitude code below the
    // sign bit, so one bit selection drops the sum's exponent and puts in the sign.
    const vu32 magnitude = splat(T::sign - 1u);
    if constexpr (has_zero(f) && !has_negative_zero(f)) {
      // fnuz: zeros are +0, so lanes of magnitude zero are zero.
      return bit_select_or_zero(test_any(code, magnitude), magnitude, code, shr<32 - T::bits>(u));
    } else {
      return bit_select(magnitude, code, shr<32 - T::bits>(u));
    }
  }
  if constexpr (H == high_bits::zero) code = and_(code, splat(0x7FFFFFu));
  return code;
}

/// Encodes one vector of float32 bit patterns into codes of Fmt (one code per lane) by the
/// general steps, every format and mode.
template <class Fmt, rounding R>
LOWP_SIMD_FN vu32 encode_vector_general(vu32 u, const encode_plan<Fmt>& p, vu32 rnd, vu32 rmask,
                                        vu32 rshift) {
  using T = encode_traits<Fmt>;
  constexpr float_format f = T::f;
  const vu32 a = and_(u, splat(0x7FFFFFFFu));
  const vmask negative = ne(u, a);
  // Unsigned formats convert |x| (negatives that the policy does not fold are fixed below).
  const vmask negative_eff = T::sign != 0 ? negative : mask_none();
  vu32 n;
  vu32 mag;
  if constexpr (T::float32_exponent) {
    mag = round_shift<Fmt, R>(a, negative_eff, rnd, rshift);
    n = mag;
  } else {
    vu32 c;
    if constexpr (T::fp_magic && has_embedded_rounding && fpu_rounding(R)) {
      round_fp<Fmt, R>(a, T::sign != 0 ? and_(u, splat(0x80000000u)) : zero(), n, c);
    } else {
      round_integer<encode_traits<Fmt>, R>(a, negative_eff, rnd, rmask, rshift, n, c);
    }
    // Step 7: magnitude code; a carry out of the significand moves into the next binade.
    mag = sub(add(shl<T::M>(c), n), splat(T::code_offset));
  }
  vu32 code = mag;
  if constexpr (T::sign != 0) code = or_(mag, and_(shr<32 - T::bits>(u), splat(T::sign)));
  if constexpr (has_zero(f) && !has_negative_zero(f) && T::sign != 0)
    code = select(eq(n, zero()), zero(), code);  // fnuz: zeros are +0
  vmask special = gt_u(a, splat(T::max_bits));   // overflow, inf, NaN
  if constexpr (T::sign == 0) {
    if (!p.negative_is_magnitude) special = mask_or(special, mask_and(negative, ne(a, zero())));
  }
  if constexpr (!has_zero(f)) special = mask_or(special, mask_or(eq(n, zero()), eq(a, zero())));
  if (any(special)) code = fix_special_lanes<Fmt>(code, a, n, mag, negative, negative_eff, p);
  return code;
}

/// encode_vector_general kept out of line: the rare vectors the fast paths leave, whose many
/// constants would otherwise crowd the registers of the hot loop.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
// Out of line, GCC 12 sees the self-initialised placeholder of its intrinsics (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
template <class Fmt, rounding R>
LOWP_SIMD_COLD vu32 encode_vector_cold(vu32 u, const encode_plan<Fmt>& p, vu32 rnd, vu32 rmask,
                                       vu32 rshift) {
  return encode_vector_general<Fmt, R>(u, p, rnd, rmask, rshift);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/// Encodes one vector of float32 bit patterns into codes of Fmt (one code per lane; the bits
/// above Fmt's width as H says).
template <class Fmt, rounding R, high_bits H = high_bits::zero>
LOWP_SIMD_FN vu32 encode_vector(vu32 u, const encode_plan<Fmt>& p, vu32 rnd, vu32 rmask,
                                vu32 rshift) {
  using T = encode_traits<Fmt>;
  if constexpr (T::table_magic && has_lookup32 && has_embedded_rounding && fpu_rounding(R)) {
    const vu32 a = and_(u, splat(0x7FFFFFFFu));
    vmask special = gt_u(a, splat(T::max_bits));  // overflow, inf, NaN
    if constexpr (T::sign == 0) {
      if (!p.negative_is_magnitude) special = mask_or(special, mask_and(ne(u, a), ne(a, zero())));
    }
    // Computed before the test so that its constants stay out of the loop.
    const vu32 code = encode_table_magic<Fmt, R, H>(u, a);
    if (!any(special)) return code;
    return encode_vector_cold<Fmt, R>(u, p, rnd, rmask, rshift);
  } else {
    return encode_vector_general<Fmt, R>(u, p, rnd, rmask, rshift);
  }
}

/// Stores one vector of codes into storage of the format's width.
template <class S>
LOWP_SIMD_FN void store_codes(S* out, vu32 v) {
  if constexpr (sizeof(S) == 1) {
    store_u8(out, v);
  } else if constexpr (sizeof(S) == 2) {
    store_u16(out, v);
  } else {
    store_u32(out, v);
  }
}

/// Stores one vector of codes with a streaming (non-temporal) store; `out` is aligned to a
/// whole vector of codes.
template <class S>
LOWP_SIMD_FN void stream_codes(S* out, vu32 v) {
  if constexpr (sizeof(S) == 1) {
    stream_u8(out, v);
  } else if constexpr (sizeof(S) == 2) {
    stream_u16(out, v);
  } else {
    stream_u32(out, v);
  }
}

/// Loads one vector of codes (zero-extended) from storage of the format's width.
template <class S>
LOWP_SIMD_FN vu32 load_codes(const S* in) {
  if constexpr (sizeof(S) == 1) {
    return load_u8(in);
  } else if constexpr (sizeof(S) == 2) {
    return load_u16(in);
  } else {
    return load_u32(in);
  }
}

/// Arrays whose output is at least this many bytes are written with streaming stores where
/// the ISA has them (the output would not stay in cache anyway).
inline constexpr std::size_t streaming_bytes = std::size_t{8} << 20;

/// Encodes elements [i, i + rest), rest < lanes, through full-width buffers (no access past
/// the arrays).
template <class Fmt, rounding R>
LOWP_SIMD_FN void encode_partial(const float* in, storage_t<Fmt>* out, std::size_t i,
                                 std::size_t rest, const encode_plan<Fmt>& p, vu32 rmask,
                                 vu32 rshift) {
  alignas(64) float x[lanes] = {};
  alignas(64) storage_t<Fmt> y[lanes] = {};
  for (std::size_t j = 0; j < rest; ++j) x[j] = in[i + j];
  vu32 rnd = zero();
  if constexpr (R == rounding::stochastic)
    rnd = counter_bits_lanes(lowp::detail::counter_cursor(p.key, p.first_index + i));
  store_codes(y, encode_vector<Fmt, R>(load_f32(x), p, rnd, rmask, rshift));
  for (std::size_t j = 0; j < rest; ++j) out[i + j] = y[j];
}

/// float32 -> Fmt for n elements under plan p (one code per storage element).
template <class Fmt, rounding R>
LOWP_SIMD_KERNEL void encode_f32(const float* in, storage_t<Fmt>* out, std::size_t count,
                                 const encode_plan<Fmt>& p) {
  using S = storage_t<Fmt>;
  // Stores narrower than a lane keep only the code's bits (store_u8 / store_u16 truncate).
  constexpr high_bits H = sizeof(S) < 4 ? high_bits::unspecified : high_bits::zero;
  const unsigned r = p.random_count;
  const vu32 rmask = splat(~std::uint32_t{0} << (32 - r));
  const vu32 rshift = splat(32 - r);
  std::size_t i = 0;
  if constexpr (has_stream_stores) {
    if (count * sizeof(S) >= streaming_bytes) {
      // Align the output to a whole vector of codes, then stream.
      constexpr std::size_t step = lanes * sizeof(S);
      const std::size_t mis = reinterpret_cast<std::uintptr_t>(out) % step;
      if (mis % sizeof(S) == 0) {
        if (mis != 0) {
          i = (step - mis) / sizeof(S);
          encode_partial<Fmt, R>(in, out, 0, i, p, rmask, rshift);
        }
        lowp::detail::counter_cursor cursor(p.key, p.first_index + i);
        for (; i + lanes <= count; i += lanes) {
          vu32 rnd = zero();
          if constexpr (R == rounding::stochastic) {
            rnd = counter_bits_lanes(cursor);
            cursor.advance(lanes);
          }
          stream_codes(out + i, encode_vector<Fmt, R, H>(load_f32(in + i), p, rnd, rmask, rshift));
        }
        stream_fence();
      }
    }
  }
  lowp::detail::counter_cursor cursor(p.key, p.first_index + i);
  for (; i + lanes <= count; i += lanes) {
    vu32 rnd = zero();
    if constexpr (R == rounding::stochastic) {
      rnd = counter_bits_lanes(cursor);
      cursor.advance(lanes);
    }
    store_codes(out + i, encode_vector<Fmt, R, H>(load_f32(in + i), p, rnd, rmask, rshift));
  }
  if (i < count) encode_partial<Fmt, R>(in, out, i, count - i, p, rmask, rshift);
}

/// Fmt -> float32 through a 256-entry table (formats of 8 bits or fewer).
template <class Fmt>
LOWP_SIMD_KERNEL void decode_f32_table(const storage_t<Fmt>* in, float* out, std::size_t count,
                                       const std::uint32_t* table) {
  std::size_t i = 0;
  for (; i + lanes <= count; i += lanes) store_f32(out + i, lookup256(table, load_u8(in + i)));
  if (i < count) {
    const std::size_t rest = count - i;
    alignas(64) std::uint8_t x[lanes] = {};
    alignas(64) float y[lanes] = {};
    for (std::size_t j = 0; j < rest; ++j) x[j] = in[i + j];
    store_f32(y, lookup256(table, load_u8(x)));
    for (std::size_t j = 0; j < rest; ++j) out[i + j] = y[j];
  }
}

/// Fmt -> float32 by arithmetic, for IEEE-style formats wider than 8 bits (binary16,
/// bfloat16, tf32): the value of each field (unpacked.hpp) placed into float32 fields.
template <class Fmt>
LOWP_SIMD_FN vu32 decode_vector_ieee(vu32 code, nan_decoding how) {
  constexpr float_format f = descriptor_v<Fmt>;
  constexpr int M = f.mantissa_bits;
  constexpr int bits = total_bits(f);
  constexpr std::uint32_t inf_mag = static_cast<std::uint32_t>(inf_magnitude(f));
  const vu32 sign = shl<32 - bits>(and_(code, splat(static_cast<std::uint32_t>(sign_mask(f)))));
  const vu32 mag = and_(code, splat(static_cast<std::uint32_t>(all_ones_magnitude(f))));
  vu32 v;
  if constexpr (f.exponent_bits == 8 && f.bias == 127) {
    v = shl<23 - M>(mag);  // float32's own exponent field: subnormals and inf map bit for bit
  } else {
    v = add(shl<23 - M>(mag), splat(static_cast<std::uint32_t>(127 - f.bias) << 23));
    // Subnormals: m * 2^(emin - M), the integer m converted exactly, then scaled in the
    // exponent field (emin - M >= -126 keeps the result normal).
    static_assert(emin(f) - M >= -126, "lowp: subnormal decode leaves the float32 normal range");
    const vu32 sub_v =
        add(int_to_float_bits(mag), splat(static_cast<std::uint32_t>(emin(f) - M) << 23));
    v = select(lt_u(mag, splat(std::uint32_t{1} << M)), sub_v, v);
    v = select(eq(mag, zero()), zero(), v);
    v = select(eq(mag, splat(inf_mag)), splat(0x7F800000u), v);
  }
  v = or_(v, sign);
  const vmask nan = gt_u(mag, splat(inf_mag));
  if (any(nan)) {
    vu32 q;
    switch (how) {
      case nan_decoding::payload:
        q = or_(or_(sign, splat(0x7F800000u)),
                shl<23 - M>(and_(mag, splat(static_cast<std::uint32_t>(mantissa_mask(f))))));
        break;
      case nan_decoding::keep_sign:
        q = or_(sign, splat(0x7FC00000u));
        break;
      default:
        q = splat(nan_bits(unpacked{false, value_class::nan, 0, 0, 0}, how));
        break;
    }
    v = select(nan, q, v);
  }
  return v;
}

/// Fmt -> float32 for IEEE-style formats wider than 8 bits.
template <class Fmt>
LOWP_SIMD_KERNEL void decode_f32_ieee(const storage_t<Fmt>* in, float* out, std::size_t count,
                                      nan_decoding how) {
  std::size_t i = 0;
  for (; i + lanes <= count; i += lanes)
    store_f32(out + i, decode_vector_ieee<Fmt>(load_codes(in + i), how));
  if (i < count) {
    const std::size_t rest = count - i;
    alignas(64) storage_t<Fmt> x[lanes] = {};
    alignas(64) float y[lanes] = {};
    for (std::size_t j = 0; j < rest; ++j) x[j] = in[i + j];
    store_f32(y, decode_vector_ieee<Fmt>(load_codes(x), how));
    for (std::size_t j = 0; j < rest; ++j) out[i + j] = y[j];
  }
}

/// Fmt -> float32: a table for formats of 8 bits or fewer, arithmetic for wider IEEE formats.
template <class Fmt>
LOWP_SIMD_KERNEL void decode_f32(const storage_t<Fmt>* in, float* out, std::size_t count,
                                 nan_decoding how) {
  if constexpr (total_bits(descriptor_v<Fmt>) <= 8) {
    if constexpr (has_byte_planes) {
      decode_byte_planes(in, out, count, get_byte_planes<Fmt>(how));
    } else {
      decode_f32_table<Fmt>(in, out, count, get_decode_table<Fmt>(how).value.data());
    }
  } else {
    decode_f32_ieee<Fmt>(in, out, count, how);
  }
}
