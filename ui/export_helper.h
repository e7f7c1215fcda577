#pragma once

#include <QSize>
#include <QString>

class QPainter;
class QRectF;
class QWidget;

namespace cimscope {

// Renders any chart, view or widget to PNG (QImage), SVG (QSvgGenerator) or PDF (QPdfWriter)
// at a requested size (STYLE.md rule 14, after PlotJuggler's PlotSaveHelper). A chart is laid
// out again at the requested size, a QGraphicsView exports its whole scene (every macro, not
// only the visible part), any other widget is scaled to fit. Numeric export goes through the
// engine's writers, not through here.
class ExportHelper {
 public:
  enum class Format { kPng, kSvg, kPdf, kUnknown };

  // From the file suffix (.png, .svg, .pdf; case-insensitive).
  static Format formatFor(const QString& path);
  static QString fileFilter();  // for QFileDialog

  // Writes `widget` to `path` at `size` pixels (PDF: a page of that size at 96 dpi). Returns ""
  // on success, else the reason.
  static QString exportWidget(QWidget* widget, const QString& path, const QSize& size,
                              const QString& title = {});

  // Paints `widget` into `target` on any painter (also used by the PDF report).
  static void render(QWidget* widget, QPainter* painter, const QRectF& target);
};

}  // namespace cimscope
