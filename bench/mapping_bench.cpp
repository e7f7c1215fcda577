// Mapping speed: the UI maps the network on every slider move, so one ResNet-20 mapping must take
// well under a millisecond. Items are layer mappings, so Google Benchmark prints layer mappings
// per second.
#include <benchmark/benchmark.h>

#include <vector>

#include "engine/cim/macro_spec.h"
#include "engine/cim/network_mapper.h"
#include "engine/nn/spec/network_templates.h"

namespace {

using namespace cimscope;

NetworkShape resnet20() {
  NetworkSpec s;
  s.model = "resnet20";
  s.in_channels = 3;
  s.in_height = s.in_width = 32;
  return buildNetworkShape(s);
}

// One ResNet-20 mapping with the occupancy map, network already resolved (the slider path).
void BM_MapResnet20(benchmark::State& state) {
  const NetworkShape net = resnet20();
  MacroSpec m;
  m.packing = state.range(0) ? Packing::kPacked : Packing::kDedicated;
  for (auto _ : state) {
    MappingReport r = mapNetwork(net, m);
    benchmark::DoNotOptimize(r.total.latency_cycles);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(net.layers.size()));
  state.SetLabel(state.range(0) ? "packed" : "dedicated");
}
BENCHMARK(BM_MapResnet20)->Arg(0)->Arg(1);

// The same including buildNetworkShape() (what a width change costs).
void BM_MapResnet20FromSpec(benchmark::State& state) {
  NetworkSpec s;
  s.model = "resnet20";
  s.in_channels = 3;
  s.in_height = s.in_width = 32;
  const MacroSpec m;
  for (auto _ : state) {
    MappingReport r = mapNetwork(s, m);
    benchmark::DoNotOptimize(r.total.latency_cycles);
  }
  state.SetItemsProcessed(state.iterations() * 20);
}
BENCHMARK(BM_MapResnet20FromSpec);

// A design-space sweep: rows x cols x active wordlines x ADC bits x cell bits x weight bits x
// DAC bits x macros on chip x bus bits = 4*4*3*6*2*2*3*2*2 = 13,824 macro configurations of
// ResNet-20.
std::vector<MacroSpec> sweepConfigs() {
  std::vector<MacroSpec> out;
  for (int rows : {64, 128, 256, 512})
    for (int cols : {64, 128, 256, 512})
      for (int a_div : {1, 2, 4})
        for (int adc : {3, 4, 5, 6, 7, 8})
          for (int cell : {1, 2})
            for (int wbits : {4, 8})
              for (int dac : {1, 2, 4})
                for (int m_chip : {16, 64})
                  for (int bus : {32, 128}) {
                    MacroSpec m;
                    m.rows = rows;
                    m.cols = cols;
                    m.active_wordlines = rows / a_div;
                    m.adc_bits = adc;
                    m.adcs = cols / 4;
                    m.cell_bits = cell;
                    m.weight_bits = wbits;
                    m.dac_bits = dac;
                    m.macros_on_chip = m_chip;
                    m.bus_bits = bus;
                    out.push_back(m);
                  }
  return out;
}

void BM_SweepResnet20(benchmark::State& state) {
  const NetworkShape net = resnet20();
  const std::vector<MacroSpec> configs = sweepConfigs();
  for (auto _ : state) {
    std::int64_t sum = 0;
    for (const auto& m : configs) sum += mapNetwork(net, m).total.latency_cycles;
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(configs.size()) *
                          static_cast<int64_t>(net.layers.size()));
  state.counters["configs"] = static_cast<double>(configs.size());
}
BENCHMARK(BM_SweepResnet20)->Unit(benchmark::kMillisecond);

// The biggest template: VGG-8 on the NeuroSim setup (6,344 tiles), dedicated and packed.
void BM_MapVgg8NeuroSim(benchmark::State& state) {
  NetworkSpec s;
  s.model = "vgg8";
  s.in_channels = 3;
  s.in_height = s.in_width = 32;
  const NetworkShape net = buildNetworkShape(s);
  MacroSpec m;
  m.rows = m.cols = m.active_wordlines = 128;
  m.weight_bits = 8;
  m.row_split = RowSplit::kConsecutive;
  m.packing = state.range(0) ? Packing::kPacked : Packing::kDedicated;
  for (auto _ : state) {
    MappingReport r = mapNetwork(net, m);
    benchmark::DoNotOptimize(r.total.latency_cycles);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(net.layers.size()));
  state.SetLabel(state.range(0) ? "packed" : "dedicated");
}
BENCHMARK(BM_MapVgg8NeuroSim)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
