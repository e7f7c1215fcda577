// `cimscope-cli map` end to end: runs the built CLI (CIMSCOPE_CLI_PATH) and reads its output.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/engine/test_util.h"

namespace {

struct RunResult {
  int status = -1;
  std::string out;
  std::string err;
};

// Runs the CLI with `args` (shell words); stderr goes to a temp file so both streams are seen.
RunResult runCli(const std::string& args) {
  cimscope::test::TempDir dir;
  const std::string err_file = dir.file("stderr");
  const std::string cmd = std::string(CIMSCOPE_CLI_PATH) + " " + args + " 2>" + err_file;
  RunResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream e(err_file);
  r.err.assign(std::istreambuf_iterator<char>(e), {});
  return r;
}

TEST(CliMap, JsonForResnet20HasTheDocumentedShape) {
  const RunResult r = runCli("map --model resnet20 --json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["macro"]["name"], "reference-256");
  EXPECT_EQ(j["macro"]["rows"], 256);
  EXPECT_EQ(j["macro"]["packing"], "dedicated");
  EXPECT_EQ(j["network"]["model"], "resnet20");
  EXPECT_EQ(j["network"]["input"], nlohmann::json::array({1, 28, 28}));  // the default input
  EXPECT_EQ(j["network"]["classes"], 10);
  ASSERT_EQ(j["layers"].size(), 20u);
  EXPECT_EQ(j["layers"][0]["name"], "conv1");
  EXPECT_EQ(j["layers"][19]["kind"], "linear");
  EXPECT_EQ(j["total"]["tiles"], 36);
  EXPECT_EQ(j["total"]["macros"], 36);
  EXPECT_EQ(j["total"]["params"], 269434);  // 1-channel stem: 269,722 - 2*144
  EXPECT_EQ(j["macros"].size(), 36u);
  EXPECT_EQ(j["macros"][0]["tiles"][0]["layer"], "conv1");
  EXPECT_EQ(j["total"]["latency_cycles"].get<long long>(),
            j["total"]["compute_cycles"].get<long long>() +
                j["total"]["weight_load_cycles_per_inference"].get<long long>());
}

TEST(CliMap, OverridesAndPackingReachTheEngine) {
  const RunResult r = runCli(
      "map --model lenet5 --rows 128 --cols 128 --adc-bits 6 --packing packed "
      "--row-split consecutive --slice-combine digital --macros-on-chip 2 --json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["macro"]["rows"], 128);
  EXPECT_EQ(j["macro"]["active_wordlines"], 128);  // follows --rows below the preset's 256
  EXPECT_EQ(j["macro"]["adcs"], 64);
  EXPECT_EQ(j["macro"]["adc_bits"], 6);
  EXPECT_EQ(j["macro"]["row_split"], "consecutive");
  EXPECT_LE(j["total"]["macros"].get<int>(), j["total"]["tiles"].get<int>());
  EXPECT_GT(j["total"]["weight_load_cycles_per_inference"].get<long long>(), 0);
  EXPECT_EQ(j["total"]["initial_load_cycles"], 0);
}

TEST(CliMap, VggNeuroSimSetup) {
  const RunResult r = runCli(
      "map --model vgg8 --input 3x32x32 --rows 128 --cols 128 --weight-bits 8 --cell-bits 1 "
      "--row-split consecutive --json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  std::vector<int> tiles;
  for (const auto& l : j["layers"]) tiles.push_back(l["tiles"]);
  EXPECT_EQ(tiles, (std::vector<int>{8, 72, 144, 288, 576, 1152, 4096, 8}));
  EXPECT_EQ(j["total"]["tiles"], 6344);
}

TEST(CliMap, HumanTableListsEveryLayerAndTotals) {
  const RunResult r = runCli("map --model resnet20");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("layer3.2.conv2"), std::string::npos);
  EXPECT_NE(r.out.find("36 tiles on 36 macros"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("latency"), std::string::npos);
}

TEST(CliMap, PresetFileAndWidths) {
  cimscope::test::TempDir dir;
  std::ofstream(dir.file("m.json")) << R"({"name": "mine", "rows": 64, "cols": 64,
    "active_wordlines": 32, "adcs": 16})";
  const RunResult r =
      runCli("map --model lenet5 --widths 4,8,60,42 --macro " + dir.file("m.json") + " --json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["macro"]["name"], "mine");
  EXPECT_EQ(j["layers"][1]["cout"], 8);
  EXPECT_EQ(j["layers"][2]["cin"], 8 * 4 * 4);
  EXPECT_EQ(j["network"]["widths"], nlohmann::json::array({4, 8, 60, 42}));
}

void expectError(const std::string& args, const std::string& message) {
  const RunResult r = runCli(args);
  EXPECT_NE(r.status, 0) << args;
  EXPECT_TRUE(r.out.empty()) << args << " printed: " << r.out;
  EXPECT_NE(r.err.find(message), std::string::npos) << args << " -> " << r.err;
  EXPECT_NE(r.err.find("cimscope-cli map: error:"), std::string::npos) << r.err;
}

TEST(CliMap, BadValuesExitNonZeroWithNothingOnStdout) {
  expectError("map --model resnet20 --rows 0 --json", "rows = 0 is out of range");
  expectError("map --model resnet20 --active-wl 300", "active_wordlines = 300");
  expectError("map --model resnet20 --adc-bits many", "--adc-bits: 'many' is not an integer");
  expectError("map --model resnet20 --packing tight", "packing (--packing) = 'tight'");
  expectError("map --model resnet20 --row-split rows", "'rows' is not allowed");
  expectError("map --model alexnet", "'alexnet' is unknown");
  expectError("map --model lenet5 --input 28x28", "--input: '28x28' is not CxHxW");
  expectError("map --model lenet5 --widths 1,2", "takes 4");
  expectError("map --model lenet5 --macro no-such-preset", "unknown macro preset 'no-such-preset'");
  expectError("map --model lenet5 --rows 16", "kernel 5 x 5 needs 25 rows");
  expectError("map --model lenet5 --frobnicate 3", "unknown option --frobnicate");
  expectError("map", "--model is required");
}

TEST(CliMap, BadPresetFileNamesTheKey) {
  cimscope::test::TempDir dir;
  std::ofstream(dir.file("bad.json")) << R"({"rows": 64, "wordlines": 64})";
  expectError("map --model lenet5 --macro " + dir.file("bad.json"), "unknown key 'wordlines'");
}

}  // namespace
