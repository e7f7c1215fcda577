// `cimscope-cli sweep` end to end: SIGKILL a running sweep, resume it, and check every point is
// there exactly once with the values of an uninterrupted run (issue 7).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "engine/store/h5_file.h"
#include "engine/store/record_table.h"
#include "tests/engine/test_util.h"

namespace {

using cimscope::H5File;
using cimscope::RecordTable;
using cimscope::TableRow;

// 5 * 5 * 6 * 4 * 4 * 4 * 3 * 2 = 57,600 points of resnet20: several seconds of work.
const char* kConfig = R"({
  "dataset": {"name": "fashion-mnist"}, "model": {"name": "resnet20"},
  "sweep": {"threads": 1, "axes": {
    "rows": [64, 128, 256, 512, 1024], "cols": [64, 128, 256, 512, 1024],
    "adc_bits": [3, 4, 5, 6, 7, 8], "weight_bits": [2, 4, 6, 8], "input_bits": [2, 4, 6, 8],
    "active_wordlines": [16, 32, 48, 64], "macros_on_chip": [16, 64, 256],
    "packing": ["dedicated", "packed"]}}})";

int runCli(const std::string& args) {
  const int status = std::system((std::string(CIMSCOPE_CLI_PATH) + " " + args + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::map<std::int64_t, TableRow> points(const std::string& path, int* seconds_col) {
  H5File f(path, H5File::Mode::kRead);
  RecordTable t = cimscope::readRecordTable(f, "/points");
  std::map<std::int64_t, TableRow> out;
  const int ix = t.columnIndex("index");
  *seconds_col = t.columnIndex("seconds");
  for (const auto& r : t.rows) {
    const auto i = std::get<std::int64_t>(r[ix]);
    EXPECT_TRUE(out.emplace(i, r).second) << "point " << i << " is in " << path << " twice";
  }
  return out;
}

bool sameRow(const TableRow& a, const TableRow& b, int skip) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (static_cast<int>(i) == skip) continue;
    const auto* x = std::get_if<double>(&a[i]);
    const auto* y = std::get_if<double>(&b[i]);
    if (x && y && std::isnan(*x) && std::isnan(*y)) continue;
    if (!(a[i] == b[i])) return false;
  }
  return true;
}

TEST(CliSweep, KilledSweepKeepsEveryFinishedPointAndResumes) {
  cimscope::test::TempDir dir;
  const std::string cfg = dir.file("sweep.json"), out = dir.file("sweep.h5"),
                    full = dir.file("full.h5");
  std::ofstream(cfg) << kConfig;

  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    execl(CIMSCOPE_CLI_PATH, CIMSCOPE_CLI_PATH, "sweep", "--config", cfg.c_str(), "--out",
          out.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Kill it once the file has grown past its first rows.
  struct stat st {};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (stat(out.c_str(), &st) == 0 && st.st_size > 400000) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(kill(child, SIGKILL), 0);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the sweep finished before it could be killed";

  int sec = -1;
  const auto before = points(out, &sec);
  EXPECT_GT(before.size(), 0u);
  EXPECT_LT(before.size(), 57600u);

  ASSERT_EQ(runCli("sweep --config " + cfg + " --out " + out + " --resume"), 0);
  const auto after = points(out, &sec);
  ASSERT_EQ(after.size(), 57600u);
  for (const auto& [i, row] : before) EXPECT_TRUE(sameRow(row, after.at(i), sec)) << i;

  ASSERT_EQ(runCli("sweep --config " + cfg + " --out " + full), 0);
  const auto reference = points(full, &sec);
  ASSERT_EQ(reference.size(), 57600u);
  std::size_t differing = 0;
  for (const auto& [i, row] : reference) differing += sameRow(row, after.at(i), sec) ? 0 : 1;
  EXPECT_EQ(differing, 0u);
}

TEST(CliSweep, ExistingOutputIsRefusedWithoutResume) {
  cimscope::test::TempDir dir;
  const std::string cfg = dir.file("s.json"), out = dir.file("s.h5");
  std::ofstream(cfg) << R"({"dataset":{"name":"synthetic"},"model":{"name":"lenet5"},
                           "sweep":{"axes":{"adc_bits":[3,4]}}})";
  ASSERT_EQ(runCli("sweep --config " + cfg + " --out " + out), 0);
  EXPECT_NE(runCli("sweep --config " + cfg + " --out " + out), 0);
  std::ofstream(dir.file("bad.json")) << R"({"sweep":{"axes":{"rows":"many"}}})";
  EXPECT_EQ(runCli("sweep --config " + dir.file("bad.json") + " --out " + dir.file("b.h5")), 2);
}

}  // namespace
