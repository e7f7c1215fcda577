#include "ui/widgets/summary_panel.h"

#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>
#include <QVBoxLayout>

#include "ui/explorer_model.h"

namespace cimscope {

namespace {
enum Row {
  kParams, kStorage, kCompression, kMacros, kUtilization, kLoadOnce, kLoadPerInference,
  kLatency, kEnergy, kAccuracy, kRowCount
};
// "12.5 % fewer" / "3.0 % more": a widened network (Stage 1 spends a budget) grows.
QString savedText(double f, const QString& what) {
  return f >= 0 ? QObject::tr("%1 % fewer %2").arg(100 * f, 0, 'f', 1).arg(what)
                : QObject::tr("%1 % more %2").arg(-100 * f, 0, 'f', 1).arg(what);
}
QString compressionText(double bits_saved, double params_saved) {
  return savedText(bits_saved, QObject::tr("weight bits")) + ", " +
         savedText(params_saved, QObject::tr("parameters"));
}
}  // namespace

QStringList SummaryPanel::metricNames() {
  return {QObject::tr("Parameters"),
          QObject::tr("Weight storage"),
          QObject::tr("Compression"),
          QObject::tr("Macros"),
          QObject::tr("Utilization"),
          QObject::tr("Weight loading (once)"),
          QObject::tr("Weight loading per inference"),
          QObject::tr("Latency per inference"),
          QObject::tr("Energy per inference"),
          QObject::tr("Accuracy")};
}

SummaryPanel::SummaryPanel(ExplorerModel* model, QWidget* parent)
    : QWidget(parent), model_(model) {
  setObjectName("summaryPanel");
  table_ = new QTableWidget(kRowCount, 3);
  table_->setObjectName("summaryTable");
  table_->setHorizontalHeaderLabels({tr("Baseline"), tr("Stage 1 (morphed)"),
                                     tr("Stage 2 (ADC-aware QAT)")});
  table_->setVerticalHeaderLabels(metricNames());
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  table_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setAlternatingRowColors(true);
  table_->setWordWrap(true);
  note_ = new QLabel;
  note_->setObjectName("summaryNote");
  note_->setWordWrap(true);
  note_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(table_, 1);
  layout->addWidget(note_);
  connect(model_, &ExplorerModel::mappingChanged, this, &SummaryPanel::refresh);
  connect(model_, &ExplorerModel::resultsChanged, this, &SummaryPanel::refresh);
  refresh();
}

QString SummaryPanel::cell(const QString& metric, int column) const {
  const int row = metricNames().indexOf(metric);
  if (row < 0 || !table_->item(row, column)) return {};
  return table_->item(row, column)->text();
}

QString SummaryPanel::noteText() const { return note_->text(); }

void SummaryPanel::setCell(int row, int column, const QString& text, const QString& tip) {
  auto* item = table_->item(row, column);
  if (!item) {
    item = new QTableWidgetItem;
    table_->setItem(row, column, item);
  }
  item->setText(text);
  item->setToolTip(tip);
  item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
}

void SummaryPanel::fillColumn(int c, const MappingReport* r, const MappingReport& base,
                              std::int64_t params, std::int64_t base_params,
                              const QString& accuracy) {
  const QLocale loc;
  if (!r) {
    const QString none = c == 1 ? tr("no Stage 1 result yet") : tr("no Stage 2 result yet");
    for (int row = 0; row < kRowCount; ++row) setCell(row, c, row == 0 ? none : tr("\u2014"));
    return;
  }
  const MappingTotals& t = r->total;
  auto n = [&](std::int64_t v) { return loc.toString(static_cast<qlonglong>(v)); };
  setCell(kParams, c, n(params), tr("weights, biases and batch-norm parameters"));
  setCell(kStorage, c, storageText(t.weight_bits), tr("mapped weights x weight bits"));
  const double ratio = base.total.weight_bits > 0
                           ? 1.0 - static_cast<double>(t.weight_bits) / base.total.weight_bits
                           : 0.0;
  setCell(kCompression, c,
          c == 0 ? tr("reference") : compressionText(ratio, base_params > 0
                                                                ? 1.0 - double(params) / base_params
                                                                : 0.0));
  setCell(kMacros, c, tr("%1 (%2 tiles)%3").arg(n(t.macros)).arg(n(t.tiles))
                          .arg(t.fits_on_chip ? tr(", fits") : tr(", exceeds chip")));
  setCell(kUtilization, c, QStringLiteral("%1 %").arg(100 * t.utilization, 0, 'f', 1),
          tr("used cells / allocated cells"));
  setCell(kLoadOnce, c, tr("%1 cycles").arg(n(t.weight_load_cycles)));
  setCell(kLoadPerInference, c, tr("%1 cycles").arg(n(t.weight_load_cycles_per_inference)),
          tr("0 when every tile stays on chip"));
  setCell(kLatency, c, tr("%1 \u00b5s (%2 cycles)").arg(t.latency_us, 0, 'f', 2)
                           .arg(n(t.latency_cycles)));
  setCell(kEnergy, c, tr("%1 nJ").arg(t.energy_pj / 1000.0, 0, 'f', 2),
          tr("ADC %1 nJ, MAC %2 nJ, weight writes %3 nJ")
              .arg(t.adc_energy_pj / 1000, 0, 'f', 2)
              .arg(t.mac_energy_pj / 1000, 0, 'f', 2)
              .arg(t.write_energy_pj / 1000, 0, 'f', 2));
  setCell(kAccuracy, c, accuracy);
}

QString SummaryPanel::storageText(std::int64_t bits) {
  const QLocale loc;
  return tr("%1 bits (%2 KiB)").arg(loc.toString(static_cast<qlonglong>(bits)))
      .arg(bits / 8.0 / 1024.0, 0, 'f', 1);
}

// Stage 2 stores its weights quantized: the bits its run recorded (quantized layers at
// weight_bits, layers kept in float at 32), not the mapping's count at the macro's weight bits.
void SummaryPanel::showStage2Storage(const Stage2Result& s2, std::int64_t params,
                                     std::int64_t base_params) {
  setCell(kStorage, 2, storageText(s2.stored_bits),
          tr("recorded by Stage 2 (%1): quantized layers at their weight bits, layers kept in "
             "float at 32 bits").arg(s2.source));
  const double params_saved = base_params > 0 ? 1.0 - double(params) / base_params : 0.0;
  setCell(kCompression, 2,
          savedText(s2.compression, tr("weight bits than float32")) + ", " +
              savedText(params_saved, tr("parameters")),
          tr("weight bits: 1 - stored bits / (32 x float baseline weights), as recorded by "
             "Stage 2; parameters vs the baseline"));
}

void SummaryPanel::refresh() {
  if (!model_->mappingError().isEmpty()) {
    note_->setText(tr("Cannot map this design point: %1").arg(model_->mappingError()));
    return;
  }
  const MappingReport& base = model_->baselineMapping();
  const std::int64_t base_params = model_->shape().params;
  QString accuracy = tr("no checkpoint (Run > Train baseline, or open one)");
  QStringList notes;
  if (const auto& ck = model_->baselineCheckpoint()) {
    accuracy = ck->test_accuracy >= 0 ? QStringLiteral("%1 %").arg(100 * ck->test_accuracy, 0, 'f', 2)
                                      : tr("not recorded");
    if (ck->path.isEmpty()) {
      notes << tr("Baseline: widths and float test accuracy as %1 records them (the baseline's "
                  "own file is not there).").arg(ck->recorded_in);
    } else {
      notes << tr("Baseline accuracy: float test accuracy stored in %1 (%2 epoch(s)%3), not "
                  "quantized to this macro.")
                   .arg(QFileInfo(ck->path).fileName())
                   .arg(ck->epochs)
                   .arg(ck->dataset.isEmpty() ? QString() : tr(", %1").arg(ck->dataset));
    }
  }
  fillColumn(0, &base, base, base_params, base_params, accuracy);
  if (model_->hasStage1()) {
    const auto& acc = model_->stage1Accuracy();
    fillColumn(1, &model_->stage1Mapping(), base, model_->stage1Shape().params, base_params,
               acc ? QStringLiteral("%1 %").arg(100 * *acc, 0, 'f', 2) : tr("not evaluated"));
  } else {
    fillColumn(1, nullptr, base, 0, base_params, {});
  }
  if (const auto& s2 = model_->stage2Result()) {
    const MappingReport& r = model_->hasStage2Mapping() ? model_->stage2Mapping()
                             : model_->hasStage1()     ? model_->stage1Mapping()
                                                       : base;
    if (model_->hasStage2Mapping()) {
      notes << tr("Stage 2: the first and last layers run in float outside the macro; its "
                  "macros, cycles and energy are those of the layers between them.");
    }
    const std::int64_t p = model_->hasStage1() ? model_->stage1Shape().params : base_params;
    fillColumn(2, &r, base, p, base_params,
               s2->accuracy >= 0 ? QStringLiteral("%1 %").arg(100 * s2->accuracy, 0, 'f', 2)
                                 : tr("not evaluated"));
    if (s2->stored_bits > 0) showStage2Storage(*s2, p, base_params);
  } else {
    fillColumn(2, nullptr, base, 0, base_params, {});
  }
  notes << tr("Mapping, cycles and energy: analytic model at the current macro "
              "(docs/macro-model.md); mapped in %1 \u00b5s.")
               .arg(model_->lastMappingMicroseconds(), 0, 'f', 0);
  if (!run_note_.isEmpty()) notes << run_note_;
  note_->setText(notes.join("\n"));
}

void SummaryPanel::setRunNote(const QString& text) {
  run_note_ = text;
  refresh();
}

}  // namespace cimscope
