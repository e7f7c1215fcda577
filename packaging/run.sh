#!/usr/bin/env bash
# README command 1: install dependencies, build, and open the GUI on the default experiment.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/packaging/install-deps.sh"
bash "$ROOT/packaging/build.sh"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "run: no display found; starting cimscope under xvfb-run (nothing will be visible)." >&2
  echo "     Set DISPLAY to see the window, or QT_QPA_PLATFORM=offscreen for headless use." >&2
  exec xvfb-run -a -s "-screen 0 1600x1000x24" "$BUILD_DIR/app/cimscope" "$@"
fi
exec "$BUILD_DIR/app/cimscope" "$@"
