#!/usr/bin/env bash
# Installs ganlite's build, test and benchmark dependencies from Debian's packages.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  g++ cmake make libeigen3-dev doctest-dev libstb-dev libbenchmark-dev zlib1g-dev libgif-dev libcli11-dev \
  libopenblas-dev dataset-fashion-mnist python3 chromium fonts-dejavu-core libopenmpi-dev openmpi-bin \
  libonnx-dev libprotobuf-dev python3-onnx >/dev/null
# ONNX Runtime for the ONNX export's tests, from npm's registry, as the lock file in tests/onnx
# pins it, with the machine's Node.js and npm. --ignore-scripts: its install script fetches
# extras from hosts these machines can't reach, and the CPU runtime is in the package.
if command -v npm >/dev/null; then
  (cd "$(dirname "$0")/../tests/onnx" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
else
  echo "npm not found: the ONNX Runtime test (onnx_runtime) will be skipped"
fi
echo "ganlite dependencies installed"
