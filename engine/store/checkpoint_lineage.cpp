#include "engine/store/checkpoint_lineage.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/common/errors.h"
#include "engine/nn/spec/network_shape.h"
#include "engine/nn/spec/network_templates.h"
#include "engine/store/checkpoint.h"
#include "engine/store/h5_file.h"
#include "engine/store/result_readers.h"
#include "engine/store/spec_json.h"

namespace cimscope {

namespace {

namespace fs = std::filesystem;

// A path a file recorded (as given on the command line): absolute as is, else next to `from`.
std::string resolveNextTo(const std::string& recorded, const std::string& from) {
  if (recorded.empty()) return {};
  const fs::path p(recorded);
  if (p.is_absolute()) return p.lexically_normal().string();
  return (fs::path(from).parent_path() / p).lexically_normal().string();
}

std::string name(const std::string& path) { return fs::path(path).filename().string(); }

std::int64_t weightsOf(const NetworkSpec& spec) { return buildNetworkShape(spec).weights; }

nlohmann::json parsed(const std::string& text, const std::string& where) {
  try {
    return text.empty() ? nlohmann::json::object() : nlohmann::json::parse(text);
  } catch (const std::exception& e) {
    throw StoreError(where + " is not JSON (" + e.what() + ")");
  }
}

struct Header {
  std::string stage;
  NetworkSpec network;
  nlohmann::json training_config;
  std::int64_t epochs = 0;
};

Header header(const std::string& path) {
  const CheckpointData d = readCheckpointHeader(path);
  Header h;
  h.stage = d.stage;
  h.epochs = d.epochs_completed;
  h.network = networkSpecFromJson(parsed(d.network_spec_json, path + ": network_spec"),
                                  path + ": network_spec");
  h.training_config = parsed(d.training_config_json, path + ": training_config");
  return h;
}

// A Stage 1 output's own records: the baseline step of /morph (widths, accuracy, the baseline
// file it names) and the last step's accuracy.
CheckpointLineage lineageOf(const std::string& path, int depth);

void readMorph(const std::string& path, const NetworkSpec& adapted, std::int64_t epochs,
               int depth, CheckpointLineage& out) {
  out.stage1.network = adapted;
  out.stage1.file = path;
  out.stage1.weights = weightsOf(adapted);
  out.stage1.known = true;
  out.stage1.epochs = epochs;
  const H5File f(path, H5File::Mode::kRead);
  if (!f.exists("/morph")) {
    out.notes.push_back(name(path) + " has no /morph group: its baseline is not recorded");
    return;
  }
  const nlohmann::json steps =
      parsed(f.stringAttribute("/morph", "steps").value_or("[]"), path + ": /morph steps");
  if (steps.is_array() && !steps.empty() && steps.back().is_string()) {
    out.stage1.accuracy =
        doubleAttribute(f, "/morph/" + steps.back().get<std::string>(), "accuracy", -1);
  }
  if (!f.exists("/morph/baseline/widths")) {
    out.notes.push_back(name(path) + ": /morph has no baseline step");
    return;
  }
  LineageNetwork& b = out.baseline;
  b.network = adapted;
  b.network.widths.clear();
  for (double w : f.readArray("/morph/baseline/widths").values) {
    b.network.widths.push_back(static_cast<int>(w));
  }
  b.accuracy = doubleAttribute(f, "/morph/baseline", "accuracy", -1);
  const nlohmann::json config =
      parsed(f.stringAttribute("/morph", "config").value_or(""), path + ": /morph config");
  b.file = resolveNextTo(config.value("in_checkpoint", std::string()), path);
  b.weights = weightsOf(b.network);
  b.known = true;
  if (b.file.empty() || !fs::exists(b.file)) {
    b.file.clear();
    out.notes.push_back("baseline " + name(config.value("in_checkpoint", std::string())) +
                        " not found next to " + name(path) + " (its figures are from /morph)");
  } else {
    try {
      const CheckpointData h = readCheckpointHeader(b.file);
      b.epochs = h.epochs_completed;
      // Stage 1 run again on a Stage 1 output (e.g. a longer fine-tune with the widths kept):
      // the float network is that file's baseline.
      if (h.stage == "stage1" && depth < 8) {
        const CheckpointLineage earlier = lineageOf(b.file, depth + 1);
        if (earlier.baseline.known) b = earlier.baseline;
        out.notes.insert(out.notes.end(), earlier.notes.begin(), earlier.notes.end());
      }
    } catch (const std::exception& e) {
      out.notes.push_back("baseline " + name(b.file) + " unreadable: " + e.what());
      b.file.clear();
    }
  }
}

void readStage2(const std::string& path, const Header& h, int depth, CheckpointLineage& out) {
  const nlohmann::json& config = h.training_config;
  const nlohmann::json qat = config.value("qat", nlohmann::json::object());
  const nlohmann::json quant = config.value("quantization", nlohmann::json::object());
  out.stage2.network = h.network;
  out.stage2.file = path;
  out.stage2.weights = weightsOf(h.network);
  out.stage2.accuracy = qat.value("cim_accuracy", -1.0);
  out.stage2.epochs = h.epochs;
  out.stage2.known = true;

  // Stored bits as Stage 2 counts them (engine/adapt storedWeights): every weight layer at the
  // macro's weight bits, the first and last at 32 when they were kept in float.
  const int bits = quant.contains("macro") ? quant["macro"].value("weight_bits", 0) : 0;
  if (bits <= 0) {
    throw StoreError(path + ": training_config quantization.macro.weight_bits missing");
  }
  const bool exclude = quant.value("exclude_first_last", false);
  out.first_last_in_float = exclude;
  const NetworkShape shape = buildNetworkShape(h.network);
  std::int64_t on_macro = 0;
  for (const LayerShape& l : layersOnMacro(shape, exclude).layers) on_macro += l.weights();
  out.stored_bits = on_macro * bits + (shape.weights - on_macro) * 32;

  // The source: its own lineage when the file is there (a Stage 2 source, e.g. a continued
  // QAT, leads on to its Stage 1 and baseline); else what this file says of it.
  const std::string source_stage = qat.value("source_stage", std::string());
  const double source_accuracy = qat.value("float_accuracy", -1.0);
  const std::string source = resolveNextTo(qat.value("source_checkpoint", std::string()), path);
  bool traced = false;
  if (!source.empty() && fs::exists(source) && depth < 8) {
    try {
      CheckpointLineage s = lineageOf(source, depth + 1);
      out.baseline = s.baseline;
      out.stage1 = s.stage1;
      out.notes.insert(out.notes.end(), s.notes.begin(), s.notes.end());
      // A float source's header holds no accuracy; QAT measured it before quantizing.
      if (s.stage == "float" && out.baseline.accuracy < 0) out.baseline.accuracy = source_accuracy;
      traced = true;
    } catch (const std::exception& e) {
      out.notes.push_back("source " + name(source) + " unreadable: " + e.what());
    }
  } else if (!source.empty()) {
    out.notes.push_back("source " + name(source) + " not found next to " + name(path));
  }
  if (!traced && (source_stage == "stage1" || source_stage == "float")) {
    // QAT keeps the widths: the source network is this one, at the accuracy QAT measured.
    LineageNetwork& from = source_stage == "stage1" ? out.stage1 : out.baseline;
    from.network = h.network;
    from.file.clear();  // the source file is not there
    from.weights = out.stage2.weights;
    from.accuracy = source_accuracy;
    from.known = true;
  }

  const std::int64_t reference = out.baseline.known ? out.baseline.weights : out.stage2.weights;
  out.compression =
      reference > 0 ? 1.0 - static_cast<double>(out.stored_bits) / (32.0 * reference) : 0;
  if (!out.baseline.known) {
    out.notes.push_back("baseline not traced: compression is against the Stage 2 network's own "
                        "float32 weights");
  }
}

CheckpointLineage lineageOf(const std::string& path, int depth) {
  const Header h = header(path);
  CheckpointLineage out;
  out.stage = h.stage;
  if (h.stage == "stage1") {
    readMorph(path, h.network, h.epochs, depth, out);
  } else if (h.stage == "stage2") {
    readStage2(path, h, depth, out);
  } else {
    out.baseline.network = h.network;
    out.baseline.file = path;
    out.baseline.weights = weightsOf(h.network);
    out.baseline.epochs = h.epochs;
    out.baseline.known = true;
  }
  return out;
}

}  // namespace

CheckpointLineage readCheckpointLineage(const std::string& path) { return lineageOf(path, 0); }

}  // namespace cimscope
