#!/usr/bin/env python3
"""Independent check of examples/mma_emulation.cpp.

Usage: mma_emulation_check.py <mma_emulation executable> <work dir>

Runs the program with --dump (default length and one other), reads the inputs, scale codes and
element codes it used, and recomputes everything here with exact rational arithmetic
(fractions.Fraction), written from the specs and not from lowp:

* the quantization: scale = 2^(floor(log2 amax) - emax_elem) (OCP MX v1.0 6.3, E4M3 emax 8,
  E2M1 emax 2), elements = x / scale rounded to nearest even and clamped to +-max;
* (a) the block-ordered dot product: per block the exact sum of the element products times both
  scales, added to a float32 accumulator with one round-to-nearest-even per block;
* (b) the exact dot product (rounded here to float64 and to float32 for the comparison);
* (c) the float32 FMA loop over the dequantized values (one rounding per element);
* (d) the float64 dot product of the unquantized inputs (Python floats are IEEE doubles).
Every printed bit pattern must match; the printed errors must match the recomputed ones, and
the tensor-core accumulation error must lie within the sum of half-ulps of its partial sums.
"""
import os
import re
import struct
import subprocess
import sys
from bisect import bisect_right
from fractions import Fraction

failures = []


def fail(msg):
    failures.append(msg)
    print("MISMATCH: " + msg)


def floor_log2(v):
    e = v.numerator.bit_length() - v.denominator.bit_length()
    if Fraction(2) ** e > v:
        e -= 1
    return e


def round_binary(v, p, emin):
    """Rounds a Fraction to p significant bits, minimum exponent emin, nearest even (no
    overflow in this program's range)."""
    if v == 0:
        return Fraction(0)
    neg, a = v < 0, abs(v)
    q = max(floor_log2(a), emin) - (p - 1)
    n = a / Fraction(2) ** q
    whole = n.numerator // n.denominator
    rest = n - whole
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and whole % 2 == 1):
        whole += 1
    r = whole * Fraction(2) ** q
    return -r if neg else r


def f32(v):
    return round_binary(v, 24, -126)


def f64(v):
    return round_binary(v, 53, -1022)


def f32_hex(v):
    return "%08X" % struct.unpack("<I", struct.pack("<f", float(v)))[0]  # v is a float32 value


def f64_hex(v):
    return "%016X" % struct.unpack("<Q", struct.pack("<d", float(v)))[0]  # v is a float64 value


def float_of_bits(bits):
    return struct.unpack("<f", struct.pack("<I", bits))[0]


class Element:
    """An OCP element format: E exponent bits, M mantissa bits, bias; `nan_top` when the all-ones
    magnitude is NaN (E4M3). Values from formats-reference.md 1.1."""

    def __init__(self, E, M, bias, nan_top, emax):
        self.M, self.emax, self.sign = M, emax, 1 << (E + M)
        self.values = []  # (value, magnitude code), ascending
        for mag in range(1 << (E + M)):
            if nan_top and mag == (1 << (E + M)) - 1:
                continue
            e, m = mag >> M, mag & ((1 << M) - 1)
            v = (Fraction(m) * Fraction(2) ** (1 - bias - M) if e == 0 else
                 Fraction((1 << M) | m) * Fraction(2) ** (e - bias - M))
            self.values.append((v, mag))
        self.grid = [v for v, _ in self.values]
        self.max = self.values[-1][0]
        self.smallest = self.values[1][0]

    def value(self, code):
        v = dict((c, v) for v, c in self.values)[code & (self.sign - 1)]
        return -v if code & self.sign else v

    def encode(self, x):
        """Round to nearest even, clamp to +-max, zero keeps the sign (OCP MX 6.3)."""
        neg, a = x < 0, abs(x)
        if a >= self.max:
            code = self.values[-1][1]
        else:
            i = bisect_right(self.grid, a) - 1  # values[i] <= a < values[i + 1]
            (lo, cl), (hi, ch) = self.values[i], self.values[i + 1]
            code = cl if a - lo < hi - a or (a - lo == hi - a and cl % 2 == 0) else ch
        return code | (self.sign if neg else 0)


FORMATS = {
    "mxfp8_e4m3": ("MXFP8 (mxfp8_e4m3)", Element(4, 3, 7, True, 8)),
    "mxfp4": ("MXFP4 (mxfp4)", Element(2, 1, 1, False, 2)),
}


def check_run(exe, work, args):
    dump = os.path.join(work, "mma_dump.txt")
    r = subprocess.run([exe] + args + ["--dump", dump], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    if r.returncode != 0:
        fail("%s %s exited with %d: %s" % (exe, args, r.returncode, r.stderr))
        return
    out = r.stdout
    xs, scales, codes = {}, {}, {}
    with open(dump) as f:
        for line in f:
            t = line.split()
            if not t or t[0] == "#":
                continue
            if t[0] == "x":
                xs[int(t[1])] = (int(t[2], 16), int(t[3], 16))
            elif t[0] == "s":
                scales.setdefault(t[1], {})[int(t[2])] = (int(t[3], 16), int(t[4], 16))
            elif t[0] == "e":
                codes.setdefault(t[1], {})[int(t[2])] = (int(t[3], 16), int(t[4], 16))
    k = len(xs)
    a = [Fraction(float_of_bits(xs[i][0])) for i in range(k)]
    b = [Fraction(float_of_bits(xs[i][1])) for i in range(k)]

    # (d): float64 loop over the unquantized inputs, exactly as IEEE doubles do it.
    ref = 0.0
    for i in range(k):
        ref += float_of_bits(xs[i][0]) * float_of_bits(xs[i][1])

    for fname, (title, el) in FORMATS.items():
        start = out.find(title + ":")
        if start < 0:
            fail("no section %s in the output" % title)
            continue
        section = out[start:]
        nxt = section.find("\nMX", 1)
        section = section[:nxt] if nxt > 0 else section
        nblocks = k // 32
        m = re.search(r"(\d+) blocks of 32", section)
        if not m or int(m.group(1)) != nblocks:
            fail("%s: block count" % title)

        # Quantization, from the inputs.
        for blk in range(nblocks):
            sa, sb = scales[fname][blk]
            for vec, s, idx in ((a, sa, 0), (b, sb, 1)):
                amax = max(abs(vec[i]) for i in range(blk * 32, blk * 32 + 32))
                want = 0 if amax == 0 else max(min(floor_log2(amax) - el.emax, 127), -127) + 127
                if s != want:
                    fail("%s block %d: scale %02X, OCP rule gives %02X" % (title, blk, s, want))
                for i in range(blk * 32, blk * 32 + 32):
                    want_code = el.encode(vec[i] / Fraction(2) ** (s - 127))
                    if codes[fname][i][idx] != want_code:
                        fail("%s element %d: code %X, expected %X" % (title, i,
                                                                      codes[fname][i][idx],
                                                                      want_code))

        # (a), (b), (c) from the codes.
        exact, acc, bound, naive = Fraction(0), Fraction(0), Fraction(0), Fraction(0)
        trace = []
        for blk in range(nblocks):
            sa, sb = scales[fname][blk]
            scale = Fraction(2) ** (sa - 127) * Fraction(2) ** (sb - 127)
            p = sum(el.value(codes[fname][i][0]) * el.value(codes[fname][i][1])
                    for i in range(blk * 32, blk * 32 + 32))
            exact += p * scale
            acc = f32(acc + p * scale)
            bound += ulp32(acc) / 2
            trace.append((p / el.smallest ** 2, acc))
            for i in range(blk * 32, blk * 32 + 32):
                da = el.value(codes[fname][i][0]) * Fraction(2) ** (sa - 127)
                db = el.value(codes[fname][i][1]) * Fraction(2) ** (sb - 127)
                naive = f32(naive + da * db)

        def printed(label, width):
            mm = re.search(re.escape(label) + r"\s+(\S+)\s+0x([0-9A-F]{%d})" % width, section)
            if not mm:
                fail("%s: no line '%s'" % (title, label))
                return None
            return mm.group(2)

        checks = [
            ("(a) tensor core: exact blocks, fp32 accumulator", 8, f32_hex(acc)),
            ("(b) exact sum of the quantized products", 16, f64_hex(f64(exact))),
            ("(b) rounded once to fp32", 8, f32_hex(f32(exact))),
            ("(c) fp32 FMA loop on the dequantized values", 8, f32_hex(naive)),
            ("(d) float64 dot of the unquantized inputs", 16, f64_hex(ref)),
        ]
        for label, width, want in checks:
            got = printed(label, width)
            if got is not None and got != want:
                fail("%s: %s printed 0x%s, recomputed 0x%s" % (title, label, got, want))
        for blk, line in enumerate(re.findall(r"^\s+(\d+)\s+2\^\S+\s+2\^\S+\s+(-?\d+) x 2\^\S+"
                                              r"\s+\S+\s+\S+\s+0x([0-9A-F]{8})$", section, re.M)):
            p_units, acc_k = trace[int(line[0])]
            if Fraction(int(line[1])) != p_units or line[2] != f32_hex(acc_k):
                fail("%s: trace of block %s: %s, recomputed %s %s" % (title, line[0], line,
                                                                     p_units, f32_hex(acc_k)))

        # Errors in ulps of fp32 at the exact value, and the bound.
        ulp = ulp32(exact)
        err_a, err_c = (acc - exact) / ulp, (naive - exact) / ulp
        mm = re.search(r"\(a\) - \(b\).*?([+-]\d+\.\d+) ulp \(bound (\d+\.\d+) ulp: within the "
                       r"bound\)", section)
        if not mm:
            fail("%s: no '(a) - (b) ... within the bound' line" % title)
        else:
            if abs(float(mm.group(1)) - float(err_a)) > 6e-5:
                fail("%s: (a) - (b) printed %s ulp, recomputed %.6f" % (title, mm.group(1),
                                                                       float(err_a)))
            if abs(float(mm.group(2)) - float(bound / ulp)) > 6e-3:
                fail("%s: bound printed %s ulp, recomputed %.4f" % (title, mm.group(2),
                                                                   float(bound / ulp)))
        if abs(acc - exact) > bound:
            fail("%s: |(a) - (b)| exceeds the bound" % title)
        mm = re.search(r"\(c\) - \(b\).*?([+-]\d+\.\d+) ulp", section)
        if not mm or abs(float(mm.group(1)) - float(err_c)) > 6e-5:
            fail("%s: (c) - (b) printed %s, recomputed %.6f" % (title, mm and mm.group(1),
                                                               float(err_c)))
        rel = (exact - Fraction(ref)) / abs(Fraction(ref))
        mm = re.search(r"\(b\) - \(d\).*?([+-]\d\.\d+e[+-]\d+) \(relative\)", section)
        if not mm or abs(float(mm.group(1)) - float(rel)) > 1e-3 * abs(float(rel)):
            fail("%s: quantization error printed %s, recomputed %.4e" % (title, mm and mm.group(1),
                                                                       float(rel)))
        print("  %-20s k %5d: (a) 0x%s (%+.4f ulp, bound %.2f), (b) %s, (c) 0x%s (%+.4f ulp): ok"
              % (title, k, f32_hex(acc), float(err_a), float(bound / ulp), float(exact),
                 f32_hex(naive), float(err_c)) if len(failures) == 0 else "  %s: FAILED" % title)


def ulp32(v):
    """Spacing of float32 at |v| (2^-149 below the normal range)."""
    a = abs(Fraction(v))
    if a < Fraction(2) ** -126:
        return Fraction(2) ** -149
    return Fraction(2) ** (floor_log2(a) - 23)


def main():
    exe, work = os.path.abspath(sys.argv[1]), sys.argv[2]
    os.makedirs(work, exist_ok=True)
    for args in ([], ["--k", "1024", "--seed", "7"]):
        print("mma_emulation %s" % " ".join(args))
        check_run(exe, work, args)
    if failures:
        print("mma_emulation_check: %d mismatches" % len(failures))
        return 1
    print("mma_emulation_check: every printed result agrees with the exact recomputation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
