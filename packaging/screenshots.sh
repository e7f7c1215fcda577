#!/usr/bin/env bash
# Saves one screenshot per GUI tab into docs/images/ (gui-<tab>.png), under xvfb-run.
# It first runs the quick pipeline with the CLI on a smaller subset (resnet20 on Fashion-MNIST,
# synthetic data when it is missing; a few minutes of CPU) and a mapping sweep around the
# reference macro, so every tab shows real results, then opens the GUI once per tab on a fresh
# settings folder: the run file for most tabs, the sweep file for the Sweep explorer. The ADC tab
# is taken at 128 rows, where nothing is stored, so it shows a quick evaluation (not retrained);
# then the occupancy tab under --palette dark (gui-dark.png) and the design-point report
# (report.pdf, its page as report.png through pdftoppm from poppler-utils).
# KEEP=DIR keeps the run and sweep files there (default: a temporary folder).
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
if [ -n "${KEEP:-}" ]; then
  WORK="$KEEP"; rm -rf "$WORK"; mkdir -p "$WORK"
else
  WORK="$(mktemp -d)"
  trap 'rm -rf "$WORK"' EXIT
fi

DATASET=fashion-mnist
if ! "$CLI" datasets 2>/dev/null | grep -q "^fashion-mnist.*found"; then DATASET=synthetic; fi
RUN="$WORK/quick-$DATASET.h5"
SWEEP="$WORK/sweep.h5"
# resources/configs/quick.json with a smaller subset and fewer epochs (docs/config.md).
cat > "$WORK/screens.json" <<JSON
{
  "dataset": {"name": "$DATASET", "subset_train": 1500, "subset_test": 500},
  "model": {"name": "resnet20"},
  "macro": "reference-256",
  "baseline": {"train": {"epochs": 2, "batch_size": 128, "lr": 0.1}},
  "stage1": {"budget": "pruned", "lambda": 0.0005, "shrink_epochs": 1, "finetune_epochs": 1},
  "stage2": {"train": {"epochs": 1}},
  "adc_sweep": {"bits": [3, 4, 5, 6, 8], "retrain_epochs": 1},
  "sweep": {"axes": {"rows": [128, 256, 512], "adc_bits": [3, 4, 5, 6, 8]},
            "evaluate": "evaluate", "checkpoint": "$RUN.stages/stage2.h5"},
  "seed": 1
}
JSON
echo "screenshots: running the quick pipeline ($DATASET) ..." >&2
"$CLI" run --config "$WORK/screens.json" --out "$RUN" >/dev/null
# The sweep evaluates the Stage 2 network on each point's macro (no retraining).
"$CLI" sweep --config "$WORK/screens.json" --out "$SWEEP" >/dev/null

# reference-256 with 128 rows (and 128 active wordlines): a design point without stored results.
sed -e 's/"name": "reference-256"/"name": "reference-256, 128 rows"/' \
    -e 's/"rows": 256/"rows": 128/' -e 's/"active_wordlines": 256/"active_wordlines": 128/' \
    "$ROOT/resources/macros/reference-256.json" > "$WORK/macro-128.json"

gui() {  # gui NAME ARGS...: the GUI on a fresh settings folder under xvfb
  local cfg="$WORK/config-$1"
  shift
  mkdir -p "$cfg"
  XDG_CONFIG_HOME="$cfg" XDG_DATA_HOME="$WORK/data" \
    xvfb-run -a -s "-screen 0 1600x1000x24" "$GUI" "$@"
}
for tab in occupancy summary importance adc sweep datasets; do
  case "$tab" in
    sweep) gui "$tab" --tab "$tab" --open "$SWEEP" --screenshot "$OUT/gui-$tab.png" ;;
    adc) gui "$tab" --tab "$tab" --open "$RUN" --open "$WORK/macro-128.json" \
           --screenshot "$OUT/gui-$tab.png" ;;
    *) gui "$tab" --tab "$tab" --open "$RUN" --screenshot "$OUT/gui-$tab.png" ;;
  esac
  echo "screenshots: $OUT/gui-$tab.png" >&2
done
gui dark --palette dark --tab occupancy --open "$RUN" --screenshot "$OUT/gui-dark.png"
echo "screenshots: $OUT/gui-dark.png" >&2
gui report --open "$RUN" --open "$WORK/macro-128.json" --report "$WORK/report.pdf"
if command -v pdftoppm >/dev/null; then
  pdftoppm -r 110 -png -singlefile "$WORK/report.pdf" "$OUT/report"
  echo "screenshots: $OUT/report.png" >&2
else
  echo "screenshots: pdftoppm missing (apt install poppler-utils); report.png not updated" >&2
fi
