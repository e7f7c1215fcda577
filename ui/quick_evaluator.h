#pragma once

#include <QHash>
#include <QObject>
#include <QString>

#include "engine/data/dataset_catalog.h"
#include "ui/ui_types.h"

class QTimer;

namespace cimscope {

class EngineHost;

// What the Accuracy tab says about the design point the sliders are on.
struct SliderAccuracy {
  enum class Kind {
    kNone,       // nothing stored and nothing to evaluate (no checkpoint, or turned off)
    kStored,     // a stored result for exactly this design point; `source` names it
    kPending,    // waiting for the sliders to rest (debounce)
    kRunning,    // a quick evaluation is running
    kEvaluated,  // a quick evaluation's result (not retrained)
    kFailed,     // the quick evaluation failed; `source` says why
  };
  Kind kind = Kind::kNone;
  double accuracy = -1;  // 0..1 for kStored / kEvaluated
  QString source;        // where the number comes from, one line
  int adc_bits = 0;      // the slider's ADC bits
};

// Accuracy at the slider position (issue 8): a stored result when one matches the current macro
// (the Stage 2 network at the run's macro, a point of the ADC sweep, a design-sweep point),
// otherwise a quick evaluation of the open checkpoint on the current macro on its own engine
// thread, started when the sliders have rested for kDebounceMs; a newer request cancels the
// older through its token. Results are kept per design point, so going back is instant.
class QuickEvaluator : public QObject {
  Q_OBJECT

 public:
  static constexpr int kDebounceMs = 350;   // sliders at rest this long start an evaluation
  static constexpr int kTestImages = 500;   // seeded test subset of a quick evaluation

  explicit QuickEvaluator(QObject* parent = nullptr);
  ~QuickEvaluator() override;

  const SliderAccuracy& current() const { return current_; }
  bool autoEvaluate() const { return auto_; }
  int lastRequestId() const { return last_id_; }
  bool isRunning() const { return running_id_ != 0; }

  // "quick evaluation, not retrained, 500 test images": the label of every quick result.
  static QString quickLabel(qint64 images);

 public Q_SLOTS:
  void setMacro(const cimscope::MacroSpec& macro);
  // The checkpoint a quick evaluation runs (the newest stage of the run: Stage 2, else Stage 1,
  // else the baseline) and the data set it is evaluated on ("" clears it).
  void setCheckpoint(const QString& path, const cimscope::DatasetConfig& data);
  void setAdcSweep(const cimscope::AdcSweepData& data);
  void setSweep(const cimscope::SweepData& data);
  void addSweepPoint(const cimscope::SweepPointRow& point);
  // Stage 2's accuracy on `macro` (the macro it was trained for).
  void setStage2(const cimscope::MacroSpec& macro, double accuracy, const QString& source);
  void clearStored();
  void setAutoEvaluate(bool on);
  // Test images of the next requests (default kTestImages; capped by the data set's test split).
  void setTestImages(int images) { test_images_ = images; }
  // Starts a quick evaluation of the current design point now (no debounce).
  void evaluateNow();

 Q_SIGNALS:
  void changed(const cimscope::SliderAccuracy& accuracy);
  // A request left the queue and began evaluating on the engine thread.
  void started(int request_id);
  // Every outcome of a request this evaluator sent, stale ones included (tests watch them).
  void outcomeArrived(const cimscope::QuickEvalOutcome& outcome);

 private:
  void reconsider();
  void onJobFinished(const cimscope::JobOutcome& job);
  void onJobFailed(int job_id, const QString& message);
  void cancelRunning();
  bool findStored(SliderAccuracy& out) const;
  QString pointKey(const MacroSpec& macro) const;
  void publish(const SliderAccuracy& a);

  EngineHost* host_;
  QTimer* debounce_;
  MacroSpec macro_;
  QString checkpoint_;
  DatasetConfig data_;
  bool auto_ = true;
  AdcSweepData adc_;
  SweepData sweep_;
  bool has_stage2_ = false;
  MacroSpec stage2_macro_;
  double stage2_accuracy_ = -1;
  QString stage2_source_;
  int last_id_ = 0;
  int running_id_ = 0;
  int test_images_ = kTestImages;
  QString requested_key_;                        // the point of the pending / running request
  CancelToken running_token_;
  QHash<int, QuickEvalOutcome> outcomes_;        // arrived, waiting for their jobFinished
  QHash<QString, QString> failures_;             // pointKey -> why its evaluation failed
  QHash<QString, QuickEvalOutcome> evaluated_;  // pointKey -> the quick result there
  SliderAccuracy current_;
};

}  // namespace cimscope

Q_DECLARE_METATYPE(cimscope::SliderAccuracy)
