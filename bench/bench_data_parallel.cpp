// ganlite_bench_mpi: the seed DCGAN's step at batch 256, alone and data-parallel, run under mpirun.
//   BM_SeedStep            GanTrainer::train_step in this process alone (mnist_dcgan without
//                          mpirun): the baseline. Run it in one process.
//   BM_DataParallelStep/S  GanTrainer::train_step with S shards over the mpirun processes (shard()).
//                          Counters: sum_share, the part of the step spent summing over shards
//                          (gradients and BatchNorm sums: copies, exchange, tree); MB_sent, the
//                          bytes this process sent per step.
//   BM_ShardSum/keep_buffers:B  sum_over_shards alone on G's gradient size, its buffers kept or
//                          made afresh at every call.
// Every step is collective, so every process must run the same number: iterations are fixed
// (--benchmark_min_time does not apply) and only process 0 reports. --threads=N as ganlite_bench.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ganlite/dist/mpi_communicator.hpp>
#include <ganlite/ganlite.hpp>
#include <ganlite/train/dcgan_trainer.hpp>
#include <memory>
#include <string>

using namespace ganlite;

namespace {

constexpr int kBatch = 256, kSteps = 20;
Communicator* g_comm = nullptr;

Tensor<float> random_batch(Rng& rng) {
  Tensor<float> x({kBatch, 28, 28, 1});
  for (auto& v : x) v = static_cast<float>(std::tanh(rng.normal()));
  return x;
}

DcganConfig config(int shards) { return DcganConfig{1, 1e-4, 0.9, kBatch, 0.3, 0, {}, shards}; }

void BM_SeedStep(benchmark::State& st) {
  DcganTrainer t(config(1));
  Rng rng(3);
  const Tensor<float> real = random_batch(rng);
  t.train_step(real);  // the first step sizes every buffer
  for (auto _ : st) benchmark::DoNotOptimize(t.train_step(real));
  st.counters["img/s"] = benchmark::Counter(kBatch, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_SeedStep)->Iterations(kSteps)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_DataParallelStep(benchmark::State& st) {
  const int shards = static_cast<int>(st.range(0));
  if (shards % g_comm->size() != 0) {
    st.SkipWithError("the shards must be a multiple of the processes");
    for (auto _ : st) {
    }
    return;
  }
  DcganTrainer t(config(shards));
  t.shard(*g_comm, shards);
  Rng rng(3);
  const Tensor<float> real = random_batch(rng);
  t.train_step(real);
  const Shards::Timing before = t.timing();
  for (auto _ : st) benchmark::DoNotOptimize(t.train_step(real));
  const Shards::Timing& after = t.timing();
  const double steps = static_cast<double>(after.steps - before.steps);
  st.counters["sum_share"] = (after.sum_seconds - before.sum_seconds) / (after.step_seconds - before.step_seconds);
  st.counters["MB_sent"] = static_cast<double>(after.bytes_sent - before.bytes_sent) / steps / 1e6;
  st.counters["img/s"] = benchmark::Counter(kBatch, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_DataParallelStep)->Arg(1)->Arg(2)->Arg(4)->Iterations(kSteps)->Unit(benchmark::kMillisecond)->UseRealTime();

// sum_over_shards alone on G's gradient size (2,305,472 floats, one shard per process): the cost
// of the largest sum of a step. /1 keeps its buffers from call to call (ShardSumBuffers, as the
// step does); /0 makes them afresh at every call, as the first version of the part-by-part sum
// did (docs/distributed.md: that cost page faults on these machines).
void BM_ShardSum(benchmark::State& st) {
  const bool keep_buffers = st.range(0) != 0;
  const std::size_t n = 2305472;
  std::vector<float> part(n), out(n);
  Rng rng(static_cast<std::uint64_t>(g_comm->rank()) + 1);
  for (auto& v : part) v = static_cast<float>(rng.normal());
  const std::vector<const float*> parts = {part.data()};
  ShardSumBuffers<float> kept;
  sum_over_shards(*g_comm, parts, n, g_comm->size(), out.data(), kept);  // warm-up, sizes the buffers
  for (auto _ : st) {
    if (keep_buffers) {
      sum_over_shards(*g_comm, parts, n, g_comm->size(), out.data(), kept);
    } else {
      ShardSumBuffers<float> fresh;
      sum_over_shards(*g_comm, parts, n, g_comm->size(), out.data(), fresh);
    }
    benchmark::DoNotOptimize(out.data());
  }
  st.counters["MB"] = static_cast<double>(n * sizeof(float)) / 1e6;
}
BENCHMARK(BM_ShardSum)->ArgName("keep_buffers")->Arg(1)->Arg(0)->Iterations(kSteps)->Unit(benchmark::kMillisecond)->UseRealTime();

// The other processes run the same steps and report nothing.
class Silent : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>&) override {}
};

}  // namespace

int main(int argc, char** argv) {
  MpiCommunicator comm(&argc, &argv);
  g_comm = &comm;
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--threads=", 10) == 0)
      set_num_threads(std::atoi(argv[i] + 10));
    else
      argv[out++] = argv[i];
  }
  argc = out;
  benchmark::AddCustomContext("threads per process", std::to_string(num_threads()));
  benchmark::AddCustomContext("processes", std::to_string(comm.size()));
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (comm.rank() == 0) {
    benchmark::RunSpecifiedBenchmarks();
  } else {
    Silent silent;
    benchmark::RunSpecifiedBenchmarks(&silent);
  }
  benchmark::Shutdown();
  return 0;
}
