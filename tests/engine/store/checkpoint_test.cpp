#include "engine/store/checkpoint.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "engine/common/errors.h"
#include "engine/store/h5_file.h"
#include "tests/engine/test_util.h"

namespace cimscope {
namespace {

CheckpointData sample() {
  CheckpointData d;
  d.network_spec_json = R"({"template":"lenet5","input":[1,28,28]})";
  d.training_config_json = R"({"epochs":2,"lr":0.1})";
  d.stage = "float";
  d.epochs_completed = 2;
  NamedArray w{"conv1.weight", {2, 1, 2, 2}, {}};
  // Values whose float32 bit patterns must survive exactly, including a denormal and -0.
  w.values = {1.0f, -0.0f, 3.14159274f, 1e-40f, -2.5f, 65504.0f, 1.17549435e-38f, 0.1f};
  NamedArray b{"layer1.0.bn1.running_var", {3}, {0.5f, 1.5f, 2.5f}};
  NamedArray s{"fc.step", {}, {0.125f}};
  d.tensors = {w, b, s};
  d.curve.epoch = {1, 2};
  d.curve.train_loss = {2.3, 1.1};
  d.curve.train_accuracy = {0.1, 0.6};
  d.curve.test_loss = {2.0, 1.0};
  d.curve.test_accuracy = {0.2, 0.65};
  d.curve.learning_rate = {0.1, 0.05};
  d.curve.seconds = {1.5, 1.4};
  return d;
}

TEST(Checkpoint, RoundTripIsBitIdentical) {
  test::TempDir dir;
  const auto path = dir.file("ck.h5");
  const CheckpointData in = sample();
  writeCheckpoint(path, in);
  const CheckpointData out = readCheckpoint(path);
  EXPECT_EQ(out.network_spec_json, in.network_spec_json);
  EXPECT_EQ(out.training_config_json, in.training_config_json);
  EXPECT_EQ(out.stage, "float");
  EXPECT_EQ(out.epochs_completed, 2);
  EXPECT_FALSE(out.cimscope_version.empty());
  EXPECT_EQ(out.created.size(), 20u);  // 2026-12-01T19:35:34Z
  ASSERT_EQ(out.tensors.size(), 3u);
  for (std::size_t i = 0; i < in.tensors.size(); ++i) {
    EXPECT_EQ(out.tensors[i].name, in.tensors[i].name);
    EXPECT_EQ(out.tensors[i].shape, in.tensors[i].shape);
    ASSERT_EQ(out.tensors[i].values.size(), in.tensors[i].values.size());
    EXPECT_EQ(std::memcmp(out.tensors[i].values.data(), in.tensors[i].values.data(),
                          in.tensors[i].values.size() * sizeof(float)),
              0)
        << in.tensors[i].name;
  }
  EXPECT_EQ(out.curve.epoch, in.curve.epoch);
  EXPECT_EQ(out.curve.test_accuracy, in.curve.test_accuracy);
  EXPECT_EQ(out.curve.seconds, in.curve.seconds);
}

TEST(Checkpoint, LayoutIsReadableWithoutCimscope) {
  // docs/hdf5-schema.md promises one group per layer and one dataset per parameter.
  test::TempDir dir;
  const auto path = dir.file("ck.h5");
  writeCheckpoint(path, sample());
  H5File f(path, H5File::Mode::kRead);
  EXPECT_TRUE(f.exists("/weights/conv1/weight"));
  EXPECT_TRUE(f.exists("/weights/layer1.0.bn1/running_var"));
  EXPECT_EQ(f.shapeOf("/weights/conv1/weight"), (std::vector<std::int64_t>{2, 1, 2, 2}));
  EXPECT_EQ(*f.stringAttribute("/", "format"), "cimscope-checkpoint");
  EXPECT_EQ(f.readArray("/curve/train_loss").values, (std::vector<double>{2.3, 1.1}));
}

TEST(Checkpoint, MissingFileNamesThePath) {
  try {
    readCheckpoint("/nonexistent/dir/ck.h5");
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/ck.h5: no such file"), std::string::npos)
        << e.what();
  }
}

TEST(Checkpoint, ForeignHdf5FileIsRejected) {
  test::TempDir dir;
  const auto path = dir.file("foreign.h5");
  {
    H5File f(path, H5File::Mode::kCreate);
    const double x[2] = {1, 2};
    f.writeFloat64("/data", {2}, x);
  }
  try {
    readCheckpoint(path);
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("not a cimscope checkpoint"), std::string::npos)
        << e.what();
  }
}

TEST(Checkpoint, NonHdf5AndTruncatedFilesAreRejected) {
  test::TempDir dir;
  const auto text = dir.file("notes.h5");
  test::writeBytes(text, {'h', 'e', 'l', 'l', 'o'});
  EXPECT_THROW(readCheckpoint(text), StoreError);

  const auto full = dir.file("ck.h5");
  writeCheckpoint(full, sample());
  auto bytes = test::readBytes(full);
  ASSERT_GT(bytes.size(), 1000u);
  for (std::size_t keep : {bytes.size() / 2, std::size_t{700}, std::size_t{100}}) {
    const auto cut = dir.file("cut.h5");
    test::writeBytes(cut, std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + keep));
    try {
      readCheckpoint(cut);
      FAIL() << "a checkpoint cut to " << keep << " bytes was accepted";
    } catch (const StoreError& e) {
      EXPECT_NE(std::string(e.what()).find(cut), std::string::npos) << e.what();
    }
  }
}

TEST(Checkpoint, FailedWriteLeavesThePreviousCheckpointIntact) {
  test::TempDir dir;
  const auto path = dir.file("ck.h5");
  writeCheckpoint(path, sample());
  CheckpointData bad = sample();
  bad.epochs_completed = 3;
  bad.curve.test_accuracy.pop_back();  // inconsistent curve: fails half-way through writing
  EXPECT_THROW(writeCheckpoint(path, bad), StoreError);
  EXPECT_EQ(readCheckpoint(path).epochs_completed, 2);
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename(), "ck.h5") << "left behind: " << entry.path();
  }
}

TEST(Checkpoint, ShapeValueMismatchIsRejectedBeforeWriting) {
  test::TempDir dir;
  CheckpointData bad = sample();
  bad.tensors[0].values.pop_back();
  try {
    writeCheckpoint(dir.file("ck.h5"), bad);
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("conv1.weight has 7 values but its shape holds 8"),
              std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("ck.h5")));
}

}  // namespace
}  // namespace cimscope
