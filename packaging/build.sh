#!/usr/bin/env bash
# Configures (once) and builds cimscope with Ninja. BUILD_DIR (default build/) and any extra
# CMake arguments, e.g. -DCIMSCOPE_SANITIZE=ON, may be given.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
JOBS="${JOBS:-$(nproc)}"
cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" "$@"
cmake --build "$BUILD_DIR" -j "$JOBS"
