#include "ui/widgets/macro_panel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QSignalBlocker>
#include <QVBoxLayout>
#include <exception>

#include "ui/widgets/slider_spin_row.h"

namespace cimscope {

namespace {
constexpr int kMaxArray = 16384;  // MacroSpec::validate's bound for rows and cols
constexpr int kMaxBits = 16;      // any bit width
}  // namespace

MacroPanel::MacroPanel(QWidget* parent) : QWidget(parent) {
  setObjectName("macroPanel");
  preset_box_ = new QComboBox;
  preset_box_->setObjectName("presetBox");
  preset_box_->setToolTip(tr("Macro presets from resources/macros (JSON files)"));
  preset_note_ = new QLabel;
  preset_note_->setObjectName("presetNote");
  preset_note_->setWordWrap(true);
  preset_note_->setStyleSheet("color: palette(mid);");

  auto* array = new QGroupBox(tr("Array"));
  auto* af = new QFormLayout(array);
  af->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  auto* rows = addRow(af, "rows", tr("Rows (R)"), tr("wordlines"),
                      tr("Wordlines per macro: im2col rows one tile holds. Slider: powers of two "
                         "16..1024; type any value up to 16384."));
  rows->setPowerOfTwoRange(4, 10, 1, kMaxArray);
  auto* cols = addRow(af, "cols", tr("Columns (C)"), tr("bitlines"),
                      tr("Bitlines per macro. Slider: powers of two 16..1024; type any value up "
                         "to 16384."));
  cols->setPowerOfTwoRange(4, 10, 1, kMaxArray);
  auto* active = addRow(af, "active_wordlines", tr("Active wordlines (A)"), tr("wordlines"),
                        tr("Wordlines driven at once: one partial sum and ADC conversion per "
                           "group of A rows. 1..R."));
  active->setLinearRange(1, 256);
  auto* cell = addRow(af, "cell_bits", tr("Cell"), tr("bits/cell"), tr("Bits stored per cell."));
  cell->setLinearRange(1, 8);

  auto* prec = new QGroupBox(tr("Precision and converters"));
  auto* pf = new QFormLayout(prec);
  pf->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  addRow(pf, "weight_bits", tr("Weights"), tr("bits"), tr("Bits per weight; columns per weight "
                                                           "= ceil(weight bits / cell bits)."))
      ->setLinearRange(1, kMaxBits);
  addRow(pf, "input_bits", tr("Inputs"), tr("bits"), tr("Bits per input activation."))
      ->setLinearRange(1, kMaxBits);
  addRow(pf, "dac_bits", tr("DAC"), tr("bits/step"),
         tr("Input bits applied per step (1 = bit-serial). 1..input bits."))
      ->setLinearRange(1, kMaxBits);
  addRow(pf, "adc_bits", tr("ADC"), tr("bits"), tr("ADC resolution of each partial sum, 1..12."))
      ->setLinearRange(1, 12);
  addRow(pf, "adcs", tr("ADCs"), tr("per macro"),
         tr("ADCs per macro, multiplexed over the converted columns. 1..C."))
      ->setLinearRange(1, 256);

  auto* chip = new QGroupBox(tr("Chip"));
  auto* cf = new QFormLayout(chip);
  cf->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  auto* m = addRow(cf, "macros_on_chip", tr("Macros (M)"), tr("macros"),
                   tr("Macros on the chip. A network needing more reloads weights every "
                      "inference. Slider: powers of two 1..4096; type up to 1,000,000."));
  m->setPowerOfTwoRange(0, 12, 1, 1000000);
  auto* bus = addRow(cf, "bus_bits", tr("Weight bus"), tr("bits/cycle"),
                     tr("Off-chip weight bus width. Slider: powers of two 1..4096."));
  bus->setPowerOfTwoRange(0, 12, 1, 1 << 20);
  packing_ = addCombo(cf, "packing", tr("Packing"), {"dedicated", "packed"},
                      tr("dedicated: every tile gets a macro; packed: tiles share macros in "
                         "disjoint rectangles (shelf first-fit decreasing)."));
  row_split_ = addCombo(cf, "row_split", tr("Row split"), {"channel", "consecutive"},
                        tr("channel: tiles and wordline groups end on input-channel boundaries "
                           "(a kernel is never cut); consecutive: the next R / A rows "
                           "(DNN+NeuroSim)."));
  slice_combine_ = addCombo(cf, "slice_combine", tr("Slice combine"), {"analog", "digital"},
                            tr("analog: a weight's bit-slice columns combine before one "
                               "conversion; digital: every bitline is converted."));
  signed_mapping_ = addCombo(cf, "signed_mapping", tr("Signed weights"),
                             {"offset", "differential"},
                             tr("offset: one column set, offset removed digitally; "
                                "differential: a positive and a negative set (2x columns)."));

  auto* energy = new QGroupBox(tr("Timing and energy"));
  auto* ef = new QFormLayout(energy);
  ef->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  clock_ = addDouble(ef, "clock_mhz", tr("Clock"), tr("MHz"), 100000, 1, tr("Cycle rate."));
  e_adc_ = addDouble(ef, "e_adc_pj", tr("ADC energy"), tr("pJ/conv"), 1e6, 4,
                     tr("Energy of one conversion at the reference resolution."));
  e_adc_ref_ = addRow(ef, "e_adc_ref_bits", tr("at resolution"), tr("bits"),
                      tr("Resolution the ADC energy is given at; energy scales as 2^bits."));
  e_adc_ref_->setLinearRange(1, kMaxBits);
  e_mac_ = addDouble(ef, "e_mac_pj", tr("MAC energy"), tr("pJ/cell-step"), 1e6, 5,
                     tr("Energy per active cell per input step."));
  e_write_ = addDouble(ef, "e_write_pj", tr("Write energy"), tr("pJ/bit"), 1e6, 4,
                       tr("Energy per weight bit fetched and written."));

  error_label_ = new QLabel;
  error_label_->setObjectName("macroError");
  error_label_->setWordWrap(true);
  error_label_->setStyleSheet("QLabel { color: #c62828; font-weight: bold; }");
  error_label_->hide();
  derived_label_ = new QLabel;
  derived_label_->setObjectName("macroDerived");
  derived_label_->setWordWrap(true);

  auto* top = new QFormLayout;
  top->addRow(tr("Preset"), preset_box_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(preset_note_);
  layout->addWidget(error_label_);
  layout->addWidget(array);
  layout->addWidget(prec);
  layout->addWidget(chip);
  layout->addWidget(energy);
  layout->addWidget(derived_label_);
  layout->addStretch(1);

  // Dependent ranges: a change to R, C or the input bits moves the bounds of A, ADCs and DAC.
  connect(row("rows"), &SliderSpinRow::valueChanged, this, [this](int r) {
    SliderSpinRow* a = row("active_wordlines");
    const bool follow = a->value() == a->maximum();  // "all rows active" stays all rows
    a->setMaximum(r);
    if (follow) a->setValueSilently(r);
  });
  connect(row("cols"), &SliderSpinRow::valueChanged, this,
          [this](int c) { row("adcs")->setMaximum(c); });
  connect(row("input_bits"), &SliderSpinRow::valueChanged, this,
          [this](int b) { row("dac_bits")->setMaximum(b); });
  connect(preset_box_, &QComboBox::currentIndexChanged, this, [this](int i) {
    if (loading_ || i < 0 || i >= static_cast<int>(presets_.size())) return;
    const MacroPreset& p = presets_[i];
    if (!p.valid) {
      showValidity(tr("Preset %1 cannot be used: %2")
                       .arg(QString::fromStdString(p.name), QString::fromStdString(p.error)));
      return;
    }
    setSpec(p.spec);
  });
  setSpec(MacroSpec{});
}

SliderSpinRow* MacroPanel::addRow(QFormLayout* form, const QString& field, const QString& label,
                                  const QString& unit, const QString& tooltip) {
  auto* r = new SliderSpinRow(field, unit, tooltip);
  rows_.emplace_back(field, r);
  auto* l = new QLabel(label);
  l->setToolTip(tooltip);
  form->addRow(l, r);
  connect(r, &SliderSpinRow::valueChanged, this, &MacroPanel::onEdited);
  return r;
}

QComboBox* MacroPanel::addCombo(QFormLayout* form, const QString& field, const QString& label,
                                const QStringList& items, const QString& tooltip) {
  auto* box = new QComboBox;
  box->setObjectName(field + "Box");
  box->addItems(items);
  box->setToolTip(tooltip);
  form->addRow(label, box);
  connect(box, &QComboBox::currentIndexChanged, this, &MacroPanel::onEdited);
  return box;
}

QDoubleSpinBox* MacroPanel::addDouble(QFormLayout* form, const QString& field,
                                      const QString& label, const QString& unit, double max,
                                      int decimals, const QString& tooltip) {
  auto* box = new QDoubleSpinBox;
  box->setObjectName(field + "Spin");
  box->setRange(0, max);
  box->setDecimals(decimals);
  box->setSuffix(" " + unit);
  box->setKeyboardTracking(false);
  box->setToolTip(tooltip);
  form->addRow(label, box);
  connect(box, &QDoubleSpinBox::valueChanged, this, &MacroPanel::onEdited);
  return box;
}

SliderSpinRow* MacroPanel::row(const QString& field) const {
  for (const auto& [name, r] : rows_) {
    if (name == field) return r;
  }
  return nullptr;
}

MacroSpec MacroPanel::spec() const {
  MacroSpec s = base_;
  s.rows = row("rows")->value();
  s.cols = row("cols")->value();
  s.active_wordlines = row("active_wordlines")->value();
  s.cell_bits = row("cell_bits")->value();
  s.weight_bits = row("weight_bits")->value();
  s.input_bits = row("input_bits")->value();
  s.dac_bits = row("dac_bits")->value();
  s.adc_bits = row("adc_bits")->value();
  s.adcs = row("adcs")->value();
  s.macros_on_chip = row("macros_on_chip")->value();
  s.bus_bits = row("bus_bits")->value();
  s.e_adc_ref_bits = e_adc_ref_->value();
  s.packing = parsePacking(packing_->currentText().toStdString());
  s.row_split = parseRowSplit(row_split_->currentText().toStdString());
  s.slice_combine = parseSliceCombine(slice_combine_->currentText().toStdString());
  s.signed_mapping = parseSignedMapping(signed_mapping_->currentText().toStdString());
  s.clock_mhz = clock_->value();
  s.e_adc_pj = e_adc_->value();
  s.e_mac_pj = e_mac_->value();
  s.e_write_pj = e_write_->value();
  return s;
}

void MacroPanel::setSpec(const MacroSpec& s) {
  loading_ = true;
  base_ = s;
  // Upper bounds first, so dependent values are not clamped by the previous spec's bounds.
  row("active_wordlines")->setMaximum(std::max(1, s.rows));
  row("adcs")->setMaximum(std::max(1, s.cols));
  row("dac_bits")->setMaximum(std::max(1, s.input_bits));
  row("rows")->setValueSilently(s.rows);
  row("cols")->setValueSilently(s.cols);
  row("active_wordlines")->setValueSilently(s.active_wordlines);
  row("cell_bits")->setValueSilently(s.cell_bits);
  row("weight_bits")->setValueSilently(s.weight_bits);
  row("input_bits")->setValueSilently(s.input_bits);
  row("dac_bits")->setValueSilently(s.dac_bits);
  row("adc_bits")->setValueSilently(s.adc_bits);
  row("adcs")->setValueSilently(s.adcs);
  row("macros_on_chip")->setValueSilently(s.macros_on_chip);
  row("bus_bits")->setValueSilently(s.bus_bits);
  e_adc_ref_->setValueSilently(s.e_adc_ref_bits);
  for (auto [box, text] : {std::pair{packing_, toString(s.packing)},
                           std::pair{row_split_, toString(s.row_split)},
                           std::pair{slice_combine_, toString(s.slice_combine)},
                           std::pair{signed_mapping_, toString(s.signed_mapping)}}) {
    const QSignalBlocker b(box);
    box->setCurrentText(QString::fromLatin1(text));
  }
  for (auto [box, v] : {std::pair{clock_, s.clock_mhz}, std::pair{e_adc_, s.e_adc_pj},
                        std::pair{e_mac_, s.e_mac_pj}, std::pair{e_write_, s.e_write_pj}}) {
    const QSignalBlocker b(box);
    box->setValue(v);
  }
  preset_note_->setText(QString::fromStdString(s.notes));
  preset_note_->setToolTip(QString::fromStdString(s.citation));
  loading_ = false;
  onEdited();
}

QString MacroPanel::presetName() const { return QString::fromStdString(base_.name); }

void MacroPanel::setPresets(const std::vector<MacroPreset>& presets) {
  presets_ = presets;
  loading_ = true;
  const QString current = presetName();
  preset_box_->clear();
  for (const auto& p : presets_) {
    preset_box_->addItem(QString::fromStdString(p.name) + (p.valid ? "" : tr(" (invalid)")));
    preset_box_->setItemData(preset_box_->count() - 1,
                             QString::fromStdString(p.valid ? p.spec.citation : p.error),
                             Qt::ToolTipRole);
  }
  const int i = preset_box_->findText(current);
  preset_box_->setCurrentIndex(i);
  loading_ = false;
}

void MacroPanel::selectPreset(const QString& name) {
  const int i = preset_box_->findText(name);
  if (i >= 0 && i != preset_box_->currentIndex()) preset_box_->setCurrentIndex(i);
  else if (i >= 0 && presets_[i].valid) setSpec(presets_[i].spec);
}

void MacroPanel::onEdited() {
  if (loading_) return;
  MacroSpec s;
  try {
    s = spec();
    s.validate();
  } catch (const std::exception& e) {
    showValidity(QString::fromStdString(e.what()));
    return;
  }
  showValidity({});
  // Values edited away from the preset: say so, keep the preset's name as the origin.
  derived_label_->setText(
      tr("%1 columns per weight, %2 weights per tile row; input steps %3; ADC energy "
         "%4 pJ/conversion")
          .arg(s.columnsPerWeight())
          .arg(s.cols / std::max(1, s.columnsPerWeight()))
          .arg((s.input_bits + s.dac_bits - 1) / s.dac_bits)
          .arg(s.adcEnergyPj(), 0, 'g', 3));
  Q_EMIT macroChanged(s);
}

void MacroPanel::showValidity(const QString& error) {
  validity_error_ = error;
  const QString text = !validity_error_.isEmpty() ? validity_error_ : mapping_error_;
  error_label_->setText(text.isEmpty() ? QString() : tr("Not valid: %1").arg(text));
  error_label_->setVisible(!text.isEmpty());
}

void MacroPanel::showMappingError(const QString& message) {
  mapping_error_ = message;
  showValidity(validity_error_);
}

}  // namespace cimscope
