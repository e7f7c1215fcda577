#include "ui/app_palette.h"

#include <QApplication>
#include <QStyle>
#include <QStyleFactory>
#include <memory>

namespace cimscope {

QPalette AppPalette::dark() {
  // Material-like greys: text stays light on every background, links and highlights readable.
  QPalette p;
  const QColor window(0x2b, 0x2b, 0x2b), base(0x1e, 0x1e, 0x1e), text(0xe6, 0xe6, 0xe6);
  const QColor disabled(0x80, 0x80, 0x80), highlight(0x3d, 0x7e, 0xd6);
  p.setColor(QPalette::Window, window);
  p.setColor(QPalette::WindowText, text);
  p.setColor(QPalette::Base, base);
  p.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
  p.setColor(QPalette::ToolTipBase, QColor(0x3a, 0x3a, 0x3a));
  p.setColor(QPalette::ToolTipText, text);
  p.setColor(QPalette::PlaceholderText, disabled);
  p.setColor(QPalette::Text, text);
  p.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
  p.setColor(QPalette::ButtonText, text);
  p.setColor(QPalette::BrightText, QColor(0xff, 0x6e, 0x6e));
  p.setColor(QPalette::Light, QColor(0x4a, 0x4a, 0x4a));
  p.setColor(QPalette::Midlight, QColor(0x3e, 0x3e, 0x3e));
  p.setColor(QPalette::Mid, QColor(0x9e, 0x9e, 0x9e));  // secondary text (empty states)
  p.setColor(QPalette::Dark, QColor(0x18, 0x18, 0x18));
  p.setColor(QPalette::Shadow, Qt::black);
  p.setColor(QPalette::Highlight, highlight);
  p.setColor(QPalette::HighlightedText, Qt::white);
  p.setColor(QPalette::Link, QColor(0x82, 0xb1, 0xff));
  p.setColor(QPalette::LinkVisited, QColor(0xb3, 0x9d, 0xdb));
  for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText}) {
    p.setColor(QPalette::Disabled, role, disabled);
  }
  p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x50, 0x50, 0x50));
  return p;
}

QPalette AppPalette::light() {
  const std::unique_ptr<QStyle> fusion(QStyleFactory::create("Fusion"));
  QPalette p = fusion ? fusion->standardPalette() : QPalette();
  p.setColor(QPalette::Mid, QColor(0x75, 0x75, 0x75));  // secondary text stays readable
  return p;
}

bool AppPalette::apply(QApplication& app, const QString& name) {
  const QString n = name.toLower();
  if (n.isEmpty() || n == "system") return true;
  if (n != "dark" && n != "light") return false;
  QApplication::setStyle(QStyleFactory::create("Fusion"));
  app.setPalette(n == "dark" ? dark() : light());
  return true;
}

bool AppPalette::isDark(const QPalette& palette) {
  return palette.color(QPalette::Window).lightness() < 128;
}

}  // namespace cimscope
