#pragma once

#include <cstdint>

namespace cimscope {

// The network totals of a MappingReport (docs/macro-model.md "Network totals").
struct MappingTotals {
  std::int64_t tiles = 0;               // sum of layer tiles
  std::int64_t macros = 0;              // macros the mapping uses (dedicated: tiles; packed: bins)
  bool fits_on_chip = false;            // macros <= M: weights load once
  std::int64_t used_cells = 0;          // cells holding weights
  double utilization = 0;               // used_cells / (macros * R * C)
  std::int64_t params = 0;              // network parameters (weights, biases, batch norm)
  std::int64_t weights = 0;             // weights mapped onto macros
  std::int64_t weight_bits = 0;         // weights * weight_bits
  std::int64_t compute_cycles = 0;      // sum of layer compute cycles
  std::int64_t weight_load_cycles = 0;  // writing every tile once
  std::int64_t weight_load_cycles_per_inference = 0;  // 0 if fits_on_chip, else all tiles
  std::int64_t initial_load_cycles = 0;               // all tiles if fits_on_chip, else 0
  std::int64_t latency_cycles = 0;                    // compute + per-inference weight load
  double latency_us = 0;                              // latency_cycles / clock_mhz
  std::int64_t adc_conversions = 0;                   // per inference
  std::int64_t active_cells = 0;                      // cell activations per inference
  std::int64_t written_bits_per_inference = 0;        // reloaded weight bits (0 if fits_on_chip)
  double adc_energy_pj = 0;                           // adc_conversions * e_adc(adc_bits)
  double mac_energy_pj = 0;                           // active_cells * e_mac
  double write_energy_pj = 0;                         // written_bits_per_inference * e_write
  double energy_pj = 0;                               // per inference: the three above
};

}  // namespace cimscope
