#!/usr/bin/env python3
"""Turns the raw outputs of scripts/run_benchmarks.sh into the Markdown tables of docs/performance.md.

Usage: python3 scripts/bench_tables.py [DIR]      (default runs/bench)
Reads the medians Google Benchmark reports (--benchmark_repetitions=3; 5 for the training step, 7 for\nthe SGEMM shapes) and the alternating step-vs-PyTorch rounds; prints Markdown.
"""
import re
import sys
from pathlib import Path

UNIT_MS = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}


def rows(path, suffix="_median"):
    """(name, ms, counters) for every benchmark line ending in suffix ('' for single runs)."""
    out = []
    for line in Path(path).read_text().splitlines():
        m = re.match(r"^(BM_\S+?)(/min_time:[0-9.]+)?(/real_time)?(_median|_mean|_stddev|_cv)?\s+([0-9.]+) (ns|us|ms|s)\s+"
                     r"[0-9.]+ (?:ns|us|ms|s)\s+\d+(.*)$", line)
        if not m or (m.group(4) or "") != suffix:
            continue
        counters = dict(re.findall(r"(\S+)=([0-9.]+[kMG]?)", m.group(7)))
        out.append((m.group(1), float(m.group(5)) * UNIT_MS[m.group(6)], counters))
    return out


def gflops(counter):
    scale = {"k": 1e-6, "M": 1e-3, "G": 1.0}
    return float(counter[:-1]) * scale[counter[-1]] if counter[-1] in scale else float(counter) * 1e-9


def main():
    d = Path(sys.argv[1] if len(sys.argv) > 1 else "runs/bench")
    peak = None
    if (d / "peak_2t.txt").exists():
        print("### Measured FMA peak (GFLOP/s)\n\n| kernel | 2 threads | 1 thread |\n| --- | ---: | ---: |")
        one = {n: c for n, _, c in rows(d / "peak_1t.txt")} if (d / "peak_1t.txt").exists() else {}
        for name, _, c in rows(d / "peak_2t.txt"):
            g1 = f"{gflops(one[name]['GFLOPS']):.0f}" if name in one else "–"
            print(f"| {name.split('/')[1]} | {gflops(c['GFLOPS']):.0f} | {g1} |")
            if name.endswith("avx512") or peak is None:
                peak = gflops(c["GFLOPS"])
        print()
    print("### Training step (2 threads)\n\n| batch | ms / step | images / s | GEMM GFLOP/s |\n| ---: | ---: | ---: | ---: |")
    for name, ms, c in rows(d / "trainstep_2t.txt"):
        b = int(name.split("/")[1])
        share = f" ({gflops(c['GFLOPS']) / peak:.0%} of peak)" if peak else ""
        print(f"| {b} | {ms:.0f} | {b / ms * 1000:.0f} | {gflops(c['GFLOPS']):.0f}{share} |")
    for name, ms, c in rows(d / "trainstep_1t.txt"):
        print(f"\n1 thread, {name}: {ms:.0f} ms ({gflops(c['GFLOPS']):.0f} GEMM GFLOP/s)")

    def paired_rounds(title, header, other_suffix, other_ms):
        """One table row per alternating round that has both files, then the median ratio."""
        rounds = [g for g in sorted(d.glob("pair*_ganlite.txt")) if g.with_name(g.name.replace("_ganlite.txt", other_suffix)).exists()]
        if not rounds:
            return
        print(f"\n### {title}\n\n| round | {header} | ratio |\n| ---: | ---: | ---: | ---: |")
        ratios = []
        for g in rounds:
            ours, theirs = rows(g)[0][1], other_ms(g.with_name(g.name.replace("_ganlite.txt", other_suffix)))
            ratios.append(theirs / ours)
            print(f"| {g.name[len('pair'):-len('_ganlite.txt')]} | {ours:.0f} | {theirs:.0f} | {theirs / ours:.2f} |")
        ratios.sort()
        print(f"\nmedian ratio over {len(ratios)} rounds: {ratios[len(ratios) // 2]:.2f}")

    paired_rounds("Thread scaling of the step, alternating rounds (batch 256)",
                  "2 threads ms / step | 1 thread ms / step", "_ganlite_1t.txt", lambda f: rows(f)[0][1])
    paired_rounds("Training step vs PyTorch's best configuration, alternating rounds (batch 256, 2 cores)",
                  "ganlite ms / step | PyTorch best ms / step", "_pytorch.txt",
                  lambda f: float(re.search(r"^best: .*?([0-9.]+) ms/step$", f.read_text(), re.M).group(1)))

    print("\n### SGEMM per shape (2 threads), ms (GFLOP/s)\n")
    table, order = {}, []
    for name, ms, c in rows(d / "sgemm.txt"):
        _, m, k, n, op, impl = name.split("/")[:6]
        key = (m, k, n, op)
        if key not in table:
            order.append(key)
            table[key] = {}
        table[key][impl] = (ms, gflops(c["GFLOPS"]))
    # Rows in the order bench/dcgan_shapes.hpp lists the products (the benchmark's own output is
    # in random order: its repetitions are interleaved).
    listed = re.findall(r'\{"[^"]+", Trans::(\w), Trans::(\w), (\d+), (\d+), (\d+)\}',
                        (Path(__file__).resolve().parent.parent / "bench/dcgan_shapes.hpp").read_text())
    canonical = [(m, k, n, ta + tb) for ta, tb, m, n, k in listed]
    order.sort(key=lambda key: canonical.index(key) if key in canonical else len(canonical))
    impls = ["ganlite_avx512", "ganlite_avx2", "openblas", "eigen"]
    print("| M/K/N/op | " + " | ".join(impls) + " |\n| --- |" + " ---: |" * len(impls))
    sums = {i: 0.0 for i in impls}
    for key in order:
        cells = []
        for i in impls:
            if i in table[key]:
                ms, g = table[key][i]
                sums[i] += ms
                cells.append(f"{ms:.1f} ({g:.0f})")
            else:
                cells.append("–")
        print(f"| {'/'.join(key)} | " + " | ".join(cells) + " |")
    print("| **sum** | " + " | ".join(f"**{sums[i]:.0f}**" for i in impls) + " |")
    wins = sum(1 for key in order if "openblas" in table[key] and table[key]["ganlite_avx512"][0] <= table[key]["openblas"][0])
    print(f"\nganlite AVX-512 at least as fast as OpenBLAS on {wins} of {len(order)} distinct shapes")

    print("\n### Layers, batch 256: ms at 2 threads / 1 thread\n\n| layer | pass | 2 threads | 1 thread | ratio |\n| --- | --- | ---: | ---: | ---: |")
    one = {n: ms for n, ms, _ in rows(d / "layers_1t.txt", "")}
    for name, ms, _ in rows(d / "layers_2t.txt", ""):
        parts = name.split("/")
        t1 = one.get(name)
        ratio = f"{t1 / ms:.2f}" if t1 else "–"
        print(f"| {parts[1]} {parts[2]} | {parts[3]} | {ms:.2f} | {t1:.2f} | {ratio} |" if t1 else f"| {parts[1]} {parts[2]} | {parts[3]} | {ms:.2f} | – | – |")


if __name__ == "__main__":
    main()
