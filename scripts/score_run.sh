#!/usr/bin/env bash
# Scores a run folder's generator at chosen epochs with the project's classifier (Inception
# Score, FID, rarest class share; docs/results.md), its moving average and, with --raw, the
# trained generator too (for runs trained with --ema). One line per epoch and generator.
#   bash scripts/score_run.sh RUN_DIR [--raw] [epochs...]     (default epochs: 5 10 20 30)
# A VAE's run folder: GANLITE_BIN=build/examples/mnist_vae (its lines add the test set's negative ELBO).
# Needs runs/classifier.weights (build/examples/mnist_classifier --epochs 12 --model runs/classifier.weights).
set -euo pipefail
run=$1; shift
raw=no
if [[ ${1:-} == --raw ]]; then raw=yes; shift; fi
epochs=("$@"); [[ ${#epochs[@]} -gt 0 ]] || epochs=(5 10 20 30)
bin=${GANLITE_BIN:-build/examples/mnist_dcgan}
classifier=${GANLITE_CLASSIFIER:-runs/classifier.weights}
data=${GANLITE_MNIST_DIR:-data/mnist}
for e in "${epochs[@]}"; do
  ckpt=$(printf '%s/checkpoint_epoch_%04d.ckpt' "$run" "$e")
  [[ -f $ckpt ]] || { echo "$run epoch $e: no checkpoint yet"; continue; }
  kinds=(""); [[ $raw == yes ]] && kinds+=("--raw-generator")
  for k in "${kinds[@]}"; do
    line=$("$bin" --data "$data" evaluate --checkpoint "$ckpt" --classifier "$classifier" --count 10000 $k | tr '\n' ' ')
    echo "$run epoch $e ${k:-(as drawn)}: $line"
  done
done
