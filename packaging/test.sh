#!/usr/bin/env bash
# README command 2: install dependencies, build, and run the whole test suite through ctest.
# Exits non-zero on any failure. GUI tests use the offscreen platform under CI or without a display.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/packaging/install-deps.sh"
bash "$ROOT/packaging/build.sh" "$@"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
if [ "${CI:-}" = "true" ] || { [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; }; then
  export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
fi
cd "$BUILD_DIR"
ctest --output-on-failure -j "${JOBS:-$(nproc)}" --timeout 900
