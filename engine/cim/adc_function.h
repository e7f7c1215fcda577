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
// Rounding adds and subtracts 1.5 * 2^23: IEEE round-to-nearest-even (as torch.round), exact
// for |t| <= 2^22 (the clamp keeps it there: at most 22 bits), and unlike std::nearbyint it is
// no library call, so the loops vectorize. Needs IEEE arithmetic: never build with -ffast-math.
inline float roundHalfEven(float t) {
  constexpr float kMagic = 12582912.0f;  // 1.5 * 2^23
  return (t + kMagic) - kMagic;
}

inline float quantCode(float v, float step, float lo, float hi) {
  float t = v / step;
  t = t < lo ? lo : (t > hi ? hi : t);
  return roundHalfEven(t);
}

}  // namespace cimscope
