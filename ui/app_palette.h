#pragma once

#include <QPalette>
#include <QString>

class QApplication;

namespace cimscope {

// The GUI's colour schemes. By default cimscope keeps the palette the desktop's platform theme
// gives Qt (light or dark follows the system); `cimscope --palette dark|light` (or
// CIMSCOPE_PALETTE) forces one, with the Fusion style so every widget honours it. Charts, the
// heatmap and tables take their colours from whatever palette is active.
class AppPalette {
 public:
  static QPalette dark();
  static QPalette light();
  // "system" (leave it), "dark" or "light". False for any other name.
  static bool apply(QApplication& app, const QString& name);
  // Whether `palette` is a dark scheme (window colour darker than mid-grey).
  static bool isDark(const QPalette& palette);
};

}  // namespace cimscope
