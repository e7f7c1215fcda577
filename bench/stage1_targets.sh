#!/usr/bin/env bash
# Stage 1 targets (issue 5): resnet20 and vgg8 on Fashion-MNIST, macro reference-256, both
# packing policies. Trains a float baseline per model (or reuses one), runs `cimscope-cli morph`
# per packing and budget, and prints one summary line per run plus the targets' pass/fail:
#   utilization after Stage 1 >= 90 %, parameters reduced, weight-loading cycles per inference
#   reduced (or already 0 and still 0), test accuracy within 1.0 point of the float baseline.
# This is a benchmark, not a test: the full configuration trains for hours on 2 cores.
#
#   bench/stage1_targets.sh                 # full: all data, 30 baseline / 10 shrink / 10 finetune epochs
#   QUICK=1 bench/stage1_targets.sh         # smoke run: 1000/500 samples, 1 epoch each
#   SUMMARY_ONLY=1 OUT=DIR bench/stage1_targets.sh   # only the table, of the morph JSONs in DIR
# Environment: CLI (default build/app/cimscope-cli), OUT (default bench-out/stage1),
#   MODELS ("resnet20 vgg8"), PACKINGS ("dedicated packed"), BUDGETS ("pruned chip"),
#   BASE_EPOCHS, SHRINK_EPOCHS, FINETUNE_EPOCHS, SUBSET_TRAIN, SUBSET_TEST, LAMBDA, KEEP_PARAMS
#   (empty = use the |gamma| threshold), THRESHOLD, THREADS, EXTRA (more morph options).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
CLI="${CLI:-$here/build/app/cimscope-cli}"
OUT="${OUT:-$here/bench-out/stage1}"
MODELS="${MODELS:-resnet20 vgg8}"
PACKINGS="${PACKINGS:-dedicated packed}"
BUDGETS="${BUDGETS:-pruned chip}"
if [[ "${QUICK:-0}" == 1 ]]; then
  : "${BASE_EPOCHS:=1}" "${SHRINK_EPOCHS:=1}" "${FINETUNE_EPOCHS:=1}"
  : "${SUBSET_TRAIN:=1000}" "${SUBSET_TEST:=500}" "${KEEP_PARAMS:=0.5}"
fi
BASE_EPOCHS="${BASE_EPOCHS:-30}"
SHRINK_EPOCHS="${SHRINK_EPOCHS:-10}"
FINETUNE_EPOCHS="${FINETUNE_EPOCHS:-10}"
SUBSET_TRAIN="${SUBSET_TRAIN:-0}"
SUBSET_TEST="${SUBSET_TEST:-0}"
LAMBDA="${LAMBDA:-5e-4}"
KEEP_PARAMS="${KEEP_PARAMS:-}"
THRESHOLD="${THRESHOLD:-0.01}"
THREADS="${THREADS:-0}"
EXTRA="${EXTRA:-}"
mkdir -p "$OUT"
data=(--dataset fashion-mnist --subset-train "$SUBSET_TRAIN" --subset-test "$SUBSET_TEST")
prune=(--threshold "$THRESHOLD")
[[ -n "$KEEP_PARAMS" ]] && prune=(--keep-params "$KEEP_PARAMS")

for model in $MODELS; do
  [[ "${SUMMARY_ONLY:-0}" == 1 ]] && break
  base="$OUT/${model}_float.h5"
  if [[ ! -f "$base" ]]; then
    echo "== baseline $model ($BASE_EPOCHS epochs)" >&2
    "$CLI" train --model "$model" "${data[@]}" --epochs "$BASE_EPOCHS" --threads "$THREADS" \
      --out "$base" >&2
  fi
  for packing in $PACKINGS; do
    for budget in $BUDGETS; do
      tag="${model}_${packing}_${budget}"
      echo "== morph $tag" >&2
      # shellcheck disable=SC2086
      "$CLI" morph --in "$base" --out "$OUT/$tag.h5" "${data[@]}" --macro reference-256 \
        --packing "$packing" --budget "$budget" --lambda "$LAMBDA" "${prune[@]}" \
        --shrink-epochs "$SHRINK_EPOCHS" --finetune-epochs "$FINETUNE_EPOCHS" \
        --threads "$THREADS" $EXTRA --json > "$OUT/$tag.json"
    done
  done
done

python3 - "$OUT" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
print("%-28s %9s %9s %7s %7s %7s %9s %9s %7s %7s  %s" % (
    "run", "params0", "params1", "mac0", "mac1", "util1", "load0", "load1", "acc0", "acc1",
    "targets (util>=90, params down, load down, acc within 1pt)"))
for f in sorted(glob.glob(os.path.join(out, "*.json"))):
    try:
        j = json.load(open(f))
    except ValueError:
        print("%-28s (no result: the run is still going or failed)" % os.path.basename(f)[:-5])
        continue
    b, a = j["baseline"], j["adapted"]
    t = [a["utilization"] >= 0.90,
         a["params"] < b["params"],
         a["weight_load_cycles_per_inference"] < b["weight_load_cycles_per_inference"]
         or b["weight_load_cycles_per_inference"] == a["weight_load_cycles_per_inference"] == 0,
         # accuracies are counts / test images: compare in 1e-6 units, not raw floats
         round(1e6 * a["accuracy"]) >= round(1e6 * b["accuracy"]) - 10000]
    print("%-28s %9d %9d %7d %7d %6.1f%% %9d %9d %6.2f%% %6.2f%%  %s" % (
        os.path.basename(f)[:-5], b["params"], a["params"], b["macros"], a["macros"],
        100 * a["utilization"], b["weight_load_cycles_per_inference"],
        a["weight_load_cycles_per_inference"], 100 * b["accuracy"], 100 * a["accuracy"],
        " ".join("PASS" if x else "miss" for x in t)))
PY
