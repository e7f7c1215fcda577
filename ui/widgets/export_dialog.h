#pragma once

#include <QDialog>

class QLineEdit;
class QSpinBox;

namespace cimscope {

// Asks where to export a view and at what size; the format follows the file suffix.
class ExportDialog : public QDialog {
  Q_OBJECT

 public:
  ExportDialog(const QString& what, const QString& suggested_path, const QSize& suggested_size,
               QWidget* parent = nullptr);

  QString path() const;
  QSize exportSize() const;

 private:
  void browse();

  QLineEdit* path_;
  QSpinBox* width_;
  QSpinBox* height_;
};

}  // namespace cimscope
