#!/usr/bin/env bash
# Verifies or restores MNIST in data/mnist (or the folder given as the last argument).
#   bash scripts/get_mnist.sh [--verify] [DIR]
# The repository carries the four files; a file that is missing or fails its MD5 sum is restored
# from git (in a clone), else downloaded from $MNIST_MIRROR when there is internet access.
# --verify only checks and exits 1 if any file is missing or damaged.
set -euo pipefail
verify_only=0
if [ "${1:-}" = "--verify" ]; then verify_only=1; shift; fi
repo="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$repo/data/mnist}"
mirror="${MNIST_MIRROR:-https://ossci-datasets.s3.amazonaws.com/mnist}"
sums='9fb629c4189551a2d022fa330f9573f3  t10k-images-idx3-ubyte.gz
ec29112dd5afa0611ce80d1b7f02629c  t10k-labels-idx1-ubyte.gz
f68b3c2dcbeaaa9fbdd348bbdeb94873  train-images-idx3-ubyte.gz
d53e105ee54ea40749a09fcbcd1e9432  train-labels-idx1-ubyte.gz'
mkdir -p "$dest"
cd "$dest"
bad=0
while read -r sum file; do
  if [ -f "$file" ] && [ "$(md5sum < "$file" | cut -d' ' -f1)" = "$sum" ]; then
    echo "$file: OK"
    continue
  fi
  if [ "$verify_only" = 1 ]; then echo "$file: missing or damaged"; bad=1; continue; fi
  rel="$(realpath --relative-to="$repo" "$PWD/$file" 2>/dev/null || true)"
  if git -C "$repo" cat-file -e "HEAD:$rel" 2>/dev/null; then
    echo "$file: restoring from git"
    git -C "$repo" show "HEAD:$rel" > "$file.part" && mv "$file.part" "$file"
  else
    echo "$file: downloading from $mirror"
    curl -fsSL --retry 3 -o "$file.part" "$mirror/$file" && mv "$file.part" "$file"
  fi
  [ "$(md5sum < "$file" | cut -d' ' -f1)" = "$sum" ] || { echo "$file: still fails its MD5 sum" >&2; bad=1; }
done <<< "$sums"
[ -f MD5SUMS ] || printf '%s\n' "$sums" > MD5SUMS
[ "$bad" = 0 ] || exit 1
echo "MNIST is in $(pwd)"
