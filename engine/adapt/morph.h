#pragma once

#include <functional>

#include "engine/adapt/morph_config.h"
#include "engine/adapt/morph_result.h"
#include "engine/adapt/train_observer.h"
#include "engine/data/dataset.h"

namespace cimscope {

// Stage 1 (docs/stage1.md): loads config.in_checkpoint, measures it (baseline), trains with the
// resource-weighted L1 (shrink), prunes by |gamma| (prune), searches the widths for the macro
// budget and widens (expand), fine-tunes (finetune), and writes the adapted network as a
// checkpoint of stage "stage1" with a /morph group (docs/hdf5-schema.md). `on_step` hears each
// step as soon as it is measured. Training observers may cancel: the result then has status
// kCancelled, the steps done so far, and no file is written. Throws ConfigError / DataError /
// StoreError / TrainingDiverged as the trainer does.
MorphResult runMorph(const MorphConfig& config, const Dataset& data, TrainObserver& observer,
                     const std::function<void(const MorphStepReport&)>& on_step = {});

}  // namespace cimscope
