#pragma once

#include <cmath>
#include <cstdint>

namespace cimscope {

// The integer range of a b-bit quantizer: codes lo..hi (docs/macro-model.md "ADC function").
// Signed (two's complement): -2^(b-1) .. 2^(b-1)-1; unsigned: 0 .. 2^b-1.
struct QuantRange {
  int lo = 0;
  int hi = 0;
  static QuantRange ofBits(int bits, bool is_signed) {
    if (is_signed) return {-(1 << (bits - 1)), (1 << (bits - 1)) - 1};
    return {0, (1 << bits) - 1};
  }
};

// The one quantizer function shared by LSQ training, the ADC model of partial sums and the
// macro simulator: code = round_half_even(clamp(v / step, lo, hi)). Training kernels and the
// simulator call this very function on the same float32 values, so they round identically.
// For an ADC, v is an exact integer partial sum and step is in partial-sum units.
inline float quantCode(float v, float step, float lo, float hi) {
  float t = v / step;
  t = t < lo ? lo : (t > hi ? hi : t);
  return std::nearbyint(t);
}

}  // namespace cimscope
