// BM_Sgemm/<M>/<K>/<N>/<ta><tb>/<impl>: each DCGAN GEMM shape with ganlite's kernels, Eigen and
// OpenBLAS (when found), all with the same thread count. Counter GFLOPS = 2MNK / time.
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <ganlite/ganlite.hpp>
#include <set>
#include <string>
#include <vector>

#include "dcgan_shapes.hpp"
#ifdef GANLITE_HAVE_OPENBLAS
#include <cblas.h>
#endif

using namespace ganlite;

namespace {

struct Operands {
  std::vector<float> a, b, c;
  explicit Operands(const bench::GemmShape& s)
      : a(static_cast<size_t>(s.M) * s.K), b(static_cast<size_t>(s.K) * s.N), c(static_cast<size_t>(s.M) * s.N) {
    Rng rng(1);
    // Uniform, not normal: the timing does not depend on the values, and the 40M-float operands
    // are filled in a tenth of the time.
    for (auto& v : a) v = static_cast<float>(rng.uniform(-1.0, 1.0));
    for (auto& v : b) v = static_cast<float>(rng.uniform(-1.0, 1.0));
  }
};

void set_counters(benchmark::State& st, const bench::GemmShape& s) {
  st.counters["GFLOPS"] =
      benchmark::Counter(2.0 * s.M * s.N * s.K, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

int lda_of(const bench::GemmShape& s) { return s.ta == Trans::N ? s.K : s.M; }
int ldb_of(const bench::GemmShape& s) { return s.tb == Trans::N ? s.N : s.K; }

void run_ganlite(benchmark::State& st, bench::GemmShape s, GemmKernel k) {
  Operands o(s);
  set_gemm_kernel(k);
  for (auto _ : st) {
    gemm(s.ta, s.tb, s.M, s.N, s.K, o.a.data(), lda_of(s), o.b.data(), ldb_of(s), 0.0f, o.c.data(), s.N);
    benchmark::DoNotOptimize(o.c.data());
  }
  set_gemm_kernel(GemmKernel::Auto);
  set_counters(st, s);
}

void run_eigen(benchmark::State& st, bench::GemmShape s) {
  Operands o(s);
  using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<const RowMat> A(o.a.data(), s.ta == Trans::N ? s.M : s.K, s.ta == Trans::N ? s.K : s.M);
  Eigen::Map<const RowMat> B(o.b.data(), s.tb == Trans::N ? s.K : s.N, s.tb == Trans::N ? s.N : s.K);
  Eigen::Map<RowMat> C(o.c.data(), s.M, s.N);
  Eigen::setNbThreads(num_threads());
  for (auto _ : st) {
    if (s.ta == Trans::N && s.tb == Trans::N) C.noalias() = A * B;
    if (s.ta == Trans::N && s.tb == Trans::T) C.noalias() = A * B.transpose();
    if (s.ta == Trans::T && s.tb == Trans::N) C.noalias() = A.transpose() * B;
    if (s.ta == Trans::T && s.tb == Trans::T) C.noalias() = A.transpose() * B.transpose();
    benchmark::DoNotOptimize(o.c.data());
  }
  set_counters(st, s);
}

#ifdef GANLITE_HAVE_OPENBLAS
void run_openblas(benchmark::State& st, bench::GemmShape s) {
  Operands o(s);
  for (auto _ : st) {
    cblas_sgemm(CblasRowMajor, s.ta == Trans::N ? CblasNoTrans : CblasTrans, s.tb == Trans::N ? CblasNoTrans : CblasTrans,
                s.M, s.N, s.K, 1.0f, o.a.data(), lda_of(s), o.b.data(), ldb_of(s), 0.0f, o.c.data(), s.N);
    benchmark::DoNotOptimize(o.c.data());
  }
  set_counters(st, s);
}
#endif

const bool registered = [] {
  const GemmKernel best = kernels::detect_gemm_kernel();
  std::set<std::string> seen;  // G and D share shapes: each distinct product is measured once
  for (const auto& s : bench::kDcganGemms) {
    const std::string base = "BM_Sgemm/" + std::to_string(s.M) + "/" + std::to_string(s.K) + "/" + std::to_string(s.N) + "/" +
                             (s.ta == Trans::N ? "N" : "T") + (s.tb == Trans::N ? "N" : "T") + "/";
    if (!seen.insert(base).second) continue;
    auto reg = [](const std::string& name, auto fn) {
      benchmark::RegisterBenchmark(name.c_str(), fn)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(0.3);
    };
    if (best == GemmKernel::Avx512) reg(base + "ganlite_avx512", [s](benchmark::State& st) { run_ganlite(st, s, GemmKernel::Avx512); });
    if (best != GemmKernel::Portable) reg(base + "ganlite_avx2", [s](benchmark::State& st) { run_ganlite(st, s, GemmKernel::Avx2); });
    reg(base + "ganlite_portable", [s](benchmark::State& st) { run_ganlite(st, s, GemmKernel::Portable); });
    reg(base + "eigen", [s](benchmark::State& st) { run_eigen(st, s); });
#ifdef GANLITE_HAVE_OPENBLAS
    reg(base + "openblas", [s](benchmark::State& st) { run_openblas(st, s); });
#endif
  }
  return true;
}();

}  // namespace
