#!/usr/bin/env python3
"""Compare ganlite_bench binaries of two (or more) builds on the same benchmarks, alternating.

    python3 scripts/compare_builds.py FILTER ROUNDS BENCH_BINARY [BENCH_BINARY ...] [-- BENCH_ARGS ...]

Arguments after `--` go to every run (e.g. `-- --threads=1`).

Each round runs every binary once with --benchmark_filter=FILTER, in forward order on even
rounds and reversed on odd ones, so a slow spell of the machine hits every build about equally;
then it prints, per benchmark, each binary's median and minimum real time over the rounds.
On a shared VM whose speed drifts by tens of percent within minutes, this is how the
before/after figures in docs/performance.md were measured: one run of each build an hour apart
says little.
"""
import json
import os
import statistics
import subprocess
import sys


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    extra = []
    if "--" in argv:
        at = argv.index("--")
        argv, extra = argv[:at], argv[at + 1:]
        if len(argv) < 4:
            sys.exit(__doc__)
    pattern, binaries = argv[1], argv[3:]
    try:
        rounds = int(argv[2])
    except ValueError:
        sys.exit(f"compare_builds.py: ROUNDS must be a whole number, got {argv[2]!r}")
    if rounds < 1:
        sys.exit(f"compare_builds.py: ROUNDS must be at least 1, got {rounds}")
    for b in binaries:
        if not os.access(b, os.X_OK):
            sys.exit(f"compare_builds.py: {b} is not an executable file")
    times = {}  # benchmark name -> binary -> [ms]
    for r in range(rounds):
        for b in binaries if r % 2 == 0 else binaries[::-1]:
            run = subprocess.run([b, f"--benchmark_filter={pattern}", "--benchmark_format=json"] + extra,
                                 capture_output=True, text=True)
            if run.returncode != 0:
                sys.exit(f"compare_builds.py: {b} failed (exit {run.returncode}): {run.stderr.strip()}")
            for bm in json.loads(run.stdout)["benchmarks"]:
                scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[bm["time_unit"]]
                name = bm["name"].split("/min_time")[0].split("/real_time")[0]
                times.setdefault(name, {}).setdefault(b, []).append(bm["real_time"] * scale)
    if not times:
        sys.exit(f"compare_builds.py: no benchmark matches {pattern!r}")
    for name, per_binary in times.items():
        print(name)
        for b, ms in per_binary.items():
            print(f"  {b}: median {statistics.median(ms):.1f} ms, min {min(ms):.1f} ms over {len(ms)} runs")


if __name__ == "__main__":
    main(sys.argv)
