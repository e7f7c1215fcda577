#include "ui/charts/layer_palette.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace cimscope {

QColor layerColor(int layer) {
  // Tableau-20 order with the light and dark shades interleaved by halves, so neighbouring layers
  // differ in hue rather than only in lightness.
  static const std::array<QRgb, 20> kColors = {
      0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f,
      0xbcbd22, 0x17becf, 0xaec7e8, 0xffbb78, 0x98df8a, 0xff9896, 0xc5b0d5, 0xc49c94,
      0xf7b6d2, 0xc7c7c7, 0xdbdb8d, 0x9edae5};
  return QColor(kColors[static_cast<std::size_t>(std::abs(layer)) % kColors.size()]);
}

QColor fillColor(double fraction) {
  // Five viridis stops, linear in between.
  static const std::array<QRgb, 5> kStops = {0x440154, 0x3b528b, 0x21918c, 0x5ec962, 0xfde725};
  const double f = std::clamp(fraction, 0.0, 1.0) * (kStops.size() - 1);
  const int i = std::min(static_cast<int>(f), static_cast<int>(kStops.size()) - 2);
  const double t = f - i;
  const QColor a(kStops[i]), b(kStops[i + 1]);
  return QColor::fromRgbF(a.redF() + t * (b.redF() - a.redF()),
                          a.greenF() + t * (b.greenF() - a.greenF()),
                          a.blueF() + t * (b.blueF() - a.blueF()));
}

QColor emptyCellColor(bool dark) { return dark ? QColor(0x3a, 0x3a, 0x3a) : QColor(0xee, 0xee, 0xee); }

}  // namespace cimscope
