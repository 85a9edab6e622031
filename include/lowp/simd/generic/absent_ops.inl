// absent_ops.inl: the lane operations only some ISAs have, declared (never defined) for an ISA
// without them, with each feature flag false. No include guard: simd/<isa>/vec.hpp includes it
// inside namespace lowp::simd::<isa> after defining vu32 and lanes. The generic kernels test
// the flags in `if constexpr`, so these declarations are never called; they only let the
// discarded branches parse.

/// Magnitude limited to that of `limit`, sign kept (vrangeps; AVX-512 only).
vu32 clamp_abs(vu32 v, vu32 limit);
/// Whether group_max exists (else block maxima are reduced one by one).
inline constexpr bool has_group_max = false;
/// Lane j = the largest lane of v[j] (AVX-512 only).
vu32 group_max(const vu32 (&v)[lanes]);
/// Whether pack_lanes packs Bits-bit codes (else block encoders pack through a buffer).
template <int Bits>
inline constexpr bool has_pack_lanes = false;
/// Count codes packed as a bit stream (AVX-512 only).
template <int Bits, int Count>
void pack_lanes(vu32 c0, vu32 c1, vu32 c2, vu32 c3, std::uint8_t* p);
/// Whether unpack16 exists (else block decoders unpack through a buffer).
inline constexpr bool has_unpack16 = false;
/// 16 codes unpacked from a bit stream (AVX-512 only).
template <int Bits>
vu32 unpack16(const std::uint8_t* p);
/// Whether lookup64 is cheaper than lookup256.
inline constexpr bool has_lookup64 = false;
/// table[idx & 63] (AVX-512 only).
vu32 lookup64(const std::uint32_t* table, vu32 idx);
/// Whether lookup32 is one instruction (else the table-magic encoder is not used).
inline constexpr bool has_lookup32 = false;
/// table[idx & 31] (AVX-512 only).
vu32 lookup32(const std::uint32_t* table, vu32 idx);
