#!/usr/bin/env python3
"""Run lowp_bench and summarise its results.

Writes, into --out-dir (the build directory when run by CTest):
  results.json  Google Benchmark JSON (--benchmark_out, --benchmark_out_format=json)
  results.md    Markdown table: benchmark, items/s, bytes/s, time
  results.png   bar chart of items/s; results_simd.png: throughput per format and ISA;
                results_gemv.png: GEMV time per weight format; results_explorer.png: SQNR
                per format from the quantization explorer (--explorer). Only when some Python can import
                matplotlib (this one, $LOWP_PLOT_PYTHON, /usr/bin/python3, python3 on PATH);
                otherwise the plot is skipped with a message and the run still passes.

Prints a progress line per benchmark family. Standard library only (the plot step runs in a
separate interpreter when this one lacks matplotlib).

Usage: run_bench.py --bench <lowp_bench> [--out-dir DIR] [--min-time SECONDS]
                    [--filter REGEX] [--no-plot] [-- extra benchmark args]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

PLOT_PROBE = "import matplotlib"


def family_of(name: str) -> str:
    return name.split("/", 1)[0]


def si(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    for factor, prefix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= factor:
            return f"{value / factor:.3g} {prefix}{unit}"
    return f"{value:.3g} {unit}"


def list_benchmarks(bench: str, bench_filter: str | None) -> list[str]:
    cmd = [bench, "--benchmark_list_tests=true"]
    if bench_filter:
        cmd.append(f"--benchmark_filter={bench_filter}")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def run_benchmarks(args: argparse.Namespace, json_path: Path) -> int:
    names = list_benchmarks(args.bench, args.filter)
    families: list[str] = []
    for n in names:
        f = family_of(n)
        if f not in families:
            families.append(f)
    print(f"[run_bench] {len(names)} benchmarks in {len(families)} families, "
          f"min_time {args.min_time}s each", flush=True)
    if not names:
        print("[run_bench] nothing to run", flush=True)

    cmd = [
        args.bench,
        f"--benchmark_out={json_path}",
        "--benchmark_out_format=json",
        # Google Benchmark 1.7 wants a bare number of seconds (1.8 also accepts "0.05s").
        f"--benchmark_min_time={args.min_time}",
    ]
    if args.filter:
        cmd.append(f"--benchmark_filter={args.filter}")
    cmd += args.extra
    print("[run_bench] " + " ".join(cmd), flush=True)

    seen: set[str] = set()
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            bufsize=1)
    assert proc.stdout is not None
    for line in proc.stdout:
        token = line.split(" ", 1)[0].strip()
        fam = family_of(token) if token in names else None
        if fam is not None and fam not in seen:
            seen.add(fam)
            idx = families.index(fam) + 1 if fam in families else len(seen)
            print(f"[run_bench] family {idx}/{len(families)}: {fam} "
                  f"({time.monotonic() - started:.1f}s elapsed)", flush=True)
        sys.stdout.write(line)
        sys.stdout.flush()
    rc = proc.wait()
    print(f"[run_bench] benchmark finished with exit code {rc} "
          f"after {time.monotonic() - started:.1f}s", flush=True)
    return rc


def write_markdown(data: dict, md_path: Path) -> int:
    ctx = data.get("context", {})
    rows = []
    for b in data.get("benchmarks", []):
        name = b.get("name", "?")
        if b.get("run_type") == "aggregate":
            name = f"{name} ({b.get('aggregate_name', 'aggregate')})"
        if b.get("error_occurred"):
            rows.append(f"| `{name}` | error: {b.get('error_message', '')} | | |")
            continue
        unit = b.get("time_unit", "ns")
        t = b.get("real_time")
        time_s = f"{t:.4g} {unit}" if isinstance(t, (int, float)) else "–"
        rows.append(f"| `{name}` | {si(b.get('items_per_second'), 'items/s')} | "
                    f"{si(b.get('bytes_per_second'), 'B/s')} | {time_s} |")

    lines = [
        "# lowp benchmark results",
        "",
        f"- date: {ctx.get('date', '?')}",
        f"- host: {ctx.get('host_name', '?')}, {ctx.get('num_cpus', '?')} CPUs "
        f"@ {ctx.get('mhz_per_cpu', '?')} MHz",
        f"- executable: `{ctx.get('executable', '?')}`",
        f"- Google Benchmark library build type: {ctx.get('library_build_type', '?')}"
        + (" (Debian's libbenchmark is built without NDEBUG; this concerns the library's own"
           " checks, not lowp's code)" if ctx.get("library_build_type") == "debug" else ""),
        "",
        "| benchmark | items/s | bytes/s | time (real) |",
        "| --- | ---: | ---: | ---: |",
        *rows,
        *simd_table(data),
        *compile_table(data),
        "",
    ]
    md_path.write_text("\n".join(lines), encoding="utf-8")
    print(f"[run_bench] wrote {md_path} ({len(rows)} rows)", flush=True)
    return len(rows)


def compile_table(data: dict) -> list[str]:
    rows = data.get("lowp_compile_time") or []
    if not rows:
        return []
    lines = ["", "## Compile time of the probe translation units (bench/probes)", "",
             "| probe | compiler | standard | median (s) |", "| --- | --- | --- | ---: |"]
    for r in rows:
        lines.append(f"| {r['probe']} | `{Path(r['compiler']).name}` | {r['std']} | "
                     f"{r['median_s']:.2f} |")
    return lines


def simd_table(data: dict) -> list[str]:
    """Side-by-side table of the simd_* benchmarks: items/s per ISA, the best ISA's ratio to
    the scalar path and its bytes/s as a share of the in-run memcpy at the same size."""
    rate: dict[tuple, dict[str, float]] = {}
    bps: dict[tuple, dict[str, float]] = {}
    memcpy_bps: dict[str, float] = {}
    isas: list[str] = []
    for b in data.get("benchmarks", []):
        parts = b.get("name", "").split("/")
        if len(parts) != 5 or not parts[0].startswith("simd_") or b.get("error_occurred"):
            continue
        family, fmt, mode, isa, size = parts
        if family == "simd_memcpy":
            memcpy_bps[size] = b.get("bytes_per_second") or 0.0
            continue
        key = (family.removeprefix("simd_"), fmt, mode, size)
        rate.setdefault(key, {})[isa] = b.get("items_per_second") or 0.0
        bps.setdefault(key, {})[isa] = b.get("bytes_per_second") or 0.0
        if isa not in isas:
            isas.append(isa)
    if not rate:
        return []
    order = [i for i in ("scalar", "avx2", "avx512", "neon") if i in isas]
    head = "| op | format | rounding | size | " + " | ".join(order) + \
        " | best / scalar | best bytes/s vs memcpy |"
    lines = ["", "## Array conversions per ISA (items/s)", "", head,
             "| --- | --- | --- | --- | " + " | ".join("---:" for _ in order) + " | ---: | ---: |"]
    for key, by_isa in rate.items():
        best = max(by_isa, key=lambda i: by_isa[i])
        ratio = (f"{by_isa[best] / by_isa['scalar']:.0f}x"
                 if by_isa.get("scalar") else "–")
        mem = memcpy_bps.get(key[3])
        share = f"{100 * bps[key][best] / mem:.0f}%" if mem else "–"
        cells = " | ".join(si(by_isa.get(i), "/s") if i in by_isa else "–" for i in order)
        lines.append(f"| {key[0]} | {key[1]} | {key[2]} | {key[3]} | {cells} | {ratio} | {share} |")
    return lines


ISA_ORDER = ("scalar", "avx2", "avx512", "neon")
ISA_COLOURS = {"scalar": "#9a9a9a", "avx2": "#e39c3c", "avx512": "#4878a8", "neon": "#6aa84f"}


def iterations(data: dict) -> list[dict]:
    return [b for b in data.get("benchmarks", [])
            if b.get("run_type", "iteration") == "iteration" and not b.get("error_occurred")]


def to_seconds(b: dict) -> float:
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b.get("time_unit", "ns")]
    return float(b["real_time"]) * scale


def plot_simd(plt, data: dict, png_path: Path) -> bool:
    """Throughput per format and ISA: one panel per simd_* family at the largest in-cache
    size, grouped bars per format/rounding, one bar per ISA, the in-run memcpy as a line."""
    rows: dict[str, dict[str, dict[str, float]]] = {}
    sizes: list[str] = []
    memcpy: dict[str, float] = {}
    for b in iterations(data):
        parts = b["name"].split("/")
        if len(parts) != 5 or not parts[0].startswith("simd_"):
            continue
        family, fmt, mode, isa, size = parts
        if size not in sizes:
            sizes.append(size)
        if family == "simd_memcpy":
            memcpy[size] = float(b.get("bytes_per_second") or 0.0)
            continue
        label = fmt if mode in ("rne", "-") else f"{fmt} {mode}"
        rows.setdefault(f"{family}@{size}", {}).setdefault(label, {})[isa] = \
            float(b.get("items_per_second") or 0.0)
    if not rows:
        return False
    size = "L2_64K" if "L2_64K" in sizes else sizes[0]
    panels = [k for k in rows if k.endswith("@" + size)]
    fig, axes = plt.subplots(len(panels), 1, figsize=(11, 3.2 * len(panels)), squeeze=False)
    for ax, key in zip(axes[:, 0], panels):
        by_label = rows[key]
        isas = [i for i in ISA_ORDER if any(i in v for v in by_label.values())]
        width = 0.8 / max(1, len(isas))
        labels = list(by_label)
        for j, isa in enumerate(isas):
            xs = [i + (j - (len(isas) - 1) / 2) * width for i in range(len(labels))]
            ys = [by_label[lab].get(isa, 0.0) / 1e9 for lab in labels]
            ax.bar(xs, ys, width, label=isa, color=ISA_COLOURS.get(isa))
        if memcpy.get(size):
            # memcpy moves 4 bytes in and 4 out per float32: its rate in float32 elements/s.
            ax.axhline(memcpy[size] / 8 / 1e9, color="#aa3333", linestyle="--", linewidth=1,
                       label="memcpy of the float32 data")
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels(labels, rotation=30, ha="right", fontsize=8)
        ax.set_yscale("log")
        ax.set_ylabel("G elements/s")
        ax.set_title(f"{key.split('@')[0].removeprefix('simd_')} ({size}, one thread)")
        ax.grid(axis="y", which="both", alpha=0.3)
        ax.legend(fontsize=7, ncol=5)
    fig.tight_layout()
    fig.savefig(png_path, dpi=110)
    plt.close(fig)
    print(f"[run_bench] wrote {png_path}", flush=True)
    return True


def plot_gemv(plt, data: dict, png_path: Path) -> bool:
    """GEMV time per weight format (one thread, N = 1), the float32 baselines beside them;
    one panel per matrix shape."""
    shapes: dict[str, list[tuple[str, float, str]]] = {}
    for b in iterations(data):
        parts = b["name"].split("/")
        if len(parts) < 5 or parts[3] != "N1" or parts[4] != "t1":
            continue
        if parts[0] == "gemm_lut":
            label = f"{parts[1]}-bit" if parts[1].isdigit() else parts[1]
            shapes.setdefault(parts[2], []).append((label, to_seconds(b) * 1e6, "#4878a8"))
        elif parts[0] == "gemm_baseline":
            shapes.setdefault(parts[2], []).append((parts[1], to_seconds(b) * 1e6, "#9a9a9a"))
    if not shapes:
        return False
    fig, axes = plt.subplots(1, len(shapes), figsize=(5.5 * len(shapes), 4.2), squeeze=False)
    for ax, (shape, pts) in zip(axes[0], shapes.items()):
        ax.bar(range(len(pts)), [p[1] for p in pts], color=[p[2] for p in pts])
        for i, p in enumerate(pts):
            ax.text(i, p[1], f"{p[1]:.0f}", ha="center", va="bottom", fontsize=7)
        ax.set_xticks(range(len(pts)))
        ax.set_xticklabels([p[0] for p in pts], rotation=35, ha="right", fontsize=8)
        ax.set_yscale("log")
        ax.set_ylabel("µs per GEMV (lower is better)")
        ax.set_title(f"GEMV {shape}, one thread", fontsize=10)
        ax.grid(axis="y", which="both", alpha=0.3)
    fig.suptitle("lowp mpGEMM with int8 activations (blue) and float32 baselines (grey)",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(png_path, dpi=110)
    plt.close(fig)
    print(f"[run_bench] wrote {png_path}", flush=True)
    return True


def plot_all(plt, data: dict, png_path: Path) -> bool:
    """Every benchmark's items/s in one long bar chart."""
    pts = [(b["name"], float(b["items_per_second"])) for b in iterations(data)
           if b.get("items_per_second")]
    if not pts:
        return False
    fig_h = max(2.5, 0.28 * len(pts) + 1.2)
    fig, ax = plt.subplots(figsize=(10, fig_h))
    labels = [p[0] for p in pts][::-1]
    values = [p[1] for p in pts][::-1]
    ax.barh(range(len(pts)), values, color="#4878a8")
    ax.set_yticks(range(len(pts)))
    ax.set_yticklabels(labels, fontsize=7)
    ax.set_xscale("log")
    ax.set_xlabel("items/s (log scale, higher is better)")
    ax.set_title("lowp benchmarks")
    ax.grid(axis="x", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(png_path, dpi=100)
    plt.close(fig)
    print(f"[run_bench] wrote {png_path}", flush=True)
    return True


def plot(json_path: Path, png_path: Path) -> int:
    """Runs inside an interpreter that has matplotlib. Writes png_path (every benchmark) and,
    beside it, <stem>_simd.png and <stem>_gemv.png when those benchmarks ran."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = json.loads(json_path.read_text(encoding="utf-8"))
    if not plot_all(plt, data, png_path):
        print("[run_bench] plot skipped: no benchmark reports items/s", flush=True)
    plot_simd(plt, data, png_path.with_name(png_path.stem + "_simd.png"))
    plot_gemv(plt, data, png_path.with_name(png_path.stem + "_gemv.png"))
    return 0


def find_plot_python() -> str | None:
    candidates = [sys.executable, os.environ.get("LOWP_PLOT_PYTHON"), "/usr/bin/python3",
                  shutil.which("python3")]
    seen = set()
    for py in candidates:
        if not py or py in seen or not os.path.exists(py):
            continue
        seen.add(py)
        try:
            ok = subprocess.run([py, "-c", PLOT_PROBE], capture_output=True,
                                timeout=120).returncode == 0
        except (OSError, subprocess.SubprocessError):
            ok = False
        if ok:
            return py
    return None


def try_plot(json_path: Path, png_path: Path) -> None:
    py = find_plot_python()
    if py is None:
        print("[run_bench] plot skipped: no Python interpreter with matplotlib "
              "(install python3-matplotlib, or set LOWP_PLOT_PYTHON)", flush=True)
        return
    res = subprocess.run([py, os.path.abspath(__file__), "--plot-only",
                          "--json", str(json_path), "--png", str(png_path)])
    if res.returncode != 0:
        print(f"[run_bench] plot failed with {py} (exit {res.returncode}); results.md is "
              "still valid", flush=True)


def time_probes(cxx: str, include: str, std: str, repeats: int = 3) -> list[dict]:
    """Compile-time budget: each bench/probes/*.cpp compiled (-O2, -c) `repeats` times with
    the build's compiler; the median wall time per probe."""
    probes = sorted((Path(__file__).resolve().parent / "probes").glob("*.cpp"))
    rows = []
    for probe in probes:
        cmd = [cxx, f"-std=c++{std}", "-O2", "-I", include, "-c", str(probe), "-o", os.devnull]
        times = []
        for _ in range(repeats):
            t0 = time.monotonic()
            res = subprocess.run(cmd, capture_output=True, text=True)
            times.append(time.monotonic() - t0)
            if res.returncode != 0:
                print(f"[run_bench] probe {probe.name} failed to compile:\n{res.stderr}",
                      flush=True)
                break
        else:
            times.sort()
            rows.append({"probe": probe.stem, "compiler": cxx, "std": f"c++{std}",
                         "median_s": times[len(times) // 2], "runs_s": times})
            print(f"[run_bench] compile time {probe.stem}: {times[len(times) // 2]:.2f} s "
                  f"(median of {repeats}, {Path(cxx).name} -O2)", flush=True)
    return rows


def run_explorer(exe: str, out_dir: Path, no_plot: bool) -> None:
    """The quantization explorer on its built-in tensors: quantization_explorer.csv (every
    row) and quantization_explorer.txt (its table and trends); a chart when matplotlib is
    available."""
    csv_path = out_dir / "quantization_explorer.csv"
    print(f"[run_bench] quantization explorer: {exe} --csv {csv_path}", flush=True)
    res = subprocess.run([exe, "--csv", str(csv_path)], capture_output=True, text=True)
    (out_dir / "quantization_explorer.txt").write_text(res.stdout, encoding="utf-8")
    if res.returncode != 0:
        print(f"[run_bench] quantization explorer failed (exit {res.returncode}):\n{res.stderr}",
              flush=True)
        return
    trends = [ln for ln in res.stdout.splitlines() if ln.lstrip().startswith("(")]
    for ln in trends:
        print(f"[run_bench]   {ln.strip()}", flush=True)
    if no_plot:
        return
    py = find_plot_python()
    script = Path(__file__).resolve().parent.parent / "examples" / "quantization_explorer_plot.py"
    if py is None or not script.exists():
        print("[run_bench] quantization explorer chart skipped (no matplotlib)", flush=True)
        return
    subprocess.run([py, str(script), str(csv_path), str(out_dir / "results_explorer.png")])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", help="path to lowp_bench")
    ap.add_argument("--out-dir", default=".", help="where results.{json,md,png} go")
    ap.add_argument("--min-time", default="0.05",
                    help="--benchmark_min_time in seconds (bare number)")
    ap.add_argument("--filter", default=None, help="--benchmark_filter regex")
    ap.add_argument("--no-plot", action="store_true")
    ap.add_argument("--cxx", default=None, help="compiler for the compile-time probes")
    ap.add_argument("--include", default=None, help="lowp's include/ for the probes")
    ap.add_argument("--std", default="17", help="C++ standard for the probes")
    ap.add_argument("--explorer", default=None,
                    help="example_quantization_explorer: run it and chart its table")
    ap.add_argument("--plot-only", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--json", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--png", default=None, help=argparse.SUPPRESS)
    ap.add_argument("extra", nargs="*", help="extra arguments for lowp_bench (after --)")
    args = ap.parse_args()

    if args.plot_only:
        return plot(Path(args.json), Path(args.png))

    if not args.bench:
        ap.error("--bench is required")
    out_dir = Path(args.out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / "results.json"
    md_path = out_dir / "results.md"
    png_path = out_dir / "results.png"
    for stale in (json_path, md_path, png_path, out_dir / "results_simd.png",
                  out_dir / "results_gemv.png", out_dir / "results_explorer.png"):
        if stale.exists():
            stale.unlink()

    if args.explorer:
        run_explorer(args.explorer, out_dir, args.no_plot)
    rc = run_benchmarks(args, json_path)
    if not json_path.exists():
        print(f"[run_bench] error: {json_path} was not written", flush=True)
        return rc or 1
    data = json.loads(json_path.read_text(encoding="utf-8"))
    if args.cxx and args.include:
        data["lowp_compile_time"] = time_probes(args.cxx, args.include, args.std)
        json_path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    print(f"[run_bench] wrote {json_path}", flush=True)
    write_markdown(data, md_path)
    if not args.no_plot:
        try_plot(json_path, png_path)
    return rc


if __name__ == "__main__":
    sys.exit(main())
