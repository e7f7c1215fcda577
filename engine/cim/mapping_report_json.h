#pragma once

#include <nlohmann/json_fwd.hpp>

#include "engine/cim/macro_spec.h"
#include "engine/cim/mapping_report.h"
#include "engine/nn/spec/network_shape.h"

namespace cimscope {

// The JSON object `cimscope-cli map --json` prints (docs/cli.md):
// {"macro":{...every MacroSpec key...},
//  "network":{"model","input":[c,h,w],"classes","widths","width_groups":[{"name","width",
//             "layers"}],"params","weights"},
//  "layers":[{"name","kind","kh","kw","cin","cout","out_h","out_w","rows_needed","cols_needed",
//             "row_tiles","col_tiles","tiles","utilization","psum_groups","adc_conversions",
//             "compute_cycles","weight_load_cycles"}],
//  "macros":[{"index","tiles":[{"layer","row0","rows","col0","cols"}],"used_cells"}],
//  "total":{"tiles","macros","utilization","params","weight_bits","compute_cycles",
//           "weight_load_cycles_per_inference","initial_load_cycles","latency_cycles",
//           "energy_pj"},
//  "warnings":[...]}
// "layer" in a macro's tile is the layer name.
nlohmann::json mappingReportToJson(const MappingReport& report, const NetworkShape& network,
                                   const MacroSpec& macro);

}  // namespace cimscope
