// int_kernels.inl: affine integer quantization (codec/quantize_int.hpp) over the lane
// operations of an ISA. No include guard: simd/<isa>/float_kernels.hpp includes it after
// float_kernels.inl, inside namespace lowp::simd::<isa>.

/// |y| * 2^G's fraction bits rounded to an integer by R (the sign of the directed modes from
/// `negative`), for magnitudes below 2^24 (larger ones are clamped by the callers). AVX-512
/// rounds the four IEEE modes and nearest-away with one conversion instruction; every other
/// case takes round_integer.
template <class G, rounding R>
LOWP_SIMD_FN vu32 round_magnitude(vu32 a, vmask negative, vu32 rnd, vu32 rmask, vu32 rshift) {
  constexpr bool fast =
      has_embedded_rounding && (R == rounding::nearest_even || R == rounding::toward_zero ||
                                R == rounding::toward_positive || R == rounding::toward_negative ||
                                R == rounding::nearest_away);
  if constexpr (fast) {
    // 150 - first_binade = fraction bits: scaling by that power of two is exact.
    constexpr auto scale = static_cast<std::uint32_t>(127 + 150 - G::first_binade) << 23;
    const vu32 s = min_u(fmul(a, splat(scale)), splat(0x4B800000u));  // <= 2^24; NaN too
    if constexpr (R == rounding::nearest_away) {
      // |s| + 0.5 rounded toward zero is exact below 2^23 and leaves larger integers alone.
      return float_to_int_round<rounding::toward_zero>(
          fadd_round<rounding::toward_zero>(s, splat(0x3F000000u)));
    } else if constexpr (R == rounding::toward_positive || R == rounding::toward_negative) {
      return abs_i32(float_to_int_round<R>(select(negative, or_(s, splat(0x80000000u)), s)));
    } else {
      return float_to_int_round<R>(s);
    }
  } else {
    vu32 n;
    vu32 c;
    round_integer<G, R>(a, negative, rnd, rmask, rshift, n, c);
    return n;
  }
}

/// The integer codes of one vector: y = fp32(x / scale) or fp32(x * inv) rounded by R, plus the
/// zero point, clamped to [lo, hi]. `zp_code` is the code of a NaN input (the clamped zero
/// point). Bounds and zero point arrive offset by 2^30 so that unsigned lanes hold them.
template <rounding R>
LOWP_SIMD_FN vu32 affine_int_lanes(vu32 x, vu32 f, bool divide, vu32 zp, vu32 lo, vu32 hi,
                                   vu32 zp_code, std::uint32_t mask, vu32 rnd, vu32 rmask,
                                   vu32 rshift) {
  const vu32 y = divide ? fdiv(x, f) : fmul(x, f);
  const vu32 a = and_(y, splat(0x7FFFFFFFu));
  const vmask negative = ne(y, a);
  vu32 n = round_magnitude<integer_grid<0>, R>(a, negative, rnd, rmask, rshift);
  // |y| >= 2^24 (and inf) clamps, the zero point lying within 2^24 of both bounds: stand in
  // 2^25.
  n = select(gt_u(a, splat(0x4B7FFFFFu)), splat(1u << 25), n);
  constexpr std::uint32_t off = 1u << 30;
  vu32 v = add(select(negative, sub(splat(off), n), add(splat(off), n)), zp);
  v = min_u(max_u(v, lo), hi);
  const vu32 code = and_(sub(v, splat(off)), splat(mask));
  return select(gt_u(a, splat(0x7F800000u)), zp_code, code);
}

/// Quantizes `count` values with one parameter set; element i draws counter bits at
/// first + i. lo, hi: the clamp range. The zero point and bounds must lie within +-2^28, and
/// hi - zero_point, zero_point - lo within 2^24 (every quotient of 2^24 or more clamps; the
/// dispatcher checks).
template <class Fmt, rounding R>
LOWP_SIMD_KERNEL void quantize_int_group(const float* in, storage_t<Fmt>* out, std::size_t count,
                                         float scale, bool divide, std::int32_t zero_point,
                                         std::int64_t lo, std::int64_t hi, std::uint64_t key,
                                         std::uint64_t first, unsigned random_count) {
  using Sto = storage_t<Fmt>;
  constexpr std::uint32_t off = 1u << 30;
  constexpr auto mask = static_cast<std::uint32_t>(lowp::detail::low_mask(descriptor_v<Fmt>.bits));
  const float f = divide ? scale : 1.0f / scale;
  const vu32 fv = splat(bit_cast<std::uint32_t>(f));
  const vu32 zp = splat(static_cast<std::uint32_t>(zero_point));
  const vu32 lov = splat(static_cast<std::uint32_t>(lo + off));
  const vu32 hiv = splat(static_cast<std::uint32_t>(hi + off));
  const std::int64_t zc = zero_point < lo ? lo : (zero_point > hi ? hi : zero_point);
  const vu32 zp_code = splat(static_cast<std::uint32_t>(static_cast<std::uint64_t>(zc)) & mask);
  const unsigned r = random_count < 1 ? 1u : (random_count > 32 ? 32u : random_count);
  const vu32 rmask = splat(~std::uint32_t{0} << (32 - r));
  const vu32 rshift = splat(32 - r);
  lowp::detail::counter_cursor cursor(key, first);
  std::size_t i = 0;
  for (; i + lanes <= count; i += lanes) {
    vu32 rnd = zero();
    if constexpr (R == rounding::stochastic) {
      rnd = counter_bits_lanes(cursor);
      cursor.advance(lanes);
    }
    store_codes(out + i, affine_int_lanes<R>(load_f32(in + i), fv, divide, zp, lov, hiv, zp_code,
                                             mask, rnd, rmask, rshift));
  }
  if (i < count) {
    alignas(64) float x[lanes] = {};
    alignas(64) Sto y[lanes] = {};
    for (std::size_t j = 0; j < count - i; ++j) x[j] = in[i + j];
    vu32 rnd = zero();
    if constexpr (R == rounding::stochastic) rnd = counter_bits_lanes(cursor);
    store_codes(y, affine_int_lanes<R>(load_f32(x), fv, divide, zp, lov, hiv, zp_code, mask, rnd,
                                       rmask, rshift));
    for (std::size_t j = 0; j < count - i; ++j) out[i + j] = y[j];
  }
}

/// float32 values of one vector of integer codes: fp32((q - zero_point) * scale), the
/// integer exact in float32 (|q - zero_point| < 2^24).
template <class Fmt>
LOWP_SIMD_FN vu32 affine_value_lanes(vu32 code, vu32 zp, vu32 scale) {
  constexpr int bits = descriptor_v<Fmt>.bits;
  vu32 q = and_(code, splat(static_cast<std::uint32_t>(lowp::detail::low_mask(bits))));
  if constexpr (descriptor_v<Fmt>.sign == signedness::signed_) {
    constexpr std::uint32_t sign_bit = std::uint32_t{1} << (bits - 1);
    q = sub(xor_(q, splat(sign_bit)), splat(sign_bit));  // sign-extend
  }
  const vu32 v = sub(q, zp);
  const vmask negative = gt_u(v, splat(0x7FFFFFFFu));
  const vu32 mag = select(negative, sub(zero(), v), v);
  return fmul(or_(int_to_float_bits(mag), select(negative, splat(0x80000000u), zero())), scale);
}

/// Dequantizes `count` codes with one parameter set.
template <class Fmt>
LOWP_SIMD_KERNEL void dequantize_int_group(const storage_t<Fmt>* in, float* out, std::size_t count,
                                           float scale, std::int32_t zero_point) {
  const vu32 sv = splat(bit_cast<std::uint32_t>(scale));
  const vu32 zp = splat(static_cast<std::uint32_t>(zero_point));
  std::size_t i = 0;
  for (; i + lanes <= count; i += lanes)
    store_f32(out + i, affine_value_lanes<Fmt>(load_codes(in + i), zp, sv));
  if (i < count) {
    alignas(64) storage_t<Fmt> x[lanes] = {};
    alignas(64) float y[lanes] = {};
    for (std::size_t j = 0; j < count - i; ++j) x[j] = in[i + j];
    store_f32(y, affine_value_lanes<Fmt>(load_codes(x), zp, sv));
    for (std::size_t j = 0; j < count - i; ++j) out[i + j] = y[j];
  }
}
