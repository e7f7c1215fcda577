#include "engine/data/idx_reader.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "engine/common/errors.h"
#include "engine/data/idx_writer.h"
#include "tests/engine/data/data_fixtures.h"
#include "tests/engine/test_util.h"

namespace cimscope {
namespace {

using test::idxBytes;
using test::TempDir;

class IdxReaderTest : public ::testing::TestWithParam<bool> {
 protected:
  // Writes plain or gzip depending on the test parameter.
  std::string write(const std::string& name, const std::vector<std::uint8_t>& bytes) {
    const std::string path = dir_.file(name + (GetParam() ? ".gz" : ""));
    if (GetParam()) {
      test::writeGzip(path, bytes);
    } else {
      test::writeBytes(path, bytes);
    }
    return path;
  }
  TempDir dir_;
};

TEST_P(IdxReaderTest, ReadsImagesAndLabels) {
  const ImageSet want = test::patternSet(5, 4, 3);
  const std::string images = write("img", idxBytes(0x803, {5, 4, 3}, want.pixels));
  const std::string labels = write("lab", idxBytes(0x801, {5}, want.labels));
  const ImageSet got = IdxReader::readImageSet(images, labels, 10);
  EXPECT_EQ(got.channels, 1);
  EXPECT_EQ(got.height, 4);
  EXPECT_EQ(got.width, 3);
  EXPECT_EQ(got.size(), 5u);
  EXPECT_EQ(got.pixels, want.pixels);
  EXPECT_EQ(got.labels, want.labels);

  const IdxHeader h = IdxReader::readHeader(images);
  EXPECT_EQ(h.magic, IdxReader::kImageMagic);
  EXPECT_EQ(h.dims, (std::vector<std::uint32_t>{5, 4, 3}));
  EXPECT_EQ(h.headerBytes(), 16u);
  EXPECT_EQ(h.elements(), 60u);
}

TEST_P(IdxReaderTest, WrongMagicNamesFileAndBothMagics) {
  const std::string labels = write("lab", idxBytes(0x801, {5}, std::vector<std::uint8_t>(5, 1)));
  EXPECT_THROW_WITH(IdxReader::readImages(labels), DataError, labels, "wrong magic", "0x00000801",
                    "0x00000803");
  const std::string images = write("img", idxBytes(0x803, {1, 2, 2}, {1, 2, 3, 4}));
  EXPECT_THROW_WITH(IdxReader::readLabels(images), DataError, images, "wrong magic", "0x00000803",
                    "expected 0x00000801");
}

TEST_P(IdxReaderTest, NotAnIdxFileAtAll) {
  const std::string text = write("txt", {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'});
  EXPECT_THROW_WITH(IdxReader::readImages(text), DataError, text, "not an IDX file");
  const std::string floats = write("f", idxBytes(0x00000D03, {1, 1, 1}, {0, 0, 0, 0}));
  EXPECT_THROW_WITH(IdxReader::readImages(floats), DataError, floats, "element type 0x0D",
                    "unsigned byte");
  const std::string tiny = write("tiny", {0, 0});
  EXPECT_THROW_WITH(IdxReader::readHeader(tiny), DataError, tiny, "truncated", "2 bytes");
  const std::string short_dims = write("dims", {0, 0, 8, 3, 0, 0, 0, 5});
  EXPECT_THROW_WITH(IdxReader::readImages(short_dims), DataError, short_dims, "truncated",
                    "3 dimensions");
}

TEST_P(IdxReaderTest, TruncatedImagesSayWhatTheHeaderPromised) {
  std::vector<std::uint8_t> pixels(50, 7);
  const std::string images = write("train-images-idx3-ubyte", idxBytes(0x803, {5, 4, 4}, pixels));
  EXPECT_THROW_WITH(IdxReader::readImages(images), DataError,
                    images +
                        ": truncated: header says 5 images of 4x4 (80 bytes) but the file "
                        "holds 50");
  const std::string labels = write("lab", idxBytes(0x801, {9}, {1, 2, 3}));
  EXPECT_THROW_WITH(IdxReader::readLabels(labels), DataError, labels,
                    "truncated: header says 9 labels but the file holds 3");
}

TEST_P(IdxReaderTest, TrailingBytesAreCorrupt) {
  const std::string labels = write("lab", idxBytes(0x801, {2}, {1, 2, 3, 4, 5}));
  EXPECT_THROW_WITH(IdxReader::readLabels(labels), DataError, labels, "3 bytes after the 2 bytes");
}

TEST_P(IdxReaderTest, CountMismatchNamesBothFiles) {
  const ImageSet s = test::patternSet(5, 2, 2);
  const std::string images = write("img", idxBytes(0x803, {5, 2, 2}, s.pixels));
  const std::string labels = write("lab", idxBytes(0x801, {4}, {0, 1, 2, 3}));
  EXPECT_THROW_WITH(IdxReader::readImageSet(images, labels), DataError, images,
                    "count mismatch: 5 images but " + labels + " holds 4 labels");
}

TEST_P(IdxReaderTest, LabelOutOfRange) {
  const ImageSet s = test::patternSet(3, 2, 2);
  const std::string images = write("img", idxBytes(0x803, {3, 2, 2}, s.pixels));
  const std::string labels = write("lab", idxBytes(0x801, {3}, {0, 12, 1}));
  EXPECT_THROW_WITH(IdxReader::readImageSet(images, labels, 10), DataError, labels,
                    "label 12 at index 1 is out of range (expected 0..9)");
}

TEST_P(IdxReaderTest, AbsurdHeaderIsRejectedBeforeAllocating) {
  const std::string huge = write("huge", idxBytes(0x803, {4000000, 4000, 4000}, {}));
  EXPECT_THROW_WITH(IdxReader::readImages(huge), DataError, huge, "corrupt header");
  const std::string zero = write("zero", idxBytes(0x803, {3, 0, 28}, {}));
  EXPECT_THROW_WITH(IdxReader::readImages(zero), DataError, zero, "image size 0x28");
}

INSTANTIATE_TEST_SUITE_P(PlainAndGzip, IdxReaderTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Gzip" : "Plain"; });

TEST(IdxReader, MissingFile) {
  TempDir dir;
  EXPECT_THROW_WITH(IdxReader::readLabels(dir.file("nope.gz")), DataError, dir.file("nope.gz"),
                    "cannot open");
}

TEST(IdxReader, TruncatedGzipStream) {
  TempDir dir;
  const ImageSet s = test::patternSet(200, 28, 28);
  const std::string whole = dir.file("whole.gz");
  test::writeGzip(whole, idxBytes(0x803, {200, 28, 28}, s.pixels));
  std::vector<std::uint8_t> bytes = test::readBytes(whole);
  bytes.resize(bytes.size() / 2);
  const std::string cut = dir.file("cut.gz");
  test::writeBytes(cut, bytes);
  EXPECT_THROW_WITH(IdxReader::readImages(cut), DataError, cut, "truncated",
                    "header says 200 images of 28x28 (156800 bytes)");
}

TEST(IdxReader, CorruptGzipData) {
  TempDir dir;
  const ImageSet s = test::patternSet(200, 28, 28);
  const std::string path = dir.file("bad.gz");
  test::writeGzip(path, idxBytes(0x803, {200, 28, 28}, s.pixels));
  std::vector<std::uint8_t> bytes = test::readBytes(path);
  for (std::size_t i = 20; i < bytes.size() - 20; i += 3) bytes[i] ^= 0x5A;
  test::writeBytes(path, bytes);
  EXPECT_THROW_WITH(IdxReader::readImages(path), DataError, path, "corrupt");
}

TEST(IdxWriter, RoundTripsAtomicallyPlainAndGzip) {
  TempDir dir;
  const ImageSet s = test::patternSet(7, 5, 6);
  for (const std::string ext : {"", ".gz"}) {
    const std::string images = dir.file("img" + ext), labels = dir.file("lab" + ext);
    IdxWriter::writeImages(images, s);
    IdxWriter::writeLabels(labels, s.labels);
    const ImageSet back = IdxReader::readImageSet(images, labels);
    EXPECT_EQ(back.pixels, s.pixels);
    EXPECT_EQ(back.labels, s.labels);
    EXPECT_EQ(back.height, 5);
    EXPECT_EQ(back.width, 6);
  }
  // Plain files are byte-exact IDX; the gzip ones are really compressed.
  EXPECT_EQ(test::readBytes(dir.file("lab")), idxBytes(0x801, {7}, s.labels));
  EXPECT_EQ(test::readBytes(dir.file("lab.gz"))[0], 0x1F);
  // Nothing but the four files: the temporaries were renamed away.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << e.path();
    ++files;
  }
  EXPECT_EQ(files, 4);
  ImageSet rgb = s;
  rgb.channels = 3;
  EXPECT_THROW_WITH(IdxWriter::writeImages(dir.file("rgb"), rgb), DataError, "one channel");
  EXPECT_THROW_WITH(IdxWriter::writeLabels(dir.file("no/such/dir/lab"), s.labels), DataError,
                    "no/such/dir/lab", "cannot create");
}

}  // namespace
}  // namespace cimscope
