// BM_FmaPeak/<avx512|avx2>: the machine's measured peak — every thread (--threads) runs
// independent fused multiply-adds on 12 registers, nothing else; GFLOPS = 2 * lanes * FMAs / time.
// docs/performance.md quotes the GEMMs and the step as a share of this figure, measured in the
// same run (on a shared VM it moves: a busy neighbour on the core's sibling hyperthread halves it).
#include <benchmark/benchmark.h>

#include <ganlite/ganlite.hpp>

#ifdef GANLITE_X86
namespace {

constexpr long kIters = 20'000'000;  // per thread, 12 FMAs each

#define GANLITE_12(op) op(0) op(1) op(2) op(3) op(4) op(5) op(6) op(7) op(8) op(9) op(10) op(11)
#define GANLITE_ZERO512(n) "vpxord %%zmm" #n ", %%zmm" #n ", %%zmm" #n "\n\t"
#define GANLITE_FMA512(n) "vfmadd231ps %%zmm12, %%zmm13, %%zmm" #n "\n\t"
#define GANLITE_ZERO256(n) "vpxor %%ymm" #n ", %%ymm" #n ", %%ymm" #n "\n\t"
#define GANLITE_FMA256(n) "vfmadd231ps %%ymm12, %%ymm13, %%ymm" #n "\n\t"
#define GANLITE_CLOBBERS "rcx", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", \
                         "xmm10", "xmm11", "xmm12", "xmm13"

// All registers start at zero (uninitialised ones could hold denormals, whose micro-code
// assists make FMAs a hundred times slower), and the whole loop is one asm block.
#define GANLITE_FMA_LOOP(name, isa, ZERO, FMA)                                                      \
  __attribute__((target(isa))) void name() {                                                         \
    asm volatile(GANLITE_12(ZERO) ZERO(12) ZERO(13) "mov %0, %%rcx\n\t"                              \
                 "1:\n\t" GANLITE_12(FMA) "dec %%rcx\n\t"                                           \
                 "jnz 1b\n\t" ::"r"(kIters)                                                            \
                 : GANLITE_CLOBBERS);                                                                 \
  }
GANLITE_FMA_LOOP(fma_loop_avx512, "avx512f", GANLITE_ZERO512, GANLITE_FMA512)
GANLITE_FMA_LOOP(fma_loop_avx2, "avx2,fma", GANLITE_ZERO256, GANLITE_FMA256)

void BM_FmaPeak(benchmark::State& st, void (*loop)(), int lanes) {
  const int threads = ganlite::num_threads();
  for (auto _ : st) {
#pragma omp parallel num_threads(threads)
    loop();
  }
  st.counters["GFLOPS"] = benchmark::Counter(2.0 * lanes * 12 * kIters * threads, benchmark::Counter::kIsIterationInvariantRate,
                                             benchmark::Counter::kIs1000);
}

const bool registered = [] {
  const ganlite::GemmKernel best = ganlite::kernels::detect_gemm_kernel();
  if (best == ganlite::GemmKernel::Avx512)
    benchmark::RegisterBenchmark("BM_FmaPeak/avx512", BM_FmaPeak, fma_loop_avx512, 16)->UseRealTime()->Unit(benchmark::kMillisecond);
  if (best == ganlite::GemmKernel::Avx512 || best == ganlite::GemmKernel::Avx2)
    benchmark::RegisterBenchmark("BM_FmaPeak/avx2", BM_FmaPeak, fma_loop_avx2, 8)->UseRealTime()->Unit(benchmark::kMillisecond);
  return true;
}();

}  // namespace
#endif
