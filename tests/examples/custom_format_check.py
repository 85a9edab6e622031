#!/usr/bin/env python3
"""Independent check of example_custom_format.

Run as: python3 custom_format_check.py <exe> <workdir>

The oracle is written from the definitions, not from lowp: a format is (E, M, bias,
convention); codes are decoded field by field with exact Fractions; a float32 input is rounded
by splitting |x| / quantum into an integer and a fraction (quantum 2^(max(floor(log2|x|), emin)
- M)) and applying the rounding rule; a result above the largest finite value overflows (to
inf where the format has it, else NaN; to the largest value under saturation). The script
compares the oracle with
  - the property rows (max, min normal, min subnormal, number of finite values, NaN code),
  - every cell of both encoding tables for the default inputs and for ~400 more inputs
    (ties, binade edges, subnormals, overflow thresholds, zeros, inf, NaN, random values):
    nearest-even, toward-zero, toward-positive and nearest with saturation exactly, and the
    stochastic column as one of the two neighbours,
  - the array lines of the default run (codes of the nearest-even column).
Python standard library only.
"""
import functools
import math
import os
import random
import re
import struct
import subprocess
import sys
from fractions import Fraction

# name in the output: (E, M, bias, convention)
#   fn:        NaN at the all-ones magnitude (both signs), no inf, +-0
#   p3109:     P3109 extended domain: NaN 0x80, +-inf at 0x7F / 0xFF, no -0
#   p3109fin:  P3109 finite domain: NaN 0x80, no inf, no -0
FORMATS = {
    "e3m4 bias 5": (3, 4, 5, "fn"),
    "binary8p3": (5, 2, 16, "p3109"),  # K=8, P=3: 8-3 exponent bits, bias 2^(8-3-1)
    "binary8p3 finite": (5, 2, 16, "p3109fin"),
}
PROPERTY_ROWS = {  # label in the property table -> format
    "e3m4 bias 5 (fn)": "e3m4 bias 5",
    "exmy<3,4,fn,5>": "e3m4 bias 5",
    "binary8p3": "binary8p3",
    "binary8p3 finite": "binary8p3 finite",
}
DEFAULT_INPUTS = ["0.1", "3.45", "-3.45", "7.7", "100", "0.003", "100000"]
NAN = "NaN"
FAILURES = []


def fail(msg):
    FAILURES.append(msg)


def f32(text):
    """The float32 nearest to a decimal string (as strtof gives), as a Python float."""
    return struct.unpack("<f", struct.pack("<f", float(text)))[0]


def decode(fmt, code):
    """A Fraction, '-0', 'inf', '-inf' or NaN."""
    e, m, bias, conv = FORMATS[fmt]
    sign = code >> 7
    mag = code & 0x7F
    field, mant = mag >> m, mag & ((1 << m) - 1)
    if conv == "fn" and mag == 0x7F:
        return NAN
    if conv in ("p3109", "p3109fin") and code == 0x80:
        return NAN
    if conv == "p3109" and mag == 0x7F:
        return "-inf" if sign else "inf"
    if field == 0:
        v = mant * Fraction(2) ** (1 - bias - m)
    else:
        v = (2**m + mant) * Fraction(2) ** (field - bias - m)
    if sign:
        return "-0" if v == 0 else -v
    return v


@functools.lru_cache(maxsize=None)
def properties(fmt):
    e, m, bias, conv = FORMATS[fmt]
    values = [decode(fmt, c) for c in range(256)]
    nums = {Fraction(0) if v == "-0" else v for v in values if v not in (NAN, "inf", "-inf")}
    nan_codes = [c for c, v in enumerate(values) if v == NAN]
    return {
        "max": max(nums),
        "min_normal": Fraction(2) ** (1 - bias),
        "min_sub": min(v for v in nums if v > 0),
        "values": len(nums),
        "has_inf": "inf" in values,
        "nan": nan_codes,
    }


def floor_log2(a):
    """floor(log2(a)) for a positive Fraction, exactly."""
    k = a.numerator.bit_length() - a.denominator.bit_length()
    if Fraction(2) ** k > a:
        k -= 1
    if Fraction(2) ** (k + 1) <= a:
        k += 1
    return k


def encode(fmt, x, mode, saturate=False):
    """The value the oracle gives x (a float32 as a Python float). mode: 'nearest_even',
    'toward_zero', 'toward_positive', or 'stochastic' (returns the set of allowed values)."""
    e, m, bias, conv = FORMATS[fmt]
    props = properties(fmt)
    has_neg_zero = conv == "fn"

    def signed(v, negative):
        if v in (NAN,):
            return v
        if v == "inf":
            return "-inf" if negative else "inf"
        if v == 0:
            return "-0" if (negative and has_neg_zero) else Fraction(0)
        return -v if negative else v

    def overflow(negative):
        if saturate:
            return signed(props["max"], negative)
        return signed("inf", negative) if props["has_inf"] else NAN

    if math.isnan(x):
        return {NAN} if mode == "stochastic" else NAN
    negative = math.copysign(1.0, x) < 0
    if math.isinf(x):
        r = overflow(negative)
        return {r} if mode == "stochastic" else r
    a = abs(Fraction(x))
    if a == 0:
        r = signed(Fraction(0), negative)
        return {r} if mode == "stochastic" else r
    emin = 1 - bias
    q = Fraction(2) ** (max(floor_log2(a), emin) - m)
    n = a / q
    lo = math.floor(n)
    frac = n - lo
    up = lo + (1 if frac > 0 else 0)
    if mode == "nearest_even":
        choices = [lo + 1 if (frac > Fraction(1, 2) or (frac == Fraction(1, 2) and lo % 2)) else lo]
    elif mode == "toward_zero":
        choices = [lo]
    elif mode == "toward_positive":
        choices = [lo if negative else up]
    else:
        choices = sorted({lo, up})
    results = set()
    for k in choices:
        v = k * q
        results.add(overflow(negative) if v > props["max"] else signed(v, negative))
    return results if mode == "stochastic" else results.pop()


def parse_value(text):
    if text in ("nan", "-nan"):
        return NAN
    if text in ("inf", "-inf", "-0"):
        return text
    return Fraction(text)


def show(v):
    if isinstance(v, set):
        return "{" + ", ".join(sorted(show(x) for x in v)) + "}"
    return v if isinstance(v, str) else str(v)


CELL = re.compile(r"(0x[0-9A-F]{2}) \(([^)]*)\)")
MODES = ["nearest_even", "toward_zero", "toward_positive", "saturate", "stochastic"]


def encode_tables(out):
    """{format: [(x text, [(code, printed value) x 5])]} from the encoding tables."""
    tables, current = {}, None
    for line in out.splitlines():
        mt = re.match(r"^(.+): encode\(x\) -> code \(value\)$", line)
        if mt:
            current = tables.setdefault(mt.group(1), [])
            continue
        if current is None:
            continue
        cells = CELL.findall(line)
        if len(cells) == 5:
            current.append((line.split()[0], [(int(c, 16), parse_value(v)) for c, v in cells]))
        elif not line.startswith("x "):
            current = None
    return tables


def check_tables(out, inputs, label):
    tables = encode_tables(out)
    count = 0
    for fmt in ("e3m4 bias 5", "binary8p3"):
        rows = tables.get(fmt, [])
        if len(rows) != len(inputs):
            fail(f"{label}: {fmt}: {len(rows)} rows, expected {len(inputs)}")
            continue
        for text, (xtext, cells) in zip(inputs, rows):
            x = f32(text)
            if not (math.isnan(x) and xtext in ("nan", "-nan")) and f32(xtext) != x:
                fail(f"{label}: {fmt}: row '{xtext}' is not the input {text}")
            for mode, (code, printed) in zip(MODES, cells):
                decoded = decode(fmt, code)
                if decoded != printed:
                    fail(f"{label}: {fmt} x={text} {mode}: code 0x{code:02X} is {show(decoded)}, "
                         f"printed {show(printed)}")
                if mode == "saturate":
                    want = encode(fmt, x, "nearest_even", saturate=True)
                else:
                    want = encode(fmt, x, mode)
                ok = decoded in want if isinstance(want, set) else decoded == want
                if not ok:
                    fail(f"{label}: {fmt} x={text} {mode}: got 0x{code:02X} = {show(decoded)}, "
                         f"expected {show(want)}")
                count += 1
    return count


def check_properties(out):
    for line in out.splitlines():
        for label, fmt in PROPERTY_ROWS.items():
            if not line.startswith(label + " ") or line.startswith(label + " finite"):
                continue
            parts = line[len(label):].split()
            if len(parts) != 10:
                continue
            p = properties(fmt)
            e, m, bias, _ = FORMATS[fmt]
            got = {
                "bits/E/M/bias": [int(v) for v in parts[0:4]],
                "inf": parts[4] == "yes",
                "max": Fraction(parts[5]),
                "min normal": Fraction(parts[6]),
                "min subnormal": Fraction(parts[7]),
                "values": int(parts[8]),
                "NaN code": int(parts[9], 16),
            }
            want = {
                "bits/E/M/bias": [8, e, m, bias],
                "inf": p["has_inf"],
                "max": p["max"],
                "min normal": p["min_normal"],
                "min subnormal": p["min_sub"],
                "values": p["values"],
                "NaN code": p["nan"][0],
            }
            for key in want:
                if got[key] != want[key]:
                    fail(f"properties of {label}: {key} printed {got[key]}, expected {want[key]}")
            PROPERTY_ROWS[label] = None  # seen
    for label, fmt in PROPERTY_ROWS.items():
        if fmt is not None:
            fail(f"no property row for {label}")


def check_arrays(out):
    codes = re.search(r"array quantize<e3m4 bias 5>: ((?:0x[0-9A-F]{2} )+)", out)
    if not codes:
        fail("no array quantize line")
        return
    got = [decode("e3m4 bias 5", int(c, 16)) for c in codes.group(1).split()]
    want = [encode("e3m4 bias 5", f32(t), "nearest_even") for t in DEFAULT_INPUTS]
    if got != want:
        fail(f"array quantize: {[show(v) for v in got]}, expected {[show(v) for v in want]}")
    sr = re.search(r"array quantize<e3m4 bias 5, stochastic> \(seed 42\): ((?:0x[0-9A-F]{2} )+)", out)
    if not sr:
        fail("no array stochastic line")
        return
    for t, c in zip(DEFAULT_INPUTS, sr.group(1).split()):
        allowed = encode("e3m4 bias 5", f32(t), "stochastic")
        if decode("e3m4 bias 5", int(c, 16)) not in allowed:
            fail(f"array stochastic: {t} -> {c}, expected one of {show(allowed)}")
    fq = re.search(r"array fake_quantize<binary8p3, saturate>: (.*)", out)
    got = [parse_value(v) for v in fq.group(1).split()] if fq else []
    want = [encode("binary8p3", f32(t), "nearest_even", saturate=True) for t in DEFAULT_INPUTS]
    if got != want:
        fail(f"array fake_quantize: {[show(v) for v in got]}, expected {[show(v) for v in want]}")


def more_inputs():
    """Ties, edges, subnormals, overflow thresholds, specials and random float32 values."""
    xs = ["0", "-0", "inf", "-inf", "nan", "7.5", "7.625", "7.6250005", "7.75", "8", "-7.625",
          "3.4375", "3.3125", "0.0625", "0.0605", "0.001953125", "0.001953126", "0.0019531",
          "0.00390625", "1e-9", "49152", "53248", "53247.996", "57344", "61440", "65536",
          "-53248", "2.75", "3.25", "3.75", "1.5", "0.09375", "7.62939453125e-06",
          "3.814697265625e-06", "3.8146973e-06", "1e38", "-1e-40"]
    rng = random.Random(20240601)
    for _ in range(360):
        exp = rng.uniform(-20, 18)
        v = math.copysign(2.0**exp, rng.random() - 0.5)
        xs.append("%.9g" % f32(repr(v)))
    return xs


def main():
    if len(sys.argv) != 3:
        print("usage: custom_format_check.py <exe> <workdir>")
        return 2
    exe, workdir = os.path.abspath(sys.argv[1]), sys.argv[2]

    p = subprocess.run([exe], cwd=workdir, capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        fail(f"no arguments: exit status {p.returncode}: {p.stderr}")
    check_properties(p.stdout)
    cells = check_tables(p.stdout, DEFAULT_INPUTS, "default run")
    check_arrays(p.stdout)

    xs = more_inputs()
    p = subprocess.run([exe, *xs], cwd=workdir, capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        fail(f"with {len(xs)} inputs: exit status {p.returncode}: {p.stderr}")
    cells += check_tables(p.stdout, xs, "more inputs")

    p = subprocess.run([exe, "abc"], cwd=workdir, capture_output=True, text=True, timeout=60)
    if p.returncode == 0:
        fail("a non-numeric argument should give a non-zero exit status")

    if FAILURES:
        print(f"custom_format_check: {len(FAILURES)} mismatches with the oracle:")
        for f in FAILURES[:50]:
            print("  " + f)
        return 1
    print(f"custom_format_check: properties, array lines and {cells} encoding cells "
          f"({len(DEFAULT_INPUTS) + len(xs)} inputs x 2 formats x 5 modes) agree with the oracle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
