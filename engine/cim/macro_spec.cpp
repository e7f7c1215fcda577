#include "engine/cim/macro_spec.h"

#include <cmath>
#include <sstream>

#include "engine/common/errors.h"

namespace cimscope {
namespace {

constexpr int kMaxArray = 16384;         // rows / cols per macro
constexpr int kMaxBits = 16;             // any bit width
constexpr int kMaxCellBits = 8;          // bits per cell
constexpr int kMaxMacros = 1000000;      // macros on chip
constexpr int kMaxBusBits = 1 << 20;     // bus width
constexpr double kMaxEnergyPj = 1e6;     // any per-event energy
constexpr double kMaxClockMhz = 100000;  // 100 GHz

void checkInt(const char* field, int value, int lo, int hi, const std::string& hi_note = "") {
  if (value < lo || value > hi) {
    throw ConfigError("macro " + std::string(field) + " = " + std::to_string(value) +
                      " is out of range (expected " + std::to_string(lo) + ".." +
                      (hi_note.empty() ? std::to_string(hi) : hi_note) + ")");
  }
}

std::string num(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

void checkDouble(const char* field, double value, double lo, double hi, bool lo_open) {
  const bool ok = std::isfinite(value) && (lo_open ? value > lo : value >= lo) && value <= hi;
  if (!ok) {
    throw ConfigError("macro " + std::string(field) + " = " + num(value) +
                      " is out of range (expected " + (lo_open ? "> " : "") + num(lo) +
                      (lo_open ? " and <= " : "..") + num(hi) + ")");
  }
}

template <typename E>
E parseChoice(const std::string& s, const std::string& field, const char* a, E ea, const char* b,
              E eb) {
  if (s == a) return ea;
  if (s == b) return eb;
  throw ConfigError("macro " + field + " = '" + s + "' is not allowed (expected " + a + " or " + b +
                    ")");
}

}  // namespace

const char* toString(RowSplit v) { return v == RowSplit::kChannel ? "channel" : "consecutive"; }
const char* toString(SliceCombine v) { return v == SliceCombine::kAnalog ? "analog" : "digital"; }
const char* toString(SignedMapping v) {
  return v == SignedMapping::kOffset ? "offset" : "differential";
}
const char* toString(Packing v) { return v == Packing::kDedicated ? "dedicated" : "packed"; }

RowSplit parseRowSplit(const std::string& s, const std::string& field) {
  return parseChoice(s, field, "channel", RowSplit::kChannel, "consecutive",
                     RowSplit::kConsecutive);
}
SliceCombine parseSliceCombine(const std::string& s, const std::string& field) {
  return parseChoice(s, field, "analog", SliceCombine::kAnalog, "digital", SliceCombine::kDigital);
}
SignedMapping parseSignedMapping(const std::string& s, const std::string& field) {
  return parseChoice(s, field, "offset", SignedMapping::kOffset, "differential",
                     SignedMapping::kDifferential);
}
Packing parsePacking(const std::string& s, const std::string& field) {
  return parseChoice(s, field, "dedicated", Packing::kDedicated, "packed", Packing::kPacked);
}

int MacroSpec::columnsPerWeight() const {
  const int slices = (weight_bits + cell_bits - 1) / cell_bits;
  return signed_mapping == SignedMapping::kDifferential ? 2 * slices : slices;
}

double MacroSpec::adcEnergyPj() const {
  return e_adc_pj * std::ldexp(1.0, adc_bits - e_adc_ref_bits);
}

void MacroSpec::validate() const {
  checkInt("rows", rows, 1, kMaxArray);
  checkInt("cols", cols, 1, kMaxArray);
  checkInt("active_wordlines", active_wordlines, 1, rows, "rows = " + std::to_string(rows));
  checkInt("cell_bits", cell_bits, 1, kMaxCellBits);
  checkInt("weight_bits", weight_bits, 1, kMaxBits);
  checkInt("input_bits", input_bits, 1, kMaxBits);
  checkInt("dac_bits", dac_bits, 1, kMaxBits);
  checkInt("adc_bits", adc_bits, 1, kMaxBits);
  checkInt("adcs", adcs, 1, cols, "cols = " + std::to_string(cols));
  checkInt("macros_on_chip", macros_on_chip, 1, kMaxMacros);
  checkInt("bus_bits", bus_bits, 1, kMaxBusBits);
  checkInt("e_adc_ref_bits", e_adc_ref_bits, 1, kMaxBits);
  checkDouble("clock_mhz", clock_mhz, 0.0, kMaxClockMhz, true);
  checkDouble("e_adc_pj", e_adc_pj, 0.0, kMaxEnergyPj, false);
  checkDouble("e_mac_pj", e_mac_pj, 0.0, kMaxEnergyPj, false);
  checkDouble("e_write_pj", e_write_pj, 0.0, kMaxEnergyPj, false);
  const int cpw = columnsPerWeight();
  if (cols < cpw) {
    throw ConfigError("macro cols = " + std::to_string(cols) + " is less than the " +
                      std::to_string(cpw) + " columns one weight needs (weight_bits " +
                      std::to_string(weight_bits) + " / cell_bits " + std::to_string(cell_bits) +
                      (signed_mapping == SignedMapping::kDifferential ? ", differential" : "") +
                      ")");
  }
}

}  // namespace cimscope
