#!/usr/bin/env python3
"""Plots the CSV that example_quantization_explorer writes: SQNR against bits per element,
one panel per tensor, one marker per format family.

usage: python3 quantization_explorer_plot.py rows.csv [plot.png]

    example_quantization_explorer --csv rows.csv
    python3 examples/quantization_explorer_plot.py rows.csv rows.png

Needs matplotlib (the standard library otherwise); without it the script says so and exits 0.
Points whose format name has a "/" (the alternative MX scale rules) are drawn hollow and
unlabelled, so that the labelled points are the standard formats. Formats wider than 10 bits
(float16, bfloat16) are listed in a corner of each panel instead of stretching the axis.
"""
import csv
import math
import sys

FAMILIES = {  # CSV family -> (legend label, marker, colour)
    "fp-tensor": ("FP element, fp32 tensor scale", "o", "tab:blue"),
    "int-tensor": ("INT, fp32 tensor scale", "s", "tab:gray"),
    "int-block": ("INT, fp32 scale per block", "D", "tab:brown"),
    "mx-fp": ("MX FP (E8M0 per 32)", "^", "tab:red"),
    "mx-int": ("MX INT (E8M0 per 32)", "v", "tab:orange"),
    "nv": ("NVFP4-style (UE4M3 per 16)", "*", "tab:green"),
    "bfp": ("block floating point (MSFP)", "P", "tab:purple"),
    "ggml": ("ggml", "X", "tab:olive"),
}


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    src = sys.argv[1]
    dst = sys.argv[2] if len(sys.argv) == 3 else src.rsplit(".", 1)[0] + ".png"
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.lines import Line2D
    except ImportError:
        print("matplotlib is not installed; no plot written (the CSV %s is unchanged)" % src)
        return 0

    tensors = {}  # tensor -> list of rows, in file order
    with open(src, newline="") as f:
        for r in csv.DictReader(f):
            tensors.setdefault(r["tensor"], []).append(r)
    if not tensors:
        sys.exit("%s has no rows" % src)

    cols = min(2, len(tensors))
    nrows = math.ceil(len(tensors) / cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(7.5 * cols, 5.5 * nrows), squeeze=False)
    for ax, (name, rows) in zip(axes.flat, tensors.items()):
        wide = []  # formats too wide for the axis, listed as text
        for r in rows:
            _, marker, colour = FAMILIES.get(r["family"], (r["family"], "o", "black"))
            bits, sqnr = float(r["bits"]), float(r["sqnr_db"])
            if not math.isfinite(sqnr):
                continue
            if bits > 10:
                wide.append("%s (%g bits): %.1f dB" % (r["format"], bits, sqnr))
                continue
            alt_rule = "/" in r["format"]
            ax.scatter(bits, sqnr, marker=marker, s=30 if alt_rule else 44,
                       facecolors="none" if alt_rule else colour, edgecolors=colour, zorder=3)
            if not alt_rule:
                ax.annotate(r["format"], (bits, sqnr), textcoords="offset points", xytext=(4, 2),
                            fontsize=6)
        if wide:
            ax.text(0.02, 0.98, "\n".join(wide), transform=ax.transAxes, va="top", fontsize=7)
        families = [f for f in FAMILIES if any(r["family"] == f for r in rows)]
        handles = [Line2D([], [], linestyle="none", marker=FAMILIES[f][1], color=FAMILIES[f][2],
                          label=FAMILIES[f][0]) for f in families]
        handles.append(Line2D([], [], linestyle="none", marker="o", markerfacecolor="none",
                              color="black", label="other scale rule (ceil, even, rceil)"))
        ax.legend(handles=handles, fontsize=7, loc="best")
        ax.set_title(name)
        ax.set_xlabel("bits per element (block scales included)")
        ax.set_ylabel("SQNR (dB)")
        ax.grid(True, alpha=0.3)
    for ax in list(axes.flat)[len(tensors):]:
        ax.set_visible(False)
    fig.tight_layout()
    fig.savefig(dst, dpi=120)
    print("wrote %s" % dst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
