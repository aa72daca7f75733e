// ganlite/kernels/parallel.hpp — the thread-count setting shared by every kernel.
//
// ganlite uses OpenMP when the consumer compiles with it (the CMake target adds it) and runs
// single-threaded otherwise. Results depend on the thread count only through the per-thread
// partial sums of reductions (BatchNorm statistics, bias gradients); the GEMM's summation order
// does not depend on it.
#pragma once
#ifdef _OPENMP
#include <omp.h>
#endif

namespace ganlite {

inline int num_threads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

// n <= 0 keeps OpenMP's default (OMP_NUM_THREADS or the number of cores).
inline void set_num_threads(int n) {
#ifdef _OPENMP
  if (n > 0) omp_set_num_threads(n);
#else
  (void)n;
#endif
}

// Threads in the current parallel region (1 outside one).
inline int num_team_threads() {
#ifdef _OPENMP
  return omp_get_num_threads();
#else
  return 1;
#endif
}

inline int thread_id() {
#ifdef _OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}

}  // namespace ganlite
