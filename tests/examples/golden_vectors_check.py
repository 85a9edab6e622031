#!/usr/bin/env python3
"""Independent check of the files examples/golden_vectors.cpp writes.

Usage: golden_vectors_check.py <golden_vectors executable> <work dir>

Runs the program with no arguments (the default set) and with a list of other options, parses
every file it writes and checks every vector against an oracle written here from the specs
(docs/formats.md, docs/codec.md, docs/blocks.md and formats-reference.md sections 1, 2, 4, 5,
10), with exact rational arithmetic (fractions.Fraction and integers). Nothing here calls lowp:

* decode: every code is decoded from the generic model of formats-reference 1.1 with the
  special-value conventions of docs/formats.md, and the decoded float32 bits must be that value
  exactly (NaN: 0x7FC00000 with the code's sign bit, as the file header states);
* encode: the representable magnitudes of the format are enumerated exactly; an input rounds
  to one of its two neighbours on that grid, extended past max by one more step of the top
  binade (max + 2^(emax - M), the first value that overflows), under the rounding rule of
  docs/codec.md, then the overflow / NaN / zero / negative policies apply;
* blocks: OCP MX scale 2^(floor(log2 amax) - emax_elem) clamped to [-127, 127], elements
  rounded from x / scale and saturated, decoded = element x 2^(scale - 127); NVFP4 the
  TransformerEngine order of docs/blocks.md with every float32 (and the one float64) step
  rounded here to nearest even.
"""
import os
import shutil
import subprocess
import sys
from bisect import bisect_right
from fractions import Fraction

UNIT = 149  # every float32 (and every value of a valid format) is an integer times 2^-149
FLT_MAX = Fraction((1 << 24) - 1) * Fraction(2) ** 104

# (exponent bits, mantissa bits, bias, signed, special values): formats-reference.md 10.1.
FORMATS = {
    "e4m3fn": (4, 3, 7, True, "fn"),
    "e5m2": (5, 2, 15, True, "ieee"),
    "e4m3": (4, 3, 7, True, "ieee"),
    "e3m4": (3, 4, 3, True, "ieee"),
    "e4m3fnuz": (4, 3, 8, True, "fnuz"),
    "e5m2fnuz": (5, 2, 16, True, "fnuz"),
    "e4m3b11fnuz": (4, 3, 11, True, "fnuz"),
    "e8m0fnu": (8, 0, 127, False, "e8m0"),
    "e2m3fn": (2, 3, 1, True, "finite"),
    "e3m2fn": (3, 2, 3, True, "finite"),
    "e2m1fn": (2, 1, 1, True, "finite"),
    "ue4m3": (4, 3, 7, False, "fn"),
    "bfloat16": (8, 7, 127, True, "ieee"),
    "binary16": (5, 10, 15, True, "ieee"),
    "tf32": (8, 10, 127, True, "ieee"),
}
# Largest finite values, formats-reference 10.1 (and the bf16/half/tf32 IEEE maxima).
EXPECTED_MAX = {
    "e4m3fn": 448, "e5m2": 57344, "e4m3": 240, "e3m4": Fraction(31, 2), "e4m3fnuz": 240,
    "e5m2fnuz": 57344, "e4m3b11fnuz": 30, "e8m0fnu": Fraction(2) ** 127, "e2m3fn": Fraction(15, 2),
    "e3m2fn": 28, "e2m1fn": 6, "ue4m3": 448, "bfloat16": Fraction(255) * Fraction(2) ** 120,
    "binary16": 65504, "tf32": Fraction(2047) * Fraction(2) ** 117,
}
# OCP MX blocks (formats-reference 4.1): element format and emax_elem.
MX_BLOCKS = {
    "mxfp8_e4m3": ("e4m3fn", 8), "mxfp8_e5m2": ("e5m2", 15), "mxfp6_e2m3": ("e2m3fn", 2),
    "mxfp6_e3m2": ("e3m2fn", 4), "mxfp4": ("e2m1fn", 2), "mxint8": ("int8/64", 0),
}

failures = []


def fail(msg):
    failures.append(msg)
    if len(failures) <= 30:
        print("MISMATCH: " + msg)


def floor_log2(v):
    """floor(log2 v) of a positive Fraction, exactly."""
    v = Fraction(v)
    e = v.numerator.bit_length() - v.denominator.bit_length()
    if Fraction(2) ** e > v:
        e -= 1
    return e


# --- binary floating point, rounded to nearest even (float32 and float64 steps) -----------------
def round_binary(v, p, emin, emax):
    """Rounds Fraction v >= 0 to p significant bits, exponent range [emin, emax], nearest even.
    Returns a Fraction, or None for overflow (infinity)."""
    if v == 0:
        return Fraction(0)
    q = max(floor_log2(v), emin) - (p - 1)
    n = v / Fraction(2) ** q
    whole = n.numerator // n.denominator
    rest = n - whole
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and whole % 2 == 1):
        whole += 1
    r = whole * Fraction(2) ** q
    if r >= Fraction(2) ** (emax + 1):
        return None
    return r


def f32_bits(neg, v):
    """float32 bits of -v / v (v a Fraction >= 0 or None = infinity), rounding v to nearest even."""
    sign = 0x80000000 if neg else 0
    if v is None:
        return sign | 0x7F800000
    r = round_binary(v, 24, -126, 127)
    if r is None:
        return sign | 0x7F800000
    if r == 0:
        return sign
    e = floor_log2(r)
    if e < -126:
        return sign | int(r * Fraction(2) ** 149)
    return sign | ((e + 127) << 23) | (int(r / Fraction(2) ** (e - 23)) - (1 << 23))


def f32_value(bits):
    """(negative, Fraction magnitude or 'inf' or 'nan') of float32 bits."""
    neg = bits >> 31 == 1
    e = (bits >> 23) & 0xFF
    m = bits & 0x7FFFFF
    if e == 0xFF:
        return neg, ("nan" if m else "inf")
    if e == 0:
        return neg, Fraction(m) / Fraction(2) ** 149
    return neg, Fraction((1 << 23) | m) * Fraction(2) ** (e - 150)


# --- a format, from its descriptor ---------------------------------------------------------------
class Format:
    def __init__(self, name):
        E, M, bias, signed, spec = FORMATS[name]
        self.name, self.E, self.M, self.bias, self.signed, self.spec = name, E, M, bias, signed, spec
        self.mag_bits = E + M
        self.bits = self.mag_bits + (1 if signed else 0)
        self.sign_bit = (1 << self.mag_bits) if signed else 0
        self.has_inf = spec == "ieee"
        self.has_nan = spec != "finite"
        self.has_zero = spec != "e8m0"
        self.has_neg_zero = signed and spec != "fnuz"
        self.emin = -bias if spec == "e8m0" else 1 - bias
        # Every magnitude code: its value (Fraction), or 'inf' / 'nan'.
        self.value_of_mag = {}
        for mag in range(1 << self.mag_bits):
            self.value_of_mag[mag] = self.classify(mag)
        finite = sorted((v, mag) for mag, v in self.value_of_mag.items() if isinstance(v, Fraction))
        self.max, self.max_code = finite[-1]
        assert self.max == EXPECTED_MAX[name], (name, self.max)
        self.emax = floor_log2(self.max)
        # Grid in units of 2^-149, ascending; 0 is the underflow point even where no zero exists.
        self.grid = sorted({int(v * 2**UNIT) for v, _ in finite} | {0})
        self.code_of_units = {int(v * 2**UNIT): mag for v, mag in finite}
        # The first value past max on the unbounded grid (overflow after rounding).
        self.next_units = int((self.max + Fraction(2) ** (self.emax - M)) * 2**UNIT)
        # NaN codes (docs/codec.md: canonical quiet NaN, CUDA's all-ones NaN).
        if spec == "ieee":
            self.nan_code = (((1 << E) - 1) << M) | (1 << (M - 1))
            self.nan_all_ones = ((1 << E) - 1) << M | ((1 << M) - 1)
        elif spec == "fnuz":
            self.nan_code = self.nan_all_ones = self.sign_bit
        elif spec in ("fn", "e8m0"):
            self.nan_code = self.nan_all_ones = (1 << self.mag_bits) - 1
        else:
            self.nan_code = self.nan_all_ones = None
        self.inf_code = ((1 << E) - 1) << M if self.has_inf else None

    def classify(self, mag):
        e, m = mag >> self.M, mag & ((1 << self.M) - 1)
        top = (1 << self.E) - 1
        if self.spec == "ieee" and e == top:
            return "inf" if m == 0 else "nan"
        if self.spec == "fn" and mag == (1 << self.mag_bits) - 1:
            return "nan"
        if self.spec == "e8m0":
            return "nan" if mag == 0xFF else Fraction(2) ** (mag - self.bias)
        if e == 0:
            return Fraction(m) * Fraction(2) ** (1 - self.bias - self.M)
        return Fraction((1 << self.M) | m) * Fraction(2) ** (e - self.bias - self.M)

    def decode(self, code):
        """(negative, Fraction / 'inf' / 'nan') of a code."""
        if self.spec == "fnuz" and code == self.sign_bit:
            return True, "nan"
        neg = bool(code & self.sign_bit)
        return neg, self.value_of_mag[code & ((1 << self.mag_bits) - 1)]

    def decoded_bits(self, code):
        neg, v = self.decode(code)
        sign = 0x80000000 if neg else 0
        if v == "nan":
            return sign | 0x7FC00000
        if v == "inf":
            return sign | 0x7F800000
        return f32_bits(neg, v)

    # Codes with a sign.
    def signed_code(self, mag, neg):
        return mag | (self.sign_bit if neg and self.signed else 0)

    def zero(self, neg):
        return self.sign_bit if (neg and self.has_neg_zero) else 0

    def signed_max(self, neg):
        return self.signed_code(self.max_code, neg)

    def lowest(self):
        return self.signed_max(True) if self.signed else 0

    def nan_with_sign(self, neg):
        if self.spec == "fnuz":
            return self.nan_code
        return self.signed_code(self.nan_code, neg)

    def nonfinite(self, neg):
        """Overflow to_nonfinite: inf, else NaN (sign kept, formats-reference 2.2), else max."""
        if self.has_inf:
            return self.signed_code(self.inf_code, neg)
        if self.has_nan:
            return self.nan_with_sign(neg)
        return self.signed_max(neg)

    def odd(self, units):
        """Whether the integer significand (implicit bit included) of a grid value is odd."""
        if units == 0:
            return False
        e = units.bit_length() - 1 - UNIT
        q = max(e, self.emin) - self.M
        n, r = divmod(units, 1 << (q + UNIT))
        assert r == 0
        return n % 2 == 1


OVER = "overflow"


def round_on_grid(grid, next_units, odd, a, mode, neg, rbits, sr_bits):
    """Rounds magnitude a (units of 2^-149, int or Fraction) to a grid value, or OVER."""
    if a >= next_units:
        return OVER
    i = bisect_right(grid, a) - 1
    lo = grid[i]
    if lo == a:
        return lo
    hi = grid[i + 1] if i + 1 < len(grid) else next_units
    d, half = a - lo, Fraction(hi - lo, 2)
    if mode == "nearest_even":
        up = d > half or (d == half and odd(lo))
    elif mode == "nearest_away":
        up = d >= half
    elif mode == "nearest_zero":
        up = d > half
    elif mode == "toward_zero":
        up = False
    elif mode == "toward_positive":
        up = not neg
    elif mode == "toward_negative":
        up = neg
    elif mode == "to_odd":
        up = not odd(lo)
    elif mode == "stochastic":
        f = Fraction(d) / (hi - lo) * 2**sr_bits  # top sr_bits bits of the discarded fraction
        t = f.numerator // f.denominator
        up = t + rbits >= 2**sr_bits
    else:
        raise ValueError(mode)
    r = hi if up else lo
    return OVER if r == next_units else r


def toward_zero_for(mode, neg):
    return mode == "toward_zero" or (mode == "toward_positive" and neg) or (
        mode == "toward_negative" and not neg)


def encode_value(fmt, neg, v, pol, rbits=0, sr_bits=32):
    """Code of a value (Fraction >= 0, 'inf' or 'nan', with a sign) under policy dict pol."""
    mode, over = pol["rounding"], pol["overflow"]
    if v == "nan":
        if fmt.has_nan:
            if pol["nan"] == "all_ones":
                return fmt.nan_all_ones
            if pol["nan"] == "keep_sign":
                return fmt.nan_with_sign(neg)
            return fmt.nan_code
        return {"max_positive": fmt.max_code, "flipped_zero": fmt.zero(not neg), "zero": 0}[
            pol["no_nan"]]
    is_zero = v != "inf" and v == 0
    # Negatives into unsigned formats (docs/codec.md "negative"); a -inf under a non-saturating
    # overflow policy stays non-finite (NaN).
    if neg and not is_zero and not fmt.signed and pol["negative"] != "magnitude":
        if (v == "inf" and over != "saturate") or pol["negative"] == "nan":
            return fmt.nan_code if fmt.has_nan else fmt.lowest()
        return fmt.lowest()
    if not fmt.signed:
        neg = False
    if v == "inf":
        return fmt.signed_max(neg) if over == "saturate" else fmt.nonfinite(neg)
    if is_zero:
        if fmt.has_zero:
            return fmt.zero(neg)
        return 0 if pol["no_zero"] == "lowest" else fmt.nan_code
    if (pol["compat"] == "mldtypes_e8m0_subnormal" and fmt.spec == "e8m0" and
            mode.startswith("nearest") and Fraction(2) ** -127 <= v < Fraction(2) ** -126):
        # ml_dtypes rounds [2^-127, 2^-126) as if code 0 were zero (docs/codec.md, policy.hpp).
        return 0 if v == Fraction(2) ** -127 else 1
    a = v * 2**UNIT
    if a.denominator == 1:
        a = a.numerator
    r = round_on_grid(fmt.grid, fmt.next_units, fmt.odd, a, mode, neg, rbits, sr_bits)
    if r == OVER:
        if over in ("saturate", "saturate_keep_inf"):
            return fmt.signed_max(neg)
        if over == "ieee" and toward_zero_for(mode, neg):
            return fmt.signed_max(neg)
        return fmt.nonfinite(neg)
    if r == 0:
        return fmt.zero(neg) if fmt.has_zero else 0
    return fmt.signed_code(fmt.code_of_units[r], neg)


# --- files -----------------------------------------------------------------------------------------
def read_file(path):
    header, rows = {}, []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("//"):
                body = line[2:].strip()
                if ":" in body and not body.startswith("hex"):
                    k, _, val = body.partition(":")
                    header.setdefault(k.strip(), val.strip())
            elif line.strip():
                rows.append([int(x, 16) for x in line.split()])
    return header, rows


FORMAT_CACHE = {}


def get_format(name):
    if name not in FORMAT_CACHE:
        FORMAT_CACHE[name] = Format(name)
    return FORMAT_CACHE[name]


def check_scalar_file(path, header, rows):
    fmt = get_format(header["format"])
    pol = {k: header[k] for k in ("rounding", "overflow", "nan", "no_nan", "no_zero", "negative",
                                  "compat")}
    stochastic = pol["rounding"] == "stochastic"
    sr_bits = int(header["sr_bits"].split()[0]) if stochastic else 32
    expected_cols = "input_f32 rbits code decoded_f32" if stochastic else "input_f32 code decoded_f32"
    if header["columns"] != expected_cols:
        fail("%s: columns '%s'" % (path, header["columns"]))
        return
    count = int(header["vectors"].split()[0])
    if count != len(rows):
        fail("%s: header says %d vectors, file has %d" % (path, count, len(rows)))
    inputs = set()
    bad = 0
    for row in rows:
        if stochastic:
            xin, rb, code, out = row
        else:
            (xin, code, out), rb = row, 0
        inputs.add(xin)
        if rb >= 2**sr_bits or code >= 2**fmt.bits:
            fail("%s: field out of range in %s" % (path, row))
            continue
        if fmt.decoded_bits(code) != out:
            bad += 1
            fail("%s: code %X decodes to %08X, file says %08X" % (path, code, fmt.decoded_bits(code),
                                                                 out))
        neg, v = f32_value(xin)
        want = encode_value(fmt, neg, v, pol, rb, sr_bits)
        if want != code:
            bad += 1
            fail("%s: input %08X%s -> expected code %X, file has %X" % (
                path, xin, " rbits %X" % rb if stochastic else "", want, code))
    # The boundary values the header promises: zeros, max, the overflow tie, inf, NaN, the
    # smallest value and half of it.
    min_pos = Fraction(fmt.grid[1], 2**UNIT)
    must = {0, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, f32_bits(False, fmt.max),
            f32_bits(False, fmt.max + Fraction(2) ** (fmt.emax - fmt.M - 1)),
            f32_bits(True, fmt.max), f32_bits(False, min_pos), f32_bits(False, min_pos / 2)}
    missing = must - inputs
    if missing:
        fail("%s: boundary inputs missing: %s" % (path, " ".join("%08X" % m for m in missing)))
    return len(rows), bad


def check_mx_block(path, elem_name, emax, mode, sr_bits, ins, rbs, scale, codes, outs):
    """One OCP MX block (formats-reference 4.1, 4.2; docs/blocks.md)."""
    vals = [f32_value(x) for x in ins]
    if any(not isinstance(v, Fraction) for _, v in vals):
        if scale != 0xFF:
            fail("%s: block with NaN/inf has scale %02X, expected FF" % (path, scale))
        if any(o != 0x7FC00000 for o in outs):
            fail("%s: NaN-scale block decodes to %s" % (path, outs))
        return
    amax = max(v for _, v in vals)
    s = -127 if amax == 0 else min(max(floor_log2(amax) - emax, -127), 127)
    if scale != s + 127:
        fail("%s: amax %s: scale %02X, expected %02X" % (path, float(amax), scale, s + 127))
        return
    X = Fraction(2) ** s
    pol = {"rounding": mode, "overflow": "saturate", "nan": "positive", "no_nan": "max_positive",
           "no_zero": "lowest", "negative": "nan", "compat": "none"}
    for i, ((neg, v), code, out) in enumerate(zip(vals, codes, outs)):
        y = v / X
        rb = rbs[i] if rbs else 0
        if elem_name == "int8/64":
            # n = round(y * 64), clamped to [-127, 127], two's complement; value n / 64.
            a = y * 64
            lo = a.numerator // a.denominator
            grid = [lo, lo + 1]
            r = round_on_grid(grid, lo + 2, lambda u: u % 2 == 1, a, mode, neg, rb, sr_bits)
            n = min(r, 127) * (-1 if neg else 1)
            want = n & 0xFF
            elem_neg, elem_val = code >= 128, Fraction(abs(code - 256 if code >= 128 else code), 64)
        else:
            fmt = get_format(elem_name)
            want = encode_value(fmt, neg, y, pol, rb, sr_bits)
            elem_neg, elem_val = fmt.decode(code)
        if code != want:
            fail("%s: element %08X / 2^%d -> expected %X, file has %X" % (path, ins[i], s, want,
                                                                         code))
        # decoded = element value x 2^(scale - 127), exactly
        if f32_bits(elem_neg, elem_val * Fraction(2) ** (scale - 127)) != out:
            fail("%s: code %X x 2^%d decodes to %08X in the file" % (path, code, scale - 127, out))


def f32_of(neg, v):
    """(neg, Fraction or 'inf') of the float32 that -v / v rounds to."""
    b = f32_bits(neg, None if v == "inf" else v)
    return f32_value(b)


def f32_mul(a, b):
    (na, va), (nb, vb) = a, b
    neg = na != nb
    if va == "nan" or vb == "nan":
        return neg, "nan"
    if va == "inf" or vb == "inf":
        return (neg, "nan") if (va == 0 or vb == 0) else (neg, "inf")
    return f32_of(neg, va * vb)


def check_nvfp4_block(path, mode, sr_bits, ins, rbs, tenc, tdec, scale, codes, outs):
    """One NVFP4 block in TransformerEngine's order (docs/blocks.md, formats-reference 5.2)."""
    e2m1, ue4m3 = get_format("e2m1fn"), get_format("ue4m3")
    vals = [f32_value(x) for x in ins]
    S_enc, S_dec = f32_value(tenc), f32_value(tdec)
    if any(v == "nan" for _, v in vals):
        if scale != 0x7F or any(o != 0x7FC00000 for o in outs):
            fail("%s: NaN block: scale %02X, outputs %s" % (path, scale, outs))
        return
    amax = "inf" if any(v == "inf" for _, v in vals) else max(v for _, v in vals)
    sixth = f32_of(False, Fraction(1, 6))
    m = f32_mul(S_enc, sixth)
    sc = f32_mul((False, amax), m)
    sat = {"rounding": "nearest_even", "overflow": "saturate", "nan": "positive",
           "no_nan": "max_positive", "no_zero": "lowest", "negative": "nan", "compat": "none"}
    want_scale = encode_value(ue4m3, False, sc[1], sat)
    if scale != want_scale:
        fail("%s: amax %s: scale %02X, expected %02X" % (path, amax, scale, want_scale))
        return
    scale_v = (False, ue4m3.decode(scale)[1])
    d = f32_mul(scale_v, S_dec)
    inv = (False, "inf") if d[1] == 0 else f32_of(False, 1 / d[1])
    factor = (False, FLT_MAX) if inv[1] == "inf" or inv[1] > FLT_MAX else inv  # fminf
    pol = dict(sat, rounding=mode)
    for i, (x, code, out) in enumerate(zip(vals, codes, outs)):
        y = f32_mul(x, factor)
        want = encode_value(e2m1, y[0], y[1], pol, rbs[i] if rbs else 0, sr_bits)
        if code != want:
            fail("%s: element %08X (y = %s) -> expected %X, file has %X" % (path, ins[i], y, want,
                                                                            code))
        prod = f32_mul(f32_mul(e2m1.decode(code), scale_v), S_dec)
        want_out = f32_bits(prod[0], None if prod[1] == "inf" else prod[1])
        if out != want_out:
            fail("%s: element code %X decodes to %08X, expected %08X" % (path, code, out, want_out))


def nvfp4_tensor(amax_bits):
    """S_enc = fminf(2688 / amax, FLT_MAX), 1 if amax or S_enc is 0; S_dec = float(1.0 /
    double(S_enc))."""
    _, amax = f32_value(amax_bits)
    if amax == 0:
        s_enc = Fraction(1)
    else:
        q = round_binary(Fraction(2688) / amax, 24, -126, 127)
        s_enc = FLT_MAX if q is None or q > FLT_MAX else q
        if s_enc == 0:
            s_enc = Fraction(1)
    s_dec = round_binary(round_binary(1 / s_enc, 53, -1022, 1023), 24, -126, 127)
    return f32_bits(False, s_enc), f32_bits(False, s_dec)


def check_block_file(path, header, rows):
    name = header["block"]
    mode = header["rounding"]
    stochastic = mode == "stochastic"
    sr_bits = int(header["sr_bits"].split()[0]) if stochastic else 32
    nv = name.startswith("nvfp4")
    B = 16 if nv else 32
    two_level = name == "nvfp4"
    cols = "in[0..%d]%s%s scale code[0..%d] out[0..%d]" % (
        B - 1, " rbits[0..last]" if stochastic else "", " tenc tdec" if two_level else "", B - 1,
        B - 1)
    if header["columns"] != cols:
        fail("%s: columns '%s', expected '%s'" % (path, header["columns"], cols))
        return 0, 1
    width = B * (3 if not stochastic else 4) + 1 + (2 if two_level else 0)
    if int(header["vectors"].split()[0]) != len(rows):
        fail("%s: vector count" % path)
    if two_level:
        tenc_want, tdec_want = nvfp4_tensor(int(header["tensor_amax"].split()[0], 16))
    for row in rows:
        if len(row) != width:
            fail("%s: %d fields, expected %d" % (path, len(row), width))
            continue
        ins, k = row[:B], B
        rbs = None
        if stochastic:
            rbs, k = row[k:k + B], k + B
        tenc, tdec = 0x3F800000, 0x3F800000
        if two_level:
            tenc, tdec = row[k], row[k + 1]
            k += 2
            if (tenc, tdec) != (tenc_want, tdec_want):
                fail("%s: tensor scale %08X %08X, expected %08X %08X" % (path, tenc, tdec,
                                                                        tenc_want, tdec_want))
        scale, codes, outs = row[k], row[k + 1:k + 1 + B], row[k + 1 + B:]
        if nv:
            check_nvfp4_block(path, mode, sr_bits, ins, rbs, tenc, tdec, scale, codes, outs)
        else:
            elem, emax = MX_BLOCKS[name]
            check_mx_block(path, elem, emax, mode, sr_bits, ins, rbs, scale, codes, outs)
    return len(rows), 0


def check_file(path):
    header, rows = read_file(path)
    before = len(failures)
    if "block" in header:
        n, _ = check_block_file(path, header, rows)
        what = "blocks"
    else:
        n, _ = check_scalar_file(path, header, rows)
        what = "vectors"
    print("  %-40s %5d %s %s" % (os.path.basename(path), n, what,
                                 "ok" if len(failures) == before else "FAILED"))


def run(exe, cwd, args):
    r = subprocess.run([exe] + args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    if r.returncode != 0:
        fail("%s %s exited with %d: %s" % (exe, " ".join(args), r.returncode, r.stderr))
    return r.stdout


def main():
    exe, work = os.path.abspath(sys.argv[1]), sys.argv[2]
    base = os.path.join(work, "golden_vectors_check")
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(base)

    # 1. The default set: every file the summary lists.
    out = run(exe, base, [])
    files = [ln.split()[0] for ln in out.splitlines() if ln.endswith((" values", " blocks"))]
    if len(files) < 4:
        fail("default run lists %d files" % len(files))
    print("default run:")
    for f in files:
        check_file(os.path.join(base, f))

    # 2. Other formats, modes and policies (every format, mode, overflow policy and profile at
    #    least once).
    runs = [
        "--format e5m2 --rounding toward_zero --overflow ieee",
        "--format e4m3 --rounding toward_positive",
        "--format e3m4 --rounding toward_negative --overflow ieee",
        "--format e4m3fnuz --rounding nearest_away --profile mldtypes_rne_sat",
        "--format e5m2fnuz --rounding to_odd --overflow saturate_keep_inf",
        "--format e4m3b11fnuz --rounding nearest_zero --profile cuda_nosat",
        "--format e8m0fnu --rounding toward_positive --profile cuda_satfinite",
        "--format e8m0fnu --profile mldtypes_rne",
        "--format e8m0fnu --rounding toward_negative --overflow ieee",
        "--format e2m3fn --rounding stochastic --sr-bits 3 --profile mldtypes_rne",
        "--format e3m2fn --rounding to_odd --overflow saturate",
        "--format ue4m3 --rounding toward_negative --profile mldtypes_rne_sat",
        "--format ue4m3 --rounding stochastic --sr-bits 32 --overflow saturate",
        "--format e4m3fn --rounding stochastic --sr-bits 1 --seed 7 --overflow ieee",
        "--format e4m3fn --rounding toward_zero --overflow ieee",
        "--format e5m2 --rounding to_odd",
        "--format bfloat16 --rounding to_odd",
        "--format binary16 --overflow saturate",
        "--format tf32 --rounding toward_zero --count 64",
        "--block mxfp8_e5m2 --rounding stochastic --count 16",
        "--block mxfp6_e2m3 --rounding nearest_away --count 16",
        "--block mxfp6_e3m2 --rounding toward_zero --count 16",
        "--block mxint8 --count 16",
        "--block mxint8 --rounding stochastic --sr-bits 4 --count 16",
        "--block mxfp4 --rounding toward_positive --count 16",
        "--block nvfp4 --count 32",
        "--block nvfp4 --rounding stochastic --count 16",
        "--block nvfp4_single --rounding nearest_away --count 16",
    ]
    print("other options:")
    for i, args in enumerate(runs):
        name = "run%02d.txt" % i
        run(exe, base, args.split() + ["--out", name])
        check_file(os.path.join(base, name))

    # 3. A seed reproduces its vectors; another seed changes them.
    def vectors(name):
        with open(os.path.join(base, name)) as f:
            return [ln for ln in f if not ln.startswith("//")]
    for name, seed in (("seed5.txt", "5"), ("seed5b.txt", "5"), ("seed6.txt", "6")):
        run(exe, base, ["--format", "e4m3fn", "--seed", seed, "--out", name])
    if vectors("seed5.txt") != vectors("seed5b.txt"):
        fail("the same seed gave different vectors")
    if vectors("seed5.txt") == vectors("seed6.txt"):
        fail("another seed gave the same vectors")

    if failures:
        print("golden_vectors_check: %d mismatches" % len(failures))
        return 1
    print("golden_vectors_check: every vector agrees with the independent oracle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
