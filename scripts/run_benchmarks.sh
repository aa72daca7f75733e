#!/usr/bin/env bash
# Runs every benchmark behind docs/performance.md, in one go, and keeps the raw outputs.
#   bash scripts/run_benchmarks.sh [OUT_DIR]        (default runs/bench; ~26 minutes on 2 cores)
# Builds build-bench (Release, -O3 -march=native, benchmarks on) first. Needs MNIST for the
# memory measurement: $GANLITE_MNIST_DIR, else ../shared/mnist. Run it on an otherwise idle
# machine: the figures are medians, but a busy neighbour still moves them.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/bench}"
mnist="${GANLITE_MNIST_DIR:-../shared/mnist}"
mkdir -p "$out"

cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DGANLITE_BUILD_BENCHMARKS=ON -DGANLITE_BUILD_EXAMPLES=ON -DGANLITE_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench -j2 --target ganlite_bench mnist_dcgan >/dev/null
bench=build-bench/bench/ganlite_bench
agg=(--benchmark_repetitions=3 --benchmark_report_aggregates_only=true)
agg5=(--benchmark_repetitions=5 --benchmark_report_aggregates_only=true)  # the step: the headline figure

echo "== machine" | tee "$out/machine.txt"
{ lscpu | grep -E 'Model name|^CPU\(s\)|Thread|L1d|L2|L3'; date -u; git rev-parse --short HEAD; } | tee -a "$out/machine.txt"

echo "== measured FMA peak, 2 threads and 1 thread"
"$bench" --threads=2 --benchmark_filter='BM_FmaPeak' "${agg[@]}" | tee "$out/peak_2t.txt"
"$bench" --threads=1 --benchmark_filter='BM_FmaPeak' "${agg[@]}" | tee "$out/peak_1t.txt"
echo "== training step, 2 threads"
"$bench" --threads=2 --benchmark_filter='BM_TrainStep' "${agg5[@]}" | tee "$out/trainstep_2t.txt"
echo "== training step, 1 thread"
"$bench" --threads=1 --benchmark_filter='BM_TrainStep/256' "${agg5[@]}" | tee "$out/trainstep_1t.txt"
echo "== SGEMM per DCGAN shape"
# 7 repetitions of every (shape, library) in random order: the VM's slow spells last minutes, and
# running each library's repetitions back to back would hand a whole spell to one of them.
"$bench" --threads=2 --benchmark_filter='BM_Sgemm/.*/(ganlite_avx512|ganlite_avx2|eigen|openblas)' \
  --benchmark_repetitions=7 --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true \
  | tee "$out/sgemm.txt"
echo "== layers, 2 threads and 1 thread"
"$bench" --threads=2 --benchmark_filter='BM_Layer' | tee "$out/layers_2t.txt"
"$bench" --threads=1 --benchmark_filter='BM_Layer' | tee "$out/layers_1t.txt"
# ganlite's step with 2 threads, with 1 thread and PyTorch's, alternately, five rounds: each
# round's ratios (2 threads vs PyTorch, 2 threads vs 1) compare runs within minutes of each other;
# the tables report every round and the median ratio.
have_torch=0
/usr/bin/python3 -c 'import torch' 2>/dev/null && have_torch=1
echo "== training step: 2 threads, 1 thread and PyTorch, alternating rounds"
for r in 1 2 3 4 5; do
  "$bench" --threads=2 --benchmark_filter='BM_TrainStep/256/' "${agg[@]}" | tee "$out/pair${r}_ganlite.txt"
  "$bench" --threads=1 --benchmark_filter='BM_TrainStep/256/' "${agg[@]}" | tee "$out/pair${r}_ganlite_1t.txt"
  if [ "$have_torch" = 1 ]; then /usr/bin/python3 bench/pytorch_step.py | tee "$out/pair${r}_pytorch.txt"; fi
done
if [ "$have_torch" = 1 ]; then
  cp "$out/pair1_pytorch.txt" "$out/pytorch.txt"
else
  echo "(python3-torch not installed: no PyTorch comparison)" | tee "$out/pytorch.txt"
fi
echo "== peak memory of training at batch 256 (10 steps)"
rm -rf "$out/mem_run"
/usr/bin/time -v build-bench/examples/mnist_dcgan --data "$mnist" --out "$out/mem_run" --limit 2560 --epochs 1 --threads 2 \
  2>&1 | tee "$out/mem.txt" | grep -E 'Time for epoch|Maximum resident'
rm -rf "$out/mem_run"
echo "raw outputs in $out"
