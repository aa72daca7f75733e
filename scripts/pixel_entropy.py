#!/usr/bin/env python3
"""The floor under any Bernoulli negative log-likelihood of an IDX image file (docs/results.md).

Read as probabilities p = byte / 255, a grey pixel can't be predicted with certainty: a model that
knew every pixel's value exactly still pays its entropy -p log p - (1 - p) log(1 - p). This prints
that sum over an image's pixels, averaged over the file's images, in nats per image: no VAE's
negative ELBO (or any Bernoulli likelihood's) on those images can be lower.

    python3 scripts/pixel_entropy.py data/mnist/t10k-images-idx3-ubyte.gz
"""
import collections
import gzip
import math
import struct
import sys


def read_idx_images(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 16:
        raise ValueError(f"{path}: too short for an IDX image header ({len(data)} bytes)")
    magic, count, rows, cols = struct.unpack(">IIII", data[:16])
    if magic != 0x00000803:
        raise ValueError(f"{path}: not an IDX file of 8-bit images (magic 0x{magic:08x}, want 0x00000803)")
    if len(data) != 16 + count * rows * cols:
        raise ValueError(f"{path}: holds {len(data) - 16} pixel bytes; its header says {count} x {rows} x {cols}")
    return data[16:], count


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: pixel_entropy.py IMAGES.idx[.gz]")
    try:
        pixels, count = read_idx_images(sys.argv[1])
    except (OSError, ValueError, EOFError) as e:
        sys.exit(f"pixel_entropy.py: {e}")
    if count == 0:
        sys.exit(f"pixel_entropy.py: {sys.argv[1]} holds no images")
    entropy = [0.0] * 256  # of each byte value; 0 and 255 are certain
    for v in range(1, 255):
        p = v / 255.0
        entropy[v] = -(p * math.log(p) + (1 - p) * math.log(1 - p))
    counts = collections.Counter(pixels)
    total = sum(entropy[v] * n for v, n in counts.items())
    grey = sum(n for v, n in counts.items() if 0 < v < 255)
    print(f"{total / count:.2f} nats per image ({count} images, {grey / count:.1f} grey pixels each on average)")


if __name__ == "__main__":
    main()
