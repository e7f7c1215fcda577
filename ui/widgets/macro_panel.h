#pragma once

#include <QWidget>
#include <vector>

#include "engine/cim/macro_preset.h"
#include "engine/cim/macro_spec.h"

class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;

namespace cimscope {

class SliderSpinRow;

// The macro dock: a preset picker and one control per MacroSpec field, each with its unit.
// Ranges follow each other so most invalid combinations cannot be entered (active wordlines
// <= rows, ADCs <= bitlines, DAC bits <= input bits); what remains (a weight wider than the
// array, a kernel that does not fit) is shown inline with the engine's reason, and the rest of
// the window keeps the last valid design point.
class MacroPanel : public QWidget {
  Q_OBJECT

 public:
  explicit MacroPanel(QWidget* parent = nullptr);

  MacroSpec spec() const;
  // Loads every control from `spec` and emits macroChanged once.
  void setSpec(const MacroSpec& spec);
  QString presetName() const;
  SliderSpinRow* row(const QString& field) const;  // "rows", "cols", "adc_bits", ...

 public Q_SLOTS:
  void setPresets(const std::vector<cimscope::MacroPreset>& presets);
  void selectPreset(const QString& name);
  // A mapping error for an otherwise valid spec (from ExplorerModel); "" clears it.
  void showMappingError(const QString& message);

 Q_SIGNALS:
  // Emitted for every change that leaves a valid spec.
  void macroChanged(const cimscope::MacroSpec& spec);

 private:
  SliderSpinRow* addRow(QFormLayout* form, const QString& field, const QString& label,
                        const QString& unit, const QString& tooltip);
  QComboBox* addCombo(QFormLayout* form, const QString& field, const QString& label,
                      const QStringList& items, const QString& tooltip);
  QDoubleSpinBox* addDouble(QFormLayout* form, const QString& field, const QString& label,
                            const QString& unit, double max, int decimals, const QString& tooltip);
  void onEdited();
  void showValidity(const QString& error);

  QComboBox* preset_box_;
  QLabel* preset_note_;
  QLabel* error_label_;
  QLabel* derived_label_;
  std::vector<std::pair<QString, SliderSpinRow*>> rows_;
  QComboBox *packing_, *row_split_, *slice_combine_, *signed_mapping_;
  QDoubleSpinBox *clock_, *e_adc_, *e_mac_, *e_write_;
  SliderSpinRow* e_adc_ref_ = nullptr;
  std::vector<MacroPreset> presets_;
  MacroSpec base_;        // the preset's informational fields (name, citation, notes)
  bool loading_ = false;
  QString validity_error_;
  QString mapping_error_;
};

}  // namespace cimscope
