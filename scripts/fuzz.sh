#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with clang (AddressSanitizer + UBSan) and runs each for
# SECONDS (default 60) from a seed corpus of valid files. Prints each target's executions and
# corpus size; exits non-zero on the first crash, leaving the input in build-fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
out=build-fuzz
rm -rf "$out/crashes"
mkdir -p "$out/crashes"
flags="-std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Iinclude -I/usr/include/eigen3"
rm -f "$out"/fuzz_*
pids=()
for t in idx checkpoint weights image; do
  clang++ $flags "fuzz/fuzz_$t.cpp" -o "$out/fuzz_$t" -lz &
  pids+=($!)
done
for p in "${pids[@]}"; do  # a target that does not build is a failure, never a target silently not run
  wait "$p" || { echo "fuzz: a target did not build (its compiler errors are above)"; exit 1; }
done
# Seed corpora: real, valid inputs of each kind.
clang++ -std=c++17 -O1 -Iinclude -I/usr/include/eigen3 fuzz/make_seeds.cpp -o "$out/make_seeds" -lz
"$out/make_seeds" "$out/seeds"
for t in idx checkpoint weights image; do
  mkdir -p "$out/corpus_$t"
  cp -n "$out/seeds/$t"/* "$out/corpus_$t/" 2>/dev/null || true
  [ -d "fuzz/regressions/$t" ] && cp -n fuzz/regressions/"$t"/* "$out/corpus_$t/" 2>/dev/null || true
  echo "== fuzz_$t for ${seconds}s"
  [ -x "$out/fuzz_$t" ] || { echo "fuzz: $out/fuzz_$t was not built"; exit 1; }
  "$out/fuzz_$t" -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048 -artifact_prefix="$out/crashes/$t-" \
    -print_final_stats=1 "$out/corpus_$t" 2>&1 | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ *DONE)|ERROR|SUMMARY" || true
  echo "corpus: $(ls "$out/corpus_$t" | wc -l) inputs"
  if ls "$out/crashes/$t-"* >/dev/null 2>&1; then echo "fuzz_$t found a crash: $(ls "$out/crashes/$t-"*)"; exit 1; fi
done
echo "fuzzing: no crashes"
