#!/usr/bin/env python3
"""Independent check of example_quantization_explorer (Python standard library only).

usage: python3 quantization_explorer_check.py EXE WORKDIR

1. Runs EXE --csv on the built-in tensors and checks, from the CSV alone: every format row
   is present on every tensor with the storage bits its specification gives (element bits +
   scale bits / block size), the rows are sorted (bits, then SQNR), and the published trends
   hold on the Gaussian tensor (MXINT8 > MXFP8 E4M3; MXFP4 > INT4 with the same E8M0 scale
   per 32; NVFP4 > MXFP4). Every trend line the program prints must agree with the CSV.
2. Writes a small tensor (Python's random, fixed seed, blocks spread over several binades,
   an all-zero block and a partial last block) as raw float32 and as .npy, runs EXE on both
   (the rows must be identical), and recomputes several rows with quantizers written here
   from the specifications (OCP MX v1.0 section 6.3, TransformerEngine's NVFP4 order,
   symmetric integers): the dequantized values must be identical, so SQNR, max |err| and
   mean error agree to double rounding.
"""
import csv
import math
import os
import random
import re
import struct
import subprocess
import sys
from fractions import Fraction

FAILURES = []


def fail(msg):
    FAILURES.append(msg)
    print("FAIL: " + msg)


def run(exe, args):
    p = subprocess.run([exe] + args, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        sys.exit("%s %s exited with %d\n%s%s" % (exe, " ".join(args), p.returncode, p.stdout,
                                                 p.stderr))
    return p.stdout


def read_csv(path):
    rows = {}
    order = []
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            for k in ("bits", "sqnr_db", "max_abs_err", "mean_err", "mean_abs_err"):
                r[k] = float(r[k])
            rows[(r["tensor"], r["format"])] = r
            order.append(r)
    return rows, order


# ---- storage bits from the specifications -------------------------------------------------
# element bits + (scale bits / block size); fp32 tensor scales are not counted.
def expected_bits():
    e = {"float16": 16, "bfloat16": 16, "e4m3fn": 8, "e4m3": 8, "e5m2": 8, "e3m4": 8,
         "e2m3fn": 6, "e3m2fn": 6, "e2m1fn": 4, "int8": 8, "int6": 6, "int4": 4,
         "int8_g32": 8 + 32 / 32, "int6_g32": 6 + 32 / 32, "int4_g32": 4 + 32 / 32,
         "int4_g16": 4 + 32 / 16,
         "mxint8_full": 8 + 8 / 32,
         "nvfp4": 4 + 8 / 16, "nvfp4_torchao": 4 + 8 / 16, "nvfp4_single": 4 + 8 / 16,
         "int4_nv": 4 + 8 / 16,
         "msfp16": 8 + 8 / 16, "msfp12": 4 + 8 / 16,     # sign + 7 / 3 magnitude bits
         "q8_0": 8 + 16 / 32, "q4_0": 4 + 16 / 32, "ggml_mxfp4": 4 + 8 / 32}
    for name, bits in (("mxfp8_e4m3", 8), ("mxfp8_e5m2", 8), ("mxfp6_e2m3", 6),
                       ("mxfp6_e3m2", 6), ("mxfp4", 4), ("mxint8", 8), ("int6_mx", 6),
                       ("int4_mx", 4)):
        for rule in ("", "/ceil", "/even", "/rceil"):
            e[name + rule] = bits + 8 / 32  # E8M0 scale per 32
    return e


# ---- float32 and minifloat rounding, written from the definitions -------------------------
FLT_MAX = struct.unpack("<f", b"\xff\xff\x7f\x7f")[0]


def f32(v):
    """v rounded to float32 (nearest-even); overflow gives +-inf."""
    try:
        return struct.unpack("<f", struct.pack("<f", v))[0]
    except OverflowError:
        return math.copysign(math.inf, v)


def floor_log2(a):
    """floor(log2 a) for a > 0, exactly."""
    return math.frexp(a)[1] - 1


def round_minifloat(v, mant_bits, emin, max_value):
    """v to the nearest value with `mant_bits` mantissa bits and exponents >= emin
    (subnormals below), ties to even, saturating at +-max_value."""
    if v == 0:
        return 0.0
    a = abs(v)
    q = 2.0 ** (max(floor_log2(a), emin) - mant_bits)  # quantum of a's binade
    r = round(a / q) * q                                # round(): ties to even, exact here
    return math.copysign(min(r, max_value), v)


E2M1 = (1, 0, 6.0)           # mantissa bits, emin, max
E4M3FN = (3, -6, 448.0)


def rne_int(fr):
    """A Fraction rounded to the nearest integer, ties to even."""
    return round(fr)  # Fraction.__round__ rounds half to even


# ---- the quantizers -----------------------------------------------------------------------
def int_symmetric(x, qmax, group):
    """scale = fp32(amax / qmax) per group; q = RNE(exact x / scale) in [-qmax, qmax];
    value fp32(q * scale)."""
    out = []
    for g0 in range(0, len(x), group):
        blk = x[g0:g0 + group]
        amax = max(abs(v) for v in blk)
        s = f32(amax / qmax)
        if s <= 0:
            s = 1.0
        for v in blk:
            q = max(-qmax, min(qmax, rne_int(Fraction(v) / Fraction(s))))
            out.append(f32(q * s))
    return out


def mx(x, emax_elem, element_round):
    """OCP MX v1.0 6.3: per block of 32, X = 2^(floor(log2 amax) - emax_elem) (E8M0, clamped
    to [-127, 127]); elements are x / X rounded (nearest-even, saturating); value element * X."""
    out = []
    for b0 in range(0, len(x), 32):
        blk = x[b0:b0 + 32]
        amax = max(abs(v) for v in blk)
        e = -127 if amax == 0 else max(-127, min(127, floor_log2(amax) - emax_elem))
        scale = 2.0 ** e
        out.extend(f32(element_round(v / scale) * scale) for v in blk)
    return out


def mxfp4(x):
    return mx(x, 2, lambda v: round_minifloat(v, *E2M1))


def mxfp8_e4m3(x):
    return mx(x, 8, lambda v: round_minifloat(v, *E4M3FN))


def mxint8(x):
    # element: 8-bit two's complement n / 64 (emax 0), symmetric range [-127, 127]
    return mx(x, 0, lambda v: max(-127, min(127, round(v * 64))) / 64)


def e4m3fn_per_tensor(x):
    """s = fp32(amax / 448); y = fp32(x / s) rounded to E4M3 (nearest-even, saturating);
    value fp32(q * s)."""
    amax = max(abs(v) for v in x)
    s = f32(amax / 448.0) if amax > 0 else 1.0
    return [f32(round_minifloat(f32(v / s), *E4M3FN) * s) for v in x]


def nvfp4_te(x):
    """NVFP4, TransformerEngine order (every step a float32 operation):
    S_enc = fminf(2688 / amax_t, FLT_MAX) (1 if amax_t == 0), S_dec = float(1 / double(S_enc));
    block (16): scale = UE4M3 RN satfinite(amax_b * (S_enc * (1/6)));
    element: y = x * fminf(1 / (scale * S_dec), FLT_MAX) to E2M1 (RNE, saturating);
    value (e * scale) * S_dec."""
    amax_t = max(abs(v) for v in x)
    s_enc = f32(2688.0 / amax_t) if amax_t > 0 else 1.0
    s_enc = min(s_enc, FLT_MAX)
    if s_enc == 0:
        s_enc = 1.0
    s_dec = f32(1.0 / s_enc)
    per_block = f32(s_enc * f32(1.0 / 6.0))
    out = []
    for b0 in range(0, len(x), 16):
        blk = x[b0:b0 + 16]
        amax = max(abs(v) for v in blk)
        scale = round_minifloat(f32(amax * per_block), *E4M3FN)  # UE4M3: E4M3 without sign
        m = f32(1.0 / f32(scale * s_dec)) if scale > 0 else math.inf
        m = min(m, FLT_MAX)
        for v in blk:
            e = round_minifloat(f32(v * m), *E2M1)
            out.append(f32(f32(e * scale) * s_dec))
    return out


def stats(x, q):
    """SQNR (dB), max |err|, mean err, mean |err|: sums in double, in index order."""
    signal = noise = max_abs = total = total_abs = 0.0
    for xi, qi in zip(x, q):
        e = qi - xi
        signal += xi * xi
        noise += e * e
        max_abs = max(max_abs, abs(e))
        total += e
        total_abs += abs(e)
    n = len(x)
    return (10.0 * math.log10(signal / noise) if noise > 0 else math.inf, max_abs, total / n,
            total_abs / n)


# ---- checks -------------------------------------------------------------------------------
BUILTIN = ("gaussian", "laplace", "student_t4", "gauss_outliers")
TRENDS = [  # (label in the program's output, a, b): the claim "a beats b"
    ("(1)", "mxint8", "mxfp8_e4m3"),
    ("(2)", "mxfp4", "int4_g32"),
    ("(2)", "mxfp4", "int4_mx"),
    ("(2)", "nvfp4", "int4_nv"),
    ("(3)", "nvfp4", "mxfp4"),
]
MUST_HOLD_ON_GAUSSIAN = {("mxint8", "mxfp8_e4m3"), ("mxfp4", "int4_mx"), ("nvfp4", "mxfp4")}


def check_default(exe, work):
    path = os.path.join(work, "qe_default.csv")
    out = run(exe, ["--csv", path])
    rows, order = read_csv(path)
    bits = expected_bits()
    for t in BUILTIN:
        for fmt, b in bits.items():
            r = rows.get((t, fmt))
            if r is None:
                fail("no row %s on %s" % (fmt, t))
            elif abs(r["bits"] - b) > 1e-12:
                fail("%s: %s has %g bits per element, the spec gives %g" % (t, fmt, r["bits"], b))
    if len(order) != len(BUILTIN) * len(bits):
        fail("%d CSV rows, expected %d" % (len(order), len(BUILTIN) * len(bits)))
    for a, b in zip(order, order[1:]):
        if a["tensor"] == b["tensor"] and (a["bits"], -a["sqnr_db"]) > (b["bits"], -b["sqnr_db"]):
            fail("%s: rows not sorted by bits then SQNR: %s before %s" %
                 (a["tensor"], a["format"], b["format"]))

    # Trends, from the CSV numbers; the program's verdict lines must say the same.
    line_re = re.compile(r"^\s*(\(\d\))[^:]*:\s+(\S+)\s+(\S+)\s+([-\d.inf]+) dB (>|<=)\s*(\S+)"
                         r"\s+([-\d.inf]+) dB: (holds|does not hold)$")
    printed = {}
    for line in out.splitlines():
        m = line_re.match(line)
        if m:
            printed[(m.group(2), m.group(3), m.group(6))] = m.group(8) == "holds"
    print("trend check from the CSV (SQNR dB):")
    for t in BUILTIN:
        for label, a, b in TRENDS:
            sa, sb = rows[(t, a)]["sqnr_db"], rows[(t, b)]["sqnr_db"]
            holds = sa > sb
            print("  %s %-15s %-11s %8.3f vs %-11s %8.3f: %s" %
                  (label, t, a, sa, b, sb, "holds" if holds else "does not hold"))
            if printed.get((t, a, b)) != holds:
                fail("the program's verdict for %s vs %s on %s (%s) disagrees with the CSV" %
                     (a, b, t, printed.get((t, a, b))))
            if t == "gaussian" and (a, b) in MUST_HOLD_ON_GAUSSIAN and not holds:
                fail("published trend %s > %s does not hold on the Gaussian tensor" % (a, b))


def write_npy(path, values, shape):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % (
        ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else ""))
    pad = 64 - (10 + len(header) + 1) % 64
    header += " " * (pad % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1"))
        f.write(struct.pack("<%df" % len(values), *values))


def check_oracle(exe, work):
    rng = random.Random(12345)
    n = 4100  # 128 full blocks of 32 and a partial one of 4
    x = []
    for b0 in range(0, n, 32):
        k = rng.randint(-6, 6)  # blocks over several binades
        for _ in range(min(32, n - b0)):
            x.append(f32(rng.gauss(0.0, 1.0) * 2.0 ** k))
    # Blocks with exact ties, so that the rounding rules are exercised, not only the scales.
    def block(head):
        return [float(v) for v in head] + x[len(head):32]
    x[64:96] = [0.0] * 32  # an all-zero block
    # MXFP4, amax 6: scale 2^0, E2M1 ties (2.5 -> 2, 3.5 -> 4, 5 -> 4, 0.25 -> 0, 0.75 -> 1)
    x[96:128] = block([6, 2.5, -2.5, 5, -5, 0.25, -0.25, 0.75, 1.25, -1.75, 3.5, -3.5])
    # INT4 per 32 and per 16, amax 7 in both halves: scale 1, ties k + 0.5
    x[128:160] = block([7, 0.5, 1.5, -2.5, 3.5, -4.5, 5.5, 6.5, -6.5] + [0.0] * 7 +
                       [-7, -0.5, 2.5, 4.5, -5.5])
    # MXINT8, amax 1.5: scale 2^0, elements n/64, ties (2k + 1) / 128
    x[160:192] = [1.5] + [(2 * k + 1) / 128 * (-1) ** k for k in range(31)]
    # MXFP8 E4M3, amax 464: scale 2^0; 464 -> 448 (tie at the top), 304 -> 320, 1.0625 -> 1,
    # 1.1875 -> 1.25, subnormal ties 1.5 x 2^-9 -> 2^-8 and 2.5 x 2^-9 -> 2^-8
    x[192:224] = block([464, 304, 1.0625, -1.1875, 2.125, 1.5 * 2 ** -9, -2.5 * 2 ** -9])
    # The tensor's amax, 896 = 2 x 448: the E4M3 per-tensor scale is 2, y = x / 2 is exact
    x[224] = 896.0
    raw = os.path.join(work, "qe_small.f32")
    npy = os.path.join(work, "qe_small.npy")
    with open(raw, "wb") as f:
        f.write(struct.pack("<%df" % n, *x))
    write_npy(npy, x, (41, 100))

    raw_csv, npy_csv = os.path.join(work, "qe_small_raw.csv"), os.path.join(work, "qe_small_npy.csv")
    run(exe, ["--csv", raw_csv, raw])
    run(exe, ["--csv", npy_csv, npy])
    raw_rows, _ = read_csv(raw_csv)
    npy_rows, _ = read_csv(npy_csv)
    strip = lambda rows: {f: {k: v for k, v in r.items() if k != "tensor"}
                          for (_, f), r in rows.items()}
    if strip(raw_rows) != strip(npy_rows):
        fail("the .npy and the raw float32 copy of the same tensor give different rows")

    oracles = {
        "int8": lambda v: int_symmetric(v, 127, len(v)),
        "int4_g32": lambda v: int_symmetric(v, 7, 32),
        "int4_g16": lambda v: int_symmetric(v, 7, 16),
        "e4m3fn": e4m3fn_per_tensor,
        "mxint8": mxint8,
        "mxfp8_e4m3": mxfp8_e4m3,
        "mxfp4": mxfp4,
        "nvfp4": nvfp4_te,
    }
    print("independent recomputation on %d values (%s):" % (n, os.path.basename(raw)))
    for fmt, quantizer in oracles.items():
        want = stats(x, quantizer(x))
        r = raw_rows[("qe_small.f32", fmt)]
        got = (r["sqnr_db"], r["max_abs_err"], r["mean_err"], r["mean_abs_err"])
        ok = all(w == g or abs(w - g) <= 1e-9 * max(abs(w), abs(g)) for w, g in zip(want, got))
        print("  %-11s SQNR python %.12f, program %.12f, max|err| %.6g / %.6g: %s" %
              (fmt, want[0], got[0], want[1], got[1], "ok" if ok else "MISMATCH"))
        if not ok:
            fail("%s: python %r, program %r" % (fmt, want, got))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    exe, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    check_default(exe, work)
    check_oracle(exe, work)
    if FAILURES:
        sys.exit("%d check(s) failed" % len(FAILURES))
    print("quantization_explorer: all checks passed")


if __name__ == "__main__":
    main()
