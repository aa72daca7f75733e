#!/usr/bin/env bash
# Downloads the four MNIST files into data/mnist (or $1) and checks their md5 sums.
# For users with internet access; the project's own machines read ../shared/mnist instead.
set -euo pipefail
dest="${1:-data/mnist}"
mirror="${MNIST_MIRROR:-https://ossci-datasets.s3.amazonaws.com/mnist}"
mkdir -p "$dest"
cd "$dest"
cat > MD5SUMS <<'SUMS'
9fb629c4189551a2d022fa330f9573f3  t10k-images-idx3-ubyte.gz
ec29112dd5afa0611ce80d1b7f02629c  t10k-labels-idx1-ubyte.gz
f68b3c2dcbeaaa9fbdd348bbdeb94873  train-images-idx3-ubyte.gz
d53e105ee54ea40749a09fcbcd1e9432  train-labels-idx1-ubyte.gz
SUMS
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
  if [ ! -s "$f" ]; then
    echo "downloading $f"
    curl -fsSL --retry 3 -o "$f.part" "$mirror/$f" && mv "$f.part" "$f"
  fi
done
md5sum -c MD5SUMS
echo "MNIST is in $(pwd)"
