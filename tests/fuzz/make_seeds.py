#!/usr/bin/env python3
"""Writes the seed corpora of the lowp fuzz targets (corpus/<target>/seed-*) and the regression
inputs (regressions/<target>-*), deterministically, in the byte layouts the targets read
(README.md, "Input layouts"). Standard library only. Run from anywhere:

    python3 tests/fuzz/make_seeds.py

Every file is rewritten; files of the same directories that this script does not write are
left alone (inputs found by fuzzing and added by hand)."""

import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def u8(v):
    return struct.pack("<B", v & 0xFF)


def u16(v):
    return struct.pack("<H", v & 0xFFFF)


def u32(v):
    return struct.pack("<I", v & 0xFFFFFFFF)


def u64(v):
    return struct.pack("<Q", v & 0xFFFFFFFFFFFFFFFF)


def f32(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def f64(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


class splitmix:
    """A tiny deterministic generator (SplitMix64), the same on every Python."""

    def __init__(self, seed):
        self.s = seed & 0xFFFFFFFFFFFFFFFF

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return z ^ (z >> 31)

    def u32(self):
        return self.next() & 0xFFFFFFFF


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


# Float32 bit patterns every target meets: zeros, the smallest subnormals, the smallest normal,
# 1, values around FP8/FP6/FP4 maxima and ties, FLT_MAX, infinities and NaNs with payloads.
SPECIAL_FLOATS = [
    0x00000000, 0x80000000, 0x00000001, 0x807FFFFF, 0x00800000, 0x3F800000, 0xBF800000,
    f32(448.0), f32(464.0), f32(480.0), f32(-57344.0), f32(61440.0), f32(6.0), f32(-7.0),
    f32(2.5), f32(0.25), f32(1.0 / 1024), f32(2.0 ** -127), f32(3.0 * 2.0 ** -130),
    0x7F7FFFFF, 0xFF7FFFFF, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00001, 0x7F800001,
    0x7FA5A5A5, 0x3FFFFFFF, 0x4B800000,
]


# --- fuzz_codec ---------------------------------------------------------------------------------
# kind u8 (even: compiled format, u16 index; odd: run-time descriptor E u8, M u8, bias u16
# (value + 150), sign/convention u8), mode u8, overflow u8, random count u8, then records
# op u8, random value u32, operand (op 0: float32 u32; 1: float64 u64; 2: code u32; 3: source
# u8 and code u16; run-time formats: 2 is a second descriptor and a code u16).

CATALOGUE = ["e4m3fn", "e5m2", "e4m3", "e3m4", "e4m3fnuz", "e5m2fnuz", "e4m3b11fnuz", "e8m0fnu",
             "e2m3fn", "e3m2fn", "e2m1fn", "ue4m3", "binary8p3se", "binary8p4uf", "binary8p1se",
             "binary6p3ue", "exmy33", "e5m1fn_b10", "bfloat16", "binary16", "tf32"]
CONVENTIONS = ["ieee", "fn", "fnuz", "finite", "e8m0", "p3109_extended", "p3109_finite"]


def codec_compiled(index, mode, ovf, count):
    return u8(0) + u16(index) + u8(mode) + u8(ovf) + u8(count)


def codec_runtime(e, m, bias, unsigned, convention, mode, ovf, count):
    return (u8(1) + u8(e - 1) + u8(m) + u16(bias + 150) +
            u8((CONVENTIONS.index(convention) << 1) | (1 if unsigned else 0)) +
            u8(mode) + u8(ovf) + u8(count))


def rec_float(r, bits):
    return u8(0) + u32(r) + u32(bits)


def rec_double(r, x):
    return u8(1) + u32(r) + u64(f64(x))


def rec_decode(r, code):
    return u8(2) + u32(r) + u32(code)


def rec_convert(r, source, code):
    return u8(3) + u32(r) + u8(source) + u16(code)


def codec_seeds():
    rng = splitmix(0xC0DEC)
    seeds = {}
    floats = b"".join(rec_float(rng.u32(), b) for b in SPECIAL_FLOATS)
    seeds["e4m3fn-rne-specials"] = codec_compiled(CATALOGUE.index("e4m3fn"), 0, 2, 32) + floats
    seeds["e5m2-stochastic-8bits"] = codec_compiled(CATALOGUE.index("e5m2"), 7, 2, 8) + floats
    seeds["e8m0-toward-positive"] = codec_compiled(CATALOGUE.index("e8m0fnu"), 4, 0, 32) + floats
    seeds["e2m1-to-odd-saturate"] = (codec_compiled(CATALOGUE.index("e2m1fn"), 6, 0, 32) +
                                     b"".join(rec_float(0, f32(v)) for v in
                                              [0.25, 0.75, 1.25, 2.5, 3.5, 5.0, 6.5, -1e-3]))
    seeds["bfloat16-ieee-doubles"] = (codec_compiled(CATALOGUE.index("bfloat16"), 5, 3, 32) +
                                      b"".join(rec_double(0, v) for v in
                                               [1.0 + 2.0 ** -40, -431.99999999999994, 1e300,
                                                -1e-300, 2.0 ** -1074, 3.3895313892515355e38]))
    seeds["binary16-decode-every-kind"] = (
        codec_compiled(CATALOGUE.index("binary16"), 0, 2, 32) +
        b"".join(rec_decode(0, c) for c in [0x0000, 0x8001, 0x03FF, 0x0400, 0x7BFF, 0x7C00,
                                            0xFC00, 0x7E00, 0xFD01]))
    seeds["tf32-stochastic-1bit"] = (codec_compiled(CATALOGUE.index("tf32"), 7, 1, 1) +
                                     b"".join(rec_float(rng.u32(), rng.u32()) for _ in range(6)))
    seeds["p3109-convert"] = (codec_compiled(CATALOGUE.index("binary8p3se"), 1, 2, 32) +
                              b"".join(rec_convert(0, s, c) for s, c in
                                       [(0, 0x7E), (1, 0x7B), (2, 0x7BFF), (3, 0xFE), (0, 0x80)]))
    seeds["grid-first"] = codec_compiled(len(CATALOGUE), 2, 1, 32) + floats
    seeds["grid-last-ish"] = (codec_compiled(len(CATALOGUE) + 120, 3, 3, 32) +
                              b"".join(rec_decode(0, c) for c in range(0, 64, 7)) + floats[:40])
    seeds["runtime-e5m3-bias20-finite-unsigned"] = (
        codec_runtime(5, 3, 20, True, "finite", 0, 2, 32) + floats)
    seeds["runtime-e3m2-p3109-convert"] = (
        codec_runtime(3, 2, 2, False, "p3109_extended", 2, 1, 32) +
        u8(2) + u32(0) + u8(4) + u8(3) + u16(7 + 150) + u8(0) + u16(0x5F) +
        u8(2) + u32(0) + u8(7) + u8(0) + u16(127 + 150) + u8(8 | 1) + u16(0xFE))
    return seeds


# --- fuzz_simd ----------------------------------------------------------------------------------
# family u8 (encode, decode, packed, fake, affine, amax), format u8, ISA u8, mode u8,
# overflow u8, policy fields u8, NaN decoding u8, seed u64, random count u8, first index (how u8,
# value u32, and for how 3 a second u32), offsets u8 (input low nibble, output high nibble),
# length u16 (bit 15: the data's own length), split u16, 8 family bytes, then the data.

SIMD_FORMATS = ["e4m3fn", "e5m2", "e4m3", "e3m4", "e4m3fnuz", "e5m2fnuz", "e4m3b11fnuz",
                "e8m0fnu", "e2m3fn", "e3m2fn", "e2m1fn", "ue4m3", "bfloat16", "binary16", "tf32",
                "binary32", "p3109<8,3>", "p3109<8,1>", "p3109<8,4,unsigned,finite>",
                "p3109<6,3,unsigned>", "p3109<16,8>", "exmy<3,4,fn,4>", "exmy<3,3>",
                "exmy<5,1,fn,10>", "exmy<6,9>"]
FAMILIES = ["encode", "decode", "packed", "fake", "affine", "amax"]


def simd_case(family, fmt, isa, mode, ovf, fields, nan, seed, count, fi_how, fi, offsets,
              length, split, extra, data):
    head = (u8(FAMILIES.index(family)) + u8(SIMD_FORMATS.index(fmt)) + u8(isa) + u8(mode) +
            u8(ovf) + u8(fields) + u8(nan) + u64(seed) + u8(count) + u8(fi_how) + u32(fi))
    if fi_how % 4 == 3:
        head += u32(fi >> 32)
    return head + u8(offsets) + u16(length) + u16(split) + bytes(extra) + data


def simd_seeds():
    rng = splitmix(0x51AD)
    specials = b"".join(u32(b) for b in SPECIAL_FLOATS)
    randoms = b"".join(u32(rng.u32()) for _ in range(64))
    z = [0] * 8
    return {
        "encode-e4m3fn-avx512-long": simd_case("encode", "e4m3fn", 2, 0, 2, 0, 0, 1, 32, 0, 0,
                                               0x00, 4099, 1000, z, specials + randoms),
        "encode-e2m1-stochastic-avx2": simd_case("encode", "e2m1fn", 1, 7, 0, 0, 0, 42, 5, 1, 7,
                                                 0x31, 333, 17, z, specials),
        "encode-bfloat16-policies": simd_case("encode", "bfloat16", 2, 4, 3, 53, 1, 3, 32, 0, 0,
                                              0x5A, 0x8000, 9, z, specials + randoms),
        "encode-e8m0-quirk": simd_case("encode", "e8m0fnu", 2, 0, 1, 3 * 54 + 5, 0, 0, 32, 0, 0,
                                       0x00, 0x8000, 0, z, specials),
        "decode-e5m2-all-codes": simd_case("decode", "e5m2", 2, 0, 0, 0, 1, 0, 32, 0, 0, 0x17,
                                           0x8000, 100, z, bytes(range(256)) * 4),
        "decode-binary16-payload": simd_case("decode", "binary16", 1, 0, 0, 0, 1, 0, 32, 0, 0,
                                             0x20, 0x8000, 3, z, randoms + specials),
        "decode-tf32-raw": simd_case("decode", "tf32", 2, 0, 0, 0, 3, 0, 32, 0, 0, 0x00, 777, 5,
                                     z, randoms),
        "packed-e2m1-avx512": simd_case("packed", "e2m1fn", 2, 0, 2, 0, 2, 9, 32, 2, 1, 0x73,
                                        2049, 64, z, specials + randoms),
        "packed-e3m2-avx2": simd_case("packed", "e3m2fn", 1, 6, 2, 0, 0, 9, 8, 0, 0, 0x00, 515,
                                      0, z, randoms),
        "fake-ue4m3-in-place": simd_case("fake", "ue4m3", 2, 1, 2, 0, 4, 0, 32, 0, 0, 0x00, 300,
                                         0, [0, 0, 0, 0, 0, 0, 0, 1], specials),
        "affine-int4-reciprocal": simd_case("affine", "e4m3", 2, 0, 0, 0, 0, 77, 32, 0, 0, 0x11,
                                            1000, 0, [6, 0, 2, 1, 0, 0, 0, 0], randoms),
        "affine-uint8-stochastic": simd_case("affine", "e5m2", 1, 7, 0, 0, 0, 5, 3, 0, 0, 0x00,
                                             257, 0, [63, 1, 1, 3, 4, 0, 0, 0], specials),
        "amax-nan-inside": simd_case("amax", "e4m3fn", 2, 0, 0, 0, 0, 0, 32, 0, 0, 0x03, 0x8000,
                                     0, z, randoms + specials),
    }


# --- fuzz_blocks --------------------------------------------------------------------------------
# format u8, mode index u8 (the k-th of the format's compiled modes), ISA u8, options u8
# (zeros %3, specials /3 %2, no_nan /6 %3, tail /18 %4 == 3: reject, threads /72 %2),
# options2 u8 (tensor amax kind %4, input offset >> 4 %8), tensor amax bits u32, seed u64,
# random count u8, value kind u8 (raw, grid, window), centre u8, length u16 (bit 15: the data's
# own), edit count u8 (%8), edits (kind u8, position u16, argument u32), then the data.

BLOCK_FORMATS = ["mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e2m3", "mxfp6_e3m2", "mxfp4", "mxint8",
                 "mxint8_full", "nvfp4", "nvfp4_torchao_order", "nvfp4_single", "msfp12",
                 "msfp16", "bfp<5,32>", "bfp<1,8>", "q8_0", "q4_0", "ggml_mxfp4", "mxfp4 ceil",
                 "mxfp8_e4m3 even", "mxfp8_e4m3 rceil", "mxfp4 rceil", "mxint8 even",
                 "mxfp6_e3m2 log2f"]


def blocks_options(zeros=0, specials=0, no_nan=0, reject=False, threads=False):
    return zeros + 3 * specials + 6 * no_nan + 18 * (3 if reject else 0) + 72 * (1 if threads
                                                                                 else 0)


def blocks_case(fmt, mode, isa, opt, amax_kind, in_off, amax_bits, seed, count, how, centre,
                length, edits, data):
    head = (u8(BLOCK_FORMATS.index(fmt)) + u8(mode) + u8(isa) + u8(opt) +
            u8(amax_kind | (in_off << 4)) + u32(amax_bits) + u64(seed) + u8(count) + u8(how) +
            u8(centre) + u16(length) + u8(len(edits)))
    for kind, at, arg in edits:
        head += u8(kind) + u16(at) + u32(arg)
    return head + data


def blocks_seeds():
    rng = splitmix(0xB10C5)
    specials = b"".join(u32(b) for b in SPECIAL_FLOATS)
    randoms = b"".join(u32(rng.u32()) for _ in range(96))
    grid = b"".join(u32(rng.u32() & 0xFFFF00FF | 0x2A00) for _ in range(40))
    nan_inf = [(0, 5, 0xFFC00001), (1, 70, 0x80000000)]
    zero_equal = [(2, 40, 0x0F0F0F0F), (3, 100, 0)]
    return {
        "mxfp8-e4m3-grid-ties": blocks_case("mxfp8_e4m3", 0, 2, blocks_options(), 0, 0, 0, 1,
                                            32, 1, 30, 32 * 9 + 5, [], grid),
        "mxfp4-stochastic-nan-inf": blocks_case("mxfp4", 7, 1, blocks_options(zeros=1), 0, 3, 0,
                                                99, 5, 0, 0, 32 * 40 + 31, nan_inf,
                                                randoms + specials),
        "mxfp6-e3m2-saturate-inf": blocks_case("mxfp6_e3m2", 3, 2, blocks_options(specials=1), 0,
                                               1, 0, 0, 32, 2, 120, 200, nan_inf, randoms),
        "mxint8-zero-and-equal-blocks": blocks_case("mxint8", 1, 2, blocks_options(zeros=2), 0,
                                                    0, 0, 0, 32, 2, 127, 32 * 6, zero_equal,
                                                    randoms),
        "nvfp4-tensor-amax": blocks_case("nvfp4", 0, 2, blocks_options(), 2, 2, 0x3F000000, 0,
                                         32, 2, 125, 16 * 70 + 3, [], randoms),
        "nvfp4-torchao-nan": blocks_case("nvfp4_torchao_order", 0, 1, blocks_options(), 0, 0, 0,
                                         0, 32, 2, 110, 16 * 12, [(0, 17, 0x7FC00000)], randoms),
        "msfp12-subnormal-window": blocks_case("msfp12", 4, 2, blocks_options(), 0, 0, 0, 0, 32,
                                               2, 1, 16 * 20 + 1, [], randoms),
        "q8_0-ties-away": blocks_case("q8_0", 1, 2, blocks_options(), 0, 0, 0, 0, 32, 1, 10,
                                      32 * 8, [], grid),
        "q4_0-finite": blocks_case("q4_0", 0, 1, blocks_options(), 0, 5, 0, 0, 32, 2, 126,
                                   32 * 5, [(7, 3, 0x00002A00)], randoms),
        "ggml-mxfp4-reject-tail": blocks_case("ggml_mxfp4", 1, 2, blocks_options(reject=True),
                                              0, 0, 0, 0, 32, 2, 126, 32 * 3 + 1, [], randoms),
        "mxfp8-rceil-below-pow2": blocks_case("mxfp8_e4m3 rceil", 0, 2, blocks_options(), 0, 0,
                                              0, 0, 32, 2, 100, 32 * 4,
                                              [(7, 1, 0x00006400), (7, 50, 0x80007F3F)], randoms),
        "mxfp4-threads": blocks_case("mxfp4", 0, 2, blocks_options(threads=True), 0, 0, 0, 0,
                                     32, 0, 0, 32 * 100 + 7, [], randoms),
        "empty": blocks_case("mxfp8_e5m2", 0, 2, blocks_options(), 0, 0, 0, 0, 32, 0, 0, 0, [],
                             b""),
    }


def blocks_regressions():
    """Inputs that showed library bugs (README.md, "Regressions")."""
    return {
        # blocks::quantize(parallel{3, 32}, ...) of q8_0 with a NaN in the calling thread's
        # piece: std::terminate instead of std::domain_error (lowp::detail::run_parallel).
        "parallel-domain-error-terminates": blocks_case(
            "q8_0", 1, 0, blocks_options(threads=True), 0, 0, 0, 0, 32, 0, 0, 96,
            [(0, 0, 0x7FC00000)], u32(f32(1.0))),
        # NVFP4 (single level), no_nan = flipped_zero, element -NaN: the reference writes -0
        # (code 8), the AVX2 / AVX-512 kernels +0 (code 0).
        "nvfp4-flipped-zero-nan-sign": blocks_case(
            "nvfp4_single", 0, 1, blocks_options(no_nan=1), 0, 0, 0, 0, 32, 0, 0, 16,
            [(5, 0, 0xFFC00000)], u32(f32(1.0))),
        # NVFP4 (TransformerEngine order) with a calibrated tensor_amax of -2 and an all-zero
        # block: the reference writes +6 (code 7, its elements are 0 * -inf = NaN), the AVX2 /
        # AVX-512 kernels 0.
        "nvfp4-negative-tensor-amax": blocks_case(
            "nvfp4", 0, 1, blocks_options(), 3, 0, f32(-2.0), 0, 32, 0, 0, 32,
            [(5, 3, f32(1.0))], u32(0)),
    }


# --- fuzz_gemm ----------------------------------------------------------------------------------
# ISA u8, layout u8 (%3), kernel u8 (%2), activations u8 (%3: int8, float32 dynamic, float32
# exact), M u8 (1 + %70), K u16 (1 + %300), N u8 (1 + %6), width u8 (bit 7 codebook, bit 6
# refused width), group kind u8, weight source u8 (%8: 5 mxfp4, 6 nvfp4_single, 7 q4_0, 4
# extreme), scale kind u8, activation kind u8, bad u8 (%8 == 7: an activation of -128), then
# the data.

def gemm_case(isa, layout, kernel, act, m, k, n, width, group, source, scales, acts, bad, data):
    return (u8(isa) + u8(layout) + u8(kernel) + u8(act) + u8(m - 1) + u16(k - 1) + u8(n - 1) +
            u8(width) + u8(group) + u8(source) + u8(scales) + u8(acts) + u8(bad) + data)


def gemm_seeds():
    rng = splitmix(0x6E33)
    data = bytes(rng.u32() & 0xFF for _ in range(600))
    return {
        "int8-2bit-avx512-dot": gemm_case(2, 2, 0, 0, 37, 203, 3, 1, 3, 0, 1, 1, 0, data),
        "int8-1bit-planes-threads": gemm_case(2, 1, 0, 0, 17, 96, 4, 0, 2, 0, 1, 1, 0x80, data),
        "int8-4bit-groups-of-16-avx2": gemm_case(1, 0, 0, 0, 20, 64, 2, 3, 1, 0, 1, 1, 0, data),
        "exact-codebook-avx512": gemm_case(2, 0, 0, 2, 33, 130, 5, 0x80 | 4, 0, 0, 1, 1, 0, data),
        "exact-special-values": gemm_case(2, 2, 0, 2, 16, 64, 2, 2, 2, 0, 2, 2, 0, data),
        "dynamic-mxfp4": gemm_case(2, 0, 0, 1, 8, 64, 3, 0, 0, 5, 1, 2, 0, data),
        "dynamic-q4_0-scalar": gemm_case(1, 0, 1, 1, 5, 96, 1, 0, 0, 7, 1, 1, 0, data),
        "nvfp4-single-exact": gemm_case(2, 0, 0, 2, 9, 32, 2, 0, 0, 6, 1, 1, 0, data),
        "extreme-long-group": gemm_case(2, 2, 0, 0, 4, 300, 3, 3, 0, 4, 1, 1, 0, data),
        "refused-group-49": gemm_case(2, 2, 0, 0, 4, 100, 1, 1, 7 + 8 * 16, 0, 1, 1, 0, data),
        "refused-minus-128": gemm_case(0, 0, 0, 0, 3, 40, 2, 1, 0, 0, 1, 1, 7 + 8 * 5, data),
    }


def simd_regressions():
    """Inputs that showed library bugs (README.md, "Regressions")."""
    huge = u32(f32(1e30))
    return {
        # quantize_int<uint8>, fp32 division, one group per element, scales near 1 and raw
        # int32 zero points, every input 1e30: where the zero point lies in about
        # [-2^28, -2^26], the AVX2 / AVX-512 kernels give 0 and the scalar codec 255.
        "affine-large-zero-point": simd_case("affine", "e5m2", 1, 0, 0, 0, 0, 11, 32, 0, 0,
                                             0x00, 1000, 0, [0, 0, 1, 7, 0, 0, 0, 0], huge),
    }


def main():
    for target, seeds in [("codec", codec_seeds()), ("simd", simd_seeds()),
                          ("blocks", blocks_seeds()), ("gemm", gemm_seeds())]:
        for name, data in seeds.items():
            write(os.path.join(HERE, "corpus", target, "seed-" + name), data)
    for name, data in simd_regressions().items():
        write(os.path.join(HERE, "regressions", "simd-" + name), data)
    for name, data in blocks_regressions().items():
        write(os.path.join(HERE, "regressions", "blocks-" + name), data)


if __name__ == "__main__":
    main()
