#!/usr/bin/env bash
# Issue 7 benchmark: a mapping/cost-only sweep over 10,800 macro configurations of resnet20
# (bench/sweep_10k.json: rows x cols x active_wordlines x adc_bits x weight_bits x
# macros_on_chip x packing) on ONE worker thread, written point by point to an HDF5 file.
# Prints the sweep's own wall time (file writing included, process start excluded).
#   bash bench/sweep_bench.sh [BUILD_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${1:-$ROOT/build}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
for run in 1 2 3; do
  "$BUILD_DIR/app/cimscope-cli" sweep --config "$ROOT/bench/sweep_10k.json" --out "$OUT/s$run.h5" \
      --threads 1 --json | sed -n 's/.*"\(total\|failed\|seconds\)": \([0-9.e+-]*\).*/\1=\2/p' | tr '\n' ' '
  echo
done
