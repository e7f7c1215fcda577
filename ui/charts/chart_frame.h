#pragma once

#include <QStackedWidget>

class QLabel;
class QChart;
class QChartView;

namespace cimscope {

// A chart with an empty state: until data arrives it shows a sentence saying what to run to get
// some (never placeholder numbers). Charts of the result tabs derive from it.
class ChartFrame : public QStackedWidget {
  Q_OBJECT

 public:
  explicit ChartFrame(const QString& empty_text, QWidget* parent = nullptr);

  QChart* chart() const;
  QChartView* chartView() const { return view_; }
  bool isEmptyState() const { return currentIndex() == 0; }
  QString emptyText() const;
  // The widget an export renders: the chart view, or the empty-state message.
  QWidget* exportWidget() const;

 public Q_SLOTS:
  void showEmpty(const QString& text = {});
  void showChart();

 protected:
  // Replaces the content page (for charts that need more than one view); the default is view_.
  void setContent(QWidget* content);
  void changeEvent(QEvent* event) override;
  // Applies the system palette (light or dark) to the chart.
  void applyTheme();
  // Removes and deletes every axis of the chart (QChart::removeAxis hands the axis back to the
  // caller; removeAllSeries deletes the series itself).
  void clearAxes();

 private:
  QLabel* empty_;
  QChartView* view_;
  QWidget* content_;
  QString default_empty_;
};

}  // namespace cimscope
