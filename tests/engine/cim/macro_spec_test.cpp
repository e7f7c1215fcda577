#include "engine/cim/macro_spec.h"

#include <gtest/gtest.h>

#include "engine/common/errors.h"

namespace cimscope {
namespace {

std::string errorOf(const MacroSpec& m) {
  try {
    m.validate();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(MacroSpec, DefaultIsTheReferenceMacro) {
  const MacroSpec m;
  EXPECT_EQ(errorOf(m), "");
  EXPECT_EQ(m.rows, 256);
  EXPECT_EQ(m.cols, 256);
  EXPECT_EQ(m.active_wordlines, 256);
  EXPECT_EQ(m.columnsPerWeight(), 4);
  EXPECT_EQ(m.cols / m.columnsPerWeight(), 64);  // 64 weight columns
  EXPECT_EQ(m.adc_bits, 5);
  EXPECT_EQ(m.adcs, 64);
  EXPECT_EQ(m.packing, Packing::kDedicated);
  EXPECT_EQ(m.row_split, RowSplit::kChannel);
}

TEST(MacroSpec, ValidateNamesFieldValueAndRange) {
  MacroSpec m;
  m.rows = 0;
  EXPECT_EQ(errorOf(m), "macro rows = 0 is out of range (expected 1..16384)");
  m = MacroSpec{};
  m.active_wordlines = 300;
  EXPECT_EQ(errorOf(m), "macro active_wordlines = 300 is out of range (expected 1..rows = 256)");
  m = MacroSpec{};
  m.adcs = 0;
  EXPECT_NE(errorOf(m).find("adcs = 0"), std::string::npos);
  m = MacroSpec{};
  m.adc_bits = 17;
  EXPECT_NE(errorOf(m).find("adc_bits = 17"), std::string::npos);
  m = MacroSpec{};
  m.e_adc_pj = -1;
  EXPECT_NE(errorOf(m).find("e_adc_pj = -1"), std::string::npos);
  m = MacroSpec{};
  m.clock_mhz = 0;
  EXPECT_NE(errorOf(m).find("clock_mhz = 0"), std::string::npos);
  m = MacroSpec{};
  m.cols = 2;
  m.adcs = 2;
  EXPECT_NE(errorOf(m).find("less than the 4 columns one weight needs"), std::string::npos)
      << errorOf(m);
}

TEST(MacroSpec, EnumsRoundTripAndRejectUnknown) {
  EXPECT_EQ(parseRowSplit(toString(RowSplit::kConsecutive)), RowSplit::kConsecutive);
  EXPECT_EQ(parseSliceCombine("digital"), SliceCombine::kDigital);
  EXPECT_EQ(parsePacking("packed"), Packing::kPacked);
  EXPECT_EQ(parseSignedMapping("differential"), SignedMapping::kDifferential);
  try {
    parsePacking("tight");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "macro packing = 'tight' is not allowed (expected dedicated or packed)");
  }
}

}  // namespace
}  // namespace cimscope
