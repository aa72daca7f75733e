// ganlite_bench: Google Benchmark main with one extra flag, --threads=N (default: all cores),
// applied to ganlite, Eigen and OpenBLAS alike.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <ganlite/kernels/parallel.hpp>
#include <string>

int main(int argc, char** argv) {
  int threads = 0;
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--threads=", 10) == 0)
      threads = std::atoi(argv[i] + 10);
    else
      argv[out++] = argv[i];
  }
  argc = out;
  if (threads > 0) {
    ganlite::set_num_threads(threads);
    setenv("OPENBLAS_NUM_THREADS", std::to_string(threads).c_str(), 1);  // read when OpenBLAS starts
  }
  benchmark::AddCustomContext("threads", std::to_string(ganlite::num_threads()));
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
