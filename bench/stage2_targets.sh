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
mkdir -p "$WORK"
DATA="--dataset $DATASET --subset-train $TRAIN --subset-test $TEST"

echo "== float baseline ($MODEL, $DATASET, train $TRAIN / test $TEST, $FLOAT_EPOCHS epochs)"
[ -f "$WORK/float.h5" ] || "$CLI" train --model "$MODEL" $DATA --epochs "$FLOAT_EPOCHS" --out "$WORK/float.h5"
START="$WORK/float.h5"
if [ -n "$STAGE1" ]; then START="$STAGE1"; echo "== starting Stage 2 from Stage 1 checkpoint $STAGE1"; fi

echo "== QAT, ADC-unaware (LSQ weights/activations only)"
"$CLI" qat --in "$START" $DATA --epochs "$QAT_EPOCHS" --adc-aware off --out "$WORK/lsq.h5"
echo "== QAT, ADC-aware (reference-256: W4/A4, 5-bit ADC, 256 active wordlines)"
"$CLI" qat --in "$START" $DATA --epochs "$QAT_EPOCHS" --adc-aware on --json --out "$WORK/cim.h5" \
  > "$WORK/qat.json"
cat "$WORK/qat.json"

echo "== storage compression against the float32 baseline"
BASE_WEIGHTS=$("$CLI" map --model "$MODEL" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["total"]["weight_bits"] // d["macro"]["weight_bits"])')
python3 - "$WORK/qat.json" "$BASE_WEIGHTS" <<'PY'
import json, sys
q = json.load(open(sys.argv[1])); base = int(sys.argv[2])
print("stored weight bits %d, baseline float32 bits %d: compression %.2f %%"
      % (q["stored_weight_bits"], 32 * base, 100 * (1 - q["stored_weight_bits"] / (32 * base))))
PY

echo "== adc-sweep ($ADC_BITS)"
"$CLI" adc-sweep --in "$WORK/lsq.h5" $DATA --adc-bits "$ADC_BITS" --retrain-epochs "$RETRAIN_EPOCHS" \
  --out "$WORK/adc_sweep.h5"

echo "== simulator vs fake-quantized eval"
"$CLI" simulate --in "$WORK/cim.h5" --dataset "$DATASET" --subset-test "$TEST" --check
"$CLI" eval --in "$WORK/cim.h5" --dataset "$DATASET" --subset-test "$TEST" | head -2

echo "== speed (side by side in one run)"
CIMSCOPE_BENCH_TRAIN=$BENCH_TRAIN CIMSCOPE_BENCH_TEST=500 "$BUILD/bench/stage2_speed_torch_bench"
