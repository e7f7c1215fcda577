#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/progress_line.h"
#include "engine/adapt/trainer.h"
#include "engine/data/dataset_catalog.h"

namespace cimscope::cli {

const char* const kTrainUsage =
    "Usage: cimscope-cli train --model NAME --dataset NAME --out FILE.h5 [options]\n\n"
    "Trains a float network and writes an HDF5 checkpoint after every epoch (atomically: an\n"
    "interrupted run keeps its last completed epoch). Ctrl-C stops at the next batch.\n\n"
    "  --model NAME         lenet5, vgg8 or resnet20\n"
    "  --out FILE.h5        checkpoint to write (docs/hdf5-schema.md)\n"
    "  --widths a,b,...     channels per width group (see `map --json`), default the template's\n"
    "  --epochs N           default 10\n"
    "  --batch N            batch size, default 128\n"
    "  --lr X               peak learning rate, default 0.1 (sgd) / 0.001 (adam)\n"
    "  --optimizer sgd|adam SGD with Nesterov momentum 0.9 (default) or Adam\n"
    "  --schedule cosine|step|constant   after one warm-up epoch; default cosine\n"
    "  --weight-decay X     default 5e-4\n"
    "  --label-smoothing X  default 0\n"
    "  --no-augment         no random crop / flip\n"
    "  --init FILE.h5       start from this checkpoint's weights\n"
    "  --threads N          torch intra-op threads (0 = all cores, default)\n"
    "  --seed N             initialization, order, augmentation and subsets; default 1\n"
    "  --json               print the result as JSON on stdout\n"
    "Data:\n"
    CIMSCOPE_DATA_OPTIONS_HELP;

int runTrain(const std::vector<std::string>& argv) {
  std::set<std::string> values = {"model", "out", "widths", "epochs", "batch", "lr", "optimizer",
                                  "schedule", "weight-decay", "label-smoothing", "init",
                                  "threads", "seed"};
  values.insert(kDataOptions.begin(), kDataOptions.end());
  CliArgs args(argv, values, {"json", "no-augment"});
  const std::string model = args.require("model");
  const std::string out = args.require("out");
  DatasetConfig dc = datasetConfigFrom(args, "fashion-mnist");

  TrainJob job;
  job.train.epochs = static_cast<int>(args.getInt("epochs", 10, 0, 10000));
  job.train.batch_size = args.getInt("batch", 128, 1, 65536);
  job.train.optimizer = args.getOr("optimizer", "sgd");
  job.train.lr = args.getDouble("lr", job.train.optimizer == "adam" ? 1e-3 : 0.1, 1e-8, 10);
  job.train.schedule = args.getOr("schedule", "cosine");
  job.train.weight_decay = args.getDouble("weight-decay", 5e-4, 0, 1);
  job.train.label_smoothing = args.getDouble("label-smoothing", 0, 0, 0.99);
  job.train.augment = !args.has("no-augment");
  job.train.threads = static_cast<int>(args.getInt("threads", 0, 0, 1024));
  job.train.seed = static_cast<std::uint64_t>(args.getInt("seed", 1, 0, 1LL << 62));
  job.init_checkpoint = args.getOr("init", "");
  job.out_checkpoint = out;
  job.dataset_name = dc.name;
  job.subset_train = dc.subset_train;
  job.subset_test = dc.subset_test;
  job.train.validate();

  Dataset data = loadDataset(dc);
  job.network = networkSpecFor(model, data);
  if (auto w = args.get("widths")) job.network.widths = parseIntList("widths", *w);
  job.validate();

  std::cerr << "training " << model << " on " << data.name << " (" << data.train.size()
            << " train / " << data.test.size() << " test samples) for " << job.train.epochs
            << " epochs -> " << out << "\n";
  CancelObserver cancel(installInterruptHandler());
  ProgressLine progress("train");
  ObserverList observers({&progress, &cancel});
  TrainResult r = trainNetwork(job, data, observers);
  progress.finish();

  const bool cancelled = r.status == TrainResult::Status::kCancelled;
  if (args.has("json")) {
    nlohmann::json j = {{"status", cancelled ? "cancelled" : "completed"},
                        {"epochs_completed", r.epochs_completed},
                        {"test_accuracy", r.final_eval.accuracy},
                        {"test_loss", r.final_eval.loss},
                        {"images_per_second", r.images_per_second},
                        {"seconds", r.seconds},
                        {"checkpoint", out},
                        {"warnings", r.warnings}};
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << (cancelled ? "cancelled" : "completed") << " after " << r.epochs_completed
              << " epoch(s): test accuracy " << 100 * r.final_eval.accuracy << " %, "
              << static_cast<long>(r.images_per_second) << " images/s, "
              << formatDuration(r.seconds) << "\n";
    if (r.epochs_completed > 0) std::cout << "checkpoint: " << out << "\n";
    for (const auto& w : r.warnings) std::cout << "warning: " << w << "\n";
  }
  return cancelled ? 130 : 0;
}

}  // namespace cimscope::cli
