#include "ui/widgets/model_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include "engine/nn/spec/network_templates.h"

namespace cimscope {

namespace {
// The quick preset finishes on a 2-core laptop in minutes (DESIGN.md section 4); the full one
// trains on every sample.
constexpr std::int64_t kQuickTrain = 6000, kQuickTest = 1000;
constexpr int kQuickEpochs = 3, kFullEpochs = 30;
}  // namespace

ModelPanel::ModelPanel(QWidget* parent) : QWidget(parent) {
  setObjectName("modelPanel");
  template_box_ = new QComboBox;
  template_box_->setObjectName("templateBox");
  for (const auto& n : networkTemplateNames()) template_box_->addItem(QString::fromStdString(n));
  template_box_->setCurrentText("resnet20");
  template_box_->setToolTip(tr("Network template; widths are per width group below"));
  dataset_box_ = new QComboBox;
  dataset_box_->setObjectName("datasetBox");
  dataset_box_->setToolTip(tr("Data set: sets the input shape and the number of classes"));
  dataset_box_->addItem(wanted_dataset_);
  preset_box_ = new QComboBox;
  preset_box_->setObjectName("trainPresetBox");
  preset_box_->addItem(tr("Quick: %1 / %2 samples, %3 epochs")
                           .arg(kQuickTrain).arg(kQuickTest).arg(kQuickEpochs));
  preset_box_->addItem(tr("Full: every sample, %1 epochs").arg(kFullEpochs));
  preset_box_->setToolTip(tr("Training preset for the jobs of the Run menu"));
  first_last_float_ = new QCheckBox(tr("First and last layers in float"));
  first_last_float_->setObjectName("stage2FirstLastFloat");
  first_last_float_->setToolTip(
      tr("Stage 2 (and the full pipeline) quantizes every layer but the first and the last, which "
         "stay in float off the macro: they are not costed on it and are stored at 32 bits"));

  widths_ = new QTableWidget(0, 3);
  widths_->setObjectName("widthsTable");
  widths_->setHorizontalHeaderLabels({tr("Width group"), tr("Layers"), tr("Channels")});
  widths_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
  widths_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
  widths_->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
  widths_->verticalHeader()->hide();
  widths_->setSelectionMode(QAbstractItemView::NoSelection);
  widths_->setMinimumHeight(150);
  widths_->setToolTip(tr("Output channels per width group (residual-coupled layers share one)"));
  auto* reset = new QPushButton(tr("Template widths"));
  reset->setObjectName("resetWidths");
  reset->setToolTip(tr("Reset every width to the template's default"));
  shape_label_ = new QLabel;
  shape_label_->setObjectName("networkShapeLabel");
  shape_label_->setWordWrap(true);

  checkpoint_edit_ = new QLineEdit;
  checkpoint_edit_->setObjectName("checkpointEdit");
  checkpoint_edit_->setReadOnly(true);
  checkpoint_edit_->setPlaceholderText(tr("no checkpoint"));
  auto* browse = new QToolButton;
  browse->setText(tr("Open..."));
  browse->setToolTip(tr("Open a checkpoint (.h5) written by Train baseline or cimscope-cli train"));
  auto* clear = new QToolButton;
  clear->setText(tr("Clear"));
  checkpoint_info_ = new QLabel;
  checkpoint_info_->setObjectName("checkpointInfo");
  checkpoint_info_->setWordWrap(true);

  auto* form = new QFormLayout;
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  form->addRow(tr("Template"), template_box_);
  form->addRow(tr("Data set"), dataset_box_);
  form->addRow(tr("Training"), preset_box_);
  form->addRow(tr("Stage 2"), first_last_float_);
  auto* ck = new QHBoxLayout;
  ck->addWidget(checkpoint_edit_, 1);
  ck->addWidget(browse);
  ck->addWidget(clear);
  form->addRow(tr("Checkpoint"), ck);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(checkpoint_info_);
  auto* wl = new QHBoxLayout;
  wl->addWidget(new QLabel(tr("Widths")));
  wl->addStretch(1);
  wl->addWidget(reset);
  layout->addLayout(wl);
  layout->addWidget(widths_, 1);
  layout->addWidget(shape_label_);

  connect(template_box_, &QComboBox::currentIndexChanged, this, [this] {
    if (loading_) return;
    rebuildWidths();
    emitNetwork();
  });
  connect(dataset_box_, &QComboBox::currentIndexChanged, this, [this] {
    if (loading_) return;
    wanted_dataset_ = dataset_box_->currentText();
    emitNetwork();
  });
  connect(reset, &QPushButton::clicked, this, [this] {
    rebuildWidths();
    emitNetwork();
  });
  connect(browse, &QToolButton::clicked, this, &ModelPanel::browseCheckpoint);
  connect(clear, &QToolButton::clicked, this, &ModelPanel::clearCheckpoint);
  rebuildWidths();
}

void ModelPanel::rebuildWidths(){
  const QSignalBlocker b(widths_);
  widths_->setRowCount(0);
  const auto groups = defaultWidthGroups(template_box_->currentText().toStdString());
  widths_->setRowCount(static_cast<int>(groups.size()));
  for (int i = 0; i < static_cast<int>(groups.size()); ++i) {
    auto* name = new QTableWidgetItem(QString::fromStdString(groups[i].name));
    name->setFlags(Qt::ItemIsEnabled);
    name->setToolTip(tr("default %1 channels").arg(groups[i].default_width));
    widths_->setItem(i, 0, name);
    auto* layers = new QTableWidgetItem(QString::number(groups[i].layers.size()));
    layers->setFlags(Qt::ItemIsEnabled);
    layers->setTextAlignment(Qt::AlignCenter);
    widths_->setItem(i, 1, layers);
    auto* spin = new QSpinBox;
    spin->setRange(1, 4096);
    spin->setValue(groups[i].default_width);
    spin->setKeyboardTracking(false);
    spin->setSuffix(tr(" ch"));
    spin->setObjectName(QStringLiteral("width_%1").arg(i));
    connect(spin, &QSpinBox::valueChanged, this, [this] { emitNetwork(); });
    widths_->setCellWidget(i, 2, spin);
  }
}

NetworkSpec ModelPanel::network() const {
  NetworkSpec s;
  s.model = template_box_->currentText().toStdString();
  if (const DatasetInfo* d = currentDataset()) {
    s.in_channels = d->channels;
    s.in_height = d->height;
    s.in_width = d->width;
    s.classes = d->classes;
  }
  for (int i = 0; i < widths_->rowCount(); ++i) {
    if (auto* spin = qobject_cast<QSpinBox*>(widths_->cellWidget(i, 2))) {
      s.widths.push_back(spin->value());
    }
  }
  return s;
}

const DatasetInfo* ModelPanel::currentDataset() const {
  const std::string name = dataset_box_->currentText().toStdString();
  for (const auto& d : datasets_) {
    if (d.name == name && d.channels > 0) return &d;
  }
  return nullptr;
}

QString ModelPanel::datasetName() const { return dataset_box_->currentText(); }
QString ModelPanel::checkpointPath() const { return checkpoint_edit_->text(); }
bool ModelPanel::quickPreset() const { return preset_box_->currentIndex() == 0; }
bool ModelPanel::stage2FirstLastInFloat() const { return first_last_float_->isChecked(); }
void ModelPanel::setStage2FirstLastInFloat(bool on) { first_last_float_->setChecked(on); }

void ModelPanel::setTemplate(const QString& model) { template_box_->setCurrentText(model); }
void ModelPanel::setQuickPreset(bool quick) { preset_box_->setCurrentIndex(quick ? 0 : 1); }
void ModelPanel::setDatasetName(const QString& name) {
  wanted_dataset_ = name;
  const int i = dataset_box_->findText(name);
  if (i >= 0) dataset_box_->setCurrentIndex(i);
}

TrainJob ModelPanel::baselineTrainJob(const QString& out_checkpoint) const {
  TrainJob job;
  job.network = network();
  job.train.epochs = quickPreset() ? kQuickEpochs : kFullEpochs;
  job.out_checkpoint = out_checkpoint.toStdString();
  job.stage = "float";
  job.dataset_name = datasetName().toStdString();
  return job;
}

DatasetConfig ModelPanel::datasetConfig() const {
  DatasetConfig c;
  c.name = datasetName().toStdString();
  if (quickPreset()) {
    c.subset_train = kQuickTrain;
    c.subset_test = kQuickTest;
  }
  return c;
}

void ModelPanel::setDatasets(const std::vector<DatasetInfo>& datasets) {
  datasets_ = datasets;
  loading_ = true;
  dataset_box_->clear();
  for (const auto& d : datasets_) {
    dataset_box_->addItem(QString::fromStdString(d.name));
    const int i = dataset_box_->count() - 1;
    dataset_box_->setItemData(
        i,
        d.available ? tr("%1 x %2 x %3, %4 classes, %5 / %6 samples")
                          .arg(d.channels).arg(d.height).arg(d.width).arg(d.classes)
                          .arg(d.train).arg(d.test)
                    : QString::fromStdString(d.reason),
        Qt::ToolTipRole);
    if (!d.available) dataset_box_->setItemData(i, QColor(Qt::gray), Qt::ForegroundRole);
  }
  int i = dataset_box_->findText(wanted_dataset_);
  dataset_box_->setCurrentIndex(i >= 0 ? i : 0);
  loading_ = false;
  emitNetwork();
}

void ModelPanel::emitNetwork() {
  const NetworkSpec s = network();
  const DatasetInfo* d = currentDataset();
  shape_label_->setText(tr("Input %1 x %2 x %3, %4 classes%5")
                            .arg(s.in_channels).arg(s.in_height).arg(s.in_width).arg(s.classes)
                            .arg(d && !d->available ? tr(" (data set not found)") : QString()));
  Q_EMIT networkChanged(s);
}

void ModelPanel::browseCheckpoint() {
  const QString path = QFileDialog::getOpenFileName(
      this, tr("Open checkpoint"), QFileInfo(checkpointPath()).absolutePath(),
      tr("cimscope checkpoints (*.h5);;All files (*)"));
  if (!path.isEmpty()) chooseCheckpoint(path);
}

void ModelPanel::chooseCheckpoint(const QString& path) {
  checkpoint_edit_->setText(path);
  checkpoint_edit_->setToolTip(path);
  checkpoint_info_->setText(tr("Reading %1 ...").arg(QFileInfo(path).fileName()));
  Q_EMIT checkpointChosen(path);
}

void ModelPanel::clearCheckpoint() {
  checkpoint_edit_->clear();
  checkpoint_info_->clear();
  Q_EMIT checkpointCleared();
}

void ModelPanel::showCheckpoint(const CheckpointSummary& s) {
  checkpoint_edit_->setText(s.path);
  checkpoint_info_->setText(
      tr("%1 network, %2 epoch(s)%3%4")
          .arg(s.stage)
          .arg(s.epochs)
          .arg(s.dataset.isEmpty() ? QString() : tr(" on %1").arg(s.dataset))
          .arg(s.test_accuracy >= 0 ? tr(", test accuracy %1 %").arg(100 * s.test_accuracy, 0, 'f', 2)
                                    : QString()));
  // The checkpoint decides the network: template and widths as it was trained.
  loading_ = true;
  template_box_->setCurrentText(QString::fromStdString(s.network.model));
  rebuildWidths();
  for (int i = 0; i < widths_->rowCount() && i < static_cast<int>(s.network.widths.size()); ++i) {
    if (auto* spin = qobject_cast<QSpinBox*>(widths_->cellWidget(i, 2))) {
      const QSignalBlocker b(spin);
      spin->setValue(s.network.widths[i]);
    }
  }
  if (!s.dataset.isEmpty()) {
    wanted_dataset_ = s.dataset;
    const int i = dataset_box_->findText(s.dataset);
    if (i >= 0) dataset_box_->setCurrentIndex(i);
  }
  loading_ = false;
  emitNetwork();
}

}  // namespace cimscope
