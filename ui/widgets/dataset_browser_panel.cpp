#include "ui/widgets/dataset_browser_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPixmap>
#include <QSplitter>
#include <QVBoxLayout>

namespace cimscope {

namespace {
constexpr int kThumb = 84;  // 28 px images at 3x: big enough to recognise a digit or a sandal
}

DatasetBrowserPanel::DatasetBrowserPanel(QWidget* parent) : QWidget(parent) {
  dataset_list_ = new QListWidget;
  dataset_list_->setObjectName("datasetList");
  dataset_list_->setMinimumWidth(190);
  dataset_list_->setMaximumWidth(260);

  split_box_ = new QComboBox;
  split_box_->setObjectName("splitBox");
  split_box_->addItem(tr("Training split"));
  split_box_->addItem(tr("Test split"));
  class_box_ = new QComboBox;
  class_box_->setObjectName("classBox");
  class_box_->setMinimumContentsLength(14);
  info_label_ = new QLabel;
  info_label_->setObjectName("datasetInfo");
  info_label_->setWordWrap(true);
  info_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  grid_ = new QListWidget;
  grid_->setObjectName("sampleGrid");
  grid_->setViewMode(QListView::IconMode);
  grid_->setIconSize(QSize(kThumb, kThumb));
  grid_->setGridSize(QSize(kThumb + 40, kThumb + 30));
  grid_->setResizeMode(QListView::Adjust);
  grid_->setMovement(QListView::Static);
  grid_->setUniformItemSizes(true);
  grid_->setSelectionMode(QAbstractItemView::SingleSelection);
  grid_->setWordWrap(true);

  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Split:")));
  controls->addWidget(split_box_);
  controls->addSpacing(12);
  controls->addWidget(new QLabel(tr("Class:")));
  controls->addWidget(class_box_);
  controls->addStretch(1);

  auto* right = new QWidget;
  auto* right_layout = new QVBoxLayout(right);
  right_layout->setContentsMargins(0, 0, 0, 0);
  right_layout->addLayout(controls);
  right_layout->addWidget(info_label_);
  right_layout->addWidget(grid_, 1);

  auto* left = new QWidget;
  auto* left_layout = new QVBoxLayout(left);
  left_layout->setContentsMargins(0, 0, 0, 0);
  left_layout->addWidget(new QLabel(tr("Data sets")));
  left_layout->addWidget(dataset_list_, 1);

  auto* splitter = new QSplitter;
  splitter->addWidget(left);
  splitter->addWidget(right);
  splitter->setStretchFactor(1, 1);
  auto* layout = new QHBoxLayout(this);
  layout->addWidget(splitter);

  connect(dataset_list_, &QListWidget::currentRowChanged, this,
          [this] { if (!updating_) onDatasetChanged(); });
  connect(split_box_, &QComboBox::currentIndexChanged, this,
          [this] { if (!updating_) requestSamples(); });
  connect(class_box_, &QComboBox::currentIndexChanged, this,
          [this] { if (!updating_) requestSamples(); });
}

void DatasetBrowserPanel::setDatasets(const std::vector<DatasetInfo>& datasets) {
  const QString previous = currentDataset();
  updating_ = true;
  datasets_ = datasets;
  dataset_list_->clear();
  for (const auto& d : datasets_) {
    auto* item = new QListWidgetItem(QString::fromStdString(d.name));
    if (d.available) {
      item->setToolTip(tr("%1 training / %2 test images, %3x%4x%5, %6 classes\n%7")
                           .arg(QLocale().toString(static_cast<qint64>(d.train)))
                           .arg(QLocale().toString(static_cast<qint64>(d.test)))
                           .arg(d.channels).arg(d.height).arg(d.width).arg(d.classes)
                           .arg(QString::fromStdString(d.path)));
    } else {
      item->setText(item->text() + tr(" (missing)"));
      item->setForeground(palette().color(QPalette::Disabled, QPalette::Text));
      item->setToolTip(QString::fromStdString(d.reason));
    }
    dataset_list_->addItem(item);
  }
  updating_ = false;
  if (!previous.isEmpty()) selectDataset(previous);
}

QString DatasetBrowserPanel::currentDataset() const {
  const int row = dataset_list_->currentRow();
  if (row < 0 || row >= static_cast<int>(datasets_.size())) return {};
  return QString::fromStdString(datasets_[row].name);
}

void DatasetBrowserPanel::selectDataset(const QString& name) {
  for (int i = 0; i < static_cast<int>(datasets_.size()); ++i) {
    if (QString::fromStdString(datasets_[i].name) == name) {
      if (dataset_list_->currentRow() == i) {
        onDatasetChanged();
      } else {
        dataset_list_->setCurrentRow(i);
      }
      return;
    }
  }
}

void DatasetBrowserPanel::onDatasetChanged() {
  const int row = dataset_list_->currentRow();
  if (row < 0 || row >= static_cast<int>(datasets_.size())) return;
  const DatasetInfo& d = datasets_[row];
  updating_ = true;
  class_box_->clear();
  class_box_->addItem(tr("All classes"));
  for (const auto& n : d.class_names) class_box_->addItem(QString::fromStdString(n));
  updating_ = false;
  grid_->clear();
  if (!d.available) {
    info_label_->setText(tr("<b>%1</b> is not available: %2")
                             .arg(QString::fromStdString(d.name).toHtmlEscaped(),
                                  QString::fromStdString(d.reason).toHtmlEscaped()));
    return;
  }
  requestSamples();
}

void DatasetBrowserPanel::requestSamples() {
  const QString name = currentDataset();
  if (name.isEmpty()) return;
  const DatasetInfo& d = datasets_[dataset_list_->currentRow()];
  if (!d.available) return;
  info_label_->setText(tr("Loading %1 ...").arg(name));
  SampleRequest request;
  request.dataset = name;
  request.test_split = split_box_->currentIndex() == 1;
  request.class_filter = class_box_->currentIndex() - 1;
  Q_EMIT sampleRequested(request);
}

void DatasetBrowserPanel::showSamples(const SampleGrid& grid) {
  // A late answer for a selection the user has already left is dropped.
  if (grid.dataset != currentDataset() || grid.test_split != (split_box_->currentIndex() == 1) ||
      grid.class_filter != class_box_->currentIndex() - 1) {
    return;
  }
  grid_->clear();
  for (int i = 0; i < grid.images.size(); ++i) {
    const int label = grid.labels[i];
    const QString cls = label >= 0 && label < grid.class_names.size() ? grid.class_names[label]
                                                                        : QString::number(label);
    QPixmap pm = QPixmap::fromImage(grid.images[i].scaled(kThumb, kThumb, Qt::KeepAspectRatio,
                                                          Qt::FastTransformation));
    auto* item = new QListWidgetItem(QIcon(pm), cls);
    item->setData(Qt::UserRole, label);
    item->setToolTip(tr("class %1: %2").arg(label).arg(cls));
    grid_->addItem(item);
  }
  const QString split = grid.test_split ? tr("test split") : tr("training split");
  const QString what = grid.class_filter < 0
                           ? tr("first %1 images of each class").arg(grid.images.size() /
                                                                     std::max<qsizetype>(1, grid.class_names.size()))
                           : tr("first %1 images of class %2").arg(grid.images.size())
                                 .arg(grid.class_names.value(grid.class_filter));
  info_label_->setText(tr("<b>%1</b>, %2: %3 images, %4 classes. Showing the %5.<br>"
                          "<small>%6</small>")
                           .arg(grid.dataset.toHtmlEscaped(), split)
                           .arg(QLocale().toString(grid.split_size))
                           .arg(grid.class_names.size())
                           .arg(what, grid.source.toHtmlEscaped()));
}

void DatasetBrowserPanel::showError(const QString& message) {
  info_label_->setText(tr("<b>Error:</b> %1").arg(message.toHtmlEscaped()));
}

}  // namespace cimscope
