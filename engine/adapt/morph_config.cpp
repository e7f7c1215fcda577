#include "engine/adapt/morph_config.h"

#include <nlohmann/json.hpp>

#include "engine/cim/macro_spec_json.h"
#include "engine/common/errors.h"

namespace cimscope {

const char* toString(MorphBudget b) {
  switch (b) {
    case MorphBudget::kPruned: return "pruned";
    case MorphBudget::kBaseline: return "baseline";
    case MorphBudget::kChip: return "chip";
    case MorphBudget::kMacros: return "macros";
  }
  return "?";
}

MorphConfig::MorphConfig() {
  // Both start from a trained network: a smaller peak rate and no warm-up.
  for (TrainConfig* t : {&shrink_train, &finetune_train}) {
    t->lr = 0.02;
    t->warmup_epochs = 0;
    t->epochs = 3;
  }
}

namespace {
template <typename T>
void range(const char* field, T v, T lo, T hi) {
  if (!(v >= lo && v <= hi)) {
    throw ConfigError("morph." + std::string(field) + " = " + std::to_string(v) +
                      " is out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
}
}  // namespace

void MorphConfig::validate() const {
  if (in_checkpoint.empty()) throw ConfigError("morph.in_checkpoint is empty (a baseline is needed)");
  macro.validate();
  if (budget == MorphBudget::kMacros) range("budget_macros", budget_macros, std::int64_t{1}, std::int64_t{100000000});
  range("lambda", lambda, 0.0, 1e3);
  range("shrink_epochs", shrink_epochs, 0, 10000);
  range("finetune_epochs", finetune_epochs, 0, 10000);
  range("threshold", threshold, 0.0, 1e6);
  range("keep_params", keep_params, 0.0, 1.0);
  range("max_expand", max_expand, 1.0, 64.0);
  range("min_keep", min_keep, 0.0, 1.0);
  range("noise", noise, 0.0, 10.0);
  shrink_train.validate();
  finetune_train.validate();
  finetune_distill.validate("morph");
}

nlohmann::json MorphConfig::toJson() const {
  nlohmann::json j = {{"in_checkpoint", in_checkpoint},
          {"macro", macroSpecToJson(macro)},
          {"budget", toString(budget)},
          {"budget_macros", budget_macros},
          {"lambda", lambda},
          {"shrink_epochs", shrink_epochs},
          {"finetune_epochs", finetune_epochs},
          {"threshold", threshold},
          {"keep_params", keep_params},
          {"max_expand", max_expand},
          {"min_keep", min_keep},
          {"noise", noise},
          {"shrink_train", shrink_train.toJson()},
          {"finetune_train", finetune_train.toJson()},
          {"dataset", {{"name", dataset_name}, {"subset_train", subset_train},
                       {"subset_test", subset_test}}}};
  if (finetune_distill.enabled()) j["finetune_distillation"] = finetune_distill.toJson();
  return j;
}

}  // namespace cimscope
