#include "ui/widgets/occupancy_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLinearGradient>
#include <QLocale>
#include <QPainter>
#include <QPixmap>
#include <QSplitter>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/charts/layer_palette.h"
#include "ui/charts/occupancy_view.h"
#include "ui/explorer_model.h"

namespace cimscope {

namespace {

QPixmap fillLegend(const QPalette& pal) {
  const int w = 220, h = 30, bar = 12;
  QPixmap pm(w, h);
  pm.fill(Qt::transparent);
  QPainter p(&pm);
  for (int x = 0; x < w - 40; ++x) {
    p.setPen(fillColor(static_cast<double>(x) / (w - 41)));
    p.drawLine(20 + x, 2, 20 + x, 2 + bar);
  }
  p.setPen(pal.color(QPalette::WindowText));
  QFont f = p.font();
  f.setPixelSize(11);
  p.setFont(f);
  p.drawText(QRect(0, bar + 3, 40, h - bar - 3), Qt::AlignCenter, "0 %");
  p.drawText(QRect(w / 2 - 20, bar + 3, 40, h - bar - 3), Qt::AlignCenter, "50 %");
  p.drawText(QRect(w - 40, bar + 3, 40, h - bar - 3), Qt::AlignCenter, "100 %");
  return pm;
}

QString totalsText(const MappingReport& r, const MacroSpec& m) {
  const QLocale loc;
  return QObject::tr("%1 macros (%2 tiles) of %3 on chip, utilization %4 %%5")
      .arg(loc.toString(static_cast<qlonglong>(r.total.macros)))
      .arg(loc.toString(static_cast<qlonglong>(r.total.tiles)))
      .arg(loc.toString(m.macros_on_chip))
      .arg(100 * r.total.utilization, 0, 'f', 1)
      .arg(r.total.fits_on_chip ? QObject::tr(", weights load once")
                                : QObject::tr(", reloaded every inference"));
}

}  // namespace

OccupancyPanel::OccupancyPanel(ExplorerModel* model, QWidget* parent)
    : QWidget(parent), model_(model) {
  setObjectName("occupancyPanel");
  coloring_ = new QComboBox;
  coloring_->setObjectName("coloringBox");
  coloring_->addItem(tr("Colour by layer"));
  coloring_->addItem(tr("Colour by macro fill"));
  legend_ = new QLabel;
  legend_->setObjectName("fillLegend");
  utilization_label_ = new QLabel;
  utilization_label_->setObjectName("utilizationLabel");
  utilization_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  QFont bold = utilization_label_->font();
  bold.setBold(true);
  utilization_label_->setFont(bold);
  error_label_ = new QLabel;
  error_label_->setObjectName("mappingError");
  error_label_->setWordWrap(true);
  error_label_->setStyleSheet("QLabel { color: #c62828; font-weight: bold; }");
  error_label_->hide();

  baseline_ = new OccupancyView;
  baseline_->setObjectName("baselineHeatmap");
  stage1_ = new OccupancyView;
  stage1_->setObjectName("stage1Heatmap");
  baseline_title_ = new QLabel(tr("Baseline"));
  stage1_title_ = new QLabel(tr("Stage 1"));
  auto* base_box = new QWidget;
  auto* bl = new QVBoxLayout(base_box);
  bl->setContentsMargins(0, 0, 0, 0);
  bl->addWidget(baseline_title_);
  bl->addWidget(baseline_, 1);
  stage1_box_ = new QWidget;
  auto* sl = new QVBoxLayout(stage1_box_);
  sl->setContentsMargins(0, 0, 0, 0);
  sl->addWidget(stage1_title_);
  sl->addWidget(stage1_, 1);
  stage1_box_->hide();

  auto makeButton = [this](const QString& text, const QString& tip) {
    auto* b = new QToolButton;
    b->setText(text);
    b->setToolTip(tip);
    b->setAutoRaise(true);
    return b;
  };
  auto* zin = makeButton("+", tr("Zoom in (wheel up)"));
  auto* zout = makeButton("\u2212", tr("Zoom out (wheel down)"));
  auto* fit = makeButton(tr("Fit"), tr("Show every macro"));
  for (OccupancyView* v : {baseline_, stage1_}) {
    connect(zin, &QToolButton::clicked, v, &OccupancyView::zoomIn);
    connect(zout, &QToolButton::clicked, v, &OccupancyView::zoomOut);
    connect(fit, &QToolButton::clicked, v, &OccupancyView::fitAll);
  }

  layers_ = new QTableWidget(0, 6);
  layers_->setObjectName("layerUtilizationTable");
  layers_->setHorizontalHeaderLabels({tr("Layer"), tr("Kernel"), tr("Rows x cols needed"),
                                      tr("Tiles"), tr("Utilization"), tr("Load cycles")});
  layers_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  layers_->horizontalHeader()->setStretchLastSection(true);
  layers_->verticalHeader()->hide();
  layers_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  layers_->setSelectionBehavior(QAbstractItemView::SelectRows);
  layers_->setAlternatingRowColors(true);

  auto* top = new QHBoxLayout;
  top->addWidget(utilization_label_, 1);
  top->addWidget(legend_);
  top->addWidget(coloring_);
  top->addWidget(zout);
  top->addWidget(zin);
  top->addWidget(fit);

  auto* views = new QSplitter(Qt::Horizontal);
  views->addWidget(base_box);
  views->addWidget(stage1_box_);
  auto* vertical = new QSplitter(Qt::Vertical);
  vertical->addWidget(views);
  vertical->addWidget(layers_);
  vertical->setStretchFactor(0, 3);
  vertical->setStretchFactor(1, 1);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(error_label_);
  layout->addWidget(vertical, 1);

  connect(coloring_, &QComboBox::currentIndexChanged, this, &OccupancyPanel::applyColoring);
  connect(model_, &ExplorerModel::mappingChanged, this, &OccupancyPanel::refresh);
  connect(model_, &ExplorerModel::resultsChanged, this, &OccupancyPanel::refresh);  // the title
  applyColoring();
  refresh();
}

int OccupancyPanel::macroCount() const { return baseline_->macroCount(); }

void OccupancyPanel::applyColoring() {
  const auto c = coloring_->currentIndex() == 0 ? OccupancyColoring::kByLayer
                                                 : OccupancyColoring::kByFill;
  baseline_->setColoring(c);
  stage1_->setColoring(c);
  legend_->setPixmap(fillLegend(palette()));
  legend_->setVisible(c == OccupancyColoring::kByFill);
  legend_->setToolTip(tr("Fraction of each macro's cells holding weights"));
}

void OccupancyPanel::refresh() {
  const QString error = model_->mappingError();
  error_label_->setText(error.isEmpty() ? QString()
                                        : tr("Cannot map this design point: %1 (showing the "
                                             "last valid mapping)").arg(error));
  error_label_->setVisible(!error.isEmpty());
  if (!error.isEmpty()) return;
  const MacroSpec& m = model_->macro();
  baseline_->setMapping(model_->baselineMapping(), m);
  utilization_label_->setText(totalsText(model_->baselineMapping(), m));
  const bool s1 = model_->hasStage1();
  stage1_box_->setVisible(s1);
  if (s1) {
    stage1_->setMapping(model_->stage1Mapping(), m);
    baseline_title_->setText(tr("Baseline: %1").arg(totalsText(model_->baselineMapping(), m)));
    stage1_title_->setText(tr("Stage 1: %1").arg(totalsText(model_->stage1Mapping(), m)));
  } else {
    // An opened Stage 1 / Stage 2 checkpoint is the adapted network, not a baseline.
    const auto& ck = model_->baselineCheckpoint();
    const QString what = !ck || ck->stage == "float" || ck->stage.isEmpty() ? tr("Baseline")
                         : ck->stage == "stage1"                            ? tr("Stage 1")
                                                                            : tr("Stage 2");
    baseline_title_->setText(tr("%1 %2 on %3 x %4 macros")
                                 .arg(what, QString::fromStdString(model_->network().model))
                                 .arg(m.rows)
                                 .arg(m.cols));
  }
  fillLayerTable();
}

void OccupancyPanel::fillLayerTable() {
  const MappingReport& r = model_->baselineMapping();
  const QLocale loc;
  layers_->setRowCount(static_cast<int>(r.layers.size()));
  for (int i = 0; i < static_cast<int>(r.layers.size()); ++i) {
    const LayerMapping& l = r.layers[i];
    QPixmap swatch(12, 12);
    swatch.fill(layerColor(i));
    auto set = [&](int col, const QString& text, bool right = true) {
      auto* item = layers_->item(i, col);
      if (!item) {
        item = new QTableWidgetItem;
        layers_->setItem(i, col, item);
      }
      item->setText(text);
      item->setTextAlignment((right ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
    };
    set(0, QString::fromStdString(l.name), false);
    layers_->item(i, 0)->setIcon(QIcon(swatch));
    set(1, l.kind == LayerKind::kLinear ? tr("linear %1 -> %2").arg(l.cin).arg(l.cout)
                                        : tr("%1x%2, %3 -> %4").arg(l.kh).arg(l.kw).arg(l.cin)
                                              .arg(l.cout), false);
    set(2, QStringLiteral("%1 x %2").arg(loc.toString(static_cast<qlonglong>(l.rows_needed)),
                                         loc.toString(static_cast<qlonglong>(l.cols_needed))));
    set(3, QStringLiteral("%1 (%2 x %3)").arg(l.tiles).arg(l.row_tiles).arg(l.col_tiles));
    set(4, QStringLiteral("%1 %").arg(100 * l.utilization, 0, 'f', 1));
    set(5, loc.toString(static_cast<qlonglong>(l.weight_load_cycles)));
  }
}

}  // namespace cimscope
