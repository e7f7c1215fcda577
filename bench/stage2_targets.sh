#!/bin/sh
# Stage 2 targets (issue 6): float baseline -> [Stage 1 morph] -> QAT (ADC-unaware and ADC-aware)
# -> adc-sweep -> simulate --check / eval, then the side-by-side speed benchmark. Not a test.
#
#   bench/stage2_targets.sh [BUILD_DIR] [WORK_DIR]
#
# Quick configuration (default): a data subset and 1 epoch per step, to show the pipeline works.
# Full configuration (the issue's accuracy targets; hours on 2 cores):
#   TRAIN=0 TEST=0 FLOAT_EPOCHS=60 QAT_EPOCHS=15 RETRAIN_EPOCHS=3 BENCH_TRAIN=10000 \
#     STAGE1=path/to/morphed.h5 bench/stage2_targets.sh
# More environment: THREADS (torch threads per command, default 0 = all cores), PARALLEL=1
# (the ADC-unaware QAT and then the adc-sweep run in the background beside the ADC-aware QAT;
# use with THREADS=1 on 2 cores), SWEEP_TRAIN (training samples for the adc-sweep's
# retraining, default TRAIN; its accuracies always use TEST), BENCH=0 (skip the speed bench),
# QAT_OPTIONS (more qat options for both QATs, e.g. "--step-init mse --teacher WORK/float.h5").
# An existing WORK/float.h5 is reused (link a trained baseline there).
set -eu
BUILD=${1:-build-s2}
WORK=${2:-/tmp/cimscope-stage2}
CLI="$BUILD/app/cimscope-cli"
MODEL=${MODEL:-resnet20}
DATASET=${DATASET:-fashion-mnist}
TRAIN=${TRAIN:-1024}
TEST=${TEST:-500}
FLOAT_EPOCHS=${FLOAT_EPOCHS:-1}
QAT_EPOCHS=${QAT_EPOCHS:-1}
RETRAIN_EPOCHS=${RETRAIN_EPOCHS:-1}
ADC_BITS=${ADC_BITS:-3,4,5,6,7,8}
BENCH_TRAIN=${BENCH_TRAIN:-512}
STAGE1=${STAGE1:-}
THREADS=${THREADS:-0}
PARALLEL=${PARALLEL:-0}
SWEEP_TRAIN=${SWEEP_TRAIN:-$TRAIN}
BENCH=${BENCH:-1}
QAT_OPTIONS=${QAT_OPTIONS:-}
mkdir -p "$WORK"
DATA="--dataset $DATASET --subset-train $TRAIN --subset-test $TEST --threads $THREADS"
SWEEP_DATA="--dataset $DATASET --subset-train $SWEEP_TRAIN --subset-test $TEST --threads $THREADS"

echo "== float baseline ($MODEL, $DATASET, train $TRAIN / test $TEST, $FLOAT_EPOCHS epochs)"
[ -f "$WORK/float.h5" ] || "$CLI" train --model "$MODEL" $DATA --epochs "$FLOAT_EPOCHS" --out "$WORK/float.h5"
START="$WORK/float.h5"
if [ -n "$STAGE1" ]; then START="$STAGE1"; echo "== starting Stage 2 from Stage 1 checkpoint $STAGE1"; fi

unaware_and_sweep() {
  echo "== QAT, ADC-unaware (LSQ weights/activations only)"
  "$CLI" qat --in "$START" $DATA --epochs "$QAT_EPOCHS" --adc-aware off $QAT_OPTIONS \
    --out "$WORK/lsq.h5"
  echo "== adc-sweep ($ADC_BITS, retraining on $SWEEP_TRAIN training samples; 0 = all)"
  "$CLI" adc-sweep --in "$WORK/lsq.h5" $SWEEP_DATA --adc-bits "$ADC_BITS" \
    --retrain-epochs "$RETRAIN_EPOCHS" --out "$WORK/adc_sweep.h5"
}
if [ "$PARALLEL" = 1 ]; then
  unaware_and_sweep > "$WORK/unaware_and_sweep.log" 2>&1 &
  BG=$!
  echo "== ADC-unaware QAT and adc-sweep running in the background (log: $WORK/unaware_and_sweep.log)"
fi
echo "== QAT, ADC-aware (reference-256: W4/A4, 5-bit ADC, 256 active wordlines)"
"$CLI" qat --in "$START" $DATA --epochs "$QAT_EPOCHS" --adc-aware on $QAT_OPTIONS --json \
  --out "$WORK/cim.h5" \
  > "$WORK/qat.json"
cat "$WORK/qat.json"
if [ "$PARALLEL" = 1 ]; then
  wait "$BG" || { echo "the ADC-unaware QAT or the adc-sweep failed: $WORK/unaware_and_sweep.log" >&2; exit 1; }
  cat "$WORK/unaware_and_sweep.log"
else
  unaware_and_sweep
fi

echo "== storage compression against the float32 baseline"
BASE_WEIGHTS=$("$CLI" map --model "$MODEL" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["total"]["weight_bits"] // d["macro"]["weight_bits"])')
python3 - "$WORK/qat.json" "$BASE_WEIGHTS" <<'PY'
import json, sys
q = json.load(open(sys.argv[1])); base = int(sys.argv[2])
print("stored weight bits %d, baseline float32 bits %d: compression %.2f %%"
      % (q["stored_weight_bits"], 32 * base, 100 * (1 - q["stored_weight_bits"] / (32 * base))))
PY

echo "== simulator vs fake-quantized eval"
"$CLI" simulate --in "$WORK/cim.h5" --dataset "$DATASET" --subset-test "$TEST" --check
"$CLI" eval --in "$WORK/cim.h5" --dataset "$DATASET" --subset-test "$TEST" | head -2
echo "== float baseline on the same test images"
"$CLI" eval --in "$WORK/float.h5" --dataset "$DATASET" --subset-test "$TEST" | head -2

[ "$BENCH" = 1 ] || exit 0
echo "== speed (side by side in one run)"
CIMSCOPE_BENCH_TRAIN=$BENCH_TRAIN CIMSCOPE_BENCH_TEST=500 "$BUILD/bench/stage2_speed_torch_bench"
