#pragma once

#include <string>

namespace cimscope {

// How a layer's im2col rows (order c, kh, kw) are cut into tiles and wordline groups.
enum class RowSplit {
  kChannel,      // on input-channel boundaries: a kernel is never cut (the default)
  kConsecutive,  // the next R (tile) / A (group) rows, whatever channel (DNN+NeuroSim)
};
// How the cpw bit-slice columns of one weight reach the ADCs.
enum class SliceCombine {
  kAnalog,   // combined (binary-weighted) before one conversion per weight
  kDigital,  // every bitline converted, then shift-added digitally
};
// How signed weights are stored.
enum class SignedMapping {
  kOffset,        // one column set per weight, offset-binary code, offset removed digitally
  kDifferential,  // a positive and a negative column set per weight (doubles the columns)
};
// How tiles are placed on macros.
enum class Packing {
  kDedicated,  // every tile gets a macro of its own
  kPacked,     // tiles share macros in disjoint rectangles (shelf first-fit decreasing)
};

const char* toString(RowSplit v);       // "channel", "consecutive"
const char* toString(SliceCombine v);   // "analog", "digital"
const char* toString(SignedMapping v);  // "offset", "differential"
const char* toString(Packing v);        // "dedicated", "packed"
// Parsers; throw ConfigError naming `field`, the value and the choices.
RowSplit parseRowSplit(const std::string& s, const std::string& field = "row_split");
SliceCombine parseSliceCombine(const std::string& s, const std::string& field = "slice_combine");
SignedMapping parseSignedMapping(const std::string& s, const std::string& field = "signed_mapping");
Packing parsePacking(const std::string& s, const std::string& field = "packing");

// One CIM macro and the chip around it (DESIGN.md section 2, docs/macro-model.md). Defaults are
// the reference macro of Lin & Chang (arXiv 2510.14379); the chip-level numbers (M, bus, clock,
// energies) are illustrative, see docs/macro-model.md "Defaults".
struct MacroSpec {
  std::string name = "reference-256";       // preset name, informational
  std::string citation;                     // where the numbers come from, informational
  std::string notes;                        // what is assumed / illustrative, informational
  int rows = 256;                           // R: wordlines per macro
  int cols = 256;                           // C: bitlines per macro
  int active_wordlines = 256;               // A: wordlines driven at once, 1..R
  int cell_bits = 1;                        // bits stored per cell
  int weight_bits = 4;                      // bits per weight
  int input_bits = 4;                       // bits per input activation
  int dac_bits = 4;                         // input bits applied per step (1 = bit-serial)
  int adc_bits = 5;                         // ADC resolution, bits
  int adcs = 64;                            // ADCs per macro, multiplexed over the columns, 1..C
  int macros_on_chip = 32;                  // M: macros on the chip (illustrative: 2 Mb of cells)
  int bus_bits = 64;                        // off-chip weight bus, bits per cycle (illustrative)
  RowSplit row_split = RowSplit::kChannel;  // see RowSplit
  SliceCombine slice_combine = SliceCombine::kAnalog;     // see SliceCombine
  SignedMapping signed_mapping = SignedMapping::kOffset;  // see SignedMapping
  Packing packing = Packing::kDedicated;                  // see Packing
  double clock_mhz = 100.0;  // cycle rate for times, MHz (illustrative)
  double e_adc_pj = 0.32;    // energy of one conversion at e_adc_ref_bits, pJ (illustrative)
  int e_adc_ref_bits = 5;    // resolution e_adc_pj is given at, bits
  double e_mac_pj = 0.001;   // energy per active cell per input step, pJ (illustrative)
  double e_write_pj = 1.0;   // energy per weight bit fetched and written, pJ (illustrative)

  // cpw = ceil(weight_bits / cell_bits), x2 for differential (docs/macro-model.md "Columns").
  int columnsPerWeight() const;
  // e_adc(adc_bits) = e_adc_pj * 2^(adc_bits - e_adc_ref_bits), pJ per conversion.
  double adcEnergyPj() const;

  // Throws ConfigError naming the field, the value and the allowed range.
  void validate() const;
};

}  // namespace cimscope
