#pragma once

#include <string>

#include "engine/adapt/morph_result.h"

namespace cimscope {

class H5File;

// Writes `result` as the /morph group of an open file (docs/hdf5-schema.md "Stage 1"): one
// subgroup per step with its metrics as attributes, widths and importance tables as datasets.
// `config_json` (MorphConfig::toJson) is stored as /morph's "config" attribute. Torch-free.
void writeMorphGroup(H5File& file, const MorphResult& result, const std::string& config_json);

}  // namespace cimscope
