#!/usr/bin/env bash
# Saves one screenshot per GUI tab into docs/images/ (gui-<tab>.png), under xvfb-run.
# It first trains a quick baseline with the CLI (resnet20 on a Fashion-MNIST subset, two epochs;
# synthetic data when Fashion-MNIST is missing) so the summary shows a real accuracy, then
# opens the GUI once per tab on a fresh settings folder.
#   BUILD_DIR=build-ui bash packaging/screenshots.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
OUT="${OUT:-$ROOT/docs/images}"
GUI="$BUILD_DIR/app/cimscope"
CLI="$BUILD_DIR/app/cimscope-cli"
for f in "$GUI" "$CLI"; do
  [ -x "$f" ] || { echo "screenshots: $f is not built (bash packaging/build.sh)" >&2; exit 1; }
done
command -v xvfb-run >/dev/null || { echo "screenshots: xvfb-run missing (apt install xvfb)" >&2; exit 1; }
mkdir -p "$OUT"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

DATASET=fashion-mnist
if ! "$CLI" datasets 2>/dev/null | grep -q "^fashion-mnist.*found"; then DATASET=synthetic; fi
CKPT="$WORK/resnet20-$DATASET-quick.h5"
echo "screenshots: training a quick baseline ($DATASET) ..." >&2
"$CLI" train --model resnet20 --dataset "$DATASET" --epochs 2 --subset-train 3000 \
  --subset-test 1000 --out "$CKPT" >/dev/null

for tab in occupancy summary importance adc sweep datasets; do
  cfg="$WORK/config-$tab"
  mkdir -p "$cfg"
  XDG_CONFIG_HOME="$cfg" XDG_DATA_HOME="$WORK/data" \
    xvfb-run -a -s "-screen 0 1600x1000x24" \
    "$GUI" --tab "$tab" --open "$CKPT" --screenshot "$OUT/gui-$tab.png"
  echo "screenshots: $OUT/gui-$tab.png" >&2
done
