#include "ui/widgets/export_dialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

#include "ui/export_helper.h"

namespace cimscope {

ExportDialog::ExportDialog(const QString& what, const QString& suggested_path,
                           const QSize& suggested_size, QWidget* parent)
    : QDialog(parent) {
  setWindowTitle(tr("Export %1").arg(what));
  path_ = new QLineEdit(suggested_path);
  path_->setMinimumWidth(360);
  auto* browse = new QPushButton(tr("Browse..."));
  width_ = new QSpinBox;
  height_ = new QSpinBox;
  for (QSpinBox* s : {width_, height_}) {
    s->setRange(16, 20000);
    s->setSuffix(tr(" px"));
  }
  width_->setValue(suggested_size.width());
  height_->setValue(suggested_size.height());
  auto* file = new QHBoxLayout;
  file->addWidget(path_, 1);
  file->addWidget(browse);
  auto* size = new QHBoxLayout;
  size->addWidget(width_);
  size->addWidget(new QLabel(QStringLiteral("\u00d7")));
  size->addWidget(height_);
  size->addStretch(1);
  auto* form = new QFormLayout(this);
  form->addRow(tr("File"), file);
  form->addRow(tr("Size"), size);
  form->addRow(new QLabel(tr("The format follows the suffix: .png, .svg or .pdf (PDF: one page "
                             "of this size at 96 dpi).")));
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  form->addRow(buttons);
  connect(browse, &QPushButton::clicked, this, &ExportDialog::browse);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QString ExportDialog::path() const { return path_->text(); }
QSize ExportDialog::exportSize() const { return QSize(width_->value(), height_->value()); }

void ExportDialog::browse() {
  const QString p = QFileDialog::getSaveFileName(this, windowTitle(), path_->text(),
                                                 ExportHelper::fileFilter());
  if (!p.isEmpty()) path_->setText(p);
}

}  // namespace cimscope
