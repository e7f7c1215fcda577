#include "ui/export_helper.h"

#include <QChart>
#include <QChartView>
#include <QFileInfo>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QImage>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>
#include <QWidget>

namespace cimscope {

ExportHelper::Format ExportHelper::formatFor(const QString& path) {
  const QString s = QFileInfo(path).suffix().toLower();
  if (s == "png") return Format::kPng;
  if (s == "svg") return Format::kSvg;
  if (s == "pdf") return Format::kPdf;
  return Format::kUnknown;
}

QString ExportHelper::fileFilter() {
  return QObject::tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)");
}

void ExportHelper::render(QWidget* widget, QPainter* painter, const QRectF& target) {
  painter->save();
  painter->setRenderHint(QPainter::Antialiasing);
  painter->setRenderHint(QPainter::TextAntialiasing);
  painter->fillRect(target, widget->palette().color(QPalette::Base));
  if (auto* chart_view = qobject_cast<QChartView*>(widget)) {
    // Lay the chart out at the requested size so axes and legend fit it, then restore.
    QChart* chart = chart_view->chart();
    const QRectF old = chart->geometry();
    const QRectF page(QPointF(0, 0), target.size());
    chart->setGeometry(page);
    chart->scene()->render(painter, target, page, Qt::IgnoreAspectRatio);
    chart->setGeometry(old);
  } else if (auto* view = qobject_cast<QGraphicsView*>(widget); view && view->scene()) {
    painter->fillRect(target, view->backgroundBrush());
    view->scene()->render(painter, target, view->scene()->sceneRect(), Qt::KeepAspectRatio);
  } else {
    const QSize ws = widget->size().isEmpty() ? widget->sizeHint() : widget->size();
    const double s = std::min(target.width() / std::max(1, ws.width()),
                              target.height() / std::max(1, ws.height()));
    painter->translate(target.topLeft() + QPointF((target.width() - s * ws.width()) / 2,
                                                  (target.height() - s * ws.height()) / 2));
    painter->scale(s, s);
    widget->render(painter, QPoint(), QRegion(), QWidget::DrawChildren);
  }
  painter->restore();
}

QString ExportHelper::exportWidget(QWidget* widget, const QString& path, const QSize& size,
                                   const QString& title) {
  if (!widget) return QObject::tr("nothing to export");
  if (size.width() < 16 || size.height() < 16 || size.width() > 20000 || size.height() > 20000) {
    return QObject::tr("size %1 x %2 is out of range (16..20000 pixels)")
        .arg(size.width()).arg(size.height());
  }
  const QRectF target(QPointF(0, 0), QSizeF(size));
  switch (formatFor(path)) {
    case Format::kPng: {
      QImage image(size, QImage::Format_ARGB32_Premultiplied);
      image.fill(widget->palette().color(QPalette::Base));
      {
        QPainter p(&image);
        render(widget, &p, target);
      }
      if (!image.save(path, "PNG")) return QObject::tr("cannot write %1").arg(path);
      return {};
    }
    case Format::kSvg: {
      QSvgGenerator svg;
      svg.setFileName(path);
      svg.setSize(size);
      svg.setViewBox(QRect(QPoint(0, 0), size));
      svg.setResolution(96);
      svg.setTitle(title.isEmpty() ? QStringLiteral("cimscope") : title);
      svg.setDescription(QStringLiteral("Exported by cimscope"));
      QPainter p;
      if (!p.begin(&svg)) return QObject::tr("cannot write %1").arg(path);
      render(widget, &p, target);
      p.end();
      return QFileInfo(path).size() > 0 ? QString() : QObject::tr("cannot write %1").arg(path);
    }
    case Format::kPdf: {
      QPdfWriter pdf(path);
      pdf.setResolution(96);
      pdf.setTitle(title.isEmpty() ? QStringLiteral("cimscope") : title);
      pdf.setCreator(QStringLiteral("cimscope"));
      // A page exactly the requested size: points = pixels * 72 / 96.
      pdf.setPageSize(QPageSize(QSizeF(size.width() * 0.75, size.height() * 0.75),
                                QPageSize::Point, QString(), QPageSize::ExactMatch));
      pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
      QPainter p;
      if (!p.begin(&pdf)) return QObject::tr("cannot write %1").arg(path);
      render(widget, &p, QRectF(0, 0, pdf.width(), pdf.height()));
      p.end();
      return QFileInfo(path).size() > 0 ? QString() : QObject::tr("cannot write %1").arg(path);
    }
    case Format::kUnknown:
      break;
  }
  return QObject::tr("%1: unknown format (expected .png, .svg or .pdf)").arg(path);
}

}  // namespace cimscope
