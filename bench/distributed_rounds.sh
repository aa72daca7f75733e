#!/usr/bin/env bash
# Alternating rounds on one machine (docs/distributed.md, "Measured"): one process with T threads
# (BM_SeedStep: the step mnist_dcgan takes without mpirun) against mpirun -np P with T/P threads
# each (BM_DataParallelStep/P: the data-parallel step, P shards). Prints each round's
# milliseconds per step, the part of the data-parallel step spent summing over shards and the
# bytes each process sent per step, then the medians and their ratio.
#   bench/distributed_rounds.sh [BENCH_BINARY] [ROUNDS] [P] [T]
set -euo pipefail
bench=${1:-build-bench/bench/ganlite_bench_mpi}
rounds=${2:-5}
P=${3:-2}
T=${4:-2}
export OMPI_MCA_btl_vader_single_copy_mechanism=none
mpirun_flags=(--allow-run-as-root --oversubscribe --bind-to none)
field() {  # the value of counter $2 (or real_time) in the CSV line of benchmark $1
  python3 -c '
import csv, sys
rows = list(csv.DictReader(l for l in open(sys.argv[1]) if not l.startswith(("Run on", "CPU", "  L", "Load", "***", "-"))))
for r in rows:
    if r["name"].startswith(sys.argv[2]):
        print(r[sys.argv[3]])
' "$3" "$1" "$2"
}
one=() many=()
tmp=$(mktemp -d)
for r in $(seq 1 "$rounds"); do
  "$bench" --threads="$T" --benchmark_filter='^BM_SeedStep/' --benchmark_format=csv > "$tmp/one.csv" 2>/dev/null
  mpirun "${mpirun_flags[@]}" -np "$P" "$bench" --threads=$((T / P)) --benchmark_filter="^BM_DataParallelStep/$P/" \
    --benchmark_format=csv > "$tmp/many.csv" 2>/dev/null
  a=$(field BM_SeedStep real_time "$tmp/one.csv")
  b=$(field BM_DataParallelStep real_time "$tmp/many.csv")
  share=$(field BM_DataParallelStep sum_share "$tmp/many.csv")
  mb=$(field BM_DataParallelStep MB_sent "$tmp/many.csv")
  printf 'round %d: 1 process x %d threads %.1f ms/step; %d processes x %d threads %.1f ms/step (summing %.1f%%, %.2f MB sent per process)\n' \
    "$r" "$T" "$a" "$P" $((T / P)) "$b" "$(python3 -c "print(100 * $share)")" "$mb"
  one+=("$a") many+=("$b")
done
python3 - "${one[*]}" "${many[*]}" <<'EOF'
import statistics, sys
one = [float(v) for v in sys.argv[1].split()]
many = [float(v) for v in sys.argv[2].split()]
a, b = statistics.median(one), statistics.median(many)
print(f"medians: one process {a:.1f} ms/step, data-parallel {b:.1f} ms/step; ratio {b / a:.3f}")
EOF
rm -rf "$tmp"
