#include "ui/widgets/sweep_explorer_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/charts/sweep_scatter_chart.h"

namespace cimscope {

namespace {
constexpr int kIndexRole = Qt::UserRole + 1;

QStandardItem* number(double v, const QString& text) {
  auto* item = new QStandardItem(text);
  item->setData(v, Qt::UserRole);  // sort by value, not by text
  item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  item->setEditable(false);
  return item;
}
}  // namespace

SweepExplorerPanel::SweepExplorerPanel(QWidget* parent) : QWidget(parent) {
  setObjectName("sweepExplorer");
  axis_box_ = new QComboBox;
  axis_box_->setObjectName("sweepAxisBox");
  axis_box_->addItem(tr("Accuracy vs latency"));
  axis_box_->addItem(tr("Accuracy vs macros"));
  axis_box_->addItem(tr("Accuracy vs energy"));
  model_ = new QStandardItemModel(this);
  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(model_);
  proxy_->setSortRole(Qt::UserRole);
  table_ = new QTableView;
  table_->setObjectName("sweepTable");
  table_->setModel(proxy_);
  table_->setSortingEnabled(true);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->verticalHeader()->hide();
  scatter_ = new SweepScatterChart;

  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Scatter:")));
  top->addWidget(axis_box_);
  top->addStretch(1);
  auto* split = new QSplitter(Qt::Horizontal);
  split->addWidget(table_);
  split->addWidget(scatter_);
  split->setStretchFactor(0, 2);
  split->setStretchFactor(1, 3);
  // The table starts wide enough for the axes and the main metrics (not its minimum hint).
  split->setSizes({560, 640});
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(split, 1);

  connect(axis_box_, &QComboBox::currentIndexChanged, this, [this](int i) {
    scatter_->setAxis(i == 0 ? SweepAxis::kLatency : i == 1 ? SweepAxis::kMacros
                                                            : SweepAxis::kEnergy);
  });
  connect(scatter_, &SweepScatterChart::pointClicked, this, &SweepExplorerPanel::select);
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) {
            if (!current.isValid()) return;
            const int point = proxy_->index(current.row(), 0).data(kIndexRole).toInt();
            scatter_->setSelected(point);
            if (point >= 0 && point < data_.points.size()) {
              Q_EMIT macroSelected(data_.points[point].macro);
            }
          });
  rebuildTable();
}

void SweepExplorerPanel::setData(const SweepData& data) {
  data_ = data;
  rebuildTable();
  scatter_->setData(data_);
}

void SweepExplorerPanel::appendPoint(const SweepPointRow& point) {
  data_.points.push_back(point);
  rebuildTable();
  scatter_->setData(data_);
}

void SweepExplorerPanel::rebuildTable() {
  table_->setVisible(!data_.points.isEmpty());  // the empty state alone says what to run
  model_->clear();
  QStringList headers = data_.parameter_names;
  headers << tr("Accuracy (%)") << tr("Latency (\u00b5s)") << tr("Macros")
          << tr("Utilization (%)") << tr("Energy (nJ)");
  model_->setHorizontalHeaderLabels(headers);
  for (int i = 0; i < data_.points.size(); ++i) {
    const auto& p = data_.points[i];
    QList<QStandardItem*> row;
    for (int k = 0; k < data_.parameter_names.size(); ++k) {
      const QString v = k < p.parameter_values.size() ? p.parameter_values[k] : QString();
      bool ok = false;
      const double d = v.toDouble(&ok);
      row << number(ok ? d : 0, v);
    }
    row << number(p.accuracy, p.accuracy >= 0 ? QString::number(100 * p.accuracy, 'f', 2)
                                              : tr("pending"))
        << number(p.latency_us, QString::number(p.latency_us, 'f', 2))
        << number(static_cast<double>(p.macros), QString::number(p.macros))
        << number(p.utilization, QString::number(100 * p.utilization, 'f', 1))
        << number(p.energy_pj, QString::number(p.energy_pj / 1000, 'f', 2));
    row.front()->setData(i, kIndexRole);
    model_->appendRow(row);
  }
}

void SweepExplorerPanel::select(int point) {
  for (int r = 0; r < proxy_->rowCount(); ++r) {
    if (proxy_->index(r, 0).data(kIndexRole).toInt() == point) {
      table_->selectRow(r);
      table_->scrollTo(proxy_->index(r, 0));
      return;
    }
  }
}

}  // namespace cimscope
