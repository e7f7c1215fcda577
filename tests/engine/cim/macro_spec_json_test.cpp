#include "engine/cim/macro_spec_json.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/cim/macro_preset_catalog.h"
#include "engine/common/errors.h"
#include "tests/engine/test_util.h"

namespace cimscope {
namespace {

void writeText(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string loadError(const std::string& path) {
  try {
    readMacroSpec(path);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(MacroSpecJson, RoundTripsEveryField) {
  MacroSpec m;
  m.name = "x";
  m.rows = 128;
  m.active_wordlines = 64;
  m.row_split = RowSplit::kConsecutive;
  m.slice_combine = SliceCombine::kDigital;
  m.signed_mapping = SignedMapping::kDifferential;
  m.packing = Packing::kPacked;
  m.e_write_pj = 2.5;
  test::TempDir dir;
  writeMacroSpec(dir.file("m.json"), m);
  const MacroSpec r = readMacroSpec(dir.file("m.json"));
  EXPECT_EQ(macroSpecToJson(r), macroSpecToJson(m));
}

TEST(MacroSpecJson, MissingKeysKeepDefaults) {
  const MacroSpec m =
      macroSpecFromJson(nlohmann::json{{"rows", 128}, {"active_wordlines", 128}}, "test");
  EXPECT_EQ(m.rows, 128);
  EXPECT_EQ(m.cols, 256);
}

TEST(MacroSpecJson, ErrorsNameKeyAndFile) {
  test::TempDir dir;
  const std::string f = dir.file("bad.json");
  writeText(f, R"({"rows": 256, "wordlines": 256})");
  EXPECT_NE(loadError(f).find(f + ": unknown key 'wordlines'"), std::string::npos) << loadError(f);

  writeText(f, R"({"rows": "256"})");
  EXPECT_NE(loadError(f).find(f + ": key 'rows': expected an integer, got string"),
            std::string::npos)
      << loadError(f);
  writeText(f, R"({"adc_bits": 4.5})");
  EXPECT_NE(loadError(f).find("key 'adc_bits': expected an integer, got a number"),
            std::string::npos)
      << loadError(f);
  writeText(f, R"({"e_mac_pj": true})");
  EXPECT_NE(loadError(f).find("key 'e_mac_pj': expected a number, got boolean"), std::string::npos)
      << loadError(f);

  writeText(f, R"({"adc_bits": 40})");
  EXPECT_NE(loadError(f).find(f + ": macro adc_bits = 40 is out of range (expected 1..16)"),
            std::string::npos)
      << loadError(f);
  writeText(f, R"({"packing": "tight"})");
  EXPECT_NE(loadError(f).find(f + ": macro packing = 'tight'"), std::string::npos) << loadError(f);

  writeText(f, "{ not json");
  EXPECT_NE(loadError(f).find("not valid JSON"), std::string::npos);
  writeText(f, "[1, 2]");
  EXPECT_NE(loadError(f).find("expected a JSON object"), std::string::npos);
  EXPECT_NE(loadError(dir.file("missing.json")).find("cannot be opened"), std::string::npos);
}

TEST(MacroPresets, ShippedPresetsAreValidAndCited) {
  unsetenv("CIMSCOPE_RESOURCES_DIR");
  const auto presets = listMacroPresets();
  ASSERT_GE(presets.size(), 3u);
  for (const auto& p : presets) {
    EXPECT_TRUE(p.valid) << p.path << ": " << p.error;
    EXPECT_FALSE(p.spec.citation.empty()) << p.path;
    EXPECT_EQ(p.spec.name, p.name) << p.path;
  }
  // The reference preset is the default MacroSpec, field for field.
  EXPECT_EQ(macroSpecToJson(loadMacroPreset("reference-256")), macroSpecToJson([] {
              MacroSpec m;
              m.citation = loadMacroPreset("reference-256").citation;
              m.notes = loadMacroPreset("reference-256").notes;
              return m;
            }()));
}

TEST(MacroPresets, UnknownNameListsTheKnownOnes) {
  try {
    loadMacroPreset("no-such-macro");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown macro preset 'no-such-macro'"),
              std::string::npos);
    EXPECT_NE(std::string(e.what()).find("reference-256"), std::string::npos) << e.what();
  }
}

TEST(MacroPresets, ResourcesDirComesFirstAndBadFilesAreListed) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.file("macros"));
  writeText(dir.file("macros/reference-256.json"), R"({"name": "reference-256", "rows": 128,
            "active_wordlines": 128})");
  writeText(dir.file("macros/broken.json"), R"({"rows": -1})");
  setenv("CIMSCOPE_RESOURCES_DIR", dir.path().c_str(), 1);
  EXPECT_EQ(loadMacroPreset("reference-256").rows, 128);
  bool saw_broken = false;
  for (const auto& p : listMacroPresets()) {
    if (p.name != "broken") continue;
    saw_broken = true;
    EXPECT_FALSE(p.valid);
    EXPECT_NE(p.error.find("rows = -1"), std::string::npos) << p.error;
  }
  EXPECT_TRUE(saw_broken);
  EXPECT_THROW(loadMacroPreset("broken"), ConfigError);
  unsetenv("CIMSCOPE_RESOURCES_DIR");
}

}  // namespace
}  // namespace cimscope
