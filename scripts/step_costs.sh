#!/usr/bin/env bash
# The step's cost with each ingredient of the ablation (docs/results.md), side by side in one
# run: BM_StepWith/<ingredient> at batch 256, 5 repetitions in random interleaving, medians.
#   bash scripts/step_costs.sh [build dir] [output file]
set -euo pipefail
build=${1:-build}
out=${2:-/dev/stdout}
"$build/bench/ganlite_bench" --threads=2 --benchmark_filter='BM_StepWith/' --benchmark_repetitions=5 \
  --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true | tee "$out" | grep -E 'median|^Run|^---'
