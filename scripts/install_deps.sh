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
# ONNX Runtime from npm's registry, as the lock files pin it, with the machine's Node.js and npm:
# onnxruntime-node for the ONNX export's tests (tests/onnx), onnxruntime-web for the page
# `mnist_dcgan export --html` writes (web/). --ignore-scripts: their install scripts fetch extras
# from hosts these machines can't reach, and the CPU runtime is in the package.
if command -v npm >/dev/null; then
  for dir in tests/onnx web; do
    (cd "$(dirname "$0")/../$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  done
else
  echo "npm not found: the ONNX Runtime tests (onnx_runtime, web_page_in_browser) will be skipped, and export --html can't write its page"
fi
echo "ganlite dependencies installed"
