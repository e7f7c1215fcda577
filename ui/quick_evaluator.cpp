#include "ui/quick_evaluator.h"

#include <QFileInfo>
#include <QTimer>
#include <algorithm>
#include <nlohmann/json.hpp>

#include "engine/cim/macro_spec_json.h"
#include "ui/engine_host.h"
#include "ui/engine_worker.h"
#include "ui/result_adapters.h"

namespace cimscope {

namespace {
// A macro's fields as text, without the ones that cannot change a network's accuracy (and
// without adc_bits for an ADC sweep, which varies only that field): equal text, same accuracy.
// Dropped: the informational fields, and placement, timing and energy (packing, chip size, bus,
// clock, ADC count, energies), which `simulate` also lets differ from the trained macro.
QString macroKey(const MacroSpec& macro, bool without_adc_bits = false) {
  nlohmann::json j = macroSpecToJson(macro);
  for (const char* no_effect :
       {"name", "citation", "notes", "packing", "macros_on_chip", "bus_bits", "clock_mhz", "adcs",
        "e_adc_pj", "e_adc_ref_bits", "e_mac_pj", "e_write_pj"}) {
    j.erase(no_effect);
  }
  if (without_adc_bits) j.erase("adc_bits");
  return QString::fromStdString(j.dump());
}
}  // namespace

QuickEvaluator::QuickEvaluator(QObject* parent)
    : QObject(parent), host_(new EngineHost("cimscope-eval", this)), debounce_(new QTimer(this)) {
  qRegisterMetaType<SliderAccuracy>();
  debounce_->setSingleShot(true);
  debounce_->setInterval(kDebounceMs);
  connect(debounce_, &QTimer::timeout, this, &QuickEvaluator::evaluateNow);
  EngineWorker* w = host_->worker();
  connect(w, &EngineWorker::quickEvaluated, this,
          [this](const QuickEvalOutcome& o) { outcomes_.insert(o.job_id, o); });
  connect(w, &EngineWorker::jobStarted, this, &QuickEvaluator::started);
  connect(w, &EngineWorker::jobFinished, this, &QuickEvaluator::onJobFinished);
  connect(w, &EngineWorker::jobFailed, this, &QuickEvaluator::onJobFailed);
  reconsider();
}

QuickEvaluator::~QuickEvaluator() { cancelRunning(); }

QString QuickEvaluator::quickLabel(qint64 images) {
  return tr("quick evaluation, not retrained, %1 test images").arg(images);
}

void QuickEvaluator::setMacro(const MacroSpec& macro) {
  macro_ = macro;
  reconsider();
}

void QuickEvaluator::setCheckpoint(const QString& path, const DatasetConfig& data) {
  if (path == checkpoint_ && data.name == data_.name) return;
  checkpoint_ = path;
  data_ = data;
  cancelRunning();
  reconsider();
}

void QuickEvaluator::setAdcSweep(const AdcSweepData& data) {
  adc_ = data;
  reconsider();
}

void QuickEvaluator::setSweep(const SweepData& data) {
  sweep_ = data;
  reconsider();
}

void QuickEvaluator::addSweepPoint(const SweepPointRow& point) {
  sweep_.points.push_back(point);
  reconsider();
}

void QuickEvaluator::setStage2(const MacroSpec& macro, double accuracy, const QString& source) {
  has_stage2_ = accuracy >= 0;
  stage2_macro_ = macro;
  stage2_accuracy_ = accuracy;
  stage2_source_ = source;
  reconsider();
}

void QuickEvaluator::clearStored() {
  adc_ = {};
  sweep_ = {};
  has_stage2_ = false;
  reconsider();
}

void QuickEvaluator::setAutoEvaluate(bool on) {
  auto_ = on;
  if (!on) debounce_->stop();
  reconsider();
}

QString QuickEvaluator::pointKey(const MacroSpec& macro) const {
  return checkpoint_ + "|" + macroKey(macro);
}

bool QuickEvaluator::findStored(SliderAccuracy& out) const {
  // The most specific first: the Stage 2 network trained for exactly this macro, then the
  // ADC-aware curve (retrained per ADC resolution), then a design-sweep point.
  const QString here = macroKey(macro_);
  if (has_stage2_ && macroKey(stage2_macro_) == here) {
    out.kind = SliderAccuracy::Kind::kStored;
    out.accuracy = stage2_accuracy_;
    out.source = tr("stored: %1, ADC-aware QAT on this macro").arg(stage2_source_);
    return true;
  }
  if (adc_.has_macro && macroKey(adc_.macro, true) == macroKey(macro_, true)) {
    for (const AdcCurve& c : adc_.curves) {
      if (c.name != adcAwareCurveName()) continue;
      for (const QPointF& p : c.points) {
        if (static_cast<int>(p.x()) != macro_.adc_bits) continue;
        out.kind = SliderAccuracy::Kind::kStored;
        out.accuracy = p.y();
        out.source = tr("stored: ADC-aware curve of %1, retrained for a %2-bit ADC")
                         .arg(adc_.source)
                         .arg(macro_.adc_bits);
        return true;
      }
    }
  }
  for (const SweepPointRow& p : sweep_.points) {
    if (p.accuracy < 0 || macroKey(p.macro) != here) continue;
    out.kind = SliderAccuracy::Kind::kStored;
    out.accuracy = p.accuracy;
    out.source = tr("stored: design-sweep point of %1").arg(sweep_.source);
    return true;
  }
  return false;
}

void QuickEvaluator::reconsider() {
  SliderAccuracy a;
  a.adc_bits = macro_.adc_bits;
  const QString key = pointKey(macro_);
  bool settled = true;  // the answer is known without evaluating (or cannot be had)
  if (findStored(a)) {
  } else if (auto it = evaluated_.constFind(key); it != evaluated_.constEnd()) {
    a.kind = SliderAccuracy::Kind::kEvaluated;
    a.accuracy = it->accuracy;
    a.source = tr("%1 of %2")
                   .arg(quickLabel(it->images), QFileInfo(it->checkpoint).fileName());
  } else if (auto f = failures_.constFind(key); f != failures_.constEnd()) {
    a.kind = SliderAccuracy::Kind::kFailed;
    a.source = tr("quick evaluation failed: %1").arg(*f);
  } else if (checkpoint_.isEmpty()) {
    a.source = tr("no stored result for this design point; open a checkpoint or a run for a "
                  "quick evaluation");
  } else if (!auto_) {
    a.source = tr("no stored result for this design point; Evaluate now runs a %1")
                   .arg(tr("quick evaluation (not retrained)"));
  } else {
    settled = false;
  }
  if (settled) {
    debounce_->stop();
    cancelRunning();
    publish(a);
    return;
  }
  // Already asked for this point: let it run (or wait) rather than start over.
  if (key == requested_key_ && (running_id_ != 0 || debounce_->isActive())) return;
  cancelRunning();
  requested_key_ = key;
  debounce_->start();
  a.kind = SliderAccuracy::Kind::kPending;
  a.source = tr("no stored result: a %1 of %2 starts when the sliders rest")
                 .arg(tr("quick evaluation (not retrained)"), QFileInfo(checkpoint_).fileName());
  publish(a);
}

void QuickEvaluator::evaluateNow() {
  debounce_->stop();
  if (checkpoint_.isEmpty()) return;
  cancelRunning();  // a newer request cancels the older
  QuickEvalRequest r;
  r.job_id = ++last_id_;
  r.cancel = std::make_shared<std::atomic<bool>>(false);
  r.checkpoint = checkpoint_.toStdString();
  r.macro = macro_;
  r.data = data_;
  std::int64_t images = test_images_;
  if (r.data.subset_test > 0) images = std::min(images, r.data.subset_test);
  if (r.data.name == "synthetic") images = std::min(images, r.data.synthetic_test);
  r.data.subset_test = images;
  running_id_ = r.job_id;
  running_token_ = r.cancel;
  requested_key_ = pointKey(macro_);
  failures_.remove(requested_key_);
  QMetaObject::invokeMethod(host_->worker(), "quickEvaluate", Qt::QueuedConnection,
                            Q_ARG(cimscope::QuickEvalRequest, r));
  SliderAccuracy a;
  a.adc_bits = macro_.adc_bits;
  a.kind = SliderAccuracy::Kind::kRunning;
  a.source = tr("evaluating %1 on this macro: %2 ...")
                 .arg(QFileInfo(checkpoint_).fileName(), quickLabel(images));
  publish(a);
}

void QuickEvaluator::cancelRunning() {
  if (running_token_) running_token_->store(true);  // straight from the GUI thread
  running_token_.reset();
  running_id_ = 0;
  requested_key_.clear();
}

void QuickEvaluator::onJobFinished(const JobOutcome& job) {
  QuickEvalOutcome o = outcomes_.take(job.job_id);
  o.job_id = job.job_id;
  if (job.cancelled) o.cancelled = true;
  Q_EMIT outcomeArrived(o);
  if (job.job_id != running_id_) return;  // an older request's: stale
  running_id_ = 0;
  running_token_.reset();
  requested_key_.clear();
  if (!o.cancelled && o.accuracy >= 0) {
    evaluated_.insert(o.checkpoint + "|" + macroKey(o.macro), o);
  }
  reconsider();
}

void QuickEvaluator::onJobFailed(int job_id, const QString& message) {
  outcomes_.remove(job_id);
  if (job_id != running_id_) return;
  failures_.insert(requested_key_, message);
  running_id_ = 0;
  running_token_.reset();
  requested_key_.clear();
  reconsider();
}

void QuickEvaluator::publish(const SliderAccuracy& a) {
  current_ = a;
  Q_EMIT changed(a);
}

}  // namespace cimscope
