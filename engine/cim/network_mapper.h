#pragma once

#include "engine/cim/macro_spec.h"
#include "engine/cim/mapping_report.h"
#include "engine/nn/spec/network_shape.h"
#include "engine/nn/spec/network_spec.h"

namespace cimscope {

// Maps every weight layer of the network onto macros, places the tiles (dedicated or packed),
// and totals cycles, loads and energy (docs/macro-model.md). Validates both inputs first; throws
// ConfigError for a bad spec or a layer the macro cannot hold.
MappingReport mapNetwork(const NetworkSpec& network, const MacroSpec& macro);

// The same for a network already resolved by buildNetworkShape(); what a slider calls when only
// the macro changed.
MappingReport mapNetwork(const NetworkShape& network, const MacroSpec& macro);

}  // namespace cimscope
