#!/usr/bin/env bash
# Installs ganlite's build, test and benchmark dependencies from Debian's packages.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  g++ cmake make libeigen3-dev doctest-dev libstb-dev libbenchmark-dev zlib1g-dev libgif-dev libcli11-dev \
  libopenblas-dev dataset-fashion-mnist python3 chromium fonts-dejavu-core libopenmpi-dev openmpi-bin >/dev/null
echo "ganlite dependencies installed"
