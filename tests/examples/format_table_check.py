#!/usr/bin/env python3
"""Independent check of example_format_table.

Run as: python3 format_table_check.py <exe> <workdir>

The oracle below is written from the specifications (OCP OFP8 v1.0, OCP MX v1.0, IEEE 754,
the ml_dtypes fnuz variants, the IEEE P3109 interim report), not from lowp: each format is
(E, M, bias, signed, convention), a code is decoded field by field with exact Fractions, and
the parameters are found by enumerating every code (formats of 8 bits or fewer) or from the
IEEE 754 formulas (the wider IEEE formats). The script compares with the oracle:
  - the encoding and range tables printed with no arguments (every format),
  - every cell of the value table and the sign-half exceptions of every format of 8 bits or
    fewer, each run on its own (`exe NAME`), and the default run's tables,
  - `--list` and the exit status for an unknown name.
Python standard library only.
"""
import os
import re
import subprocess
import sys
from fractions import Fraction

# name: (E, M, bias, signed, convention)
SPECS = {
    "e4m3fn": (4, 3, 7, True, "fn"),  # OCP OFP8 E4M3: S.1111.111 is NaN, no inf
    "e5m2": (5, 2, 15, True, "ieee"),  # OCP OFP8 E5M2: IEEE 754 conventions
    "e4m3": (4, 3, 7, True, "ieee"),  # IEEE-like E4M3 (ml_dtypes float8_e4m3)
    "e3m4": (3, 4, 3, True, "ieee"),  # IEEE-like E3M4 (ml_dtypes float8_e3m4)
    "e4m3fnuz": (4, 3, 8, True, "fnuz"),  # NaN at 0x80, no -0, no inf
    "e5m2fnuz": (5, 2, 16, True, "fnuz"),
    "e4m3b11fnuz": (4, 3, 11, True, "fnuz"),
    "e8m0fnu": (8, 0, 127, False, "e8m0"),  # OCP MX scale: 2^(e-127), 0xFF NaN
    "e2m3fn": (2, 3, 1, True, "finite"),  # OCP MX FP6: no inf, no NaN
    "e3m2fn": (3, 2, 3, True, "finite"),
    "e2m1fn": (2, 1, 1, True, "finite"),  # OCP MX FP4
    "ue4m3": (4, 3, 7, False, "fn"),  # unsigned E4M3 (NVFP4 scale): 0x7F NaN
    "bfloat16": (8, 7, 127, True, "ieee"),
    "binary16": (5, 10, 15, True, "ieee"),
    "tf32": (8, 10, 127, True, "ieee"),
    "binary32": (8, 23, 127, True, "ieee"),
}
# IEEE P3109 binary8pP, signed, extended domain: K - P exponent bits, P - 1 mantissa bits,
# bias 2^(K-P-1); 0x80 is the only NaN, 0x7F/0xFF are +-inf, there is no -0.
for _p in range(1, 8):
    SPECS[f"binary8p{_p}"] = (8 - _p, _p - 1, 2 ** (8 - _p - 1), True, "p3109")

DEFAULT_TABLES = ["e2m1fn", "e2m3fn", "e3m2fn", "e4m3fn", "e5m2"]

FAILURES = []


def fail(msg):
    FAILURES.append(msg)


def bits_of(spec):
    e, m, _, signed, _ = spec
    return e + m + (1 if signed else 0)


def decode(spec, code):
    """The value of a code: a Fraction, or one of the strings 'NaN', 'inf', '-inf', '-0'."""
    e, m, bias, signed, conv = spec
    mag_bits = e + m
    sign = (code >> mag_bits) & 1 if signed else 0
    mag = code & ((1 << mag_bits) - 1)
    field = mag >> m
    mant = mag & ((1 << m) - 1)
    all_ones_mag = (1 << mag_bits) - 1
    top_field = (1 << e) - 1
    if conv == "ieee" and field == top_field:
        if mant != 0:
            return "NaN"
        return "-inf" if sign else "inf"
    if conv == "fn" and mag == all_ones_mag:
        return "NaN"
    if conv in ("fnuz", "p3109") and sign and mag == 0:
        return "NaN"
    if conv == "p3109" and mag == all_ones_mag:
        return "-inf" if sign else "inf"
    if conv == "e8m0":
        if code == 0xFF:
            return "NaN"
        return Fraction(2) ** (code - bias)
    if field == 0:
        value = mant * Fraction(2) ** (1 - bias - m)  # subnormal (or zero)
    else:
        value = (2**m + mant) * Fraction(2) ** (field - bias - m)
    if sign:
        return "-0" if value == 0 else -value
    return value


def parse_value(text):
    """A printed exact value: decimal, '2^e', 'm*2^e', NaN, inf, -inf, -0."""
    if text in ("NaN", "inf", "-inf", "-0"):
        return text
    sign = 1
    if text.startswith("-"):
        sign, text = -1, text[1:]
    mt = re.fullmatch(r"(?:(\d+)\*)?2\^(-?\d+)", text)
    if mt:
        v = int(mt.group(1) or 1) * Fraction(2) ** int(mt.group(2))
    else:
        v = Fraction(text)  # accepts '0.001953125' and '1.52587890625e-05' exactly
    return sign * v


def show(v):
    return v if isinstance(v, str) else str(v)


def hexcode(code, bits):
    return "0x%0*X" % ((bits + 3) // 4, code)


def oracle_parameters(name):
    """(encoding fields, range fields) as the oracle derives them."""
    spec = SPECS[name]
    e, m, bias, signed, conv = spec
    bits = bits_of(spec)
    if bits <= 8:
        values = {c: decode(spec, c) for c in range(1 << bits)}
        nan = sorted(c for c, v in values.items() if v == "NaN")
        inf = sorted(c for c, v in values.items() if v in ("inf", "-inf"))
        finite = {c: v for c, v in values.items() if v not in ("NaN", "inf", "-inf")}
        nums = {Fraction(0) if v == "-0" else v for v in finite.values()}
        has_zero = Fraction(0) in nums
        has_neg_zero = "-0" in values.values()
        max_finite = max(nums)
        finite_codes = len(finite)
        finite_values = len(nums)
        # min normal: 2^(1 - bias) (the smallest value of exponent field 1); E8M0 has no
        # subnormals, its field 0 is normal: 2^-bias.
        min_normal = Fraction(2) ** (-bias if conv == "e8m0" else 1 - bias)
        positive = sorted(v for v in nums if v > 0)
        min_sub = positive[0] if (conv != "e8m0" and m > 0) else None
        if min_sub is not None and min_sub != Fraction(2) ** (1 - bias - m):
            fail(f"{name}: oracle inconsistency in the smallest subnormal")
        if positive[0] != (min_sub if min_sub is not None else min_normal):
            fail(f"{name}: oracle inconsistency in the smallest positive value")
    else:  # IEEE 754 formulas
        assert conv == "ieee"
        mag_bits = e + m
        inf_mag = ((1 << e) - 1) << m
        sign = 1 << mag_bits
        inf = [inf_mag, inf_mag | sign]
        nan = [(inf_mag + 1, (1 << mag_bits) - 1), (sign | (inf_mag + 1), sign | ((1 << mag_bits) - 1))]
        nan_count = 2 * ((1 << m) - 1)
        has_zero, has_neg_zero = True, True
        max_finite = (2 - Fraction(1, 2**m)) * Fraction(2) ** ((1 << e) - 2 - bias)
        min_normal = Fraction(2) ** (1 - bias)
        min_sub = Fraction(2) ** (1 - bias - m)
        finite_codes = (1 << bits) - nan_count - 2
        finite_values = finite_codes - 1
    zeros = ("+0 -0" if has_neg_zero else "+0") if has_zero else "none"
    return {
        "bits": bits,
        "E": e,
        "M": m,
        "bias": bias,
        "sign": "signed" if signed else "unsigned",
        "zeros": zeros,
        "inf": ranges(inf),
        "nan": ranges(nan),
        "max": max_finite,
        "min_normal": min_normal,
        "min_sub": min_sub,
        "finite_codes": finite_codes,
        "finite_values": finite_values,
    }


def ranges(codes):
    """Sorted codes, or (first, last) pairs, as a list of maximal (first, last) runs."""
    runs = []
    for item in sorted(codes):
        lo, hi = item if isinstance(item, tuple) else (item, item)
        if runs and runs[-1][1] + 1 == lo:
            runs[-1] = (runs[-1][0], hi)
        else:
            runs.append((lo, hi))
    return runs


def parse_code_list(text):
    """'none', '0x7F 0xFF', '0x7D-0x7F 0xFD-0xFF' -> maximal runs of codes."""
    if text.strip() == "none":
        return []
    items = []
    for part in text.split():
        a, _, b = part.partition("-")
        items.append((int(a, 16), int(b or a, 16)))
    return ranges(items)


ENCODING_ROW = re.compile(
    r"^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(signed|unsigned)\s+"
    r"(ieee|fn|fnuz|finite|e8m0|p3109 ext|p3109 fin)\s+(\+0 -0|\+0|none)\s+"
    r"(none|0x[0-9A-F]+(?: 0x[0-9A-F]+)?)\s+(.+?)\s*$"
)
CONVENTION_NAMES = {"p3109": "p3109 ext"}


def check_parameters(out, names):
    """The encoding and range rows of `names` in `out`."""
    lines = out.splitlines()
    encoding, ranges = {}, {}
    for line in lines:
        mt = ENCODING_ROW.match(line)
        if mt and mt.group(1) in SPECS:
            encoding[mt.group(1)] = mt
            continue
        parts = line.split()
        if len(parts) == 7 and parts[0] in SPECS and parts[5].isdigit():
            ranges[parts[0]] = parts
    for name in names:
        o = oracle_parameters(name)
        conv = SPECS[name][4]
        mt = encoding.get(name)
        if mt is None:
            fail(f"{name}: no encoding row")
        else:
            got = {
                "bits": int(mt.group(2)),
                "E": int(mt.group(3)),
                "M": int(mt.group(4)),
                "bias": int(mt.group(5)),
                "sign": mt.group(6),
                "zeros": mt.group(8),
                "inf": parse_code_list(mt.group(9)),
                "nan": parse_code_list(mt.group(10)),
            }
            for key, value in got.items():
                if value != o[key]:
                    fail(f"{name}: {key} printed {value}, expected {o[key]}")
            if mt.group(7) != CONVENTION_NAMES.get(conv, conv):
                fail(f"{name}: specials printed {mt.group(7)}, expected {conv}")
        parts = ranges.get(name)
        if parts is None:
            fail(f"{name}: no range row")
            continue
        checks = [
            ("max finite", parse_value(parts[1]), o["max"]),
            ("min normal", parse_value(parts[3]), o["min_normal"]),
            ("min subnormal", None if parts[4] == "none" else parse_value(parts[4]), o["min_sub"]),
            ("finite codes", int(parts[5]), o["finite_codes"]),
            ("finite values", int(parts[6]), o["finite_values"]),
        ]
        for what, got, want in checks:
            if got != want:
                fail(f"{name}: {what} printed {got}, expected {want}")
        approx = float(parts[2])
        if abs(approx - float(o["max"])) > 1e-5 * float(o["max"]):
            fail(f"{name}: approximate max {approx} is not {float(o['max'])}")


def check_value_table(out, name):
    """Every cell of the value table of `name` and its sign-half line."""
    spec = SPECS[name]
    e, m, _, signed, _ = spec
    bits = bits_of(spec)
    mag_bits = e + m
    lines = out.splitlines()
    try:
        start = next(i for i, l in enumerate(lines) if l.startswith(f"{name}: ") and "bits =" in l)
    except StopIteration:
        fail(f"{name}: no value table")
        return
    title = lines[start]
    want_title = f"{name}: {bits} bits = {'sign + ' if signed else ''}{e} exponent + {m} mantissa"
    if not title.startswith(want_title):
        fail(f"{name}: title '{title}', expected it to start with '{want_title}'")
    by_field = e <= 5 and m >= 1
    columns = 1 << (m if by_field else 3)
    seen = {}
    i = start + 3  # title, layout line, column header
    header = lines[start + 2].split()
    if len(header) != columns:
        fail(f"{name}: {len(header)} column headings, expected {columns}")
    while i < len(lines) and lines[i].startswith("0x"):
        mt = re.match(r"^(0x[0-9A-F]+)(?: e=([01]+))?\s+(.*)$", lines[i])
        base = int(mt.group(1), 16)
        if by_field and (mt.group(2) is None or int(mt.group(2), 2) != base >> m):
            fail(f"{name}: row {mt.group(1)} has exponent label {mt.group(2)}")
        cells = mt.group(3).split()
        if len(cells) != columns:
            fail(f"{name}: row {mt.group(1)} has {len(cells)} cells, expected {columns}")
        for k, cell in enumerate(cells):
            seen[base + k] = cell
        i += 1
    if sorted(seen) != list(range(1 << mag_bits)):
        fail(f"{name}: the table does not hold each code 0..{(1 << mag_bits) - 1} once")
    for code, cell in sorted(seen.items()):
        want = decode(spec, code)
        got = parse_value(cell)
        if got != want:
            fail(f"{name}: code {hexcode(code, bits)} printed {cell}, expected {show(want)}")
    # The line after the table: the sign half.
    line = lines[i] if i < len(lines) else ""
    if not signed:
        if not line.startswith("unsigned: no sign bit"):
            fail(f"{name}: expected the unsigned note after the table, got '{line}'")
        return
    sign = 1 << mag_bits
    expected = {}
    for c in range(1 << mag_bits):
        pos, neg = decode(spec, c), decode(spec, c | sign)
        negated = {"NaN": "NaN", "inf": "-inf"}.get(pos) if isinstance(pos, str) else None
        if not isinstance(pos, str):
            negated = "-0" if pos == 0 else -pos
        if neg != negated:
            expected[c | sign] = neg
    got = {int(a, 16): parse_value(b) for a, b in re.findall(r"(0x[0-9A-F]+) = (\S+)", line)}
    if not line.startswith(f"sign bit set (code + {hexcode(sign, bits)}): the negated value"):
        fail(f"{name}: unexpected sign-half line '{line}'")
    elif got != expected or (not expected and "for every code" not in line):
        def listing(d):
            return ", ".join(f"{hexcode(c, bits)} = {show(v)}" for c, v in sorted(d.items()))

        fail(f"{name}: sign-half exceptions printed [{listing(got)}], expected [{listing(expected)}]")
    return len(seen)


def run(exe, workdir, *args):
    p = subprocess.run([exe, *args], cwd=workdir, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def main():
    if len(sys.argv) != 3:
        print("usage: format_table_check.py <exe> <workdir>")
        return 2
    exe, workdir = os.path.abspath(sys.argv[1]), sys.argv[2]
    small = [n for n in SPECS if bits_of(SPECS[n]) <= 8]

    rc, out, err = run(exe, workdir)
    if rc != 0:
        fail(f"no arguments: exit status {rc}: {err}")
    check_parameters(out, list(SPECS))
    cells = 0
    for name in DEFAULT_TABLES:
        cells += check_value_table(out, name) or 0

    for name in small:
        rc, out, err = run(exe, workdir, name)
        if rc != 0:
            fail(f"{name}: exit status {rc}: {err}")
            continue
        check_parameters(out, [name])
        cells += check_value_table(out, name) or 0

    rc, out, _ = run(exe, workdir, "--list")
    listed = out.split()[1:] if out.startswith("formats:") else []
    if rc != 0 or sorted(listed) != sorted(SPECS):
        fail(f"--list: exit {rc}, printed {listed}, expected {sorted(SPECS)}")
    rc, out, _ = run(exe, workdir, "no_such_format")
    if rc == 0 or "e4m3fn" not in out:
        fail(f"unknown name: exit {rc} (expected non-zero) and the list of names")

    if FAILURES:
        print(f"format_table_check: {len(FAILURES)} mismatches with the oracle:")
        for f in FAILURES[:50]:
            print("  " + f)
        return 1
    print(
        f"format_table_check: parameters of {len(SPECS)} formats and {cells} value-table cells "
        f"({len(small)} formats of 8 bits or fewer, plus the default run) agree with the oracle"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
